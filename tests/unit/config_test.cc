// config_test.cc - config.toml parsing, search order, precedence of flags.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "src/cli/config.h"

using ndrscan::cli::Config;
namespace fs = std::filesystem;

namespace {

/// A scratch directory removed at the end of the test.
struct TmpDir {
  fs::path path;
  TmpDir() {
    char name[] = "/tmp/ndrscan-config-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    path = name;
  }
  ~TmpDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string& rel, const std::string& text) const {
    fs::path p = path / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
};

std::string parse_error(const std::string& text) {
  TmpDir d;
  std::string path = d.write("config.toml", text);
  Config c;
  std::string err;
  REQUIRE_FALSE(ndrscan::cli::parse_config(path, &c, &err));
  REQUIRE(err.rfind(path + ":", 0) == 0);  // always "file:line:col: ..."
  return err.substr(path.size() + 1);
}

}  // namespace

TEST_CASE("config: every key is read", "[config]") {
  TmpDir d;
  std::string path = d.write("config.toml", R"(
color = "never"
format = "json"
pretty = true
profile = "site.toml"
onprem = "203.0.113.0/24"
domain = ["contoso.com", "fabrikam.com"]
geoip_db = ["/abs/asn.mmdb", "rel/country.mmdb"]
no_geoip = true
max_size = 1000
knowledge = "/opt/knowledge"

[scan]
jobs = 3
top = 25
no_progress = true
errors = true
)");
  Config c;
  std::string err;
  REQUIRE(ndrscan::cli::parse_config(path, &c, &err));
  CHECK(c.path == path);
  CHECK(*c.color == "never");
  CHECK(*c.format == "json");
  CHECK(*c.pretty);
  CHECK(*c.profile == (d.path / "site.toml").string());  // relative to the file
  CHECK(c.onprem == std::vector<std::string>{"203.0.113.0/24"});
  CHECK(c.domain == std::vector<std::string>{"contoso.com", "fabrikam.com"});
  CHECK(c.geoip_db == std::vector<std::string>{"/abs/asn.mmdb", (d.path / "rel/country.mmdb").string()});
  CHECK(*c.no_geoip);
  CHECK(*c.max_size == 1000);
  CHECK(*c.knowledge == "/opt/knowledge");
  CHECK(*c.jobs == 3);
  CHECK(*c.top == 25);
  CHECK(*c.no_progress);
  CHECK(*c.errors);
}

TEST_CASE("config: errors name line and column, with a suggestion", "[config]") {
  CHECK(parse_error("color = \"never\"\nmax-size = 10\n") ==
        "2:1: unknown key 'max-size' (did you mean 'max_size'?)");
  CHECK(parse_error("color = \"allways\"\n") ==
        "1:9: 'color' must be auto, always, never, not 'allways' (did you mean 'always'?)");
  CHECK(parse_error("format = \"xml\"\n") == "1:10: 'format' must be text, json, not 'xml'");
  CHECK(parse_error("[scan]\njobs = 0\n") == "2:8: 'jobs' must be a positive integer");
  CHECK(parse_error("[scan]\njob = 2\n") == "2:1: unknown key 'job' in [scan] (did you mean 'jobs'?)");
  CHECK(parse_error("pretty = \"yes\"\n") == "1:10: 'pretty' must be true or false");
  CHECK(parse_error("domain = [\"a.com\", 3]\n") == "1:20: 'domain' must contain only strings");
  CHECK(parse_error("scan = 1\n") == "1:8: 'scan' must be a table ([scan])");
  // A TOML syntax error keeps toml++'s description.
  CHECK(parse_error("color = \n").rfind("1:", 0) == 0);
}

TEST_CASE("config: the first directory with each file wins", "[config]") {
  TmpDir user, sys;
  sys.write("config.toml", "color = \"always\"\nmax_size = 5\n");
  sys.write("profile.toml", "[organisation]\nname = \"System\"\n");
  Config c;
  std::string err;
  REQUIRE(ndrscan::cli::load_config({user.path.string(), sys.path.string()}, &c, &err));
  CHECK(c.path == (sys.path / "config.toml").string());
  CHECK(c.default_profile == (sys.path / "profile.toml").string());
  CHECK(c.site_profile() == c.default_profile);

  // The user's config.toml replaces the system one whole (no merging); the
  // system profile.toml is still the default profile.
  user.write("config.toml", "color = \"never\"\n");
  Config u;
  REQUIRE(ndrscan::cli::load_config({user.path.string(), sys.path.string()}, &u, &err));
  CHECK(u.path == (user.path / "config.toml").string());
  CHECK(*u.color == "never");
  CHECK_FALSE(u.max_size);
  CHECK(u.default_profile == (sys.path / "profile.toml").string());

  // The profile key beats profile.toml.
  user.write("config.toml", "profile = \"/srv/site.toml\"\n");
  Config p;
  REQUIRE(ndrscan::cli::load_config({user.path.string(), sys.path.string()}, &p, &err));
  CHECK(p.site_profile() == "/srv/site.toml");

  // Nothing anywhere is not an error.
  TmpDir empty;
  Config none;
  REQUIRE(ndrscan::cli::load_config({empty.path.string()}, &none, &err));
  CHECK(none.path.empty());
  CHECK(none.site_profile().empty());
}

TEST_CASE("config: flags on the command line win", "[config]") {
  Config c;
  c.format = "json";
  c.color = "always";
  c.pretty = true;
  c.max_size = 100;
  c.profile = "/cfg/site.toml";
  c.onprem = {"10.0.0.0/8"};
  c.has_onprem = true;

  ndrscan::cli::Options none;
  ndrscan::cli::apply_config(c, &none);
  CHECK(none.format == ndrscan::cli::Format::kJson);
  CHECK(none.color == ndrscan::cli::Color::kAlways);
  CHECK(none.pretty);
  CHECK(none.max_size == 100);
  CHECK(none.profile == "/cfg/site.toml");
  CHECK(none.onprem == std::vector<std::string>{"10.0.0.0/8"});

  ndrscan::cli::Options flags;
  flags.given = {"no-color", "max-size", "profile", "onprem", "pretty"};
  flags.max_size = 7;
  flags.profile = "mine.toml";
  flags.onprem = {"192.0.2.0/24"};
  ndrscan::cli::apply_config(c, &flags);
  CHECK(flags.format == ndrscan::cli::Format::kJson);   // not given: from the file
  CHECK(flags.color == ndrscan::cli::Color::kAuto);     // --no-color given: untouched
  CHECK_FALSE(flags.pretty);
  CHECK(flags.max_size == 7);
  CHECK(flags.profile == "mine.toml");
  CHECK(flags.onprem == std::vector<std::string>{"192.0.2.0/24"});  // replaced, not merged

  ndrscan::cli::Options json_flag;
  json_flag.given = {"json"};
  json_flag.format = ndrscan::cli::Format::kText;
  c.format = "text";
  ndrscan::cli::apply_config(c, &json_flag);
  CHECK(json_flag.format == ndrscan::cli::Format::kText);  // untouched by config: --json is a --format
}

TEST_CASE("config: directories follow XDG_CONFIG_HOME, then HOME, then /etc", "[config]") {
  std::string old_xdg = std::getenv("XDG_CONFIG_HOME") ? std::getenv("XDG_CONFIG_HOME") : "";
  std::string old_home = std::getenv("HOME") ? std::getenv("HOME") : "";
  bool had_xdg = std::getenv("XDG_CONFIG_HOME") != nullptr;
  setenv("HOME", "/home/ann", 1);
  setenv("XDG_CONFIG_HOME", "/xdg", 1);
  CHECK(ndrscan::cli::config_dirs() == std::vector<std::string>{"/xdg/ndrscan", "/etc/ndrscan"});
  setenv("XDG_CONFIG_HOME", "relative", 1);  // invalid per the spec: ignored
  CHECK(ndrscan::cli::config_dirs() == std::vector<std::string>{"/home/ann/.config/ndrscan", "/etc/ndrscan"});
  unsetenv("XDG_CONFIG_HOME");
  CHECK(ndrscan::cli::config_dirs() == std::vector<std::string>{"/home/ann/.config/ndrscan", "/etc/ndrscan"});
  if (had_xdg) setenv("XDG_CONFIG_HOME", old_xdg.c_str(), 1);
  setenv("HOME", old_home.c_str(), 1);
}

TEST_CASE("config: ~/ paths come from HOME", "[config]") {
  TmpDir d;
  std::string path = d.write("config.toml", "profile = \"~/site.toml\"\n");
  std::string old_home = std::getenv("HOME") ? std::getenv("HOME") : "";
  setenv("HOME", "/home/ann", 1);
  Config c;
  std::string err;
  bool ok = ndrscan::cli::parse_config(path, &c, &err);
  setenv("HOME", old_home.c_str(), 1);
  REQUIRE(ok);
  CHECK(*c.profile == "/home/ann/site.toml");
}
