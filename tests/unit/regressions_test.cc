// regressions_test.cc - every input in tests/regressions/ (fuzzer findings and
// the known mimetic 0.9.8 triggers) goes through the whole pipeline: it must
// return without crashing, and its JSON must parse. Run under tools/sanitize
// this is where ASan/UBSan see those inputs. Resource cases too big to keep
// as files (tests/regressions/gen-deep-nesting.sh) are built in memory.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "src/core/analyze.h"
#include "src/report/json_report.h"
#include "src/report/text_report.h"

using namespace ndrscan;
namespace fs = std::filesystem;

namespace {

const Knowledge& knowledge() {
  static Knowledge k = [] {
    Knowledge kk;
    std::string err;
    if (!load_knowledge(NDRSCAN_KNOWLEDGE_DIR, &kk, &err)) FAIL("knowledge: " << err);
    return kk;
  }();
  return k;
}

fs::path regressions_dir() { return fs::path(NDRSCAN_KNOWLEDGE_DIR) / ".." / "tests" / "regressions"; }

/// Input files: everything except the README and generator scripts.
std::vector<fs::path> regression_inputs() {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(regressions_dir(), ec)) {
    if (!e.is_regular_file()) continue;
    auto ext = e.path().extension().string();
    if (ext == ".md" || ext == ".sh") continue;
    files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// run - analyse, and when that succeeds check the JSON and the text report.
Analysis run(const std::string& bytes, bool* ok_out = nullptr) {
  Analysis a;
  std::string err;
  bool ok = analyze_message(bytes, knowledge(), AnalyzeOptions{}, &a, &err);
  if (ok_out) *ok_out = ok;
  if (!ok) {
    CHECK_FALSE(err.empty());
    INFO(err);
    CHECK(err.rfind("internal error", 0) == std::string::npos);  // a caught exception is still a bug
    return a;
  }
  std::string json = report::to_json(a);
  INFO(json.substr(0, 2000));
  nlohmann::json parsed = nlohmann::json::parse(json, nullptr, false);
  CHECK_FALSE(parsed.is_discarded());
  CHECK(parsed.is_object());
  CHECK_NOTHROW(report::render_text(a, report::TextOptions{}));
  return a;
}

bool has_diag(const Analysis& a, const std::string& code) {
  return std::any_of(a.diagnostics.begin(), a.diagnostics.end(),
                     [&](const Diagnostic& d) { return d.code == code; });
}

}  // namespace

TEST_CASE("regressions: every saved input is analysed without a crash", "[regressions]") {
  auto files = regression_inputs();
  INFO("directory " << regressions_dir().string());
  REQUIRE(files.size() >= 3);  // at least the mimetic triggers
  for (const auto& f : files) {
    INFO("input " << f.filename().string());
    std::string bytes = slurp(f);
    run(bytes);
    // The same input with CRLF endings, the form most mail arrives in.
    std::string crlf;
    for (char c : bytes) {
      if (c == '\n') crlf += '\r';
      crlf += c;
    }
    run(crlf);
  }
}

TEST_CASE("regressions: mimetic 'To: undisclosed-recipients:' group is read safely", "[regressions]") {
  std::string msg =
      "From: sender@example.com\nTo: undisclosed-recipients:\nSubject: group\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nbody\n--b--\n";
  Analysis a = run(msg);
  CHECK(a.to.find("undisclosed-recipients") != std::string::npos);
  run("To::\ny");
}

TEST_CASE("regressions: mimetic length_error on LF-CR before a boundary", "[regressions]") {
  // The 28 bytes from dependencies.md 2.4, and a form with a subtype (only
  // multipart/* and message/* bodies reach mimetic): mimetic 0.9.8 throws
  // std::length_error from load() on both.
  bool ok = false;
  run(std::string("Content-Type:multipart\n\n\r\n--"), &ok);
  CHECK(ok);
  ok = false;
  Analysis a = run(std::string("Content-Type:multipart/mixed\n\n\r\n--"), &ok);
  CHECK(ok);
  CHECK(has_diag(a, "mime-parser-error"));
}

TEST_CASE("regressions: 200000 nested message/rfc822 levels skip the MIME tree", "[regressions]") {
  std::string msg;
  const std::string level = "Content-Type: message/rfc822\n\n";
  msg.reserve(level.size() * 200000 + 32);
  for (int i = 0; i < 200000; ++i) msg += level;
  msg += "Subject: deep\n\nbody\n";
  bool ok = false;
  Analysis a = run(msg, &ok);
  REQUIRE(ok);
  CHECK(has_diag(a, "mime-too-many-parts"));
}

TEST_CASE("regressions: an 8 MiB header line is cut before mimetic", "[regressions]") {
  // mimetic's header loader is quadratic in line length (35 s at 8 MiB); only
  // multipart and message/* bodies reach it, so the line sits in a multipart
  // message's top-level header, and again in a part's header.
  const std::string huge(8u << 20, 'A');
  for (bool in_part : {false, true}) {
    INFO((in_part ? "in a part header" : "in the top-level header"));
    std::string msg = "Content-Type: multipart/mixed; boundary=b\n";
    if (!in_part) msg += "X-Huge: " + huge + "\n";
    msg += "Subject: after\n\n--b\nContent-Type: text/plain\n";
    if (in_part) msg += "X-Huge: " + huge + "\n";
    msg += "\nbody\n--b--\n";
    bool ok = false;
    Analysis a = run(msg, &ok);
    REQUIRE(ok);
    CHECK(has_diag(a, "mime-line-too-long"));
  }
}
