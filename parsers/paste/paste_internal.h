// paste_internal.h - shared pieces of the paste repairs (not a public API).
//
// PURPOSE
//   The repairs are a chain of stages over LF-only text. Each stage reads
//   its input and writes a new text through a Builder, which keeps a capped
//   list of anchors (output offset -> input offset) so that a diagnostic
//   found in a later stage can still name a byte offset of the paste.
//
// PUBLIC FUNCTIONS (namespace ndrscan::paste::detail)
//   Builder            output text plus offset anchors
//   Hit                first offset and count of one kind of repair
//   is_field_line()    "Name: value" with a token name (stricter than RFC 5322)
//   is_known_name()    a header name seen in pastes (X-* included)
//   stage_*()          one repair each; true when something changed
//
// DIAGNOSTICS
//   None here: stages fill a Hit; paste.cc turns hits into paste-* codes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ndrscan::paste::detail {

struct Anchor {
  std::size_t out = 0, in = 0;
};

/// Builder - the output of one stage, with where each piece came from.
class Builder {
 public:
  static constexpr std::size_t kMaxAnchors = 4096;
  explicit Builder(std::size_t reserve) { out_.reserve(reserve); }
  /// copy - input bytes [b, e) unchanged.
  void copy(std::string_view in, std::size_t b, std::size_t e) {
    if (e <= b) return;
    mark(b);
    out_.append(in.substr(b, e - b));
  }
  /// put - replacement text standing for input at `in_pos`.
  void put(std::string_view s, std::size_t in_pos) {
    mark(in_pos);
    out_.append(s);
  }
  void put(char c, std::size_t in_pos) {
    mark(in_pos);
    out_.push_back(c);
  }
  std::string& text() { return out_; }
  const std::vector<Anchor>& anchors() const { return anchors_; }

 private:
  void mark(std::size_t in_pos) {
    if (!anchors_.empty()) {
      const Anchor& a = anchors_.back();
      if (out_.size() >= a.out && in_pos >= a.in && out_.size() - a.out == in_pos - a.in) return;
    }
    if (anchors_.size() < kMaxAnchors) anchors_.push_back({out_.size(), in_pos});
  }
  std::string out_;
  std::vector<Anchor> anchors_;
};

/// map_back - an output offset of a stage to its input offset.
std::size_t map_back(const std::vector<Anchor>& anchors, std::size_t out);

/// Hit - where one kind of repair first applied (input offset) and how often.
struct Hit {
  std::size_t first = 0;
  std::size_t count = 0;
  void add(std::size_t off) {
    if (count++ == 0) first = off;
  }
};

/// A line of LF text: [begin, end) without the LF; next = after the LF.
struct TextLine {
  std::size_t begin = 0, end = 0, next = 0;
};
/// line_at - the line starting at `pos` (LF-only text).
inline TextLine line_at(std::string_view text, std::size_t pos) {
  std::size_t e = text.find('\n', pos);
  if (e == std::string_view::npos) return {pos, text.size(), text.size()};
  return {pos, e, e + 1};
}

bool is_blank(std::string_view line);
/// field_name_len - length of the name when `line` is "Name: value" or
/// "Name:" (name: a letter then letters, digits, '-', '_'; a blank or the
/// end after the colon), else 0.
std::size_t field_name_len(std::string_view line);
inline bool is_field_line(std::string_view line) { return field_name_len(line) != 0; }
/// is_known_name - a header name of the lists below, or X-anything.
bool is_known_name(std::string_view name);
/// is_dsn_name - RFC 3464 field names (per-message and per-recipient).
bool is_dsn_name(std::string_view name);

// Stages, in the order paste.cc runs them. `hit` gets input offsets.
/// stage_charset - bytes that are not UTF-8 read as Windows-1252, in [0, limit).
bool stage_charset(std::string_view in, Builder* b, Hit* hit, std::size_t limit);
bool stage_json(std::string_view in, Builder* b, Hit* hit);
bool stage_html(std::string_view in, Builder* b, Hit* hit);
bool stage_quote(std::string_view in, Builder* b, Hit* hit);
bool stage_dedent(std::string_view in, Builder* b, Hit* hit);
bool stage_qp(std::string_view in, Builder* b, Hit* hit);
bool stage_links(std::string_view in, Builder* b, Hit* hit);
bool stage_typography(std::string_view in, Builder* b, Hit* hit);
bool stage_tabs(std::string_view in, Builder* b, Hit* hit);
bool stage_blank_lines(std::string_view in, Builder* b, Hit* hit);
bool stage_flattened(std::string_view in, Builder* b, Hit* hit);
/// stage_unfold - lost fold indentation (`hit`), a name alone on its line
/// with the value on the next (`split`), and NDR text run into the header
/// block at the top without a blank line (`body`).
bool stage_unfold(std::string_view in, Builder* b, Hit* hit, Hit* split, Hit* body);

// Signatures used by detection (paste.cc) on raw header text.
bool has_json_signature(std::string_view s);
bool has_html_signature(std::string_view s);
bool has_link_signature(std::string_view s);
bool has_qp_signature(std::string_view s);
/// flattened_candidates - field names found inside `value` that would split it.
std::size_t flattened_candidates(std::string_view value, bool* strong);
/// has_ndr_markers - bounce wording in the first 64 KiB.
bool has_ndr_markers(std::string_view s);

}  // namespace ndrscan::paste::detail
