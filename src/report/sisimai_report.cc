// sisimai_report.cc - Sisimai-compatible records.
#include "src/report/sisimai_report.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "parsers/rfc2047/encoded_word.h"
#include "parsers/rfc3464/dsn_fields.h"
#include "parsers/rfc5322/date.h"
#include "src/util/sha1.h"
#include "src/util/strings.h"

namespace ndrscan::report {
namespace {

using Json = nlohmann::ordered_json;

/// bare_address - "Alice <alice@example.com>" -> "alice@example.com".
std::string bare_address(std::string_view v) {
  std::size_t lt = v.rfind('<'), gt = v.rfind('>');
  if (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt) v = v.substr(lt + 1, gt - lt - 1);
  else {
    std::size_t at = v.find('@');
    if (at == std::string_view::npos) return {};
    std::size_t b = v.find_last_of(" \t\"(,", at), e = v.find_first_of(" \t\")>,", at);
    v = v.substr(b == std::string_view::npos ? 0 : b + 1,
                 (e == std::string_view::npos ? v.size() : e) - (b == std::string_view::npos ? 0 : b + 1));
  }
  return util::lower(util::trim(v));
}

std::string domain_of(std::string_view addr) {
  std::size_t at = addr.rfind('@');
  return at == std::string_view::npos ? std::string() : util::lower(addr.substr(at + 1));
}

/// smtp_agent - Sisimai's name for the module that read the bounce.
std::string smtp_agent(const Analysis& a) {
  const std::string& d = a.dialect;
  if (d == "rfc3464") {
    if (a.dsn)
      for (const auto& [k, v] : a.dsn->fields)
        if (util::istarts_with(k, "X-Postfix")) return "Postfix";
    if (util::ifind(a.reporting_mta, "outlook.com") != std::string_view::npos) return "Office365";
    return "RFC3464";
  }
  static const std::pair<const char*, const char*> kNames[] = {
      {"postfix-text", "Postfix"}, {"exim", "Exim"},         {"sendmail", "Sendmail"},   {"qmail", "qmail"},
      {"exchange", "Exchange2007"}, {"exchange-legacy", "Exchange2003"}, {"exchange-cdo", "Exchange2003"},
      {"gmail-text", "Gmail"},   {"domino", "Domino"},     {"notes", "Notes"},         {"kddi", "KDDI"},
      {"dragonfly", "DragonFly"}, {"opensmtpd", "OpenSMTPD"}, {"imail", "IMailServer"}, {"zoho", "Zoho"},
      {"embedded-dsn", "RFC3464"}, {"x-failed-recipients", "RFC3464"}};
  for (const auto& [k, v] : kNames)
    if (d == k) return v;
  return d;
}

std::string upper(std::string_view v) {
  std::string out(v);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

/// smtp_command - the command the failure answered, from the diagnostic.
std::string smtp_command(std::string_view diag) {
  static const std::pair<const char*, const char*> kCommands[] = {
      {"rcpt to", "RCPT"}, {"mail from", "MAIL"}, {"end of data", "DATA"}, {"data command", "DATA"},
      {">>> data", "DATA"}, {"ehlo", "EHLO"}, {"helo", "HELO"}, {"starttls", "STARTTLS"}};
  for (const auto& [k, v] : kCommands)
    if (util::ifind(diag, k) != std::string_view::npos) return v;
  return {};
}

}  // namespace

std::vector<std::string> sisimai_records(const Analysis& a) {
  std::vector<std::string> out;
  std::string addresser = a.original ? bare_address(a.original->from) : std::string();
  if (addresser.empty()) addresser = bare_address(a.to);
  std::string agent = smtp_agent(a);
  // An ARF feedback report (Sisimai lists these, reason "feedback"): one
  // record per address the reported message was sent to.
  std::vector<Recipient> feedback;
  if (a.kind == "feedback-report" && a.original) {
    std::string_view to = a.original->to;
    while (!to.empty()) {
      std::size_t comma = to.find(',');
      std::string addr = bare_address(to.substr(0, comma));
      if (!addr.empty() && feedback.size() < 100) {
        Recipient fr;
        fr.address = addr;
        fr.reason = "feedback";
        feedback.push_back(std::move(fr));
      }
      to = comma == std::string_view::npos ? std::string_view() : to.substr(comma + 1);
    }
    agent = "Feedback-Loop";  // Sisimai's name for its ARF reader
  }
  const std::vector<Recipient>& records = feedback.empty() ? a.recipients : feedback;
  for (const auto& r : records) {
    if (feedback.empty() && r.action != "failed" && r.action != "delayed") continue;
    // the time of the failure: Last-Attempt-Date, Arrival-Date, else the bounce's Date
    std::int64_t ts = 0;
    int tz = 0;
    auto try_date = [&](std::string_view raw) {
      if (ts || raw.empty()) return;
      if (auto d = rfc5322::parse_date(raw)) {
        ts = d->epoch;
        tz = d->tz_offset_min;
      }
    };
    for (const auto& [k, v] : r.fields)
      if (util::iequals(k, "Last-Attempt-Date")) try_date(v);
    if (a.dsn)
      for (const auto& [k, v] : a.dsn->fields)
        if (util::iequals(k, "Arrival-Date")) try_date(v);
    try_date(a.date);
    std::string recipient = util::lower(r.address);
    Json j;
    j["action"] = r.action;
    j["addresser"] = addresser;
    j["alias"] = r.original_recipient.empty() ? recipient : util::lower(r.original_recipient);
    j["catch"] = nullptr;
    j["command"] = !r.command.empty() ? r.command : smtp_command(r.diagnostic);  // Sisimai >= 5.2
    j["decodedby"] = agent;                                                    // Sisimai >= 5.2
    j["deliverystatus"] = r.status;
    j["destination"] = domain_of(recipient);
    j["diagnosticcode"] = rfc2047::sanitize_utf8(r.diagnostic);
    // Sisimai writes the type in upper case: "SMTP", "X-UNIX", "X-POSTFIX"
    j["diagnostictype"] = r.diagnostic_type.empty() ? (feedback.empty() ? "SMTP" : "") : upper(r.diagnostic_type);
    j["feedbackid"] = "";
    j["feedbacktype"] = a.feedback_type;
    j["hardbounce"] = r.hard && *r.hard ? 1 : 0;
    j["lhost"] = util::lower(a.reporting_mta);
    j["listid"] = "";
    j["messageid"] = a.original ? a.original->message_id : std::string();
    j["origin"] = a.source;
    j["reason"] = r.reason;
    j["recipient"] = recipient;
    j["replycode"] = r.reply_code;
    // the remote MTA, else the server ndrscan found refusing (rejected_by)
    std::string rhost = r.remote_mta;
    if (rhost.empty() && a.rejected_by) rhost = !a.rejected_by->host.empty() ? a.rejected_by->host : a.rejected_by->ip;
    j["rhost"] = util::lower(rhost);
    j["senderdomain"] = domain_of(addresser);
    j["smtpagent"] = agent;
    j["smtpcommand"] = !r.command.empty() ? r.command : smtp_command(r.diagnostic);
    j["softbounce"] = r.hard ? (*r.hard ? 0 : 1) : -1;
    j["subject"] = a.original ? rfc2047::sanitize_utf8(a.original->subject) : std::string();
    j["timestamp"] = ts;
    j["timezoneoffset"] = fmt::format("{}{:02}{:02}", tz < 0 ? '-' : '+', (tz < 0 ? -tz : tz) / 60, (tz < 0 ? -tz : tz) % 60);
    // Sisimai::String->token: sha1("\x02" addresser "\x1e" recipient "\x1e" epoch "\x03")
    j["token"] = util::sha1_hex(fmt::format("\x02{}\x1e{}\x1e{}\x03", addresser, recipient, ts));
    out.push_back(j.dump(-1, ' ', false, Json::error_handler_t::replace));
  }
  return out;
}

}  // namespace ndrscan::report
