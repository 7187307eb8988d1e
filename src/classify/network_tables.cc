// network_tables.cc - provider table loader and look-ups.
#include "src/classify/network_tables.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>

#include "src/util/strings.h"

namespace ndrscan::classify {
namespace fs = std::filesystem;

namespace {

constexpr std::array<std::pair<NetClass, const char*>, 7> kClasses{{
    {NetClass::kUnknown, "unknown"},
    {NetClass::kEop, "eop"},
    {NetClass::kExchangeOnline, "exchange-online"},
    {NetClass::kOnprem, "onprem"},
    {NetClass::kThirdPartyFilter, "third-party-filter"},
    {NetClass::kProvider, "provider"},
    {NetClass::kPrivate, "private"},
}};

bool valid_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!util::is_digit(d[i])) return false;
  return true;
}

bool valid_id(std::string_view id) {
  if (id.empty()) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || util::is_digit(c) || c == '-')) return false;
  return true;
}

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> cols;
  while (true) {
    std::size_t tab = line.find('\t');
    cols.push_back(line.substr(0, tab));
    if (tab == std::string_view::npos) break;
    line = line.substr(tab + 1);
  }
  return cols;
}

}  // namespace

const char* class_name(NetClass c) {
  for (const auto& [cls, name] : kClasses)
    if (cls == c) return name;
  return "unknown";
}

std::optional<NetClass> parse_class(std::string_view s) {
  for (const auto& [cls, name] : kClasses)
    if (s == name) return cls;
  return std::nullopt;
}

int NetworkTables::find_provider(std::string_view id) const {
  for (std::size_t i = 0; i < providers_.size(); ++i)
    if (providers_[i].id == id) return static_cast<int>(i);
  return -1;
}

int NetworkTables::add_provider(const std::string& id, const std::string& name, NetClass cls) {
  int existing = find_provider(id);
  if (existing >= 0) return existing;
  providers_.push_back({id, name, "", "", cls});
  return static_cast<int>(providers_.size()) - 1;
}

bool NetworkTables::load_dir(const std::string& dir, std::string* err) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".tsv") files.push_back(e.path());
  if (ec) {
    *err = fmt::format("{}: cannot read directory: {}", dir, ec.message());
    return false;
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::string shown = "networks/" + f.filename().string();
    if (!load_file(f.string(), shown, err)) return false;
  }
  return true;
}

bool NetworkTables::load_file(const std::string& path, const std::string& shown, std::string* err) {
  std::ifstream in(path);
  if (!in) {
    *err = fmt::format("{}: cannot open", path);
    return false;
  }
  std::string id, name, date, cls_text;
  std::string line;
  int lineno = 0;
  int prov = -1;
  auto fail = [&](const std::string& msg) {
    *err = fmt::format("{}:{}: {}", path, lineno, msg);
    return false;
  };
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (util::trim(line).empty()) continue;
    if (line[0] == '#') {
      std::string_view v = util::trim(std::string_view(line).substr(1));
      std::size_t colon = v.find(':');
      if (colon == std::string_view::npos || prov >= 0) continue;
      std::string_view key = util::trim(v.substr(0, colon)), val = util::trim(v.substr(colon + 1));
      if (key == "provider") id = val;
      else if (key == "name") name = val;
      else if (key == "class") cls_text = val;
      else if (key == "date") date = val;
      continue;
    }
    if (prov < 0) {  // first data row: the header must be complete
      std::string stem = fs::path(path).stem().string();
      if (!valid_id(id)) return fail("missing or invalid '# provider:' line before the first row");
      if (id != stem) return fail(fmt::format("'# provider: {}' does not match the file name '{}'", id, stem));
      if (name.empty()) return fail("missing '# name:' line before the first row");
      if (!valid_date(date)) return fail("missing or invalid '# date: YYYY-MM-DD' line before the first row");
      auto c = parse_class(cls_text);
      if (!c || *c == NetClass::kUnknown || *c == NetClass::kOnprem)
        return fail(fmt::format("'# class: {}' is not one of eop, exchange-online, third-party-filter, provider, private",
                                cls_text));
      if (find_provider(id) >= 0) return fail(fmt::format("provider '{}' defined twice", id));
      providers_.push_back({id, name, shown, date, *c});
      prov = static_cast<int>(providers_.size()) - 1;
      if (date > newest_date_) newest_date_ = date;
    }
    auto cols = split_tabs(line);
    if (cols.size() != 7)
      return fail(fmt::format("expected 7 tab-separated columns (kind, value, class, weight, source, date, note), found {}",
                              cols.size()));
    for (std::size_t i = 0; i < cols.size(); ++i)
      if (util::trim(cols[i]).empty()) return fail(fmt::format("column {} is empty (use '-' for no note)", i + 1));
    auto cls = parse_class(cols[2]);
    if (!cls || *cls == NetClass::kUnknown || *cls == NetClass::kOnprem)
      return fail(fmt::format("unknown class '{}'", cols[2]));
    int weight = 0;
    for (char c : cols[3]) {
      if (!util::is_digit(c) || weight > 1000) return fail(fmt::format("weight '{}' is not a number 1..100", cols[3]));
      weight = weight * 10 + (c - '0');
    }
    if (weight < 1 || weight > 100) return fail(fmt::format("weight '{}' is not a number 1..100", cols[3]));
    if (!valid_date(cols[5])) return fail(fmt::format("date '{}' is not YYYY-MM-DD", cols[5]));
    std::string where = fmt::format("{}:{}", shown, lineno);
    std::string rule_err;
    if (!add_rule(prov, cols[0], cols[1], *cls, weight, where, &rule_err)) return fail(rule_err);
    rules_.back().file = shown;
    rules_.back().source = cols[4];
    rules_.back().date = cols[5];
    rules_.back().note = cols[6] == "-" ? "" : std::string(cols[6]);
  }
  if (prov < 0) {
    lineno = 0;
    return fail("no data rows");
  }
  return true;
}

bool NetworkTables::add_rule(int provider, std::string_view kind, std::string_view value, NetClass cls, int weight,
                             const std::string& where, std::string* err) {
  Rule r;
  r.provider = provider;
  r.cls = cls;
  r.weight = weight;
  r.kind = kind;
  r.value = value;
  r.where = where;
  r.file = where;
  int index = static_cast<int>(rules_.size());
  if (kind == "cidr") {
    util::Prefix p;
    std::string perr;
    if (!util::parse_prefix(value, &p, &perr)) {
      *err = fmt::format("bad CIDR '{}': {}", value, perr);
      return false;
    }
    std::string key = fmt::format("{:x}/{}", static_cast<unsigned long long>(p.first >> 64), p.bits) +
                      fmt::format("{:x}", static_cast<unsigned long long>(p.first));
    auto [it, fresh] = cidr_where_.emplace(key, where);
    // Within the shipped tables a range belongs to one provider; the site
    // profile may claim a shipped range (its own 10.0.0.0/8) and then wins.
    if (!fresh && where.rfind("networks/", 0) == 0) {
      *err = fmt::format("CIDR '{}' is already listed at {}", value, it->second);
      return false;
    }
    cidrs_.add(p, index);
  } else if (kind == "host") {
    std::string v = util::lower(util::strip_dot(value));
    if (v.rfind("*.", 0) == 0) {
      v.erase(0, 2);
      if (!util::is_hostname(v)) {
        *err = fmt::format("bad host pattern '{}'", value);
        return false;
      }
      suffix_hosts_.emplace(v, index);
    } else {
      if (!util::is_hostname(v) || v.find('*') != std::string::npos) {
        *err = fmt::format("bad host name '{}' (use '*.suffix' for a suffix)", value);
        return false;
      }
      exact_hosts_.emplace(v, index);
    }
  } else if (kind == "hostre") {
    util::Regex re;
    std::string rerr;
    if (!re.compile(value, &rerr)) {
      *err = fmt::format("bad pattern '{}': {}", value, rerr);
      return false;
    }
    host_patterns_.emplace_back(std::move(re), index);
  } else if (kind == "header") {
    if (value.empty() || value.find(':') != std::string_view::npos || value.find(' ') != std::string_view::npos) {
      *err = fmt::format("bad header name '{}'", value);
      return false;
    }
    header_prefixes_.emplace_back(util::lower(value), index);
  } else if (kind == "asn") {
    std::uint64_t n = 0;
    for (char c : value) {
      if (!util::is_digit(c) || n > 0xffffffffULL) {
        *err = fmt::format("bad AS number '{}'", value);
        return false;
      }
      n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (n == 0 || n > 0xffffffffULL) {
      *err = fmt::format("bad AS number '{}'", value);
      return false;
    }
    asns_.emplace(static_cast<std::uint32_t>(n), index);
  } else {
    *err = fmt::format("unknown kind '{}' (use cidr, host, hostre, header or asn)", kind);
    return false;
  }
  rules_.push_back(std::move(r));
  return true;
}

namespace {

/// key3 - the first three bytes of a name, ASCII-lowercased, as one number.
std::uint32_t key3(std::string_view s) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(util::to_lower_ascii(s[0]))) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(util::to_lower_ascii(s[1]))) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(util::to_lower_ascii(s[2])));
}

}  // namespace

void NetworkTables::build() {
  cidrs_.build();
  prefix_index_.clear();
  short_prefixes_.clear();
  for (std::size_t k = 0; k < header_prefixes_.size(); ++k) {
    const std::string& p = header_prefixes_[k].first;
    if (p.size() < 3) short_prefixes_.push_back(static_cast<std::uint32_t>(k));
    else prefix_index_.emplace_back(key3(p), static_cast<std::uint32_t>(k));
  }
  std::sort(prefix_index_.begin(), prefix_index_.end());
}

int NetworkTables::match_ip(std::string_view ip) const {
  if (ip.empty()) return -1;
  auto a = util::parse_address(ip);
  return a ? cidrs_.lookup(*a) : -1;
}

int NetworkTables::match_host(std::string_view name) const {
  name = util::strip_dot(util::trim(name));
  if (name.empty() || name.size() > 253) return -1;
  char buf[256];
  for (std::size_t i = 0; i < name.size(); ++i) buf[i] = util::to_lower_ascii(name[i]);
  std::string_view n(buf, name.size());
  if (auto it = exact_hosts_.find(n); it != exact_hosts_.end()) return it->second;
  // "*.b.c" matches names strictly below b.c: try each parent, longest first
  for (std::size_t dot = n.find('.'); dot != std::string_view::npos; dot = n.find('.', dot + 1)) {
    if (auto it = suffix_hosts_.find(n.substr(dot + 1)); it != suffix_hosts_.end()) return it->second;
  }
  for (const auto& [re, idx] : host_patterns_)
    if (re.search(n)) return idx;
  return -1;
}

int NetworkTables::match_asn(std::uint32_t asn) const {
  auto it = asns_.find(asn);
  return it == asns_.end() ? -1 : it->second;
}

std::vector<int> NetworkTables::match_headers(const std::vector<rfc5322::HeaderField>& fields) const {
  // 1. which prefixes some field matches ("X-TM-" is a prefix; a name not
  //    ending in '-' must be equal)
  auto matches = [&](const std::string& prefix, std::string_view name) {
    return prefix.back() != '-' ? util::iequals(name, prefix) : util::istarts_with(name, prefix);
  };
  thread_local std::vector<char> hit;
  hit.assign(header_prefixes_.size(), 0);
  const bool indexed = prefix_index_.size() + short_prefixes_.size() == header_prefixes_.size();
  for (const auto& f : fields) {
    if (!indexed) {  // build() not called: compare with every prefix
      for (std::size_t k = 0; k < header_prefixes_.size(); ++k)
        if (!hit[k] && matches(header_prefixes_[k].first, f.name)) hit[k] = 1;
      continue;
    }
    for (std::uint32_t k : short_prefixes_)
      if (!hit[k] && matches(header_prefixes_[k].first, f.name)) hit[k] = 1;
    if (f.name.size() < 3) continue;
    const std::uint32_t key = key3(f.name);
    auto it = std::lower_bound(prefix_index_.begin(), prefix_index_.end(), std::make_pair(key, std::uint32_t{0}));
    for (; it != prefix_index_.end() && it->first == key; ++it)
      if (!hit[it->second] && matches(header_prefixes_[it->second].first, f.name)) hit[it->second] = 1;
  }
  // 2. in table order, one rule per provider
  std::vector<int> out;
  for (std::size_t k = 0; k < header_prefixes_.size(); ++k) {
    if (!hit[k]) continue;
    const int idx = header_prefixes_[k].second;
    const int prov = rules_[static_cast<std::size_t>(idx)].provider;
    bool have = false;
    for (int o : out)
      if (rules_[static_cast<std::size_t>(o)].provider == prov) have = true;
    if (!have) out.push_back(idx);
  }
  return out;
}

}  // namespace ndrscan::classify
