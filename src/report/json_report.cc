// json_report.cc - JSON serialisation through the streaming util::JsonWriter.
//
// The output is byte for byte what nlohmann::ordered_json gave when this
// file built a DOM (the goldens in corpus/ pin it): members in the order
// written here, strings sanitised to UTF-8 where marked, absent values null.
// Writing straight into the output string avoids one heap node per value,
// which was half of `ndrscan scan`'s time.
#include "src/report/json_report.h"

#include <charconv>

#include "parsers/microsoft/auth_results.h"
#include "parsers/microsoft/ms_headers.h"
#include "parsers/rfc2047/encoded_word.h"
#include "parsers/rfc5322/date.h"
#include "src/util/json_writer.h"

namespace ndrscan::report {
namespace {

using util::JsonWriter;

/// text - a string, always valid UTF-8 (input bytes may not be): invalid
/// sequences become U+FFFD (rfc2047::sanitize_utf8), only when present.
void text(JsonWriter& w, const std::string& s) {
  if (!w.try_value_string(s)) w.value_string(rfc2047::sanitize_utf8(s));
}

/// str - as text(), but null for the empty string.
void str(JsonWriter& w, const std::string& s) {
  if (s.empty()) w.value_null();
  else text(w, s);
}

/// str_member - "key": str(s); a string with nothing to escape (most are)
/// is written with its key in one go.
void str_member(JsonWriter& w, std::string_view key, const std::string& s) {
  if (s.empty()) {
    w.member_raw(key, "null");
  } else if (util::json_plain(s)) {
    w.member_raw(key, s, true);
  } else {
    w.key(key);
    text(w, s);
  }
}

void int_member(JsonWriter& w, std::string_view key, std::int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  w.member_raw(key, std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
}

void bool_member(JsonWriter& w, std::string_view key, bool v) { w.member_raw(key, v ? "true" : "false"); }

/// offset_member - a byte offset, null when unknown (< 0).
void offset_member(JsonWriter& w, std::string_view key, std::int64_t v) {
  if (v >= 0) int_member(w, key, v);
  else w.member_raw(key, "null");
}

/// pairs - [[name, value], ...] with null for empty strings.
void pairs(JsonWriter& w, const std::vector<std::pair<std::string, std::string>>& v) {
  w.begin_array();
  for (const auto& [k, val] : v) {
    w.begin_array();
    str(w, k);
    str(w, val);
    w.end_array();
  }
  w.end_array();
}

void decoded(JsonWriter& w, const std::vector<microsoft::DecodedValue>& v) {
  w.begin_array();
  for (const auto& d : v) {
    w.begin_object();
    str_member(w, "key", d.key);
    str_member(w, "value", d.value);
    str_member(w, "meaning", d.meaning);
    w.end_object();
  }
  w.end_array();
}

void opt_int_member(JsonWriter& w, std::string_view key, const std::optional<int>& v) {
  w.key(key);
  if (v) w.value_int(*v);
  else w.value_null();
}

/// strings - an array of sanitised strings ("" stays "").
void strings(JsonWriter& w, const std::vector<std::string>& v) {
  w.begin_array();
  for (const auto& s : v) text(w, s);
  w.end_array();
}

void microsoft_json(JsonWriter& w, const std::shared_ptr<microsoft::MsHeaders>& p) {
  if (!p) {
    w.value_null();
    return;
  }
  const auto& m = *p;
  w.begin_object();
  str_member(w, "auth_as", m.auth_as);
  str_member(w, "auth_source", m.auth_source);
  str_member(w, "auth_mechanism", m.auth_mechanism);
  opt_int_member(w, "scl", m.scl);
  opt_int_member(w, "bcl", m.bcl);
  opt_int_member(w, "pcl", m.pcl);
  w.key("forefront");
  decoded(w, m.forefront);
  w.key("antispam");
  decoded(w, m.antispam);
  w.key("mailbox_delivery");
  decoded(w, m.mailbox_delivery);
  w.key("cross_tenant");
  w.begin_object();
  str_member(w, "id", m.cross_tenant_id);
  str_member(w, "auth_as", m.cross_tenant_auth_as);
  str_member(w, "auth_source", m.cross_tenant_auth_source);
  str_member(w, "from_entity", m.cross_tenant_from_entity);
  str_member(w, "network_message_id", m.cross_tenant_network_message_id);
  str_member(w, "original_arrival_time", m.cross_tenant_original_arrival_time);
  w.end_object();
  str_member(w, "network_message_id", m.network_message_id);
  bool_member(w, "is_ndr", m.is_ndr);
  w.key("notes");
  strings(w, m.notes);
  w.end_object();
}

void auth_json(JsonWriter& w, const std::shared_ptr<microsoft::AuthFindings>& p) {
  if (!p) {
    w.value_null();
    return;
  }
  const auto& a = *p;
  w.begin_object();
  str_member(w, "used", a.used);
  offset_member(w, "offset", a.offset);
  if (a.results) {
    const auto& r = *a.results;
    str_member(w, "authserv_id", r.authserv_id);
    str_member(w, "spf", r.spf);
    str_member(w, "dkim", r.dkim);
    str_member(w, "dmarc", r.dmarc);
    str_member(w, "dmarc_action", r.dmarc_action);
    str_member(w, "compauth", r.compauth);
    str_member(w, "compauth_reason", r.compauth_reason);
    str_member(w, "compauth_reason_meaning", r.compauth_reason_meaning);
    str_member(w, "spf_client_ip", r.spf_client_ip);
    bool_member(w, "from_original", r.from_original);
    w.key("methods");
    w.begin_array();
    for (const auto& m : r.methods) {
      w.begin_object();
      str_member(w, "method", m.method);
      str_member(w, "result", m.result);
      str_member(w, "reason", m.reason);
      w.key("properties");
      pairs(w, m.properties);
      str_member(w, "comment", m.comment);
      w.end_object();
    }
    w.end_array();
  } else {
    for (const char* k : {"authserv_id", "spf", "dkim", "dmarc", "dmarc_action", "compauth", "compauth_reason",
                          "compauth_reason_meaning", "spf_client_ip"}) {
      w.key(k);
      w.value_null();
    }
    bool_member(w, "from_original", false);
    w.key("methods");
    w.begin_array();
    w.end_array();
  }
  w.key("received_spf");
  if (a.received_spf) {
    const auto& r = *a.received_spf;
    w.begin_object();
    str_member(w, "result", r.result);
    str_member(w, "client_ip", r.client_ip);
    str_member(w, "helo", r.helo);
    str_member(w, "envelope_from", r.envelope_from);
    str_member(w, "receiver", r.receiver);
    str_member(w, "mechanism", r.mechanism);
    str_member(w, "comment", r.comment);
    w.end_object();
  } else {
    w.value_null();
  }
  w.key("notes");
  strings(w, a.notes);
  w.end_object();
}

void network_json(JsonWriter& w, const NetworkInfo& n) {
  w.begin_object();
  w.key("class");
  w.value_string(n.net_class);
  str_member(w, "provider", n.provider);
  str_member(w, "provider_name", n.provider_name);
  int_member(w, "confidence", n.confidence);
  w.key("evidence");
  strings(w, n.evidence);
  w.key("asn");
  if (n.asn) w.value_uint(n.asn);
  else w.value_null();
  str_member(w, "as_name", n.as_name);
  str_member(w, "country", n.country);
  w.end_object();
}

void network_json(JsonWriter& w, const std::optional<NetworkInfo>& n) {
  if (n) network_json(w, *n);
  else w.value_null();
}

void hop_json(JsonWriter& w, const Hop& h) {
  w.begin_object();
  int_member(w, "index", h.index);
  str_member(w, "from_host", h.from_host);
  str_member(w, "from_rdns", h.from_rdns);
  str_member(w, "from_ip", h.from_ip);
  str_member(w, "by_host", h.by_host);
  str_member(w, "by_ip", h.by_ip);
  str_member(w, "protocol", h.protocol);
  w.key("tls");
  if (h.tls) {
    w.begin_object();
    str_member(w, "version", h.tls->version);
    str_member(w, "cipher", h.tls->cipher);
    str_member(w, "evidence", h.tls->evidence);
    w.end_object();
  } else {
    w.value_null();
  }
  str_member(w, "id", h.id);
  str_member(w, "for", h.for_addr);
  str_member(w, "via", h.via);
  str_member(w, "exchange_version", h.exchange_version);
  str_member(w, "envelope_from", h.envelope_from);
  w.key("time");
  if (h.time) w.value_string(rfc5322::format_iso8601_utc(*h.time));
  else w.value_null();
  w.key("time_zone_known");
  if (h.time) w.value_bool(h.time_zone_known);
  else w.value_null();
  w.key("delay_s");
  if (h.delay_s) w.value_int(*h.delay_s);
  else w.value_null();
  bool_member(w, "clock_skew", h.clock_skew);
  bool_member(w, "partial", h.partial);
  offset_member(w, "offset", h.offset);
  str_member(w, "raw", h.raw);
  w.key("network");
  w.begin_object();
  w.key("from");
  network_json(w, h.from_network);
  w.key("by");
  network_json(w, h.by_network);
  w.end_object();
  w.end_object();
}

void hops_json(JsonWriter& w, const std::vector<Hop>& hops) {
  w.begin_array();
  for (const auto& h : hops) hop_json(w, h);
  w.end_array();
}

void recipient_json(JsonWriter& w, const Recipient& r) {
  w.begin_object();
  str_member(w, "address", r.address);
  str_member(w, "original_recipient", r.original_recipient);
  str_member(w, "action", r.action);
  str_member(w, "status", r.status);
  bool_member(w, "status_inferred", r.status_inferred);
  str_member(w, "status_text", r.status_text);
  str_member(w, "dsn_status", r.dsn_status);
  str_member(w, "reply_code", r.reply_code);
  str_member(w, "diagnostic", r.diagnostic);
  str_member(w, "diagnostic_type", r.diagnostic_type);
  str_member(w, "remote_mta", r.remote_mta);
  str_member(w, "command", r.command);
  str_member(w, "reason", r.reason);
  w.key("hard");
  if (r.hard) w.value_bool(*r.hard);
  else w.value_null();
  str_member(w, "reason_evidence", r.reason_evidence);
  str_member(w, "cause", r.cause);  // top cause id (src/catalogue)
  str_member(w, "last_attempt_date", r.last_attempt_date);
  str_member(w, "will_retry_until", r.will_retry_until);
  w.key("fields");
  pairs(w, r.fields);
  w.end_object();
}

}  // namespace

void append_json(const Analysis& a, std::string* out, int indent) {
  JsonWriter w(out, indent);
  w.begin_object();
  int_member(w, "schema_version", kJsonSchemaVersion);
  str_member(w, "source", a.source);
  int_member(w, "source_offset", a.source_offset);
  str_member(w, "input_kind", a.input_kind);
  str_member(w, "kind", a.kind);
  str_member(w, "feedback_type", a.feedback_type);
  bool_member(w, "forwarded", a.forwarded);
  str_member(w, "message_id", a.message_id);
  str_member(w, "from", a.from);
  str_member(w, "to", a.to);
  str_member(w, "subject", a.subject);
  str_member(w, "date", a.date);
  str_member(w, "content_type", a.content_type);
  bool_member(w, "is_report", a.is_report);
  str_member(w, "dialect", a.dialect);
  str_member(w, "reporting_mta", a.reporting_mta);
  str_member(w, "generating_server", a.generating_server);
  w.key("dsn");
  if (a.dsn) {
    w.begin_object();
    str_member(w, "reporting_mta", a.dsn->reporting_mta);
    str_member(w, "received_from_mta", a.dsn->received_from_mta);
    str_member(w, "arrival_date", a.dsn->arrival_date);
    str_member(w, "original_envelope_id", a.dsn->original_envelope_id);
    w.key("fields");
    pairs(w, a.dsn->fields);
    w.end_object();
  } else {
    w.value_null();
  }
  w.key("recipients");
  w.begin_array();
  for (const auto& r : a.recipients) recipient_json(w, r);
  w.end_array();
  w.key("hops");
  hops_json(w, a.hops);
  w.key("original");
  if (a.original) {
    w.begin_object();
    str_member(w, "message_id", a.original->message_id);
    str_member(w, "from", a.original->from);
    str_member(w, "to", a.original->to);
    str_member(w, "subject", a.original->subject);
    str_member(w, "date", a.original->date);
    bool_member(w, "headers_only", a.original->headers_only);
    w.key("hops");
    hops_json(w, a.original->hops);
    w.key("microsoft");
    microsoft_json(w, a.original->microsoft);
    w.key("authentication");
    auth_json(w, a.original->authentication);
    w.end_object();
  } else {
    w.value_null();
  }
  w.key("microsoft");
  microsoft_json(w, a.microsoft);
  w.key("authentication");
  auth_json(w, a.authentication);
  w.key("route");
  w.begin_object();
  str_member(w, "bounce", a.route);
  str_member(w, "original", a.original_route);
  w.end_object();
  w.key("rejected_by");
  if (a.rejected_by) {
    const RejectedBy& r = *a.rejected_by;
    w.begin_object();
    str_member(w, "host", r.host);
    str_member(w, "ip", r.ip);
    str_member(w, "source", r.source);
    w.key("class");
    w.value_string(r.network.net_class);
    str_member(w, "provider", r.network.provider);
    w.key("hop");
    if (r.hop) w.value_int(r.hop);
    else w.value_null();
    str_member(w, "chain", r.chain);
    w.key("network");
    network_json(w, r.network);
    w.end_object();
  } else {
    w.value_null();
  }
  // Likely causes from the cause catalogue (src/catalogue, docs/catalogue.md).
  w.key("causes");
  w.begin_array();
  for (const auto& c : a.causes) {
    w.begin_object();
    w.key("id");
    w.value_string(c.id);
    w.key("title");
    text(w, c.title);
    str_member(w, "reason", c.reason);
    int_member(w, "rank", c.rank);
    int_member(w, "score", c.score);
    w.key("evidence");
    strings(w, c.evidence);
    w.key("steps");
    w.begin_array();
    for (const auto& s : c.steps) {
      w.begin_object();
      w.key("text");
      text(w, s.text);
      str_member(w, "shell", s.shell);
      str_member(w, "command", s.command);
      w.end_object();
    }
    w.end_array();
    w.key("refs");
    strings(w, c.refs);
    w.key("recipients");
    strings(w, c.recipients);
    w.end_object();
  }
  w.end_array();
  w.key("findings");
  w.begin_array();
  for (const auto& f : a.findings) {
    w.begin_object();
    w.key("id");
    w.value_string(f.id);
    w.key("severity");
    w.value_string(f.severity);
    w.key("chain");
    w.value_string(f.chain);
    w.key("hops");
    w.begin_array();
    for (int h : f.hops) w.value_int(h);
    w.end_array();
    w.key("message");
    text(w, f.message);
    w.end_object();
  }
  w.end_array();
  w.key("diagnostics");
  w.begin_array();
  for (const auto& d : a.diagnostics) {
    w.begin_object();
    w.key("severity");
    w.value_string(d.severity == Severity::kCrit ? "crit" : "warn");
    w.key("code");
    w.value_string(d.code);
    offset_member(w, "offset", d.offset);
    w.key("message");
    text(w, d.message);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

std::string to_json(const Analysis& a, int indent) {
  std::string out;
  out.reserve(8192);
  append_json(a, &out, indent);
  return out;
}

void append_recipient_json(const Recipient& r, std::string* out) {
  JsonWriter w(out);
  recipient_json(w, r);
}

void append_jsonl_records(const Analysis& a, std::string_view file, std::uint64_t offset, std::string* out) {
  std::size_t message_at = std::string::npos, message_len = 0;
  for (std::size_t i = 0; i < a.recipients.size(); ++i) {
    const Recipient& r = a.recipients[i];
    if (r.action != "failed" && r.action != "delayed") continue;
    *out += R"({"file":)";
    util::append_json_string(out, file);
    *out += R"(,"offset":)";
    *out += std::to_string(offset);
    *out += R"(,"recipient_index":)";
    *out += std::to_string(i);
    *out += R"(,"recipient":)";
    append_recipient_json(r, out);
    *out += R"(,"message":)";
    if (message_at == std::string::npos) {
      message_at = out->size();
      append_json(a, out);
      message_len = out->size() - message_at;
    } else {
      out->append(*out, message_at, message_len);
    }
    *out += "}\n";
  }
}

std::string recipient_to_json(const Recipient& r) {
  std::string out;
  append_recipient_json(r, &out);
  return out;
}

}  // namespace ndrscan::report
