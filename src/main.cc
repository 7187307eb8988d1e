// main.cc - ndrscan: read inputs, analyse each, report. Reads as the pipeline.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "src/advise/scenarios.h"
#include "src/bulk/scan.h"
#include "src/catalogue/commands.h"
#include "src/cli/config.h"
#include "src/cli/options.h"
#include "src/core/analyze.h"
#include "src/core/exit_status.h"
#include "src/core/knowledge.h"
#include "src/io/input.h"
#include "src/io/mbox.h"
#include "src/report/json_report.h"
#include "src/report/sisimai_report.h"
#include "src/report/text_report.h"
#include "src/web/server.h"

#ifndef NDRSCAN_VERSION
#define NDRSCAN_VERSION "0.0.0"
#endif

namespace {

using namespace ndrscan;

/// error - "ndrscan: error: <origin>: <message>" on stderr, red on a tty.
void error(const std::string& origin, const std::string& msg) {
  bool tty = isatty(STDERR_FILENO) && !std::getenv("NO_COLOR");
  std::string label = tty ? "\x1b[1;31merror:\x1b[0m" : "error:";
  if (origin.empty())
    fmt::print(stderr, "ndrscan: {} {}\n", label, msg);
  else
    fmt::print(stderr, "ndrscan: {} {}: {}\n", label, origin, msg);
}

bool use_color(cli::Color c) {
  if (c == cli::Color::kAlways) return true;
  if (c == cli::Color::kNever) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string(term) == "dumb") return false;
  return isatty(STDOUT_FILENO);
}

}  // namespace

int main(int argc, char** argv) {
  // 0. Subcommands.
  if (argc > 1 && std::string(argv[1]) == "scan") return bulk::scan_main(argc - 1, argv + 1, argv[0]);
  if (argc > 1 && std::string(argv[1]) == "summary") return bulk::summary_main(argc - 1, argv + 1);
  // `ndrscan serve`: the local web page and JSON API (src/web, docs/serve.md).
  if (argc > 1 && std::string(argv[1]) == "serve") return web::serve_main(argc - 1, argv + 1, argv[0]);
  if (argc > 1 && std::string(argv[1]) == "profile") return cli::profile_main(argc - 1, argv + 1);
  // `ndrscan explain` and `ndrscan catalogue lint|dump` (src/catalogue/commands.h, docs/catalogue.md).
  if (argc > 1 && std::string(argv[1]) == "explain") return catalogue::explain_main(argc - 1, argv + 1, argv[0]);
  if (argc > 1 && std::string(argv[1]) == "catalogue") return catalogue::catalogue_main(argc - 1, argv + 1, argv[0]);
  // `ndrscan advise`: mail-flow scenario advice and SPF checks (src/advise, docs/advise.md).
  if (argc > 1 && std::string(argv[1]) == "advise") return advise::advise_main(argc - 1, argv + 1, argv[0]);

  // 1. Command line: usage errors exit 2 before any work.
  cli::Options opts;
  std::string err;
  if (!cli::parse_options(argc, argv, &opts, &err)) {
    error("", err + " (see ndrscan --help)");
    return kExitUsage;
  }
  if (opts.help) {
    fmt::print("{}", cli::help_text());
    return kExitOk;
  }
  // Configuration files (docs/config.md): config.toml fills what the flags
  // left unset, profile.toml is the site profile when none is named.
  cli::Config config;
  if (!opts.no_config) {
    if (!cli::load_config(cli::config_dirs(), &config, &err)) {
      error("", err);
      return kExitUsage;
    }
    cli::apply_config(config, &opts);
  }

  // 2. Knowledge: loaded and validated once, before any message is read.
  Knowledge knowledge;
  std::string kdir = find_knowledge_dir(opts.knowledge_dir, argv[0]);
  if (kdir.empty()) {
    error("", "knowledge data not found (install it, or pass --knowledge DIR)");
    return kExitUsage;
  }
  KnowledgeOptions kopts;
  kopts.profile_path = opts.profile;
  kopts.onprem = opts.onprem;
  kopts.domains = opts.domains;
  kopts.geoip_dbs = opts.geoip_dbs;
  kopts.geoip_auto = !opts.no_geoip;
  if (!load_knowledge(kdir, kopts, &knowledge, &err)) {
    error("", err);
    return kExitUsage;
  }
  if (opts.version) {
    fmt::print("ndrscan {}\nknowledge: {}\n  status codes: {} entries, {}\n", NDRSCAN_VERSION, knowledge.dir,
               knowledge.status_codes.size(), knowledge.status_codes.date());
    fmt::print("  network tables: {} providers, {} rules, newest {}\n", knowledge.networks.provider_count(),
               knowledge.networks.rule_count(), knowledge.networks.newest_date());
    if (!knowledge.profile.empty())
      fmt::print("  site: {} ({} ranges, {} host names, {} domains, {} connectors)\n",
                 knowledge.profile.path.empty() ? "flags" : knowledge.profile.path, knowledge.profile.onprem_ips.size(),
                 knowledge.profile.onprem_hosts.size(), knowledge.profile.domains.size(),
                 knowledge.profile.connectors.size());
    fmt::print("  cause catalogue: {} causes, newest {}\n", knowledge.causes.size(), knowledge.causes.newest_date());
    fmt::print("  microsoft tables: {} antispam, {} compauth, {} build rows, {}\n", knowledge.ms_tables.antispam_rows(),
               knowledge.ms_tables.compauth_rows(), knowledge.ms_tables.build_rows(), knowledge.ms_tables.date());
    if (knowledge.geo)
      for (const auto& d : knowledge.geo->describe()) fmt::print("  geoip: {}\n", d);
    else
      fmt::print("  geoip: none (see --geoip-db)\n");
    fmt::print("config: {}\n", opts.no_config ? "skipped (--no-config)" : config.path.empty() ? "none" : config.path);
    return kExitOk;
  }

  // 3. Inputs: stdin when none; a terminal gets a hint on how to paste.
  if (opts.inputs.empty()) opts.inputs.emplace_back("-");
  bool stdin_used = false;
  for (const auto& in : opts.inputs) {
    if (in != "-") continue;
    if (stdin_used) {
      error("", "standard input ('-') given more than once");
      return kExitUsage;
    }
    stdin_used = true;
    if (isatty(STDIN_FILENO))
      fmt::print(stderr, "ndrscan: paste a bounce or header block, then press Ctrl-D on an empty line\n");
  }

  // 4. Analyse and report each input; one failure never stops the others.
  AnalyzeOptions aopts;
  aopts.mime_limits.max_message_bytes = opts.max_size;
  if (opts.paste) aopts.paste = paste::Mode::kOn;
  if (opts.no_paste) aopts.paste = paste::Mode::kOff;
  aopts.explain = opts.explain;  // the scoring lines are printed only with --explain
  report::TextOptions topts;
  topts.color = use_color(opts.color);
  topts.explain = opts.explain;  // cause scoring (src/catalogue)
  int failed = 0;
  std::vector<std::string> sisimai;  // --format sisimai: one array for the whole run
  bool first = true;
  std::string bytes;
  for (const auto& in : opts.inputs) {
    std::string name = in == "-" ? "<stdin>" : in;
    if (!io::read_input(in, opts.max_size, &bytes, &err)) {
      error(name, err);
      ++failed;
      continue;
    }
    // An mbox holds many messages; everything else is one message.
    std::vector<io::MboxSpan> spans;
    if (io::looks_like_mbox(bytes)) spans = io::split_mbox(bytes);
    if (spans.empty()) spans.push_back({0, 0, bytes.size()});
    bool many = spans.size() > 1 || spans[0].offset != spans[0].begin;
    for (const auto& span : spans) {
      std::string_view msg = std::string_view(bytes).substr(span.begin, span.end - span.begin);
      std::string unquoted;
      if (many && io::needs_unquote(msg)) {
        unquoted = io::unquote_from(msg);
        msg = unquoted;
      }
      std::string origin = many ? fmt::format("{}@{}", name, span.offset) : name;
      Analysis a;
      a.source = in == "-" ? "-" : in;
      a.source_offset = static_cast<std::int64_t>(span.offset);
      if (!analyze_message(msg, knowledge, aopts, &a, &err)) {
        error(origin, err);
        ++failed;
        continue;
      }
      if (many) a.source = fmt::format("{}@{}", a.source, span.offset);
      if (opts.format == cli::Format::kSisimai) {
        for (auto& rec : report::sisimai_records(a)) sisimai.push_back(std::move(rec));
      } else if (opts.format == cli::Format::kJson) {
        if (many) a.source = in == "-" ? "-" : in;
        fmt::print("{}\n", report::to_json(a, opts.pretty ? 2 : -1));
      } else {
        if (!first) fmt::print("\n");
        fmt::print("{}", report::render_text(a, topts));
      }
      first = false;
      std::fflush(stdout);
    }
  }
  if (opts.format == cli::Format::kSisimai) {
    fmt::print("[");
    for (std::size_t i = 0; i < sisimai.size(); ++i) fmt::print("{}{}", i ? ",\n" : "\n", sisimai[i]);
    fmt::print("{}]\n", sisimai.empty() ? "" : "\n");
  }
  return failed ? kExitSomeFailed : kExitOk;
}
