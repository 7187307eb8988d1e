// config.cc - config.toml and profile.toml from the configuration directories.
#include "src/cli/config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <toml++/toml.h>

#include "src/classify/network_tables.h"
#include "src/classify/site_profile.h"
#include "src/core/exit_status.h"
#include "src/util/spellcheck.h"

namespace ndrscan::cli {
namespace fs = std::filesystem;

namespace {

constexpr const char* kSysConfigDir = "/etc/ndrscan";

std::string at(const std::string& path, const toml::source_region& r) {
  return fmt::format("{}:{}:{}", path, r.begin.line, r.begin.column);
}

std::string hint(const std::string& word, const std::vector<std::string>& candidates) {
  std::string h = util::did_you_mean(word, candidates);
  return h.empty() ? "" : fmt::format(" (did you mean '{}'?)", h);
}

bool check_keys(const toml::table& t, const std::vector<std::string>& allowed, const std::string& path,
                const std::string& where, std::string* err) {
  for (const auto& [k, v] : t) {
    std::string key(k.str());
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    *err = fmt::format("{}: unknown key '{}'{}{}", at(path, k.source()), key, where.empty() ? "" : " in " + where,
                       hint(key, allowed));
    return false;
  }
  return true;
}

/// Readers for one key: absent leaves the output alone; a wrong type is an error.
struct Reader {
  const toml::table& t;
  const std::string& path;
  std::string* err;

  bool str(const char* key, std::optional<std::string>* out) const {
    const toml::node* n = t.get(key);
    if (!n) return true;
    if (!n->is_string()) return fail(n, fmt::format("'{}' must be a string", key));
    *out = n->value<std::string>().value_or("");
    return true;
  }
  bool boolean(const char* key, std::optional<bool>* out) const {
    const toml::node* n = t.get(key);
    if (!n) return true;
    if (!n->is_boolean()) return fail(n, fmt::format("'{}' must be true or false", key));
    *out = n->value<bool>().value_or(false);
    return true;
  }
  template <typename T>
  bool positive(const char* key, std::optional<T>* out) const {
    const toml::node* n = t.get(key);
    if (!n) return true;
    std::optional<std::int64_t> v = n->is_integer() ? n->value<std::int64_t>() : std::nullopt;
    if (!v || *v <= 0) return fail(n, fmt::format("'{}' must be a positive integer", key));
    *out = static_cast<T>(*v);
    return true;
  }
  /// strings - a string or an array of strings (repeatable options).
  bool strings(const char* key, std::vector<std::string>* out, bool* has) const {
    const toml::node* n = t.get(key);
    if (!n) return true;
    *has = true;
    if (n->is_string()) {
      out->push_back(n->value<std::string>().value_or(""));
      return true;
    }
    const toml::array* arr = n->as_array();
    if (!arr) return fail(n, fmt::format("'{}' must be a string or an array of strings", key));
    for (const auto& el : *arr) {
      if (!el.is_string()) return fail(&el, fmt::format("'{}' must contain only strings", key));
      out->push_back(el.value<std::string>().value_or(""));
    }
    return true;
  }
  /// one_of - the value, if set, must be one of `values`.
  bool one_of(const char* key, const std::optional<std::string>& v, const std::vector<std::string>& values) const {
    if (!v || std::find(values.begin(), values.end(), *v) != values.end()) return true;
    return fail(t.get(key), fmt::format("'{}' must be {}, not '{}'{}", key, fmt::join(values, ", "), *v, hint(*v, values)));
  }
  bool fail(const toml::node* n, const std::string& msg) const {
    *err = fmt::format("{}: {}", at(path, n->source()), msg);
    return false;
  }
};

/// resolve - "~/x" from $HOME, a relative path from the config file's directory.
std::string resolve(const std::string& p, const fs::path& base) {
  if (p.empty()) return p;
  if (p.rfind("~/", 0) == 0) {
    const char* home = std::getenv("HOME");
    return home && *home ? (fs::path(home) / p.substr(2)).string() : p;
  }
  fs::path fp(p);
  return fp.is_absolute() ? p : (base / fp).lexically_normal().string();
}

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

bool given_any(const std::set<std::string>& given, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (given.count(n)) return true;
  return false;
}

constexpr const char* kProfileUsage = "usage: ndrscan profile check [--no-config] [FILE]\n";

constexpr const char* kProfileHelp = R"(Usage: ndrscan profile check [--no-config] [FILE]

Validate a site profile (TOML, docs/profile.md) and print what it holds.
Without FILE, the default profile is checked: the 'profile' key of
config.toml, else profile.toml in $XDG_CONFIG_HOME/ndrscan (default
~/.config/ndrscan), then /etc/ndrscan.

  --no-config       ignore the configuration files (FILE is then required)
  -h, --help        this text

Exit status: 0 the profile is valid, 2 it is not (file:line:col: problem on
stderr) or usage error.
)";

}  // namespace

std::vector<std::string> config_dirs() {
  std::vector<std::string> dirs;
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  // The XDG Base Directory spec: a relative $XDG_CONFIG_HOME is invalid and ignored.
  if (xdg && *xdg && fs::path(xdg).is_absolute())
    dirs.push_back((fs::path(xdg) / "ndrscan").string());
  else if (home && *home)
    dirs.push_back((fs::path(home) / ".config" / "ndrscan").string());
  dirs.emplace_back(kSysConfigDir);
  return dirs;
}

bool parse_config(const std::string& path, Config* out, std::string* err) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    *err = fmt::format("{}: {}", at(path, e.source()), e.description());
    return false;
  }
  out->path = path;
  fs::path base = fs::path(path).parent_path();
  if (!check_keys(root,
                  {"format", "color", "pretty", "profile", "onprem", "domain", "geoip_db", "no_geoip", "max_size",
                   "knowledge", "scan"},
                  path, "", err))
    return false;
  Reader r{root, path, err};
  if (!r.str("format", &out->format) || !r.one_of("format", out->format, {"text", "json"})) return false;
  if (!r.str("color", &out->color) || !r.one_of("color", out->color, {"auto", "always", "never"})) return false;
  if (!r.boolean("pretty", &out->pretty) || !r.boolean("no_geoip", &out->no_geoip)) return false;
  if (!r.positive("max_size", &out->max_size)) return false;
  if (!r.str("profile", &out->profile) || !r.str("knowledge", &out->knowledge)) return false;
  if (!r.strings("onprem", &out->onprem, &out->has_onprem) || !r.strings("domain", &out->domain, &out->has_domain) ||
      !r.strings("geoip_db", &out->geoip_db, &out->has_geoip_db))
    return false;
  if (out->profile) *out->profile = resolve(*out->profile, base);
  if (out->knowledge) *out->knowledge = resolve(*out->knowledge, base);
  for (auto& g : out->geoip_db) g = resolve(g, base);
  if (const toml::node* scan = root.get("scan")) {
    const toml::table* st = scan->as_table();
    if (!st) return r.fail(scan, "'scan' must be a table ([scan])");
    if (!check_keys(*st, {"jobs", "top", "no_progress", "errors"}, path, "[scan]", err)) return false;
    Reader s{*st, path, err};
    if (!s.positive("jobs", &out->jobs) || !s.positive("top", &out->top) ||
        !s.boolean("no_progress", &out->no_progress) || !s.boolean("errors", &out->errors))
      return false;
  }
  return true;
}

bool load_config(const std::vector<std::string>& dirs, Config* out, std::string* err) {
  for (const auto& d : dirs) {
    fs::path p = fs::path(d) / "config.toml";
    if (!is_file(p)) continue;
    if (!parse_config(p.string(), out, err)) return false;
    break;
  }
  for (const auto& d : dirs) {
    fs::path p = fs::path(d) / "profile.toml";
    if (!is_file(p)) continue;
    out->default_profile = p.string();
    break;
  }
  return true;
}

void apply_config(const Config& c, Options* opts) {
  const auto& g = opts->given;
  if (c.format && !given_any(g, {"format", "json"})) opts->format = *c.format == "json" ? Format::kJson : Format::kText;
  if (c.color && !given_any(g, {"color", "colour", "no-color"}))
    opts->color = *c.color == "always" ? Color::kAlways : *c.color == "never" ? Color::kNever : Color::kAuto;
  if (c.pretty && !g.count("pretty")) opts->pretty = *c.pretty;
  apply_site_config(c, g, &opts->knowledge_dir, &opts->profile, &opts->onprem, &opts->domains, &opts->geoip_dbs,
                    &opts->no_geoip, &opts->max_size);
}

void apply_site_config(const Config& c, const std::set<std::string>& given, std::string* knowledge_dir,
                       std::string* profile, std::vector<std::string>* onprem, std::vector<std::string>* domains,
                       std::vector<std::string>* geoip_dbs, bool* no_geoip, std::size_t* max_size) {
  if (c.knowledge && !given.count("knowledge")) *knowledge_dir = *c.knowledge;
  if (!given.count("profile")) *profile = c.site_profile();
  // Repeatable options: the flags, when given, replace the file's list.
  if (c.has_onprem && !given.count("onprem")) *onprem = c.onprem;
  if (c.has_domain && !given.count("domain")) *domains = c.domain;
  if (c.has_geoip_db && !given.count("geoip-db")) *geoip_dbs = c.geoip_db;
  if (c.no_geoip && !given.count("no-geoip")) *no_geoip = *c.no_geoip;
  if (c.max_size && !given.count("max-size")) *max_size = *c.max_size;
}

int profile_main(int argc, char** argv) {
  // argv[0] is "profile".
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
    fmt::print("{}", kProfileHelp);
    return kExitOk;
  }
  if (args.empty() || args[0] != "check") {
    fmt::print(stderr, "{}", kProfileUsage);
    return kExitUsage;
  }
  bool no_config = false;
  std::string file;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "-h" || args[i] == "--help") {
      fmt::print("{}", kProfileHelp);
      return kExitOk;
    }
    if (args[i] == "--no-config") {
      no_config = true;
    } else if (args[i].size() > 1 && args[i][0] == '-') {
      fmt::print(stderr, "ndrscan: error: unrecognised option '{}' (see ndrscan profile check --help)\n", args[i]);
      return kExitUsage;
    } else if (file.empty()) {
      file = args[i];
    } else {
      fmt::print(stderr, "{}", kProfileUsage);
      return kExitUsage;
    }
  }
  std::string err;
  if (file.empty()) {
    std::vector<std::string> dirs = config_dirs();
    Config cfg;
    if (!no_config && !load_config(dirs, &cfg, &err)) {
      fmt::print(stderr, "ndrscan: error: {}\n", err);
      return kExitUsage;
    }
    file = no_config ? "" : cfg.site_profile();
    if (file.empty()) {
      fmt::print(stderr, "ndrscan: error: no default profile ({}; give FILE)\n",
                 no_config ? "--no-config" : fmt::format("looked for {}/profile.toml", fmt::join(dirs, "/profile.toml, ")));
      return kExitUsage;
    }
  }
  classify::SiteProfile p;
  classify::NetworkTables scratch;  // apply_profile checks host patterns as the real run would
  if (!classify::load_profile(file, &p, &err) || !classify::apply_profile(p, &scratch, &err)) {
    fmt::print(stderr, "ndrscan: error: {}\n", err);
    return kExitUsage;
  }
  int inbound = 0;
  for (const auto& con : p.connectors) inbound += con.direction == "inbound";
  std::vector<std::string> names;
  for (const auto& d : p.domains) names.push_back(d.name);
  fmt::print("{}: valid site profile\n", file);
  fmt::print("  organisation  {}\n", p.name.empty() ? "(no name)" : p.name);
  fmt::print("  onprem_ips    {}\n", p.onprem_ips.size());
  fmt::print("  onprem_hosts  {}\n", p.onprem_hosts.size());
  fmt::print("  domains       {}{}\n", p.domains.size(),
             names.empty() ? "" : fmt::format(" ({})", fmt::join(names, ", ")));
  fmt::print("  connectors    {} ({} inbound, {} outbound)\n", p.connectors.size(), inbound,
             static_cast<int>(p.connectors.size()) - inbound);
  fmt::print("  dns           {} MX, SPF {}\n", p.mx.size(), p.spf.empty() ? "not set" : "set");
  return kExitOk;
}

}  // namespace ndrscan::cli
