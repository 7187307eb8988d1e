// json_report.cc - JSON serialisation with nlohmann::ordered_json.
#include "src/report/json_report.h"

#include <nlohmann/json.hpp>

#include "parsers/microsoft/auth_results.h"
#include "parsers/microsoft/ms_headers.h"
#include "parsers/rfc2047/encoded_word.h"
#include "parsers/rfc5322/date.h"

namespace ndrscan::report {
namespace {

using Json = nlohmann::ordered_json;

/// str - a string or null; always valid UTF-8 (input bytes may not be).
Json str(const std::string& s) {
  if (s.empty()) return nullptr;
  return rfc2047::sanitize_utf8(s);
}

Json fields_json(const std::vector<std::pair<std::string, std::string>>& fields) {
  Json arr = Json::array();
  for (const auto& [name, value] : fields) arr.push_back(Json::array({str(name), str(value)}));
  return arr;
}

Json decoded_json(const std::vector<microsoft::DecodedValue>& v) {
  Json arr = Json::array();
  for (const auto& d : v) arr.push_back(Json{{"key", str(d.key)}, {"value", str(d.value)}, {"meaning", str(d.meaning)}});
  return arr;
}

Json opt_int(const std::optional<int>& v) { return v ? Json(*v) : Json(nullptr); }

Json strings_json(const std::vector<std::string>& v) {
  Json arr = Json::array();
  for (const auto& s : v) arr.push_back(rfc2047::sanitize_utf8(s));
  return arr;
}

Json pairs_json(const std::vector<std::pair<std::string, std::string>>& v) {
  Json arr = Json::array();
  for (const auto& [k, val] : v) arr.push_back(Json::array({str(k), str(val)}));
  return arr;
}

Json microsoft_json(const std::shared_ptr<microsoft::MsHeaders>& p) {
  if (!p) return nullptr;
  const auto& m = *p;
  Json j;
  j["auth_as"] = str(m.auth_as);
  j["auth_source"] = str(m.auth_source);
  j["auth_mechanism"] = str(m.auth_mechanism);
  j["scl"] = opt_int(m.scl);
  j["bcl"] = opt_int(m.bcl);
  j["pcl"] = opt_int(m.pcl);
  j["forefront"] = decoded_json(m.forefront);
  j["antispam"] = decoded_json(m.antispam);
  j["mailbox_delivery"] = decoded_json(m.mailbox_delivery);
  j["cross_tenant"] = Json{{"id", str(m.cross_tenant_id)},
                           {"auth_as", str(m.cross_tenant_auth_as)},
                           {"auth_source", str(m.cross_tenant_auth_source)},
                           {"from_entity", str(m.cross_tenant_from_entity)},
                           {"network_message_id", str(m.cross_tenant_network_message_id)},
                           {"original_arrival_time", str(m.cross_tenant_original_arrival_time)}};
  j["network_message_id"] = str(m.network_message_id);
  j["is_ndr"] = m.is_ndr;
  j["notes"] = strings_json(m.notes);
  return j;
}

Json auth_json(const std::shared_ptr<microsoft::AuthFindings>& p) {
  if (!p) return nullptr;
  const auto& a = *p;
  Json j;
  j["used"] = str(a.used);
  j["offset"] = a.offset >= 0 ? Json(a.offset) : Json(nullptr);
  if (a.results) {
    const auto& r = *a.results;
    j["authserv_id"] = str(r.authserv_id);
    j["spf"] = str(r.spf);
    j["dkim"] = str(r.dkim);
    j["dmarc"] = str(r.dmarc);
    j["dmarc_action"] = str(r.dmarc_action);
    j["compauth"] = str(r.compauth);
    j["compauth_reason"] = str(r.compauth_reason);
    j["compauth_reason_meaning"] = str(r.compauth_reason_meaning);
    j["spf_client_ip"] = str(r.spf_client_ip);
    j["from_original"] = r.from_original;
    Json methods = Json::array();
    for (const auto& m : r.methods)
      methods.push_back(Json{{"method", str(m.method)},
                             {"result", str(m.result)},
                             {"reason", str(m.reason)},
                             {"properties", pairs_json(m.properties)},
                             {"comment", str(m.comment)}});
    j["methods"] = std::move(methods);
  } else {
    for (const char* k : {"authserv_id", "spf", "dkim", "dmarc", "dmarc_action", "compauth", "compauth_reason",
                          "compauth_reason_meaning", "spf_client_ip"})
      j[k] = nullptr;
    j["from_original"] = false;
    j["methods"] = Json::array();
  }
  if (a.received_spf) {
    const auto& r = *a.received_spf;
    j["received_spf"] = Json{{"result", str(r.result)},         {"client_ip", str(r.client_ip)},
                             {"helo", str(r.helo)},             {"envelope_from", str(r.envelope_from)},
                             {"receiver", str(r.receiver)},     {"mechanism", str(r.mechanism)},
                             {"comment", str(r.comment)}};
  } else {
    j["received_spf"] = nullptr;
  }
  j["notes"] = strings_json(a.notes);
  return j;
}

Json network_json(const std::optional<NetworkInfo>& n) {
  if (!n) return nullptr;
  Json j;
  j["class"] = n->net_class;
  j["provider"] = str(n->provider);
  j["provider_name"] = str(n->provider_name);
  j["confidence"] = n->confidence;
  Json ev = Json::array();
  for (const auto& e : n->evidence) ev.push_back(rfc2047::sanitize_utf8(e));
  j["evidence"] = std::move(ev);
  j["asn"] = n->asn ? Json(n->asn) : Json(nullptr);
  j["as_name"] = str(n->as_name);
  j["country"] = str(n->country);
  return j;
}

Json hop_json(const Hop& h) {
  Json j;
  j["index"] = h.index;
  j["from_host"] = str(h.from_host);
  j["from_rdns"] = str(h.from_rdns);
  j["from_ip"] = str(h.from_ip);
  j["by_host"] = str(h.by_host);
  j["by_ip"] = str(h.by_ip);
  j["protocol"] = str(h.protocol);
  if (h.tls) {
    j["tls"] = Json{{"version", str(h.tls->version)}, {"cipher", str(h.tls->cipher)}, {"evidence", str(h.tls->evidence)}};
  } else {
    j["tls"] = nullptr;
  }
  j["id"] = str(h.id);
  j["for"] = str(h.for_addr);
  j["via"] = str(h.via);
  j["exchange_version"] = str(h.exchange_version);
  j["envelope_from"] = str(h.envelope_from);
  j["time"] = h.time ? Json(rfc5322::format_iso8601_utc(*h.time)) : Json(nullptr);
  j["time_zone_known"] = h.time ? Json(h.time_zone_known) : Json(nullptr);
  j["delay_s"] = h.delay_s ? Json(*h.delay_s) : Json(nullptr);
  j["clock_skew"] = h.clock_skew;
  j["partial"] = h.partial;
  j["offset"] = h.offset >= 0 ? Json(h.offset) : Json(nullptr);
  j["raw"] = str(h.raw);
  j["network"] = Json{{"from", network_json(h.from_network)}, {"by", network_json(h.by_network)}};
  return j;
}

Json hops_json(const std::vector<Hop>& hops) {
  Json arr = Json::array();
  for (const auto& h : hops) arr.push_back(hop_json(h));
  return arr;
}

Json recipient_json(const Recipient& r) {
  Json j;
  j["address"] = str(r.address);
  j["original_recipient"] = str(r.original_recipient);
  j["action"] = str(r.action);
  j["status"] = str(r.status);
  j["status_inferred"] = r.status_inferred;
  j["status_text"] = str(r.status_text);
  j["dsn_status"] = str(r.dsn_status);
  j["reply_code"] = str(r.reply_code);
  j["diagnostic"] = str(r.diagnostic);
  j["diagnostic_type"] = str(r.diagnostic_type);
  j["remote_mta"] = str(r.remote_mta);
  j["command"] = str(r.command);
  j["reason"] = str(r.reason);
  j["hard"] = r.hard ? Json(*r.hard) : Json(nullptr);
  j["reason_evidence"] = str(r.reason_evidence);
  j["cause"] = str(r.cause);  // top cause id (src/catalogue)
  j["last_attempt_date"] = str(r.last_attempt_date);
  j["will_retry_until"] = str(r.will_retry_until);
  j["fields"] = fields_json(r.fields);
  return j;
}

}  // namespace

std::string to_json(const Analysis& a, int indent) {
  Json j;
  j["schema_version"] = kJsonSchemaVersion;
  j["source"] = str(a.source);
  j["source_offset"] = a.source_offset;
  j["input_kind"] = str(a.input_kind);
  j["kind"] = str(a.kind);
  j["feedback_type"] = str(a.feedback_type);
  j["forwarded"] = a.forwarded;
  j["message_id"] = str(a.message_id);
  j["from"] = str(a.from);
  j["to"] = str(a.to);
  j["subject"] = str(a.subject);
  j["date"] = str(a.date);
  j["content_type"] = str(a.content_type);
  j["is_report"] = a.is_report;
  j["dialect"] = str(a.dialect);
  j["reporting_mta"] = str(a.reporting_mta);
  j["generating_server"] = str(a.generating_server);
  if (a.dsn) {
    Json d;
    d["reporting_mta"] = str(a.dsn->reporting_mta);
    d["received_from_mta"] = str(a.dsn->received_from_mta);
    d["arrival_date"] = str(a.dsn->arrival_date);
    d["original_envelope_id"] = str(a.dsn->original_envelope_id);
    d["fields"] = fields_json(a.dsn->fields);
    j["dsn"] = std::move(d);
  } else {
    j["dsn"] = nullptr;
  }
  Json rcpts = Json::array();
  for (const auto& r : a.recipients) rcpts.push_back(recipient_json(r));
  j["recipients"] = std::move(rcpts);
  j["hops"] = hops_json(a.hops);
  if (a.original) {
    Json o;
    o["message_id"] = str(a.original->message_id);
    o["from"] = str(a.original->from);
    o["to"] = str(a.original->to);
    o["subject"] = str(a.original->subject);
    o["date"] = str(a.original->date);
    o["headers_only"] = a.original->headers_only;
    o["hops"] = hops_json(a.original->hops);
    o["microsoft"] = microsoft_json(a.original->microsoft);
    o["authentication"] = auth_json(a.original->authentication);
    j["original"] = std::move(o);
  } else {
    j["original"] = nullptr;
  }
  j["microsoft"] = microsoft_json(a.microsoft);
  j["authentication"] = auth_json(a.authentication);
  j["route"] = Json{{"bounce", str(a.route)}, {"original", str(a.original_route)}};
  if (a.rejected_by) {
    const RejectedBy& r = *a.rejected_by;
    j["rejected_by"] = Json{{"host", str(r.host)},
                            {"ip", str(r.ip)},
                            {"source", str(r.source)},
                            {"class", r.network.net_class},
                            {"provider", str(r.network.provider)},
                            {"hop", r.hop ? Json(r.hop) : Json(nullptr)},
                            {"chain", str(r.chain)},
                            {"network", network_json(r.network)}};
  } else {
    j["rejected_by"] = nullptr;
  }
  // Likely causes from the cause catalogue (src/catalogue, docs/catalogue.md).
  Json causes = Json::array();
  for (const auto& c : a.causes) {
    Json steps = Json::array();
    for (const auto& s : c.steps)
      steps.push_back(Json{{"text", rfc2047::sanitize_utf8(s.text)}, {"shell", str(s.shell)}, {"command", str(s.command)}});
    causes.push_back(Json{{"id", c.id},
                          {"title", rfc2047::sanitize_utf8(c.title)},
                          {"reason", str(c.reason)},
                          {"rank", c.rank},
                          {"score", c.score},
                          {"evidence", strings_json(c.evidence)},
                          {"steps", std::move(steps)},
                          {"refs", strings_json(c.refs)},
                          {"recipients", strings_json(c.recipients)}});
  }
  j["causes"] = std::move(causes);
  Json findings = Json::array();
  for (const auto& f : a.findings)
    findings.push_back(Json{{"id", f.id},
                            {"severity", f.severity},
                            {"chain", f.chain},
                            {"hops", f.hops},
                            {"message", rfc2047::sanitize_utf8(f.message)}});
  j["findings"] = std::move(findings);
  Json diags = Json::array();
  for (const auto& d : a.diagnostics) {
    diags.push_back(Json{{"severity", d.severity == Severity::kCrit ? "crit" : "warn"},
                         {"code", d.code},
                         {"offset", d.offset >= 0 ? Json(d.offset) : Json(nullptr)},
                         {"message", rfc2047::sanitize_utf8(d.message)}});
  }
  j["diagnostics"] = std::move(diags);
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

std::string recipient_to_json(const Recipient& r) {
  return recipient_json(r).dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace ndrscan::report
