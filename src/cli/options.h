// options.h - command-line parsing (Boost.Program_options), caught here.
//
// PURPOSE
//   Turns argv into an Options struct. Boost exceptions never leave this
//   file: a bad command line becomes a one-line message and exit status 2.
//
// PUBLIC FUNCTIONS
//   parse_options()  argv -> Options, or a usage error
//   help_text()      the --help text
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

namespace ndrscan::cli {

enum class Format { kText, kJson, kSisimai };
enum class Color { kAuto, kAlways, kNever };

struct Options {
  std::vector<std::string> inputs;  ///< empty or "-" means stdin
  Format format = Format::kText;
  Color color = Color::kAuto;
  bool pretty = false;              ///< indented JSON (one message only)
  std::string knowledge_dir;
  std::string profile;
  std::vector<std::string> onprem, domains, geoip_dbs;
  bool no_geoip = false;
  bool paste = false;               ///< --paste: always repair the input as a paste
  bool no_paste = false;            ///< --no-paste: never repair it
  std::size_t max_size = 64u << 20;
  bool help = false;
  bool version = false;
  bool explain = false;             ///< --explain: the whole cause scoring in the text report
  bool no_config = false;           ///< --no-config: skip config.toml and profile.toml
  std::set<std::string> given;      ///< long options on the command line (config.toml fills the rest)
};

/// parse_options - false with a one-line message in *error on bad usage.
bool parse_options(int argc, const char* const* argv, Options* opts, std::string* error);

/// help_text - the full --help output.
std::string help_text();

}  // namespace ndrscan::cli
