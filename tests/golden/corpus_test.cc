// corpus_test.cc - golden tests over corpus/: every sample against its
// expected JSON, replayed with CRLF and CR-only endings, and against the
// hand-written facts in corpus/expectations.tsv.
//
// NDRSCAN_REGEN=1 rewrites the .expected.json files (tools/regen-expected
// does that and shows the diff); review the diff before committing it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "src/core/analyze.h"
#include "src/report/json_report.h"

namespace fs = std::filesystem;
using namespace ndrscan;
using Json = nlohmann::ordered_json;

namespace {

/// knowledge_for - the knowledge a sample is analysed with: a family
/// directory may hold a site.toml (the site profile its samples assume).
const Knowledge& knowledge_for(const fs::path& sample) {
  static std::map<std::string, std::unique_ptr<Knowledge>> cache;
  fs::path site = sample.parent_path() / "site.toml";
  std::string key = fs::exists(site) ? site.string() : std::string();
  auto& slot = cache[key];
  if (!slot) {
    slot = std::make_unique<Knowledge>();
    KnowledgeOptions opts;
    opts.geoip_auto = false;  // goldens must not depend on the machine's databases
    opts.profile_path = key;
    std::string err;
    if (!load_knowledge(NDRSCAN_KNOWLEDGE_DIR, opts, slot.get(), &err)) FAIL(err);
  }
  return *slot;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> samples() {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(NDRSCAN_CORPUS_DIR))
    if (e.is_regular_file() && e.path().extension() == ".eml") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string rel(const fs::path& p) { return fs::relative(p, NDRSCAN_CORPUS_DIR).generic_string(); }

fs::path golden_of(const fs::path& p) {
  fs::path g = p;
  g.replace_extension(".expected.json");
  return g;
}

std::string analyse_json(const std::string& bytes, const fs::path& path) {
  Analysis a;
  a.source = rel(path);
  std::string err;
  if (!analyze_message(bytes, knowledge_for(path), AnalyzeOptions{}, &a, &err)) return "error: " + err + "\n";
  return report::to_json(a, 2) + "\n";
}

/// to_endings - LF text with every line ending replaced by `eol`.
std::string to_endings(const std::string& text, const char* eol) {
  std::string out;
  out.reserve(text.size() + text.size() / 20);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (text[i] == '\n' || text[i] == '\r') out += eol;
    else out += text[i];
  }
  return out;
}

/// drop_offsets - byte offsets legitimately move with the line endings.
void drop_offsets(Json& j) {
  if (j.is_object()) {
    j.erase("offset");
    j.erase("source_offset");
    for (auto& [k, v] : j.items()) drop_offsets(v);
  } else if (j.is_array()) {
    for (auto& v : j) drop_offsets(v);
  }
}

}  // namespace

TEST_CASE("corpus: every sample matches its golden JSON", "[golden]") {
  const bool regen = std::getenv("NDRSCAN_REGEN") != nullptr;
  auto files = samples();
  REQUIRE(files.size() >= 25);
  for (const auto& p : files) {
    DYNAMIC_SECTION(rel(p)) {
      std::string got = analyse_json(slurp(p), p);
      fs::path g = golden_of(p);
      if (regen) {
        std::ofstream(g, std::ios::binary) << got;
        SUCCEED("regenerated");
      } else {
        INFO("no golden file " << g << ": run tools/regen-expected");
        REQUIRE(fs::exists(g));
        CHECK(got == slurp(g));
      }
    }
  }
}

TEST_CASE("corpus: CRLF and CR-only replays decode like LF", "[golden]") {
  for (const auto& p : samples()) {
    std::string lf = to_endings(slurp(p), "\n");
    Json want = Json::parse(analyse_json(lf, p), nullptr, false);
    REQUIRE_FALSE(want.is_discarded());
    drop_offsets(want);
    for (const char* eol : {"\r\n", "\r"}) {
      DYNAMIC_SECTION(rel(p) << (eol[1] ? " CRLF" : " CR")) {
        Json got = Json::parse(analyse_json(to_endings(lf, eol), p), nullptr, false);
        REQUIRE_FALSE(got.is_discarded());
        drop_offsets(got);
        CHECK(got.dump(1) == want.dump(1));
      }
    }
  }
}

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) break;
    start = p + 1;
  }
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string joined(const std::vector<std::string>& v) {
  if (v.empty()) return "-";
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

}  // namespace

TEST_CASE("corpus: hand-written expectations in expectations.tsv", "[golden]") {
  // corpus/expectations.tsv, plus any corpus/<family>/expectations.tsv
  // (same columns; `file` is relative to corpus/ in both).
  std::vector<fs::path> tables{fs::path(NDRSCAN_CORPUS_DIR) / "expectations.tsv"};
  REQUIRE(fs::exists(tables[0]));
  for (const auto& e : fs::directory_iterator(NDRSCAN_CORPUS_DIR))
    if (e.is_directory() && fs::exists(e.path() / "expectations.tsv")) tables.push_back(e.path() / "expectations.tsv");
  int rows = 0;
  for (const auto& tsv : tables) {
  std::ifstream in(tsv);
  std::string line;
  std::getline(in, line);
  auto header = split(line, '\t');
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < header.size(); ++i) col[header[i]] = i;
  for (const char* c : {"file", "recipients", "status", "reply_code", "hop_count", "hop_ips", "reporting_mta",
                        "original_hop_count", "skew"})
    REQUIRE(col.count(c));
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto c = split(line, '\t');
    REQUIRE(c.size() >= header.size() - 1);
    ++rows;
    const std::string file = c[col["file"]];
    DYNAMIC_SECTION(file) {
      fs::path p = fs::path(NDRSCAN_CORPUS_DIR) / file;
      REQUIRE(fs::exists(p));
      Analysis a;
      std::string err;
      REQUIRE(analyze_message(slurp(p), knowledge_for(p), AnalyzeOptions{}, &a, &err));
      std::vector<std::string> addrs, statuses, replies;
      for (const auto& r : a.recipients) {
        addrs.push_back(lower(r.address));
        statuses.push_back(r.status.empty() ? "-" : r.status);
        replies.push_back(r.reply_code.empty() ? "-" : r.reply_code);
      }
      CHECK(joined(addrs) == lower(c[col["recipients"]]));
      if (col.count("kind")) {
        // the table says "ndr" for what the JSON calls kind "bounce"
        std::string want_kind = c[col["kind"]] == "ndr" ? "bounce" : c[col["kind"]];
        CHECK(a.kind == want_kind);
      }
      CHECK(joined(statuses) == c[col["status"]]);
      if (c[col["reply_code"]] != "-" || !a.recipients.empty()) {
        std::string want = c[col["reply_code"]];
        if (want == "-" && !a.recipients.empty()) want = joined(std::vector<std::string>(a.recipients.size(), "-"));
        CHECK(joined(replies) == want);
      }
      CHECK(std::to_string(a.hops.size()) == c[col["hop_count"]]);
      std::vector<std::string> ips;
      bool skew = false;
      for (const auto& h : a.hops) {
        ips.push_back(h.from_ip.empty() ? "-" : h.from_ip);
        skew = skew || h.clock_skew;
      }
      if (a.original)
        for (const auto& h : a.original->hops) skew = skew || h.clock_skew;
      CHECK((a.hops.empty() ? std::string("") : joined(ips)) == (c[col["hop_ips"]] == "-" && a.hops.empty() ? "" : c[col["hop_ips"]]));
      std::string rmta = a.reporting_mta.empty() ? "-" : a.reporting_mta;
      CHECK(rmta == c[col["reporting_mta"]]);
      std::string ohc = a.original ? std::to_string(a.original->hops.size()) : "-";
      CHECK(ohc == c[col["original_hop_count"]]);
      CHECK((skew ? "yes" : "no") == c[col["skew"]]);
      if (col.count("route") && col["route"] < c.size() && !c[col["route"]].empty())
        CHECK(a.route == c[col["route"]]);
    }
  }
  }
  CHECK(rows >= 25);
}
