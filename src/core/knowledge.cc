// knowledge.cc - knowledge directory lookup and table loaders.
#include "src/core/knowledge.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include "src/util/cidr_table.h"
#include "src/util/strings.h"

#ifndef NDRSCAN_SOURCE_KNOWLEDGE_DIR
#define NDRSCAN_SOURCE_KNOWLEDGE_DIR ""
#endif
#ifndef NDRSCAN_INSTALL_KNOWLEDGE_DIR
#define NDRSCAN_INSTALL_KNOWLEDGE_DIR ""
#endif

namespace ndrscan {
namespace fs = std::filesystem;

namespace {

/// valid_code_pattern - "5", "X.7" or "X.7.1" (1-3 digit numbers).
bool valid_code_pattern(std::string_view c) {
  if (c.size() == 1) return c == "2" || c == "4" || c == "5";
  if (c.size() < 3 || c.substr(0, 2) != "X.") return false;
  c.remove_prefix(2);
  int parts = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= c.size(); ++i) {
    if (i == c.size() || c[i] == '.') {
      std::size_t len = i - start;
      if (len == 0 || len > 3) return false;
      ++parts;
      start = i + 1;
    } else if (!util::is_digit(c[i])) {
      return false;
    }
  }
  return parts == 1 || parts == 2;
}

}  // namespace

bool StatusCodeTable::load(const std::string& path, std::string* err) {
  std::ifstream in(path);
  if (!in) {
    *err = fmt::format("{}: cannot open", path);
    return false;
  }
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::string_view v = util::trim(std::string_view(line).substr(1));
      if (util::istarts_with(v, "date:")) date_ = std::string(util::trim(v.substr(5)));
      continue;
    }
    std::vector<std::string_view> cols;
    std::string_view rest = line;
    while (true) {
      std::size_t tab = rest.find('\t');
      cols.push_back(rest.substr(0, tab));
      if (tab == std::string_view::npos) break;
      rest = rest.substr(tab + 1);
    }
    if (cols.size() != 3) {
      *err = fmt::format("{}:{}: expected 3 tab-separated columns (code, meaning, source), found {}", path, lineno,
                         cols.size());
      return false;
    }
    if (!valid_code_pattern(cols[0])) {
      *err = fmt::format("{}:{}: '{}' is not a code pattern (use 5, X.7 or X.7.1)", path, lineno, cols[0]);
      return false;
    }
    if (util::trim(cols[1]).empty() || util::trim(cols[2]).empty()) {
      *err = fmt::format("{}:{}: empty meaning or source", path, lineno);
      return false;
    }
    auto [it, inserted] = by_code_.emplace(std::string(cols[0]), std::string(util::trim(cols[1])));
    if (!inserted) {
      *err = fmt::format("{}:{}: duplicate code '{}'", path, lineno, cols[0]);
      return false;
    }
  }
  if (date_.empty()) {
    *err = fmt::format("{}: missing '# date:' line", path);
    return false;
  }
  return true;
}

std::string StatusCodeTable::meaning(std::string_view code) const {
  if (code.empty()) return {};
  std::size_t d1 = code.find('.');
  if (d1 == std::string_view::npos) return {};
  std::string generic = "X" + std::string(code.substr(d1));
  if (auto it = by_code_.find(generic); it != by_code_.end()) return it->second;
  std::size_t d2 = code.find('.', d1 + 1);
  if (d2 != std::string_view::npos) {
    std::string subject = "X" + std::string(code.substr(d1, d2 - d1));
    if (auto it = by_code_.find(subject); it != by_code_.end())
      return it->second + " (detail not registered)";
  }
  if (auto it = by_code_.find(std::string(code.substr(0, 1))); it != by_code_.end()) return it->second;
  return {};
}

std::string find_knowledge_dir(const std::string& flag_value, const char* argv0) {
  std::vector<fs::path> candidates;
  if (!flag_value.empty()) return flag_value;  // explicit: no fallback
  if (const char* env = std::getenv("NDRSCAN_KNOWLEDGE"); env && *env) return env;
  // next to the installed binary: <prefix>/bin/ndrscan -> <prefix>/share/ndrscan/knowledge
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec && argv0) exe = fs::absolute(argv0, ec);
  if (!exe.empty()) {
    candidates.push_back(exe.parent_path().parent_path() / "share" / "ndrscan" / "knowledge");
    candidates.push_back(exe.parent_path() / "knowledge");
  }
  if (*NDRSCAN_INSTALL_KNOWLEDGE_DIR) candidates.emplace_back(NDRSCAN_INSTALL_KNOWLEDGE_DIR);
  if (*NDRSCAN_SOURCE_KNOWLEDGE_DIR) candidates.emplace_back(NDRSCAN_SOURCE_KNOWLEDGE_DIR);
  for (const auto& c : candidates)
    if (fs::is_regular_file(c / "status" / "enhanced-status-codes.tsv", ec)) return c.string();
  return {};
}

bool load_knowledge(const std::string& dir, const KnowledgeOptions& opts, Knowledge* k, std::string* err) {
  k->dir = dir;
  if (!k->status_codes.load((fs::path(dir) / "status" / "enhanced-status-codes.tsv").string(), err)) return false;
  if (!k->networks.load_dir((fs::path(dir) / "networks").string(), err)) return false;
  if (!k->ms_tables.load((fs::path(dir) / "microsoft").string(), err)) return false;
  if (!k->reasons.load((fs::path(dir) / "reasons").string(), err)) return false;
  // The site: a profile file, then the quick flags on top of it.
  if (!opts.profile_path.empty() && !classify::load_profile(opts.profile_path, &k->profile, err)) return false;
  for (const auto& c : opts.onprem) {
    std::string text = c.find('/') == std::string::npos ? c + (c.find(':') == std::string::npos ? "/32" : "/128") : c;
    util::Prefix p;
    std::string perr;
    if (!util::parse_prefix(text, &p, &perr)) {
      *err = fmt::format("--onprem {}: {}", c, perr);
      return false;
    }
    k->profile.onprem_ips.push_back(c);
  }
  for (const auto& d : opts.domains) {
    if (!util::is_hostname(d)) {
      *err = fmt::format("--domain {}: not a domain name", d);
      return false;
    }
    k->profile.domains.push_back({d, "", ""});
  }
  if (!classify::apply_profile(k->profile, &k->networks, err)) return false;
  k->networks.build();
  // Cause catalogue (src/catalogue): after the reason and network tables it
  // validates against; an empty or missing causes/ directory is an empty catalogue.
  if (opts.load_causes &&
      !k->causes.load((fs::path(dir) / "causes").string(), catalogue::LoadContext{&k->reasons, &k->networks}, err))
    return false;
  k->causes.set_site(catalogue::build_site_facts(k->profile, k->networks));
  // MaxMind-format databases: explicit ones must open; defaults are best effort.
  auto geo = std::make_unique<classify::GeoIp>();
  for (const auto& path : opts.geoip_dbs)
    if (!geo->open(path, err)) return false;
  if (opts.geoip_dbs.empty() && opts.geoip_auto) {
    std::string ignored;
    for (const auto& path : classify::GeoIp::find_default(dir)) geo->open(path, &ignored);
  }
  if (!geo->empty()) k->geo = std::move(geo);
  return true;
}

bool load_knowledge(const std::string& dir, Knowledge* k, std::string* err) {
  KnowledgeOptions opts;
  opts.geoip_auto = false;  // tests must not depend on what the machine has
  return load_knowledge(dir, opts, k, err);
}

}  // namespace ndrscan
