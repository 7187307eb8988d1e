// summary.cc - bulk counters, JSON round trip and the text table.
#include "src/bulk/summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "parsers/rfc2047/encoded_word.h"
#include "src/util/strings.h"

namespace ndrscan::bulk {
namespace {

using Json = nlohmann::ordered_json;

const char* const kBreakdowns[] = {"by_kind", "by_reason", "by_cause", "by_status", "by_network", "by_domain", "by_mta", "by_day"};

Counts Summary::*member(std::string_view name) {
  if (name == "by_kind") return &Summary::by_kind;
  if (name == "by_reason") return &Summary::by_reason;
  if (name == "by_cause") return &Summary::by_cause;
  if (name == "by_status") return &Summary::by_status;
  if (name == "by_network") return &Summary::by_network;
  if (name == "by_domain") return &Summary::by_domain;
  if (name == "by_mta") return &Summary::by_mta;
  return &Summary::by_day;
}

std::string network_key(const Analysis& a) {
  if (!a.rejected_by) return "(not named)";
  const NetworkInfo& n = a.rejected_by->network;
  if (n.net_class == "unknown") return "Internet";
  if (n.provider.empty() || n.provider == "private") return n.net_class;
  return n.net_class + ": " + n.provider;
}

}  // namespace

std::string recipient_domain(std::string_view address) {
  std::size_t at = address.rfind('@');
  if (at == std::string_view::npos || at + 1 >= address.size()) return {};
  return util::lower(util::strip_dot(address.substr(at + 1)));
}

void Summary::add(const Analysis& a) {
  ++messages;
  ++analysed;
  ++by_kind[a.kind.empty() ? "(unknown)" : a.kind];
  std::size_t failed = 0, delayed = 0;
  std::string day = a.date.size() >= 10 && a.date[4] == '-' ? a.date.substr(0, 10) : std::string("(no date)");
  std::string mta = a.reporting_mta.empty() ? std::string("(none)") : util::lower(a.reporting_mta);
  for (const auto& r : a.recipients) {
    bool f = r.action == "failed";
    bool d = r.action == "delayed";
    if (!f && !d) continue;
    f ? ++failed : ++delayed;
    ++by_status[r.status.empty() ? "(none)" : r.status];
    std::string dom = recipient_domain(r.address);
    ++by_domain[dom.empty() ? "(none)" : dom];
    ++by_reason[r.reason.empty() ? "(unclassified)" : r.reason];
    ++by_network[network_key(a)];
    ++by_mta[mta];
    ++by_day[day];
    if (!r.cause.empty()) ++by_cause[r.cause];
  }
  failed_recipients += failed;
  delayed_recipients += delayed;
  if (failed) ++bounces;
  else if (delayed) ++delays;
  else ++other;
}

void Summary::add_error(ErrorItem e) {
  ++error_count;
  if (e.offset >= 0) ++messages;
  if (errors.size() < kMaxErrors) errors.push_back(std::move(e));
}

void Summary::merge(const Summary& o) {
  inputs += o.inputs;
  skipped += o.skipped;
  messages += o.messages;
  analysed += o.analysed;
  bounces += o.bounces;
  delays += o.delays;
  other += o.other;
  failed_recipients += o.failed_recipients;
  delayed_recipients += o.delayed_recipients;
  bytes += o.bytes;
  error_count += o.error_count;
  for (const auto& e : o.errors)
    if (errors.size() < kMaxErrors) errors.push_back(e);
  for (const char* b : kBreakdowns) {
    Counts Summary::*m = member(b);
    for (const auto& [k, v] : o.*m) (this->*m)[k] += v;
  }
}

std::string Summary::to_json() const {
  Json j;
  j["schema_version"] = 1;
  j["inputs"] = inputs;
  j["skipped"] = skipped;
  j["messages"] = messages;
  j["analysed"] = analysed;
  j["bounces"] = bounces;
  j["delays"] = delays;
  j["other"] = other;
  j["failed_recipients"] = failed_recipients;
  j["delayed_recipients"] = delayed_recipients;
  j["bytes"] = bytes;
  j["error_count"] = error_count;
  Json errs = Json::array();
  for (const auto& e : errors)
    errs.push_back(Json{{"file", rfc2047::sanitize_utf8(e.file)},
                        {"offset", e.offset >= 0 ? Json(e.offset) : Json(nullptr)},
                        {"reason", e.reason}});
  j["errors"] = std::move(errs);
  for (const char* b : kBreakdowns) {
    Json m = Json::object();
    for (const auto& [k, v] : this->*member(b)) m[rfc2047::sanitize_utf8(k)] = v;
    j[b] = std::move(m);
  }
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool Summary::from_json(const std::string& text, Summary* out, std::string* err) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    *err = "not a JSON object";
    return false;
  }
  try {
    out->inputs = j.at("inputs").get<std::uint64_t>();
    out->skipped = j.value("skipped", std::uint64_t{0});
    out->messages = j.at("messages").get<std::uint64_t>();
    out->analysed = j.at("analysed").get<std::uint64_t>();
    out->bounces = j.at("bounces").get<std::uint64_t>();
    out->delays = j.at("delays").get<std::uint64_t>();
    out->other = j.at("other").get<std::uint64_t>();
    out->failed_recipients = j.at("failed_recipients").get<std::uint64_t>();
    out->delayed_recipients = j.at("delayed_recipients").get<std::uint64_t>();
    out->bytes = j.at("bytes").get<std::uint64_t>();
    out->error_count = j.at("error_count").get<std::uint64_t>();
    for (const auto& e : j.at("errors"))
      out->errors.push_back({e.at("file").get<std::string>(),
                             e.at("offset").is_null() ? -1 : e.at("offset").get<std::int64_t>(),
                             e.at("reason").get<std::string>()});
    for (const char* b : kBreakdowns) {
      if (!j.contains(b)) continue;  // older summaries have no by_kind
      for (const auto& [k, v] : j.at(b).items()) (out->*member(b))[k] = v.get<std::uint64_t>();
    }
  } catch (const std::exception& e) {
    *err = std::string("missing or mistyped field: ") + e.what();
    return false;
  }
  return true;
}

std::string render_summary(const Summary& s, std::size_t top, bool interrupted) {
  std::string out;
  out += fmt::format("{}{} inputs, {} messages ({:.1f} MB), {} analysed, {} failed\n",
                     interrupted ? "INTERRUPTED: partial summary. " : "", s.inputs, s.messages, s.bytes / 1e6,
                     s.analysed, s.error_count);
  out += fmt::format("bounces {}, delay notices {}, other messages {}; recipients failed {}, delayed {}\n", s.bounces,
                     s.delays, s.other, s.failed_recipients, s.delayed_recipients);
  if (s.skipped)
    out += fmt::format("{} files in directories skipped: not mail by name (--all-files reads them)\n", s.skipped);
  const std::uint64_t total = s.failed_recipients + s.delayed_recipients;
  // percentages are of recipients, except the message-kind table's (of messages)
  auto table = [&](const char* title, const Counts& c, std::uint64_t base = 0) {
    if (c.empty()) return;
    const std::uint64_t denom = base ? base : total;
    std::vector<std::pair<std::string, std::uint64_t>> rows(c.begin(), c.end());
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    out += fmt::format("\n{}\n", title);
    for (std::size_t i = 0; i < rows.size() && i < top; ++i) {
      std::string key = rows[i].first;
      if (key.size() > 56) key = key.substr(0, 55) + "~";
      double pct = denom ? 100.0 * static_cast<double>(rows[i].second) / static_cast<double>(denom) : 0.0;
      out += fmt::format("  {:<56} {:>10} {:>5.1f}%\n", key, rows[i].second, pct);
    }
    if (rows.size() > top) out += fmt::format("  ... {} more\n", rows.size() - top);
  };
  table("By message kind (messages)", s.by_kind, s.analysed);
  table("By reason", s.by_reason);
  table("By cause", s.by_cause);
  table("By enhanced status", s.by_status);
  table("By rejecting network", s.by_network);
  table("By recipient domain", s.by_domain);
  table("By reporting MTA", s.by_mta);
  if (!s.by_day.empty()) {
    out += "\nBy day (recipients)\n";
    std::uint64_t peak = 0;
    for (const auto& [d, n] : s.by_day) peak = std::max(peak, n);
    for (const auto& [d, n] : s.by_day) {
      std::size_t bar = peak ? static_cast<std::size_t>(40.0 * static_cast<double>(n) / static_cast<double>(peak)) : 0;
      out += fmt::format("  {:<10} {:>10} {}\n", d, n, std::string(bar, '#'));
    }
  }
  if (!s.errors.empty()) {
    out += fmt::format("\nFailed inputs ({}{})\n", s.error_count, s.error_count > s.errors.size() ? ", first listed" : "");
    for (std::size_t i = 0; i < s.errors.size() && i < 20; ++i) {
      const auto& e = s.errors[i];
      out += fmt::format("  {}{}: {}\n", e.file, e.offset >= 0 ? fmt::format("@{}", e.offset) : "", e.reason);
    }
    if (s.errors.size() > 20) out += fmt::format("  ... {} more (see --summary-json)\n", s.error_count - 20);
  }
  return out;
}

}  // namespace ndrscan::bulk
