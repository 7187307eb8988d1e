// web_unit_test.cc - `ndrscan serve` without sockets: --listen parsing, the
// loopback rule, Host/Origin guards, the embedded page, and the API body
// equal to what the CLI prints.
#include <catch2/catch.hpp>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "src/core/knowledge.h"
#include "src/report/json_report.h"
#include "src/web/api.h"
#include "src/web/assets.h"
#include "src/web/listen.h"

using namespace ndrscan;
using namespace ndrscan::web;

TEST_CASE("listen address parsing", "[web]") {
  ListenAddress a;
  std::string err;
  REQUIRE(parse_listen("127.0.0.1:8025", &a, &err));
  CHECK(a.host == "127.0.0.1");
  CHECK(a.port == 8025);
  REQUIRE(parse_listen("[::1]:0", &a, &err));
  CHECK(a.host == "::1");
  CHECK(a.port == 0);
  REQUIRE(parse_listen(":9000", &a, &err));
  CHECK(a.host == "127.0.0.1");
  CHECK(a.port == 9000);
  REQUIRE(parse_listen("9001", &a, &err));
  CHECK(a.host == "127.0.0.1");
  CHECK(a.port == 9001);
  REQUIRE(parse_listen("localhost:80", &a, &err));
  CHECK(a.host == "localhost");
  CHECK_FALSE(parse_listen("127.0.0.1", &a, &err));
  CHECK_FALSE(parse_listen("127.0.0.1:65536", &a, &err));
  CHECK_FALSE(parse_listen("127.0.0.1:-1", &a, &err));
  CHECK_FALSE(parse_listen("127.0.0.1:80x", &a, &err));
  CHECK_FALSE(parse_listen("::1:80", &a, &err));
  CHECK_FALSE(parse_listen("[::1", &a, &err));
  CHECK_FALSE(parse_listen("", &a, &err));
}

TEST_CASE("loopback rule", "[web]") {
  CHECK(is_loopback_host("127.0.0.1"));
  CHECK(is_loopback_host("127.1.2.3"));
  CHECK(is_loopback_host("::1"));
  CHECK(is_loopback_host("::ffff:127.0.0.1"));
  CHECK(is_loopback_host("localhost"));
  CHECK(is_loopback_host("LocalHost."));
  CHECK_FALSE(is_loopback_host("0.0.0.0"));
  CHECK_FALSE(is_loopback_host("::"));
  CHECK_FALSE(is_loopback_host("192.0.2.1"));
  CHECK_FALSE(is_loopback_host("128.0.0.1"));
  CHECK_FALSE(is_loopback_host("localhost.example.com"));
  CHECK_FALSE(is_loopback_host(""));
}

TEST_CASE("Host and Origin guards against DNS rebinding", "[web]") {
  CHECK(host_header_allowed("127.0.0.1:8025"));
  CHECK(host_header_allowed("localhost:8025"));
  CHECK(host_header_allowed("[::1]:8025"));
  CHECK(host_header_allowed("localhost"));
  CHECK_FALSE(host_header_allowed("attacker.example:8025"));
  CHECK_FALSE(host_header_allowed("127.0.0.1.attacker.example"));
  CHECK_FALSE(host_header_allowed(""));
  CHECK(origin_allowed("http://127.0.0.1:8025"));
  CHECK(origin_allowed("http://localhost:8025"));
  CHECK_FALSE(origin_allowed("null"));
  CHECK_FALSE(origin_allowed("https://attacker.example"));
  CHECK_FALSE(origin_allowed("http://127.0.0.1@attacker.example"));
  CHECK_FALSE(origin_allowed("http://attacker.example/127.0.0.1"));
  CHECK(url_for("::1", 80) == "http://[::1]:80/");
  CHECK(url_for("127.0.0.1", 8025) == "http://127.0.0.1:8025/");
}

TEST_CASE("the page is compiled in and loads nothing from elsewhere", "[web]") {
  const StaticFile* page = find_asset("/");
  REQUIRE(page != nullptr);
  CHECK(page->content_type.find("text/html") == 0);
  CHECK(page->body.find("/app.js") != std::string_view::npos);
  CHECK(find_asset("/index.html") == page);
  REQUIRE(find_asset("/app.js") != nullptr);
  REQUIRE(find_asset("/app.css") != nullptr);
  CHECK(find_asset("/nope") == nullptr);
  for (std::size_t i = 0; i < asset_count(); ++i) {
    const StaticFile& f = asset(i);
    INFO(f.path);
    std::string body(f.body);
    for (std::size_t p; (p = body.find("http://www.w3.org/2000/svg")) != std::string::npos;)
      body.erase(p, 26);  // the SVG namespace name, not a resource
    CHECK(body.find("http://") == std::string::npos);
    CHECK(f.body.find("https://") == std::string_view::npos);
    CHECK(f.body.find("@import") == std::string_view::npos);
    CHECK(f.body.find("innerHTML") == std::string_view::npos);
    CHECK(f.etag.size() > 2);
  }
}

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// knowledge - loaded once; null (with the reason in *err) when it fails.
const Knowledge* knowledge(std::string* err) {
  static std::string load_error;
  static std::unique_ptr<Knowledge> k = [] {
    auto kk = std::make_unique<Knowledge>();
    if (!load_knowledge(NDRSCAN_KNOWLEDGE_DIR, kk.get(), &load_error)) kk.reset();
    return kk;
  }();
  *err = load_error;
  return k.get();
}

}  // namespace

TEST_CASE("API body: one JSON line, as the CLI prints for stdin", "[web]") {
  std::string bytes = slurp(std::string(NDRSCAN_CORPUS_DIR) + "/hybrid/hybrid-01.eml");
  REQUIRE_FALSE(bytes.empty());
  std::string err;
  const Knowledge* k = knowledge(&err);
  INFO(err);
  REQUIRE(k != nullptr);
  AnalyzeOptions opts;
  ApiResponse r = analyze_body(bytes, *k, opts);
  CHECK(r.status == 200);
  CHECK(r.content_type == "application/json");
  CHECK(r.messages == 1);
  Analysis a;
  a.source = "-";
  REQUIRE(analyze_message(bytes, *k, opts, &a, &err));
  CHECK(r.body == report::to_json(a, -1) + "\n");
  CHECK(r.body.find("\"source\":\"-\"") != std::string::npos);
}

TEST_CASE("API body with an mbox gives JSON Lines, with nothing to analyse 422", "[web]") {
  std::string msg = slurp(std::string(NDRSCAN_CORPUS_DIR) + "/hybrid/hybrid-01.eml");
  std::string mbox = "From a@example.com Tue Nov 12 09:15:01 2024\n" + msg + "\nFrom b@example.com Tue Nov 12 09:15:01 2024\n" + msg;
  std::string err;
  const Knowledge* k = knowledge(&err);
  INFO(err);
  REQUIRE(k != nullptr);
  ApiResponse r = analyze_body(mbox, *k, AnalyzeOptions{});
  CHECK(r.status == 200);
  CHECK(r.messages == 2);
  CHECK(r.content_type == "application/x-ndjson");
  ApiResponse e = analyze_body("", *k, AnalyzeOptions{});
  CHECK(e.status == 422);
  CHECK(e.body.rfind("{\"error\":", 0) == 0);
}

TEST_CASE("error_json escapes and replaces invalid UTF-8", "[web]") {
  CHECK(error_json("a \"quoted\" <b>") == "{\"error\":\"a \\\"quoted\\\" <b>\"}\n");
  CHECK(error_json("big", 16) == "{\"error\":\"big\",\"limit_bytes\":16}\n");
  CHECK(error_json(std::string("bad \xff byte")).find("\xEF\xBF\xBD") != std::string::npos);  // U+FFFD
}
