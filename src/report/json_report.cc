// json_report.cc - JSON serialisation with nlohmann::ordered_json.
#include "src/report/json_report.h"

#include <nlohmann/json.hpp>

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
  j["envelope_from"] = str(h.envelope_from);
  j["time"] = h.time ? Json(rfc5322::format_iso8601_utc(*h.time)) : Json(nullptr);
  j["time_zone_known"] = h.time ? Json(h.time_zone_known) : Json(nullptr);
  j["delay_s"] = h.delay_s ? Json(*h.delay_s) : Json(nullptr);
  j["clock_skew"] = h.clock_skew;
  j["partial"] = h.partial;
  j["offset"] = h.offset >= 0 ? Json(h.offset) : Json(nullptr);
  j["raw"] = str(h.raw);
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
  j["status_text"] = str(r.status_text);
  j["dsn_status"] = str(r.dsn_status);
  j["reply_code"] = str(r.reply_code);
  j["diagnostic"] = str(r.diagnostic);
  j["diagnostic_type"] = str(r.diagnostic_type);
  j["remote_mta"] = str(r.remote_mta);
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
  j["message_id"] = str(a.message_id);
  j["from"] = str(a.from);
  j["to"] = str(a.to);
  j["subject"] = str(a.subject);
  j["date"] = str(a.date);
  j["content_type"] = str(a.content_type);
  j["is_report"] = a.is_report;
  j["reporting_mta"] = a.dsn ? str(a.dsn->reporting_mta) : Json(nullptr);
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
    j["original"] = std::move(o);
  } else {
    j["original"] = nullptr;
  }
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

}  // namespace ndrscan::report
