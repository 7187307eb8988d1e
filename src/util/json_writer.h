// json_writer.h - a streaming JSON writer appending to a std::string.
//
// PURPOSE
//   Serialises without building a document: values go straight into the
//   output string as they are written. The bytes are exactly those
//   nlohmann::json::dump(indent, ' ', false, error_handler_t::replace) gives
//   for the same document (compact when indent < 0, else pretty with
//   `indent` spaces; empty containers as {} and []; control characters as
//   \b \t \n \f \r or \u00xx; other bytes, DEL included, as written), so a
//   reporter moved from the DOM to this writer keeps its goldens. Strings
//   that are not valid UTF-8 are handed to nlohmann itself, so even its
//   U+FFFD replacement rules are reproduced byte for byte.
//
// PUBLIC FUNCTIONS
//   JsonWriter          begin/end_object, begin/end_array, key, value_*
//   append_json_string  one quoted, escaped string
//   is_valid_utf8       well-formed UTF-8 (Unicode Table 3-7)
//
// The writer trusts its caller for structure (a key before each object
// member, balanced begin/end); it checks nothing at run time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ndrscan::util {

/// is_valid_utf8 - true when `s` is well-formed UTF-8 (no overlongs,
/// surrogates or code points above U+10FFFF).
bool is_valid_utf8(std::string_view s);

/// append_json_string - append `s` as a JSON string literal; returns false
/// and appends nothing when `s` is not valid UTF-8 and `strict` is set.
/// When `strict` is not set, invalid bytes become U+FFFD as nlohmann's
/// error_handler_t::replace does.
bool append_json_string(std::string* out, std::string_view s, bool strict = false);

/// json_plain - `s` goes into a JSON string as it is: printable ASCII with
/// no quote or backslash (nothing to escape, nothing to check as UTF-8).
bool json_plain(std::string_view s);

/// JsonWriter - appends one JSON document (or several) to `*out`.
class JsonWriter {
 public:
  /// indent < 0: one line, no spaces; otherwise pretty-printed.
  explicit JsonWriter(std::string* out, int indent = -1) : out_(out), indent_(indent) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  /// key - the name of the next object member, written between quotes as
  /// is: member names are the caller's own identifiers and need no escape.
  void key(std::string_view k);

  void value_null() {
    before_value();
    out_->append("null", 4);
  }
  void value_bool(bool b) {
    before_value();
    if (b) out_->append("true", 4);
    else out_->append("false", 5);
  }
  void value_int(std::int64_t v);
  void value_uint(std::uint64_t v);
  /// value_string - `s` escaped; invalid UTF-8 replaced as nlohmann does.
  void value_string(std::string_view s) {
    before_value();
    append_json_string(out_, s);
  }
  /// try_value_string - as value_string when `s` is valid UTF-8; else
  /// writes nothing and returns false (the caller repairs and retries).
  bool try_value_string(std::string_view s);
  /// member_raw - key(k) and then `raw`, an already serialised value (with
  /// `quoted`: a string that json_plain() accepts, written between quotes),
  /// in one write when compact.
  void member_raw(std::string_view k, std::string_view raw, bool quoted = false);
  /// value_raw - an already serialised value, copied as is.
  void value_raw(std::string_view json) {
    before_value();
    out_->append(json);
  }

 private:
  void open(char c);
  void close(char c);
  void before_value();
  void newline_indent(std::size_t depth);
  char* compact_member(std::string_view k, std::size_t extra);

  std::string* out_;
  int indent_;
  std::vector<char> first_;  ///< per open container: nothing written in it yet
  bool after_key_ = false;   ///< a key was written; the value follows directly
};

}  // namespace ndrscan::util
