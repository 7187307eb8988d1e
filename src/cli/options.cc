// options.cc - Boost.Program_options glue and the help text.
#include "src/cli/options.h"

#include <boost/program_options.hpp>

#include <fmt/format.h>

namespace ndrscan::cli {
namespace po = boost::program_options;

namespace {

constexpr const char* kHelp = R"(Usage: ndrscan [OPTIONS] [FILE...]

Analyse email non-delivery reports (bounces) and message headers offline:
who bounced, with which status and reply, and the Received route of the
bounce and of the returned original.

Input
  FILE              a message (.eml; LF, CRLF or CR line endings) or a bare
                    header block as pasted from a mail client. Several files
                    may be given. "-" or no FILE reads standard input.

Output
  --json            one JSON object per input (JSON Lines with several);
                    fields are documented in docs/json.md
  --format FMT      text (default), json, or sisimai: one JSON array of
                    all failed recipients with Sisimai's dump field names
                    (docs/sisimai.md)
  --pretty          indent JSON (for reading; one object spans many lines)
  --color WHEN      auto (default: only on a terminal), always or never;
                    NO_COLOR in the environment turns auto off
  --no-color        same as --color never
  --explain         show how the likely causes were scored: every cause
                    that matched, each condition and signal with a check
                    mark (docs/catalogue.md)

Site (what is on-premises for you; see docs/profile.md)
  --profile FILE    site profile (TOML): own IP ranges and hosts, accepted
                    domains, connectors, MX and SPF records
  --onprem CIDR     an on-premises range (repeatable)
  --domain D        an accepted domain of the organisation (repeatable)

Network data
  --geoip-db FILE   MaxMind-format database for ASN and country (repeatable;
                    default: the .mmdb files in knowledge/geoip,
                    /var/lib/ndrscan, /usr/share/GeoIP, /var/lib/GeoIP)
  --no-geoip        no ASN/country enrichment

Pasted text
  --paste           repair the input as text pasted from a mail client, a
                    web page or a ticket even when it reads as a message
                    (default: only when it does not)
  --no-paste        never repair the input as a paste

Limits and data
  --max-size BYTES  refuse inputs larger than this (default 67108864)
  --knowledge DIR   read knowledge data from DIR instead of the installed
                    copy (also $NDRSCAN_KNOWLEDGE)
  --no-config       ignore config.toml and profile.toml in
                    $XDG_CONFIG_HOME/ndrscan and /etc/ndrscan (docs/config.md)

  -h, --help        this text
  -V, --version     program version and knowledge data dates

Commands (each has its own --help)
  scan PATH...      many bounces: mboxes, maildirs, folders, gzip, streams
  summary merge SUMMARY.json...
                    add up the --summary-json files of several scans
  profile check [FILE]
                    validate a site profile (default: the configured one)
  explain STATUS|CAUSE-ID|TEXT
                    what a status means and the catalogue's causes for it,
                    one cause entry, or a server line scored (offline)
  catalogue lint|dump
                    check the cause catalogue, or print it back as TOML
  advise --mailboxes M --entry E [--spf RECORD]
                    MX, SPF and connectors for a mail-flow scenario, and
                    offline SPF record checks (docs/advise.md)
  serve [--listen 127.0.0.1:8025]
                    a local web page to paste or drop bounces into, and a
                    JSON API (docs/serve.md)

Exit status
  0  every input was analysed
  1  some input could not be read or analysed (each named on stderr)
  2  usage error, or the knowledge data could not be loaded

Examples
  ndrscan bounce.eml
  ndrscan --json < bounce.eml | jq '.recipients[].status'
  ndrscan --json exported/*.eml > results.jsonl
)";

}  // namespace

std::string help_text() { return kHelp; }

bool parse_options(int argc, const char* const* argv, Options* opts, std::string* error) {
  po::options_description desc;
  std::string format = "text", color = "auto";
  desc.add_options()
      ("help,h", po::bool_switch(&opts->help))
      ("version,V", po::bool_switch(&opts->version))
      ("explain", po::bool_switch(&opts->explain))  // cause scoring (src/catalogue)
      ("json", "JSON output")
      ("format", po::value<std::string>(&format))
      ("pretty", po::bool_switch(&opts->pretty))
      ("color", po::value<std::string>(&color))
      ("colour", po::value<std::string>(&color))
      ("no-color", "no colour")
      ("max-size", po::value<std::size_t>(&opts->max_size))
      ("knowledge", po::value<std::string>(&opts->knowledge_dir))
      ("profile", po::value<std::string>(&opts->profile))
      ("onprem", po::value<std::vector<std::string>>(&opts->onprem)->composing())
      ("domain", po::value<std::vector<std::string>>(&opts->domains)->composing())
      ("geoip-db", po::value<std::vector<std::string>>(&opts->geoip_dbs)->composing())
      ("no-geoip", po::bool_switch(&opts->no_geoip))
      ("paste", po::bool_switch(&opts->paste))
      ("no-paste", po::bool_switch(&opts->no_paste))
      ("no-config", po::bool_switch(&opts->no_config))
      ("input", po::value<std::vector<std::string>>(&opts->inputs));
  po::positional_options_description pos;
  pos.add("input", -1);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(desc).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("json")) format = "json";
    if (vm.count("no-color")) color = "never";
    for (const auto& [name, value] : vm)  // what config.toml must not override
      if (!value.defaulted()) opts->given.insert(name);
  } catch (const po::error& e) {
    *error = e.what();
    return false;
  }
  if (format == "text") opts->format = Format::kText;
  else if (format == "json") opts->format = Format::kJson;
  else if (format == "sisimai") opts->format = Format::kSisimai;
  else {
    *error = fmt::format("unknown --format '{}' (use text, json or sisimai)", format);
    return false;
  }
  if (color == "auto") opts->color = Color::kAuto;
  else if (color == "always") opts->color = Color::kAlways;
  else if (color == "never") opts->color = Color::kNever;
  else {
    *error = fmt::format("unknown --color '{}' (use auto, always or never)", color);
    return false;
  }
  if (opts->paste && opts->no_paste) {
    *error = "--paste and --no-paste exclude each other";
    return false;
  }
  if (opts->max_size == 0) {
    *error = "--max-size must be positive";
    return false;
  }
  return true;
}

}  // namespace ndrscan::cli
