// config.h - configuration files: config.toml (defaults for the long
// options) and profile.toml (the default site profile).
//
// PURPOSE
//   ndrscan looks in $XDG_CONFIG_HOME/ndrscan/ (default ~/.config/ndrscan/),
//   then /etc/ndrscan/. For each of the two files the first directory that
//   has it wins; the files are not merged. Command-line flags override what
//   config.toml says; --no-config skips both files. Documented in
//   docs/config.md and ndrscan(1).
//
// PUBLIC FUNCTIONS
//   config_dirs()       the directories searched, in order
//   parse_config()      one config.toml -> Config, "file:line:col: problem"
//   load_config()       find and parse config.toml, find profile.toml
//   apply_config()      fill what the main command's flags left unset
//   apply_site_config() the same for the options `scan` shares
//   profile_main()      `ndrscan profile check [FILE]`
//
// DIAGNOSTICS
//   Unknown keys are errors with a "did you mean" suggestion; a bad value
//   names the key and what it accepts. Both are usage errors (exit 2).
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "src/cli/options.h"

namespace ndrscan::cli {

/// What config.toml says; an unset key is std::nullopt (or an empty list
/// with its has_ flag false).
struct Config {
  std::string path;                 ///< config.toml that was read, "" when none
  std::string default_profile;      ///< profile.toml found in the config directories, "" when none
  // Top level: the long options of `ndrscan` (and the site ones of `scan`).
  std::optional<std::string> format, color, profile, knowledge;
  std::optional<bool> pretty, no_geoip;
  std::optional<std::size_t> max_size;
  std::vector<std::string> onprem, domain, geoip_db;
  bool has_onprem = false, has_domain = false, has_geoip_db = false;
  // [scan]: the options only `ndrscan scan` has.
  std::optional<int> jobs;
  std::optional<std::size_t> top;
  std::optional<bool> no_progress, errors;

  /// site_profile - the profile to load when --profile is not given: the
  /// `profile` key, else profile.toml; "" when neither.
  std::string site_profile() const { return profile ? *profile : default_profile; }
};

/// config_dirs - $XDG_CONFIG_HOME/ndrscan (or $HOME/.config/ndrscan), then
/// /etc/ndrscan.
std::vector<std::string> config_dirs();

/// parse_config - read one config.toml; relative paths in it (profile,
/// knowledge, geoip_db) are taken from the file's directory, "~/" from $HOME.
bool parse_config(const std::string& path, Config* out, std::string* err);

/// load_config - the first config.toml and the first profile.toml in `dirs`.
/// No file at all is fine (an empty Config).
bool load_config(const std::vector<std::string>& dirs, Config* out, std::string* err);

/// apply_config - copy into `opts` every setting whose flag is not in
/// opts->given (the long option names given on the command line).
void apply_config(const Config& c, Options* opts);

/// apply_site_config - the same for the options `ndrscan scan` shares with
/// the main command; `given` holds the long option names on its command line.
void apply_site_config(const Config& c, const std::set<std::string>& given, std::string* knowledge_dir,
                       std::string* profile, std::vector<std::string>* onprem, std::vector<std::string>* domains,
                       std::vector<std::string>* geoip_dbs, bool* no_geoip, std::size_t* max_size);

/// profile_main - `ndrscan profile check [FILE]`: validate a site profile
/// (the default one when FILE is omitted); 0 valid, 2 invalid or usage.
int profile_main(int argc, char** argv);

}  // namespace ndrscan::cli
