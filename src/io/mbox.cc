// mbox.cc - From_ separators (RFC 4155 and the mboxrd convention).
#include "src/io/mbox.h"

#include <cstring>

#include "src/util/strings.h"

namespace ndrscan::io {

bool is_from_line(std::string_view line) {
  // "From MAILER-DAEMON Tue Nov 12 09:15:02 2024" or "From a@b  Tue Nov 12 09:15:02 2024"
  if (line.size() < 7 || line.substr(0, 5) != "From ") return false;
  std::string_view rest = line.substr(5);
  std::size_t sp = rest.find(' ');
  if (sp == 0 || sp == std::string_view::npos) return false;  // a sender, then more
  // A time "09:15" or a four-digit year: body text rarely has either right here.
  bool time = false, year = false;
  int digits = 0;
  for (std::size_t i = sp; i < rest.size(); ++i) {
    char c = rest[i];
    if (util::is_digit(c)) {
      ++digits;
      if (digits == 4) year = true;
    } else {
      if (c == ':' && digits >= 1 && i + 1 < rest.size() && util::is_digit(rest[i + 1])) time = true;
      digits = 0;
    }
  }
  return time || year;
}

namespace {

/// line_end - end of the line starting at `pos`: the first CR or LF (a file
/// may use LF, CRLF or CR-only line endings), or data.size().
std::size_t line_end(std::string_view data, std::size_t pos) {
  std::size_t e = data.find_first_of("\r\n", pos);
  return e == std::string_view::npos ? data.size() : e;
}

/// after_line - start of the line after the one ending at `end`.
std::size_t after_line(std::string_view data, std::size_t end) {
  if (end >= data.size()) return data.size();
  if (data[end] == '\r' && end + 1 < data.size() && data[end + 1] == '\n') return end + 2;
  return end + 1;
}

/// after_blank_line - `pos` follows an empty line: "\n\n", "\n\r\n" or
/// (CR-only files) "\r\r".
bool after_blank_line(std::string_view data, std::size_t pos) {
  if (pos < 2) return false;
  if (data[pos - 1] == '\n')
    return data[pos - 2] == '\n' || (data[pos - 2] == '\r' && pos >= 3 && data[pos - 3] == '\n');
  return data[pos - 1] == '\r' && data[pos - 2] == '\r';
}

}  // namespace

bool looks_like_mbox(std::string_view data) {
  data = data.substr(0, 1024);  // a From_ line is short: never scan a huge file for its end
  return is_from_line(data.substr(0, line_end(data, 0)));
}

/// cr_only - the data ends its first line with a lone CR (a CR-only file);
/// decided from the first 4 KiB so every search after it is a single scan.
bool cr_only(std::string_view data) {
  std::string_view head = data.substr(0, 4096);
  std::size_t e = head.find_first_of("\r\n");
  return e != std::string_view::npos && head[e] == '\r' && (e + 1 >= head.size() || head[e + 1] != '\n');
}

std::size_t next_separator(std::string_view data, std::size_t from) {
  std::size_t pos = from;
  const bool cr = cr_only(data);
  while (pos < data.size()) {
    // candidate: "From " at pos, where pos is 0 or follows an empty line
    bool at_start = pos == 0;
    if ((at_start || after_blank_line(data, pos)) && data.compare(pos, 5, "From ") == 0) {
      if (is_from_line(data.substr(pos, line_end(data, pos) - pos))) return pos;
    }
    // jump to the next "\nFrom " ("\rFrom " in a CR-only file): one search
    // per candidate, so splitting stays linear in the file size
    const std::size_t hit = util::find_bytes(data, cr ? "\rFrom " : "\nFrom ", pos + 1);
    if (hit == std::string_view::npos) return std::string_view::npos;
    pos = hit + 1;
  }
  return std::string_view::npos;
}

std::vector<MboxSpan> split_mbox(std::string_view data) {
  std::vector<MboxSpan> out;
  std::size_t sep = next_separator(data, 0);
  while (sep != std::string_view::npos) {
    std::size_t begin = after_line(data, line_end(data, sep));
    std::size_t next = begin < data.size() ? next_separator(data, begin) : std::string_view::npos;
    std::size_t end = next == std::string_view::npos ? data.size() : next;
    // the blank line before the next separator belongs to the mbox format
    std::size_t trimmed = end;
    if (next != std::string_view::npos) {
      if (trimmed > begin && data[trimmed - 1] == '\n') --trimmed;
      if (trimmed > begin && data[trimmed - 1] == '\r') --trimmed;  // CRLF, or the CR of a CR-only file
    }
    out.push_back({sep, begin, trimmed});
    sep = next;
  }
  return out;
}

bool needs_unquote(std::string_view msg) {
  std::size_t p = 0;
  while ((p = msg.find(">From ", p)) != std::string_view::npos) {
    std::size_t q = p;
    while (q > 0 && msg[q - 1] == '>') --q;
    if (q == 0 || msg[q - 1] == '\n') return true;
    p += 6;
  }
  return false;
}

std::string unquote_from(std::string_view msg) {
  std::string out;
  out.reserve(msg.size());
  std::size_t pos = 0;
  while (pos < msg.size()) {
    std::size_t nl = msg.find('\n', pos);
    std::size_t end = nl == std::string_view::npos ? msg.size() : nl + 1;
    std::string_view line = msg.substr(pos, end - pos);
    std::size_t q = 0;
    while (q < line.size() && line[q] == '>') ++q;
    if (q > 0 && line.substr(q, 5) == "From ") line.remove_prefix(1);
    out.append(line);
    pos = end;
  }
  return out;
}

}  // namespace ndrscan::io
