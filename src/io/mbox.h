// mbox.h - split an mbox (mboxo / mboxrd, LF or CRLF) into messages.
//
// PURPOSE
//   A message starts at a "From " line that is at the start of the data or
//   follows an empty line, and that looks like a real separator ("From
//   sender date": a second word and a time or year). A body line starting
//   with "From " that does not qualify stays in the message. Quoted lines
//   (">From ", ">>From " in mboxrd) lose one '>' when the message is
//   extracted; the copy is made only for messages that contain one.
//
// PUBLIC FUNCTIONS
//   looks_like_mbox()   the data starts with a separator line
//   MboxSplitter        incremental splitter (works on whole buffers or on
//                       a stream fed block by block)
//   unquote_from()      mboxrd unquoting of one message
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ndrscan::io {

/// One message inside an mbox: [begin, end) of the data, From_ line excluded.
struct MboxSpan {
  std::size_t offset = 0;  ///< byte offset of the From_ line (the message's origin)
  std::size_t begin = 0;   ///< first byte after the From_ line
  std::size_t end = 0;     ///< one past the last byte (the separator's blank line excluded)
};

/// looks_like_mbox - true when `data` starts with a From_ separator.
bool looks_like_mbox(std::string_view data);

/// is_from_line - `line` (without its line ending) is a separator.
bool is_from_line(std::string_view line);

/// split_mbox - every message of a whole mbox held in memory.
std::vector<MboxSpan> split_mbox(std::string_view data);

/// next_separator - offset of the next From_ line at or after `from`
/// (which must be at a line start, after a blank line or at 0), or npos.
std::size_t next_separator(std::string_view data, std::size_t from);

/// needs_unquote - the message has a ">From " / ">>From " line.
bool needs_unquote(std::string_view msg);

/// unquote_from - copy of `msg` with one '>' removed from ">+From " lines.
std::string unquote_from(std::string_view msg);

}  // namespace ndrscan::io
