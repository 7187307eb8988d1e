// received_agreement.cc - measure the Received parser against labelled corpora.
//
// USAGE
//   received-agreement [--verbose] [--min-ip P] [--min-by P] [--min-time P] FILE.tsv
//
// FILE.tsv is ../shared/corpora/received/received-expectations.tsv (Stalwart
// mail-parser and SpamAssassin labels in one format). Prints, per corpus and
// overall, the share of rows where ndrscan agrees with the label for each
// field (ip, rdns, helo, by, time; id, for, with for information). A field
// is scored on a row when the row labels it, or when the row's `strict`
// column says the source compares that field exactly (then an empty label
// means "expected empty"). Hosts and IPs compare case-insensitively with a
// trailing dot and an "IPv6:" prefix stripped.
//
// EXIT STATUS
//   0 thresholds met (or none given), 1 a threshold missed, 2 usage,
//   77 the file does not exist (ctest reports the test as skipped).
#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "parsers/rfc5322/date.h"
#include "parsers/rfc5322/received.h"
#include "src/util/strings.h"

namespace {

using namespace ndrscan;

std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char c = s[++i];
      out.push_back(c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c);
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> cols;
  std::size_t start = 0;
  while (true) {
    std::size_t tab = line.find('\t', start);
    cols.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return cols;
}

std::string norm(std::string_view s) {
  s = util::trim(s);
  if (util::istarts_with(s, "IPv6:")) s.remove_prefix(5);
  s = util::strip_dot(s);
  return util::lower(s);
}

struct Score {
  int ok = 0, total = 0;
  double pct() const { return total ? 100.0 * ok / total : 100.0; }
};

const char* kFields[] = {"ip", "rdns", "helo", "by", "time", "id", "for", "with"};

}  // namespace

int main(int argc, char** argv) {
  bool verbose = false;
  double min_ip = -1, min_by = -1, min_time = -1;
  std::string path;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> double {
      if (i + 1 >= argc) {
        fmt::print(stderr, "received-agreement: {} needs a value\n", a);
        std::exit(2);
      }
      return std::atof(argv[++i]);
    };
    if (a == "--verbose" || a == "-v") verbose = true;
    else if (a == "--min-ip") min_ip = next();
    else if (a == "--min-by") min_by = next();
    else if (a == "--min-time") min_time = next();
    else if (!a.empty() && a[0] == '-') {
      fmt::print(stderr, "usage: received-agreement [--verbose] [--min-ip P] [--min-by P] [--min-time P] FILE.tsv\n");
      return 2;
    } else path = a;
  }
  if (path.empty()) {
    fmt::print(stderr, "usage: received-agreement [--verbose] [--min-ip P] [--min-by P] [--min-time P] FILE.tsv\n");
    return 2;
  }
  std::ifstream in(path);
  if (!in) {
    fmt::print("received-agreement: {} not found: skipped\n", path);
    return 77;
  }
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header = split_tabs(line);
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < header.size(); ++i) col[header[i]] = i;
  for (const char* need : {"corpus", "skip", "from_host", "from_rdns", "from_ip", "by_host", "date_utc", "strict", "header"})
    if (!col.count(need)) {
      fmt::print(stderr, "received-agreement: {}: no column '{}'\n", path, need);
      return 2;
    }

  std::map<std::string, std::map<std::string, Score>> scores;  // corpus -> field -> score
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> c = split_tabs(line);
    if (c.size() < header.size()) continue;
    if (c[col["skip"]] == "yes") continue;
    ++rows;
    const std::string& corpus = c[col["corpus"]];
    std::string strict = c[col["strict"]];
    auto is_strict = [&](std::string_view f) {
      if (strict == "all") return true;
      std::string s = "," + strict + ",";
      return s.find("," + std::string(f) + ",") != std::string::npos;
    };
    rfc5322::ReceivedFields r = rfc5322::parse_received(unescape(c[col["header"]]));
    std::string time = r.time ? rfc5322::format_iso8601_utc(*r.time) : "";
    struct Cmp {
      const char* field;
      const char* column;
      std::string got;
    } cmps[] = {
        {"ip", "from_ip", r.from_ip}, {"rdns", "from_rdns", r.from_rdns}, {"helo", "from_host", r.from_host},
        {"by", "by_host", r.by_host}, {"time", "date_utc", time},         {"id", "id", r.id},
        {"for", "for", r.for_addr},   {"with", "with", r.protocol},
    };
    for (auto& cmp : cmps) {
      if (!col.count(cmp.column)) continue;
      std::string want = unescape(c[col[cmp.column]]);
      std::string strict_name = cmp.field;
      if (strict_name == "time") strict_name = "date";
      if (want.empty() && !is_strict(strict_name)) continue;
      if (std::string(cmp.field) == "time" && want.empty()) continue;  // dropped date labels
      bool ok = norm(want) == norm(cmp.got);
      // addresses compare as addresses: "::ffff:192.0.2.1" is 192.0.2.1,
      // "2001:db8:0:0::1" is "2001:db8::1"
      if (std::string(cmp.field) == "ip" && !ok && !want.empty())
        ok = util::clean_ip(want) == util::clean_ip(cmp.got);
      if (std::string(cmp.field) == "for") ok = norm(want) == norm(cmp.got) || ("<" + norm(want) + ">") == norm(cmp.got);
      auto& s = scores[corpus][cmp.field];
      ++s.total;
      if (ok) ++s.ok;
      auto& all = scores["all"][cmp.field];
      ++all.total;
      if (ok) ++all.ok;
      if (!ok && verbose)
        fmt::print("{} {}: want '{}' got '{}'\n  {}\n", corpus, cmp.field, want, cmp.got, c[col["header"]]);
    }
  }

  fmt::print("Received parser agreement ({} labelled headers from {})\n", rows, path);
  fmt::print("{:<14}", "corpus");
  for (const char* f : kFields) fmt::print("{:>14}", f);
  fmt::print("\n");
  for (const auto& [corpus, fields] : scores) {
    fmt::print("{:<14}", corpus);
    for (const char* f : kFields) {
      auto it = fields.find(f);
      if (it == fields.end()) fmt::print("{:>14}", "-");
      else fmt::print("{:>14}", fmt::format("{:.1f}% {}/{}", it->second.pct(), it->second.ok, it->second.total));
    }
    fmt::print("\n");
  }
  int rc = 0;
  auto check = [&](const char* field, double min) {
    if (min < 0) return;
    double got = scores["all"][field].pct();
    if (got + 1e-9 < min) {
      fmt::print("FAIL: {} agreement {:.1f}% is below the {:.1f}% target\n", field, got, min);
      rc = 1;
    }
  };
  check("ip", min_ip);
  check("by", min_by);
  check("time", min_time);
  if (rc == 0 && (min_ip >= 0 || min_by >= 0 || min_time >= 0)) fmt::print("targets met\n");
  return rc;
}
