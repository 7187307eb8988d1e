// detections.cc - loops, hop counts, bypassed filters, clock skew, TLS downgrade.
#include "src/classify/detections.h"

#include <fmt/format.h>

#include <map>

#include "src/util/strings.h"

namespace ndrscan::classify {
namespace {

/// Postfix's hopcount_limit is 50, Exchange's default maximum hop count 60
/// (5.4.6 / 5.4.14 when exceeded): warn well before either.
constexpr std::size_t kHopWarn = 25;
/// A receiving host seen this often in one chain is a loop, not a relay.
constexpr int kLoopRepeats = 3;

std::string joined(const std::vector<int>& v) {
  std::string s;
  for (int i : v) s += (s.empty() ? "" : ", ") + std::to_string(i);
  return s;
}

/// smtp_between_servers - a hop that crossed the network as SMTP (not a
/// local hand-off, MAPI submission or Exchange's internal HTTP).
bool smtp_between_servers(const Hop& h) {
  const std::string_view p = h.protocol;
  if (p.empty()) return false;
  if (util::ifind(p, "smtp") == std::string_view::npos) return false;  // ESMTPS, "Microsoft SMTP Server", ...
  if (util::istarts_with(p, "local")) return false;
  // Gmail's internal "by 2002:a05:...: with SMTP id" hops have no sender
  if (h.from_ip.empty() && h.from_host.empty()) return false;
  if (h.from_ip == "127.0.0.1" || h.from_ip == "::1") return false;
  return true;
}

}  // namespace

void detect_route_findings(const std::vector<Hop>& hops, const std::string& chain, const SiteProfile& profile,
                           const NetworkTables& tables, std::vector<Finding>* out) {
  if (hops.empty()) return;

  // 1. The same receiving host again and again. Most chains have none: a
  // count first, the hosts gathered (in name order) only when one repeats.
  auto same_host = [](const Hop& a, const Hop& b) {
    return util::iequals(util::strip_dot(a.by_host), util::strip_dot(b.by_host));
  };
  bool repeats = false;
  for (std::size_t i = 0; i < hops.size() && !repeats; ++i) {
    if (hops[i].by_host.empty()) continue;
    int n = 0;
    for (const auto& h : hops) n += !h.by_host.empty() && same_host(hops[i], h);
    repeats = n >= kLoopRepeats;
  }
  std::map<std::string, std::vector<int>> by_host;
  if (repeats)
    for (const auto& h : hops)
      if (!h.by_host.empty()) by_host[util::lower(util::strip_dot(h.by_host))].push_back(h.index);
  for (const auto& [host, idx] : by_host) {
    if (static_cast<int>(idx.size()) < kLoopRepeats) continue;
    out->push_back({"mail-loop", "warn", chain, idx,
                    fmt::format("{} received this message {} times (hops {}): a mail loop between servers or "
                                "connectors",
                                host, idx.size(), joined(idx))});
  }
  if (hops.size() >= kHopWarn)
    out->push_back({"hop-count-high", "warn", chain, {},
                    fmt::format("{} hops: close to MTA hop limits (Postfix 50, Exchange 60), typical of a loop",
                                hops.size())});

  // 2. Clocks that disagree.
  for (const auto& h : hops) {
    if (!h.clock_skew || !h.delay_s) continue;
    out->push_back({"clock-skew", "info", chain, {h.index},
                    fmt::format("hop {} ({}) is stamped {} s before the previous hop: the two servers' clocks "
                                "disagree, so delays around it are unreliable",
                                h.index, h.by_host.empty() ? "?" : h.by_host, -*h.delay_s)});
  }

  // 3. TLS and then none, on a hop between servers.
  int tls_seen = 0;
  for (const auto& h : hops) {
    if (!smtp_between_servers(h)) continue;
    if (h.tls) {
      tls_seen = h.index;
    } else if (tls_seen) {
      // inside one network (a private peer address) is not a downgrade
      int r = tables.match_ip(h.from_ip);
      bool internal = (r >= 0 && tables.rule(r).cls == NetClass::kPrivate) ||
                      (h.from_network && h.from_network->net_class == "private");
      if (internal) continue;
      out->push_back({"tls-downgrade", "warn", chain, {tls_seen, h.index},
                      fmt::format("hop {} used TLS but hop {} ({} -> {}) shows none: the message crossed a "
                                  "network in clear text after it was protected",
                                  tls_seen, h.index, h.from_host.empty() ? h.from_ip : h.from_host,
                                  h.by_host.empty() ? "?" : h.by_host)});
      tls_seen = 0;
    }
  }

  // 4. MX at a third-party filter, but the message reached EOP from elsewhere.
  std::string filter_mx, filter_provider;
  for (const auto& mx : profile.mx) {
    int r = tables.match_host(mx);
    if (r >= 0 && tables.rule(r).cls == NetClass::kThirdPartyFilter) {
      filter_mx = mx;
      filter_provider = tables.provider(tables.rule(r).provider).id;
      break;
    }
  }
  if (!filter_mx.empty()) {
    for (const auto& h : hops) {
      if (!h.by_network || h.by_network->net_class != "eop") continue;
      const auto& from = h.from_network;
      bool from_filter = from && from->provider == filter_provider;
      bool from_microsoft = from && (from->net_class == "eop" || from->net_class == "exchange-online");
      bool from_site = from && from->net_class == "onprem";
      if (from_filter || from_microsoft || from_site) break;  // entered through the filter (or from inside)
      out->push_back({"filter-bypassed", "warn", chain, {h.index},
                      fmt::format("the MX is {} ({}), but hop {} reached EOP directly from {}: the filter was "
                                  "bypassed (lock the inbound connector to the filter's IPs, and use Enhanced "
                                  "Filtering for Connectors so EOP sees the real sender)",
                                  filter_mx, filter_provider, h.index,
                                  h.from_ip.empty() ? (h.from_host.empty() ? "?" : h.from_host) : h.from_ip)});
      break;
    }
  }
}

}  // namespace ndrscan::classify
