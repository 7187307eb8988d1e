// site_profile.cc - TOML site profile loader (toml++).
#include "src/classify/site_profile.h"

#include <fmt/format.h>

#include <filesystem>
#include <set>
#include <toml++/toml.h>

#include "src/util/cidr_table.h"
#include "src/util/spellcheck.h"
#include "src/util/strings.h"

namespace ndrscan::classify {
namespace {

std::string at(const std::string& path, const toml::source_region& r) {
  return fmt::format("{}:{}:{}", path, r.begin.line, r.begin.column);
}

/// check_keys - every key of `t` must be in `allowed`.
bool check_keys(const toml::table& t, const std::vector<std::string>& allowed, const std::string& path,
                const std::string& where, std::string* err) {
  for (const auto& [k, v] : t) {
    std::string key(k.str());
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string hint = util::did_you_mean(key, allowed);
    *err = fmt::format("{}: unknown key '{}'{}{}", at(path, k.source()), key, where.empty() ? "" : " in " + where,
                       hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint));
    return false;
  }
  return true;
}

bool get_string(const toml::table& t, const char* key, std::string* out, const std::string& path, std::string* err) {
  const toml::node* n = t.get(key);
  if (!n) return true;
  if (!n->is_string()) {
    *err = fmt::format("{}: '{}' must be a string", at(path, n->source()), key);
    return false;
  }
  *out = n->value<std::string>().value_or("");
  return true;
}

bool get_strings(const toml::table& t, const char* key, std::vector<std::string>* out, const std::string& path,
                 std::string* err) {
  const toml::node* n = t.get(key);
  if (!n) return true;
  const toml::array* arr = n->as_array();
  if (!arr) {
    *err = fmt::format("{}: '{}' must be an array of strings", at(path, n->source()), key);
    return false;
  }
  for (const auto& el : *arr) {
    if (!el.is_string()) {
      *err = fmt::format("{}: '{}' must contain only strings", at(path, el.source()), key);
      return false;
    }
    out->push_back(el.value<std::string>().value_or(""));
  }
  return true;
}

bool check_domain_type(const std::string& v, const toml::node* n, const std::string& path, std::string* err) {
  static const std::vector<std::string> kTypes = {"Authoritative", "InternalRelay", "ExternalRelay"};
  if (v.empty() || std::find(kTypes.begin(), kTypes.end(), v) != kTypes.end()) return true;
  std::string hint = util::did_you_mean(v, kTypes);
  *err = fmt::format("{}: domain type '{}' is not Authoritative, InternalRelay or ExternalRelay{}",
                     at(path, n->source()), v, hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint));
  return false;
}

}  // namespace

bool load_profile(const std::string& path, SiteProfile* out, std::string* err) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    *err = fmt::format("{}: {}", at(path, e.source()), e.description());
    return false;
  }
  out->path = path;
  if (!check_keys(root, {"organisation", "domain", "connector", "dns"}, path, "", err)) return false;
  if (const toml::table* org = root["organisation"].as_table()) {
    if (!check_keys(*org, {"name", "onprem_ips", "onprem_hosts"}, path, "[organisation]", err)) return false;
    if (!get_string(*org, "name", &out->name, path, err)) return false;
    if (!get_strings(*org, "onprem_ips", &out->onprem_ips, path, err)) return false;
    if (!get_strings(*org, "onprem_hosts", &out->onprem_hosts, path, err)) return false;
    if (const toml::node* ips = org->get("onprem_ips")) {
      std::size_t i = 0;
      for (const auto& el : *ips->as_array()) {
        std::string text = out->onprem_ips[i++];
        if (text.find('/') == std::string::npos) text += text.find(':') == std::string::npos ? "/32" : "/128";
        util::Prefix p;
        std::string perr;
        if (!util::parse_prefix(text, &p, &perr)) {
          *err = fmt::format("{}: onprem_ips: '{}': {}", at(path, el.source()), out->onprem_ips[i - 1], perr);
          return false;
        }
      }
    }
  }
  if (const toml::array* doms = root["domain"].as_array()) {
    for (const auto& el : *doms) {
      const toml::table* d = el.as_table();
      if (!d) {
        *err = fmt::format("{}: [[domain]] entries must be tables", at(path, el.source()));
        return false;
      }
      if (!check_keys(*d, {"name", "exo_type", "onprem_type"}, path, "[[domain]]", err)) return false;
      AcceptedDomain ad;
      if (!get_string(*d, "name", &ad.name, path, err) || !get_string(*d, "exo_type", &ad.exo_type, path, err) ||
          !get_string(*d, "onprem_type", &ad.onprem_type, path, err))
        return false;
      if (ad.name.empty() || !util::is_hostname(ad.name)) {
        *err = fmt::format("{}: [[domain]] needs a valid 'name'", at(path, el.source()));
        return false;
      }
      if (const toml::node* n = d->get("exo_type"); n && !check_domain_type(ad.exo_type, n, path, err)) return false;
      if (const toml::node* n = d->get("onprem_type"); n && !check_domain_type(ad.onprem_type, n, path, err)) return false;
      out->domains.push_back(std::move(ad));
    }
  }
  if (const toml::array* cons = root["connector"].as_array()) {
    for (const auto& el : *cons) {
      const toml::table* c = el.as_table();
      if (!c) {
        *err = fmt::format("{}: [[connector]] entries must be tables", at(path, el.source()));
        return false;
      }
      if (!check_keys(*c, {"name", "direction", "smart_hosts", "allowed_ips", "recipient_domains", "tls_cert_name"}, path,
                      "[[connector]]", err))
        return false;
      Connector con;
      if (!get_string(*c, "name", &con.name, path, err) || !get_string(*c, "direction", &con.direction, path, err) ||
          !get_strings(*c, "smart_hosts", &con.smart_hosts, path, err) ||
          !get_strings(*c, "allowed_ips", &con.allowed_ips, path, err) ||
          !get_strings(*c, "recipient_domains", &con.recipient_domains, path, err) ||
          !get_string(*c, "tls_cert_name", &con.tls_cert_name, path, err))
        return false;
      if (con.direction != "inbound" && con.direction != "outbound") {
        *err = fmt::format("{}: [[connector]] direction must be 'inbound' or 'outbound'", at(path, el.source()));
        return false;
      }
      out->connectors.push_back(std::move(con));
    }
  }
  if (const toml::table* dns = root["dns"].as_table()) {
    if (!check_keys(*dns, {"mx", "spf"}, path, "[dns]", err)) return false;
    if (!get_strings(*dns, "mx", &out->mx, path, err) || !get_string(*dns, "spf", &out->spf, path, err)) return false;
  }
  return true;
}

bool apply_profile(const SiteProfile& p, NetworkTables* tables, std::string* err) {
  if (p.empty()) return true;
  std::string name = p.name.empty() ? "this organisation" : p.name;
  int prov = tables->add_provider("site", name, NetClass::kOnprem);
  // evidence names the profile by file name: stable across machines and checkouts
  std::string where = p.path.empty() ? "site flags" : std::filesystem::path(p.path).filename().string();
  for (const auto& ip : p.onprem_ips) {
    std::string text = ip;
    if (text.find('/') == std::string::npos) text += text.find(':') == std::string::npos ? "/32" : "/128";
    if (!tables->add_rule(prov, "cidr", text, NetClass::kOnprem, 95, where + ": onprem_ips", err)) return false;
  }
  for (const auto& h : p.onprem_hosts)
    if (!tables->add_rule(prov, "host", h, NetClass::kOnprem, 85, where + ": onprem_hosts", err)) return false;
  for (const auto& d : p.domains)
    if (!tables->add_rule(prov, "host", "*." + d.name, NetClass::kOnprem, 70, where + ": domain " + d.name, err))
      return false;
  return true;
}

}  // namespace ndrscan::classify
