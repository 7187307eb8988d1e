// header_block.h - find and unfold one RFC 5322 header block in raw bytes.
//
// PURPOSE
//   The allocation-light scanner every other parser starts from: it walks raw
//   bytes with LF, CRLF or CR-only line endings (mixed is fine), splits the
//   header block into fields, unfolds continuation lines (RFC 5322 2.2.3) and
//   reports where the body starts. It is used for the top-level header, for
//   each DSN block (RFC 3464 2.1 uses the same syntax) and for returned
//   headers (text/rfc822-headers).
//
// PUBLIC FUNCTIONS
//   next_line()          one physical line and the offset after its ending
//   scan_header_block()  fields of one block plus the body offset
//
// DIAGNOSTICS
//   header-line-too-long, header-too-many-fields, header-not-a-field,
//   header-no-blank-line: appended to the caller's list with byte offsets.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "src/core/model.h"

namespace ndrscan::rfc5322 {

/// One header field: name as written, value unfolded and trimmed.
struct HeaderField {
  std::string name;
  std::string value;
  std::size_t offset = 0;  ///< byte offset of the field name in the input
};

/// The result of scanning one header block.
struct HeaderBlock {
  std::vector<HeaderField> fields;
  std::size_t body_offset = 0;  ///< first byte after the blank line (or end)
  bool terminated = false;      ///< a blank line ended the block
  bool stopped_at_non_field = false;  ///< a line that is not a field ended it

  /// find - first field with this name (case-insensitive), or nullptr.
  const HeaderField* find(std::string_view name) const;
  /// value - value of the first field with this name, or "".
  std::string_view value(std::string_view name) const;
};

/// Caps protecting later stages (and mimetic) from hostile input.
struct HeaderLimits {
  std::size_t max_field_bytes = 256 * 1024;  ///< unfolded value length
  std::size_t max_fields = 10000;
};

/// A physical line: [begin, end) without its line break; next is the offset
/// of the following line.
struct Line {
  std::size_t begin = 0, end = 0, next = 0;
};

/// next_line - the line starting at `pos`; LF, CRLF and lone CR all end one.
Line next_line(std::string_view text, std::size_t pos);

/// scan_header_block - read fields from `start` up to the first blank line.
/// `base_offset` is added to offsets reported in diagnostics.
HeaderBlock scan_header_block(std::string_view text, std::size_t start,
                              std::vector<Diagnostic>* diags,
                              std::int64_t base_offset = 0,
                              const HeaderLimits& limits = {});

}  // namespace ndrscan::rfc5322
