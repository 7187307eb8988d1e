// dsn_fields.cc - delivery-status blocks (RFC 3464 2.2, 2.3; RFC 6533 3).
#include "parsers/rfc3464/dsn_fields.h"

#include <fmt/format.h>

#include "parsers/rfc5322/date.h"
#include "parsers/rfc5322/header_block.h"
#include "src/util/strings.h"

namespace ndrscan::rfc3464 {
namespace {

using util::iequals;
using util::is_digit;
using util::trim;

/// smtp_command - the SMTP command a diagnostic says the failure answered
/// (Postfix "(in reply to RCPT TO command)", Sendmail ">>> DATA", Exim "after
/// end of data"), "" when it names none.
std::string smtp_command(std::string_view text) {
  struct Cue {
    std::string_view text, command;
  };
  static constexpr Cue kCues[] = {
      {"in reply to rcpt to command", "RCPT"}, {"after rcpt to", "RCPT"},  {">>> rcpt to", "RCPT"},
      {"after rcpt command", "RCPT"},          {"in reply to mail from command", "MAIL"}, {"after mail from", "MAIL"},
      {">>> mail from", "MAIL"},               {"in reply to end of data command", "DATA"},
      {"in reply to data command", "DATA"},    {"after end of data", "DATA"}, {">>> data", "DATA"},
      {"in reply to ehlo command", "EHLO"},    {"in reply to helo command", "HELO"}, {"after ehlo", "EHLO"},
      {"after helo", "HELO"},
  };
  for (const Cue& c : kCues)
    if (util::ifind(text, c.text) != std::string_view::npos) return std::string(c.command);
  return {};
}

/// iso_or_raw - an RFC 5322 date as ISO 8601 UTC, or the text as written.
std::string iso_or_raw(std::string_view text) {
  text = trim(text);
  if (auto d = rfc5322::parse_date(text)) return rfc5322::format_iso8601_utc(d->epoch);
  return std::string(text);
}

/// specificity - 0 for "5.0.0", 1 for "5.7.0", 2 for "5.7.1".
int specificity(std::string_view code) {
  std::size_t d1 = code.find('.');
  std::size_t d2 = code.find('.', d1 + 1);
  if (d1 == std::string_view::npos || d2 == std::string_view::npos) return -1;
  std::string_view subject = code.substr(d1 + 1, d2 - d1 - 1);
  std::string_view detail = code.substr(d2 + 1);
  bool s0 = subject == "0", d0 = detail == "0";
  if (s0 && d0) return 0;
  if (d0) return 1;
  return 2;
}

bool is_recipient_field(std::string_view name) {
  return iequals(name, "Final-Recipient") || iequals(name, "Original-Recipient") ||
         iequals(name, "Action") || iequals(name, "Status");
}

}  // namespace

std::string clean_address(std::string_view s) {
  s = trim(s);
  while (!s.empty() && (s.front() == '<' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == '>' || s.back() == '"' || s.back() == ';' || s.back() == ',')) s.remove_suffix(1);
  return std::string(trim(s));
}

std::string strip_type(std::string_view value, std::string* type) {
  value = trim(value);
  std::size_t semi = value.find(';');
  if (semi != std::string_view::npos && semi < 32 && value.substr(0, semi).find(' ') == std::string_view::npos) {
    if (type) *type = util::lower(trim(value.substr(0, semi)));
    value = value.substr(semi + 1);
  }
  return std::string(trim(value));
}

std::string find_enhanced_status(std::string_view t) {
  // RFC 3463 2: class "." subject "." detail; subject and detail 1-3 digits.
  for (std::size_t i = 0; i + 5 <= t.size(); ++i) {
    char c = t[i];
    if (c != '2' && c != '4' && c != '5') continue;
    if (i > 0 && (is_digit(t[i - 1]) || t[i - 1] == '.')) continue;
    if (t[i + 1] != '.') continue;
    std::size_t j = i + 2, s = j;
    while (j < t.size() && is_digit(t[j]) && j - s < 4) ++j;
    if (j == s || j - s > 3 || j >= t.size() || t[j] != '.') continue;
    std::size_t k = j + 1, d = k;
    while (k < t.size() && is_digit(t[k]) && k - d < 4) ++k;
    if (k == d || k - d > 3) continue;
    // "5.1.1.1" is an address or version, not a status
    if (k < t.size() && (t[k] == '.' && k + 1 < t.size() && is_digit(t[k + 1]))) continue;
    if (k < t.size() && (is_digit(t[k]) || util::is_alpha(t[k]))) continue;
    return std::string(t.substr(i, k - i));
  }
  return {};
}

std::string find_reply_code(std::string_view t) {
  t = trim(t);
  while (!t.empty() && (t.front() == '#' || t.front() == '<' || t.front() == '\'' || t.front() == '"')) t.remove_prefix(1);
  if (t.size() < 3) return {};
  if (!(t[0] >= '2' && t[0] <= '5') || !is_digit(t[1]) || !is_digit(t[2])) return {};
  if (t.size() > 3 && !(t[3] == ' ' || t[3] == '-' || t[3] == '\t' || t[3] == '.' || t[3] == ',')) return {};
  if (t.size() > 4 && t[3] == '.' && is_digit(t[4])) return {};  // "5.1.1"-like, not a reply
  return std::string(t.substr(0, 3));
}

std::string most_specific_status(std::string_view status, std::string_view from_text) {
  if (status.empty()) return std::string(from_text);
  if (from_text.empty()) return std::string(status);
  if (status[0] != from_text[0]) return std::string(status);  // classes disagree: trust Status
  return specificity(from_text) > specificity(status) ? std::string(from_text) : std::string(status);
}

bool nested_reply(std::string_view t, std::string* reply, std::string* status) {
  // "554 4.4.7 Message expired ...<421 4.4.2 Connection timed out>" (Amazon
  // WorkMail), "5.1.0 - Unknown address error 550-'5.2.2 <a@b>... Mailbox
  // Full'" (Amazon SES): the relay's summary quotes the remote server's own
  // reply; that inner pair is the last "NNN c.s.d" preceded by '<', '\'',
  // '"', '(' or a blank, after some other text.
  bool found = false;
  for (std::size_t i = 1; i + 8 < t.size(); ++i) {
    char p = t[i - 1];
    if (!(p == '<' || p == '\'' || p == '"' || p == '(' || p == ' ' || p == '\t')) continue;
    if (!(t[i] == '4' || t[i] == '5') || !is_digit(t[i + 1]) || !is_digit(t[i + 2])) continue;
    if (!(t[i + 3] == ' ' || t[i + 3] == '-')) continue;
    std::size_t j = i + 4;
    if (j < t.size() && (t[j] == '\'' || t[j] == '"')) ++j;
    std::string code = find_enhanced_status(t.substr(j, 12));
    if (code.empty() || code[0] != t[i] || t.substr(j, code.size()) != code) continue;
    // the first reply of the text is the outer one, not a nested reply
    std::string_view before = trim(t.substr(0, i - 1));
    if (before.empty()) continue;
    *reply = std::string(t.substr(i, 3));
    *status = std::move(code);
    found = true;
  }
  return found;
}

std::string remote_status(std::string_view status, std::string_view from_text, std::string_view reply) {
  if (status.empty()) return std::string(from_text);
  if (from_text.empty() || from_text == status) return std::string(status);
  if (status[0] != from_text[0])
    return !reply.empty() && reply[0] == from_text[0] ? std::string(from_text) : std::string(status);
  return specificity(from_text) >= specificity(status) ? std::string(from_text) : std::string(status);
}

namespace {

/// canonical_action - the Action value in lowercase; pre-RFC 3464 words some
/// MTAs still write are mapped onto RFC 3464 2.3.3's list: "failure" and
/// "error" (flufl.bounce dsn_03 / dsn_18) mean failed.
std::string canonical_action(std::string_view v) {
  std::string a = util::lower(trim(v.substr(0, v.find_first_of(" ;("))));
  if (a == "failure" || a == "error" || a == "fail") a = "failed";
  return a;
}

/// usable_address - not a value some MTAs write where an address belongs:
/// Exim's pipe command ("|/usr/local/bin/prog a@b /home/a/.prog", sisimai
/// lhost-exim-44) or Sendmail's empty local part ("@mx.example.org", sisimai
/// lhost-sendmail-15). Such a block names no recipient; the notice text
/// ("generated by a@b", "<a@b>") is then read by the dialects.
bool usable_address(std::string_view a) {
  if (a.empty()) return true;  // absent is handled by the caller
  if (a.front() == '|' || a.front() == '@') return false;
  return a.find_first_of(" \t") == std::string_view::npos;
}

}  // namespace

DeliveryStatus parse_delivery_status(std::string_view body, std::vector<Diagnostic>* diags,
                                     std::int64_t base_offset) {
  DeliveryStatus out;
  std::size_t pos = 0;
  bool first = true;
  bool saw_block = false;  // a recipient block without a usable address
  while (pos < body.size()) {
    // blank lines between blocks (some MTAs write several)
    rfc5322::Line l = rfc5322::next_line(body, pos);
    if (trim(body.substr(l.begin, l.end - l.begin)).empty()) {
      pos = l.next;
      continue;
    }
    std::int64_t block_off = base_offset >= 0 ? base_offset + static_cast<std::int64_t>(pos) : -1;
    rfc5322::HeaderBlock block = rfc5322::scan_header_block(body, pos, diags, base_offset >= 0 ? base_offset : 0);
    if (block.fields.empty()) {
      // free text inside the DSN part: skip the line
      pos = l.next;
      continue;
    }
    pos = block.body_offset > pos ? block.body_offset : l.next;

    bool is_rcpt = false;
    for (const auto& f : block.fields)
      if (iequals(f.name, "Final-Recipient") || iequals(f.name, "Original-Recipient") ||
          (!first && is_recipient_field(f.name)))
        is_rcpt = true;
    if (first && !is_rcpt) {
      out.report.offset = block_off;
      for (const auto& f : block.fields) {
        out.report.fields.emplace_back(f.name, f.value);
        if (iequals(f.name, "Reporting-MTA")) out.report.reporting_mta = strip_type(f.value);
        else if (iequals(f.name, "Received-From-MTA")) out.report.received_from_mta = strip_type(f.value);
        else if (iequals(f.name, "Arrival-Date")) out.report.arrival_date = iso_or_raw(f.value);
        else if (iequals(f.name, "Original-Envelope-Id")) out.report.original_envelope_id.assign(trim(f.value));
      }
      first = false;
      continue;
    }
    first = false;
    if (!is_rcpt) continue;

    Recipient r;
    for (const auto& f : block.fields) {
      r.fields.emplace_back(f.name, f.value);
      std::string_view n = f.name;
      if (iequals(n, "Final-Recipient")) r.address = clean_address(strip_type(f.value));
      else if (iequals(n, "Original-Recipient")) r.original_recipient = clean_address(strip_type(f.value));
      else if (iequals(n, "Action")) r.action = canonical_action(f.value);
      else if (iequals(n, "Status")) r.dsn_status.assign(trim(f.value));
      else if (iequals(n, "Remote-MTA")) {
        // "dns; aspmx.l.google.com. (64.233.184.26, the server for the domain example.net.)"
        std::string v = strip_type(f.value);
        std::size_t cut = v.find_first_of(" \t(");
        if (cut != std::string::npos && cut > 0) v.resize(cut);
        while (v.size() > 1 && v.back() == '.') v.pop_back();
        r.remote_mta = std::move(v);
      }
      else if (iequals(n, "Diagnostic-Code")) r.diagnostic = strip_type(f.value, &r.diagnostic_type);
      else if (iequals(n, "Last-Attempt-Date")) r.last_attempt_date = iso_or_raw(f.value);
      else if (iequals(n, "Will-Retry-Until")) r.will_retry_until = iso_or_raw(f.value);
      else if (r.address.empty() && iequals(n, "X-Actual-Recipient")) r.address = clean_address(strip_type(f.value));
    }
    if (!usable_address(r.address)) r.address.clear();
    if (!usable_address(r.original_recipient)) r.original_recipient.clear();
    if (r.address.empty()) r.address = r.original_recipient;
    if (r.address.empty()) {
      // a block that names no address is no recipient: with none left, the
      // notice text is read by the dialects instead (src/core/analyze.cc)
      if (diags)
        diags->push_back({Severity::kWarn, "dsn-recipient-no-address", block_off,
                          "per-recipient DSN block without a usable Final-Recipient"});
      saw_block = true;
      continue;
    }
    // Remote-MTA "dns; [192.0.2.1]" -> the bare address
    if (!r.remote_mta.empty() && r.remote_mta.front() == '[') {
      std::string ip = util::clean_ip(r.remote_mta);
      if (!ip.empty()) r.remote_mta = ip;
    }
    std::string status = find_enhanced_status(r.dsn_status);
    if (!r.dsn_status.empty() && status.empty() && diags)
      diags->push_back({Severity::kWarn, "dsn-bad-status", block_off,
                        fmt::format("Status '{}' is not an RFC 3463 code", r.dsn_status)});
    // "X-Unix; 255" is a mailer's exit status, not an SMTP reply
    if (r.diagnostic_type.empty() || r.diagnostic_type == "smtp") r.reply_code = find_reply_code(r.diagnostic);
    r.command = smtp_command(r.diagnostic);
    std::string diag_status = find_enhanced_status(r.diagnostic);
    std::string inner_reply, inner_status;
    if (nested_reply(r.diagnostic, &inner_reply, &inner_status)) {
      r.reply_code = inner_reply;
      diag_status = inner_status;
    }
    r.status = remote_status(status, diag_status, r.reply_code);
    if (r.status.empty() && !r.reply_code.empty()) r.status = std::string(1, r.reply_code[0]) + ".0.0";
    out.recipients.push_back(std::move(r));
  }
  if (out.recipients.empty() && !saw_block && diags)
    diags->push_back({Severity::kWarn, "dsn-no-recipients", base_offset,
                      "delivery-status part without any per-recipient block"});
  return out;
}

}  // namespace ndrscan::rfc3464
