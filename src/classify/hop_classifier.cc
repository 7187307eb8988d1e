// hop_classifier.cc - evidence combination, route summary, culprit placement.
#include "src/classify/hop_classifier.h"

#include <fmt/format.h>

#include <algorithm>

#include "src/classify/geoip.h"
#include "src/util/strings.h"

namespace ndrscan::classify {
namespace {

/// note_sep - what goes between a rule's file and its note in evidence,
/// written "(file, note)" or "(file)" without building the text first.
std::string_view note_sep(const Rule& r) { return r.note.empty() ? std::string_view() : std::string_view(", "); }

}  // namespace

Verdict HopClassifier::decide(std::string_view ip, std::string_view rdns, std::string_view self_name,
                              std::string_view helo, std::uint32_t asn, const std::vector<int>& fingerprints) const {
  Verdict v;
  // Candidates live in a fixed array: no allocation per hop.
  auto add = [&](int rule_index, Fact fact, int weight) {
    const Rule& r = tables_.rule(rule_index);
    Verdict::Candidate* c = nullptr;
    for (int i = 0; i < v.ncand; ++i)
      if (v.cand[i].provider == r.provider) c = &v.cand[i];
    if (!c) {
      if (v.ncand == Verdict::kMaxCandidates) return;
      c = &v.cand[v.ncand++];
      c->provider = r.provider;
    }
    if (weight > c->best_weight) {
      c->best_weight = weight;
      c->cls = r.cls;
    }
    c->miss *= 1.0 - std::min(weight, 99) / 100.0;
    if (v.nmatch < Verdict::kMaxMatches) v.matches[v.nmatch++] = {fact, rule_index, r.provider};
  };
  if (int r = tables_.match_ip(ip); r >= 0) add(r, Fact::kIp, tables_.rule(r).weight);
  if (!rdns.empty())
    if (int r = tables_.match_host(rdns); r >= 0) add(r, Fact::kRdns, tables_.rule(r).weight);
  if (!self_name.empty() && !util::iequals(self_name, rdns))
    if (int r = tables_.match_host(self_name); r >= 0) add(r, Fact::kSelf, tables_.rule(r).weight * 9 / 10);
  // The client picks its HELO name: the weakest fact.
  if (!helo.empty() && !util::iequals(helo, rdns) && !util::iequals(helo, self_name))
    if (int r = tables_.match_host(helo); r >= 0) add(r, Fact::kHelo, tables_.rule(r).weight / 2);
  if (asn)
    if (int r = tables_.match_asn(asn); r >= 0) add(r, Fact::kAsn, tables_.rule(r).weight);
  // Header fingerprints corroborate a provider the hop already suggests.
  for (int f : fingerprints) {
    const Rule& rule = tables_.rule(f);
    for (int i = 0; i < v.ncand; ++i)
      if (v.cand[i].provider == rule.provider) {
        v.cand[i].miss *= 1.0 - std::min(rule.weight, 99) / 300.0;
        if (v.nmatch < Verdict::kMaxMatches) v.matches[v.nmatch++] = {Fact::kHeader, f, rule.provider};
      }
  }
  if (v.ncand == 0) return v;
  // Highest confidence wins; ties keep the first (IP facts are added first).
  // A private address only says "inside some network": any named network
  // (a host name, the site profile) beats it.
  auto rank = [](const Verdict::Candidate& c) { return c.cls == NetClass::kPrivate ? 1.0 + c.miss : c.miss; };
  int best = 0;
  for (int i = 1; i < v.ncand; ++i)
    if (rank(v.cand[i]) < rank(v.cand[best])) best = i;
  v.best = best;
  v.provider = v.cand[best].provider;
  v.cls = v.cand[best].cls;
  v.confidence = static_cast<int>((1.0 - v.cand[best].miss) * 100.0 + 0.5);
  return v;
}

NetworkInfo HopClassifier::describe(const Verdict& v, std::string_view ip, std::string_view rdns,
                                    std::string_view self_name, std::string_view helo) const {
  NetworkInfo info;
  if (v.provider < 0) {
    if (!ip.empty() || !rdns.empty() || !self_name.empty() || !helo.empty())
      info.evidence.emplace_back("no table matched");
    return info;
  }
  const Provider& p = tables_.provider(v.provider);
  info.net_class = class_name(v.cls);
  info.provider = p.id;
  info.provider_name = p.name;
  info.confidence = v.confidence;
  for (int i = 0; i < v.nmatch; ++i) {
    const Verdict::Match& m = v.matches[i];
    if (m.provider != v.provider) continue;
    const Rule& rule = tables_.rule(m.rule);
    switch (m.fact) {
      case Fact::kIp:
        info.evidence.push_back(
            fmt::format("IP {} in {} ({}{}{})", ip, rule.value, rule.file, note_sep(rule), rule.note));
        break;
      case Fact::kRdns:
        info.evidence.push_back(fmt::format("reverse DNS {} matches {} ({}{}{})", rdns, rule.value, rule.file,
                                            note_sep(rule), rule.note));
        break;
      case Fact::kSelf:
        info.evidence.push_back(fmt::format("server name {} matches {} ({}{}{})", self_name, rule.value, rule.file,
                                            note_sep(rule), rule.note));
        break;
      case Fact::kHelo:
        info.evidence.push_back(
            fmt::format("HELO {} matches {} ({}{}{})", helo, rule.value, rule.file, note_sep(rule), rule.note));
        break;
      case Fact::kAsn:
        info.evidence.push_back(fmt::format("AS{} ({}{}{})", rule.value, rule.file, note_sep(rule), rule.note));
        break;
      case Fact::kHeader:
        info.evidence.push_back(
            fmt::format("header {}* present ({}{}{})", rule.value, rule.file, note_sep(rule), rule.note));
        break;
    }
  }
  for (int i = 0; i < v.ncand; ++i)
    if (i != v.best)
      info.evidence.push_back(fmt::format("also matched {} (confidence {})", tables_.provider(v.cand[i].provider).id,
                                          static_cast<int>((1.0 - v.cand[i].miss) * 100.0 + 0.5)));
  return info;
}

NetworkInfo HopClassifier::classify_side(std::string_view ip, std::string_view rdns, std::string_view self_name,
                                         std::string_view helo, const std::vector<int>& fingerprints) const {
  std::optional<GeoFacts> geo;
  if (geo_ && !ip.empty()) geo = geo_->lookup(ip);
  Verdict v = decide(ip, rdns, self_name, helo, geo ? geo->asn : 0, fingerprints);
  NetworkInfo info = describe(v, ip, rdns, self_name, helo);
  if (geo) {
    info.asn = geo->asn;
    info.as_name = geo->as_name;
    info.country = geo->country;
  }
  return info;
}

void HopClassifier::classify_hops(std::vector<Hop>* hops, const std::vector<rfc5322::HeaderField>& fields) const {
  std::vector<int> fingerprints = tables_.match_headers(fields);
  for (auto& h : *hops) {
    h.from_network = classify_side(h.from_ip, h.from_rdns, "", h.from_host, fingerprints);
    // "by 2002:a05:6a10::1 with SMTP" (Gmail) names the receiver by address
    if (h.by_ip.empty() && util::is_ip(h.by_host))
      h.by_network = classify_side(h.by_host, "", "", "", fingerprints);
    else
      h.by_network = classify_side(h.by_ip, "", h.by_host, "", fingerprints);
  }
  // The server that received hop N usually sends hop N+1: when one side is
  // only "private" or "unknown" and the names agree, it inherits the other.
  auto weak = [](const std::optional<NetworkInfo>& n) {
    return !n || n->net_class == "unknown" || n->net_class == "private";
  };
  auto same_server = [](const Hop& prev, const Hop& next) {
    if (prev.by_host.empty()) return false;
    return util::iequals(util::strip_dot(prev.by_host), util::strip_dot(next.from_host)) ||
           util::iequals(util::strip_dot(prev.by_host), util::strip_dot(next.from_rdns));
  };
  for (std::size_t i = 1; i < hops->size(); ++i) {
    Hop& prev = (*hops)[i - 1];
    Hop& next = (*hops)[i];
    if (!same_server(prev, next)) continue;
    if (weak(next.from_network) && !weak(prev.by_network)) {
      NetworkInfo n = *prev.by_network;
      n.evidence.insert(n.evidence.begin(), fmt::format("same server as the receiver of hop {}", prev.index));
      next.from_network = std::move(n);
    } else if (weak(prev.by_network) && !weak(next.from_network)) {
      NetworkInfo n = *next.from_network;
      n.evidence.insert(n.evidence.begin(), fmt::format("same server as the sender of hop {}", next.index));
      prev.by_network = std::move(n);
    }
  }
}

std::string route_label(const NetworkInfo& n) {
  if (n.net_class == "onprem") return "on-prem";
  if (n.net_class == "private") return "private network";
  if (n.net_class == "eop") return "EOP";
  if (n.net_class == "exchange-online") return "Exchange Online";
  if (!n.provider_name.empty()) return n.provider_name;
  return "Internet";
}

std::string route_summary(const std::vector<Hop>& hops) {
  std::vector<std::string> parts;
  auto push = [&](const std::optional<NetworkInfo>& n) {
    if (!n) return;
    std::string l = route_label(*n);
    if (parts.empty() || parts.back() != l) parts.push_back(std::move(l));
  };
  for (std::size_t i = 0; i < hops.size(); ++i) {
    const Hop& h = hops[i];
    bool has_from = !h.from_ip.empty() || !h.from_host.empty() || !h.from_rdns.empty();
    if (has_from) push(h.from_network);
    push(h.by_network);
  }
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += " > ";
    out += p;
  }
  return out;
}

namespace {

/// host_from_diagnostic - Postfix/Exim style "host mx.example.org[198.51.100.7] said:".
bool host_from_diagnostic(std::string_view d, std::string* host, std::string* ip) {
  std::size_t p = util::ifind(d, "host ");
  while (p != std::string_view::npos) {
    std::size_t b = p + 5;
    std::size_t e = b;
    while (e < d.size() && !util::is_space(d[e]) && d[e] != '[' && d[e] != ':') ++e;
    if (e < d.size() && d[e] == '[') {
      std::size_t close = d.find(']', e);
      if (close != std::string_view::npos) {
        std::string candidate_ip = util::clean_ip(d.substr(e, close - e + 1));
        std::string_view name = d.substr(b, e - b);
        if (!candidate_ip.empty() && (util::is_hostname(name) || name.empty())) {
          host->assign(name);
          *ip = candidate_ip;
          return true;
        }
      }
    }
    p = util::ifind(d, "host ", p + 5);
  }
  return false;
}

int find_hop(const std::vector<Hop>& hops, std::string_view host, std::string_view ip) {
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    if (!host.empty() && util::iequals(util::strip_dot(it->by_host), util::strip_dot(host))) return it->index;
    if (!ip.empty() && it->by_ip == ip) return it->index;
  }
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    if (!host.empty() && (util::iequals(it->from_rdns, host) || util::iequals(it->from_host, host))) return it->index;
    if (!ip.empty() && it->from_ip == ip) return it->index;
  }
  return 0;
}

}  // namespace

std::optional<RejectedBy> locate_rejection(const Analysis& a, const HopClassifier& c) {
  RejectedBy r;
  for (const auto& rc : a.recipients) {
    if (rc.action != "failed" && rc.action != "delayed") continue;
    if (!rc.remote_mta.empty()) {
      if (util::is_ip(rc.remote_mta)) r.ip = rc.remote_mta;
      else r.host = rc.remote_mta;
      r.source = "Remote-MTA";
      std::string h, ip;
      if (host_from_diagnostic(rc.diagnostic, &h, &ip)) {
        if (r.ip.empty()) r.ip = ip;
        if (r.host.empty()) r.host = h;
      }
      break;
    }
    std::string h, ip;
    if (host_from_diagnostic(rc.diagnostic, &h, &ip)) {
      r.host = h;
      r.ip = ip;
      r.source = "diagnostic";
      break;
    }
  }
  if (r.source.empty() && !a.generating_server.empty()) {
    r.host = a.generating_server;
    r.source = "Generating server";
  }
  if (r.source.empty()) {
    if (a.reporting_mta.empty()) return std::nullopt;
    r.host = a.reporting_mta;
    if (util::is_ip(r.host)) {
      r.ip = r.host;
      r.host.clear();
    }
    r.source = "Reporting-MTA";
  }
  r.network = c.classify_side(r.ip, "", r.host, "", {});
  if (a.original) {
    if (int h = find_hop(a.original->hops, r.host, r.ip)) {
      r.hop = h;
      r.chain = "original";
    }
  }
  if (!r.hop) {
    if (int h = find_hop(a.hops, r.host, r.ip)) {
      r.hop = h;
      r.chain = "bounce";
    }
  }
  return r;
}

}  // namespace ndrscan::classify
