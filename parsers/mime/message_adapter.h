// message_adapter.h - the MIME tree of one message, through mimetic, guarded.
//
// PURPOSE
//   The only place that includes mimetic. It parses one message's MIME
//   structure and decodes transfer encodings of the parts ndrscan reads
//   (text/*, message/*delivery-status, text/rfc822-headers), and returns a
//   plain tree of Part structs. mimetic 0.9.8 has known defects (see
//   docs/architecture.md): the guards here keep them unreachable:
//     - message size, line length and part-count caps are checked before
//       mimetic sees the bytes (long header lines are quadratic in mimetic,
//       deep nesting overflows its recursive parser);
//     - every mimetic call runs inside one try/catch boundary (the random
//       access parser can throw std::length_error);
//     - typed address accessors (to(), from(), ...) are never called (they
//       crash on "To: undisclosed-recipients:" without ';');
//     - base64 bodies are filtered to the base64 alphabet before decoding
//       (mimetic's decoder reads past its table on '|').
//
// PUBLIC FUNCTIONS
//   parse_mime()    raw message -> Part tree
//   decoded_body()  a part's text, decoding a deferred text/html body
//
// DIAGNOSTICS
//   mime-too-large, mime-line-too-long, mime-too-many-parts, mime-too-deep,
//   mime-parser-error, mime-decoded-too-large.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/rfc5322/header_block.h"
#include "src/core/model.h"

namespace ndrscan::mime {

/// One MIME entity.
struct Part {
  std::string type = "text", subtype = "plain";  ///< lowercase
  std::string charset;      ///< lowercase, empty if not given
  std::string report_type;  ///< multipart/report's report-type, lowercase
  std::string encoding;     ///< Content-Transfer-Encoding, lowercase
  std::vector<rfc5322::HeaderField> headers;  ///< this entity's own fields
  std::string body;         ///< decoded body of leaves ndrscan reads (see body_encoded)
  bool body_decoded = false;
  /// body is still transfer-encoded (a base64 or quoted-printable text/html
  /// part, read only when there is no text/plain): use decoded_body()
  bool body_encoded = false;
  std::vector<Part> children;  ///< parts, or the one embedded message

  bool is(std::string_view t, std::string_view s) const;
};

/// Guards applied before and while mimetic runs.
struct Limits {
  std::size_t max_message_bytes = 64u << 20;
  std::size_t max_line_bytes = 64u << 10;
  std::size_t max_parts = 1000;
  int max_depth = 32;
  std::size_t max_decoded_bytes = 32u << 20;
};

namespace detail {
/// qp_decode - quoted-printable decoded exactly as mimetic::QP::Decoder
/// decodes it (its state machine restated, quirks included; a unit test
/// compares the two on random input), but a run of plain bytes is copied
/// at once instead of passing byte by byte through the state machine.
/// Writes at most in.size() bytes at `out`; returns the end of the output.
char* qp_decode(std::string_view in, char* out);
}  // namespace detail

/// decode_transfer - undo a Content-Transfer-Encoding (base64,
/// quoted-printable; anything else is returned as is).
std::string decode_transfer(std::string_view body, std::string_view encoding);

/// decoded_body - p.body with its transfer encoding undone (in *storage when
/// p.body_encoded; otherwise p.body itself).
std::string_view decoded_body(const Part& p, std::string* storage);

/// parse_mime - build the Part tree of `message`; false (with a diagnostic)
/// when the tree could not be built at all.
bool parse_mime(std::string_view message, Part* root, std::vector<Diagnostic>* diags,
                const Limits& limits = {});

}  // namespace ndrscan::mime
