// json_writer_test.cc - unit tests for src/util/json_writer.h: every output
// is compared with nlohmann::ordered_json::dump() of the same document.

#include "src/util/json_writer.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <random>
#include <string>

namespace {

using Json = nlohmann::ordered_json;
using ndrscan::util::JsonWriter;

std::string dump(const Json& j, int indent) { return j.dump(indent, ' ', false, Json::error_handler_t::replace); }

std::string write_string(std::string_view s) {
  std::string out;
  ndrscan::util::append_json_string(&out, s);
  return out;
}

// replay - write `j` through JsonWriter, member by member.
void replay(JsonWriter& w, const Json& j) {
  switch (j.type()) {
    case Json::value_t::object:
      w.begin_object();
      for (const auto& [k, v] : j.items()) {
        w.key(k);
        replay(w, v);
      }
      w.end_object();
      break;
    case Json::value_t::array:
      w.begin_array();
      for (const auto& v : j) replay(w, v);
      w.end_array();
      break;
    case Json::value_t::string:
      w.value_string(j.get_ref<const std::string&>());
      break;
    case Json::value_t::boolean:
      w.value_bool(j.get<bool>());
      break;
    case Json::value_t::number_integer:
      w.value_int(j.get<std::int64_t>());
      break;
    case Json::value_t::number_unsigned:
      w.value_uint(j.get<std::uint64_t>());
      break;
    default:
      w.value_null();
  }
}

}  // namespace

TEST_CASE("json writer: strings escape as nlohmann's dump", "[json_writer]") {
  const char* rows[] = {
      "", "plain", "quote \" backslash \\ slash /", "\b\t\n\f\r", "\x01\x0b\x1f\x7f",
      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",  // valid multi-byte
      "bad \xff byte", "cut \xc3", "cut \xe2\x82", "overlong \xc0\xaf", "surrogate \xed\xa0\x80",
      "above \xf4\x90\x80\x80", "mixed \x80\x80 ok \xc3\xa9 \xe0\x80 end", "\xe2\x82\"x"};
  for (const char* r : rows) {
    std::string s(r);
    INFO(s);
    CHECK(write_string(s) == dump(Json(s), -1));
  }
  std::string nul("a\0b", 3);
  CHECK(write_string(nul) == "\"a\\u0000b\"");
}

TEST_CASE("json writer: random bytes match nlohmann", "[json_writer]") {
  std::mt19937 rng(12345);
  const unsigned char alphabet[] = {'a', ' ', '"', '\\', '\n', 0x01, 0x1f, 0x7f, 0x80, 0xbf, 0xc2, 0xc3,
                                    0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x90, 0x9f};
  for (int n = 0; n < 20000; ++n) {
    std::string s;
    std::size_t len = rng() % 12;
    for (std::size_t i = 0; i < len; ++i) s.push_back(static_cast<char>(alphabet[rng() % sizeof alphabet]));
    INFO(n);
    REQUIRE(write_string(s) == dump(Json(s), -1));
    std::string strict;
    bool ok = ndrscan::util::append_json_string(&strict, s, true);
    CHECK(ok == ndrscan::util::is_valid_utf8(s));
    CHECK(ok == (strict == write_string(s)));
    if (!ok) CHECK(strict.empty());
  }
}

TEST_CASE("json writer: documents match nlohmann, compact and pretty", "[json_writer]") {
  Json doc = Json::parse(R"({"a":1,"b":[],"c":{},"d":[1,[2,[]],{"e":null,"f":true,"g":false}],
                             "h":{"i":{"j":[{}]}},"k":-7,"l":"x\ny","m":[null]})");
  doc["n"] = std::uint64_t{4294967295u};
  for (int indent : {-1, 0, 2, 4}) {
    std::string out;
    JsonWriter w(&out, indent);
    replay(w, doc);
    INFO(indent);
    CHECK(out == dump(doc, indent));
  }
  for (const char* text : {"[]", "{}", "[[]]", "[{}]", "\"s\"", "null", "[1,2,3]"}) {
    Json j = Json::parse(text);
    for (int indent : {-1, 2}) {
      std::string out;
      JsonWriter w(&out, indent);
      replay(w, j);
      CHECK(out == dump(j, indent));
    }
  }
}

TEST_CASE("json writer: try_value_string leaves nothing behind on invalid UTF-8", "[json_writer]") {
  std::string out;
  JsonWriter w(&out);
  w.begin_array();
  w.value_int(1);
  CHECK_FALSE(w.try_value_string("bad \xff"));
  CHECK(w.try_value_string("ok"));
  w.begin_object();
  w.key("k");
  CHECK_FALSE(w.try_value_string("\xc3"));
  w.value_string("fixed");
  w.end_object();
  w.end_array();
  CHECK(out == R"([1,"ok",{"k":"fixed"}])");
}

// json_plain: true exactly when the string is written between quotes as it is
TEST_CASE("json writer: json_plain is 'nothing to escape'", "[json_writer]") {
  std::mt19937 rng(777);
  const unsigned char alphabet[] = {'a', 'Z', ' ', '~', '"', '\\', '\n', 0x01, 0x1f, 0x7f, 0x80, 0xc3, 0xa9, 0xff};
  for (int n = 0; n < 20000; ++n) {
    std::string s;
    std::size_t len = rng() % 40;  // both sides of the 16-byte steps
    for (std::size_t i = 0; i < len; ++i)
      s.push_back(static_cast<char>(alphabet[rng() % (n % 2 ? 4 : sizeof alphabet)]));
    bool plain = true;
    for (unsigned char c : s) plain = plain && c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
    INFO(n);
    REQUIRE(ndrscan::util::json_plain(s) == plain);
    if (plain) REQUIRE(write_string(s) == "\"" + s + "\"");
  }
}

// member_raw writes what key() and a value would, compact and pretty
TEST_CASE("json writer: member_raw matches key and value", "[json_writer]") {
  for (int indent : {-1, 2}) {
    std::string a, b;
    JsonWriter wa(&a, indent), wb(&b, indent);
    wa.begin_object();
    wb.begin_object();
    wa.member_raw("s", "text", true);
    wb.key("s");
    wb.value_string("text");
    wa.member_raw("n", "-12");
    wb.key("n");
    wb.value_int(-12);
    wa.key("o");
    wb.key("o");
    wa.begin_object();
    wb.begin_object();
    wa.member_raw("t", "true");
    wb.key("t");
    wb.value_bool(true);
    wa.member_raw("z", "null");
    wb.key("z");
    wb.value_null();
    wa.end_object();
    wb.end_object();
    wa.member_raw("e", "", true);
    wb.key("e");
    wb.value_string("");
    wa.end_object();
    wb.end_object();
    INFO(indent);
    CHECK(a == b);
    CHECK(a == dump(Json::parse(b), indent));
  }
}
