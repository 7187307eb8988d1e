// bench_floor.cc - how fast could `ndrscan scan` be if analysis were free?
//
// USAGE
//   bench-floor [--runs R] [--knowledge DIR] MBOX
//
// MBOX is typically the bench mbox (`tools/bench --keep --out DIR` leaves it
// in DIR/bench.mbox). Every message is timed through three kinds of work on
// one core, best of R runs each:
//
//   A  the whole analysis (analyze_message, no output);
//   B  the JSON Lines records of those analyses, written by the code
//      `ndrscan scan` writes them with (report::append_jsonl_records; the
//      output contract: every field of the single-message JSON in each
//      failed recipient's record);
//   C  the part no design can skip: the top header scan, mimetic's MIME
//      tree (fixed by the design card; given the MIME fields of the top
//      header and the body, as the pipeline gives it) and the DSN fields.
//
// A+B is what a scan does per message today; B+C is the floor: a scan that
// kept mimetic and the JSON contract but spent nothing on the readers,
// reason tables, Received chains, network map or cause catalogue. Both are
// printed as MB/s on one core and on two (ideal scaling, no mbox splitting
// or I/O, so a little above what `ndrscan scan` can reach). A benchmark,
// not a test (docs/bulk.md, "Performance").
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <fstream>
#include <sstream>

#include "parsers/mime/message_adapter.h"
#include "parsers/rfc3464/dsn_fields.h"
#include "parsers/rfc5322/header_block.h"
#include "src/core/analyze.h"
#include "src/io/mbox.h"
#include "src/report/json_report.h"
#include "src/util/strings.h"

using namespace ndrscan;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

/// find_dsn - the delivery-status part, not looking inside a returned message.
const mime::Part* find_dsn(const mime::Part& p) {
  if (p.type == "message" && (p.subtype == "delivery-status" || p.subtype == "global-delivery-status")) return &p;
  if (p.type == "message" && (p.subtype == "rfc822" || p.subtype == "global")) return nullptr;
  for (const auto& c : p.children)
    if (const mime::Part* d = find_dsn(c)) return d;
  return nullptr;
}

/// structure - C for one message; true when it had DSN recipients.
bool structure(std::string_view m) {
  std::vector<Diagnostic> diags;
  rfc5322::HeaderBlock top = rfc5322::scan_header_block(m, 0, &diags);
  const std::string_view type = util::trim(top.value("Content-Type"));
  if (!util::istarts_with(type, "multipart/") && !util::istarts_with(type, "message/")) return false;
  std::string input;
  input.reserve(m.size());
  for (const auto& f : top.fields)
    if (util::istarts_with(f.name, "Content-") || util::iequals(f.name, "MIME-Version"))
      input.append(f.name).append(": ").append(f.value).append("\r\n");
  input.append("\r\n").append(m.substr(std::min(top.body_offset, m.size())));
  mime::Part root;
  if (!mime::parse_mime(input, &root, &diags)) return false;
  const mime::Part* dsn = find_dsn(root);
  return dsn && !rfc3464::parse_delivery_status(dsn->body, &diags).recipients.empty();
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 5;
  std::string kdir = NDRSCAN_SOURCE_DIR "/knowledge";
  std::string path;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) runs = std::max(1, std::stoi(argv[++i]));
    else if (a == "--knowledge" && i + 1 < argc) kdir = argv[++i];
    else path = a;
  }
  if (path.empty()) {
    fmt::print(stderr, "usage: bench-floor [--runs R] [--knowledge DIR] MBOX\n");
    return 2;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "bench-floor: {}: cannot open\n", path);
    return 1;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string data = ss.str();
  std::deque<std::string> unquoted;  // messages with ">From " lines, unquoted (stable addresses)
  std::vector<std::string_view> msgs;
  std::vector<std::uint64_t> offsets;  // each message's From_ line
  for (const io::MboxSpan& s : io::split_mbox(data)) {
    std::string_view m = std::string_view(data).substr(s.begin, s.end - s.begin);
    if (io::needs_unquote(m)) {
      unquoted.push_back(io::unquote_from(m));
      m = unquoted.back();
    }
    msgs.push_back(m);
    offsets.push_back(s.offset);
  }
  if (msgs.empty()) {
    fmt::print(stderr, "bench-floor: {}: not an mbox\n", path);
    return 1;
  }
  std::size_t bytes = 0;
  for (std::string_view m : msgs) bytes += m.size();

  Knowledge k;
  std::string err;
  KnowledgeOptions ko;
  ko.geoip_auto = false;
  if (!load_knowledge(kdir, ko, &k, &err)) {
    fmt::print(stderr, "bench-floor: {}\n", err);
    return 1;
  }
  AnalyzeOptions ao;
  ao.explain = false;

  // A
  std::vector<Analysis> analyses;
  double ta = 1e9;
  for (int r = 0; r < runs; ++r) {
    std::vector<Analysis> as(msgs.size());
    const auto t0 = Clock::now();
    for (std::size_t i = 0; i < msgs.size(); ++i) {
      std::string e;
      analyze_message(msgs[i], k, ao, &as[i], &e);
    }
    ta = std::min(ta, seconds_since(t0));
    analyses = std::move(as);
  }
  // B
  double tb = 1e9;
  std::string out;
  for (int r = 0; r < runs; ++r) {
    out.clear();
    const auto t0 = Clock::now();
    for (std::size_t i = 0; i < analyses.size(); ++i)
      report::append_jsonl_records(analyses[i], path, offsets[i], &out);
    tb = std::min(tb, seconds_since(t0));
  }
  // C
  double tc = 1e9;
  std::size_t dsns = 0;
  for (int r = 0; r < runs; ++r) {
    std::size_t n = 0;
    const auto t0 = Clock::now();
    for (std::string_view m : msgs) n += structure(m);
    tc = std::min(tc, seconds_since(t0));
    dsns = n;
  }

  const double mb = static_cast<double>(bytes) / 1e6;
  auto line = [&](const char* what, double t) {
    fmt::print("{:<48} {:6.3f} s {:7.1f} MB/s one core {:7.1f} on two\n", what, t, mb / t, 2 * mb / t);
  };
  fmt::print("{}: {} messages, {:.1f} MB ({} with DSN recipients); JSON Lines {:.1f} MB; best of {}\n", path,
             msgs.size(), mb, dsns, static_cast<double>(out.size()) / 1e6, runs);
  line("A  whole analysis, no output", ta);
  line("B  JSON Lines records", tb);
  line("C  header scan + mimetic tree + DSN fields", tc);
  line("A+B  a scan's per-message work today", ta + tb);
  line("B+C  floor: analysis free, mimetic + JSON kept", tb + tc);
  return 0;
}
