// header_block.cc - header block scanner (RFC 5322 2.2, 2.2.3, 3.6).
#include "parsers/rfc5322/header_block.h"

#include <fmt/format.h>

#include "src/util/strings.h"

namespace ndrscan::rfc5322 {
namespace {

using util::is_space;

/// field_name_end - length of "Name:" up to and including the colon, or 0
/// when the line is not a field. Accepts obsolete blanks before the colon
/// (RFC 5322 4.5.3, "Subject : x").
std::size_t field_name_end(std::string_view line, std::size_t* name_len) {
  std::size_t i = 0;
  while (i < line.size()) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c == ':' || c == ' ' || c == '\t') break;
    if (c < 33 || c > 126) return 0;  // ftext is printable US-ASCII
    ++i;
  }
  if (i == 0 || i > 200) return 0;
  *name_len = i;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (i >= line.size() || line[i] != ':') return 0;
  return i + 1;
}

bool is_blank(std::string_view line) {
  for (char c : line)
    if (c != ' ' && c != '\t') return false;
  return true;
}

/// looks_like_field_ahead - true if one of the next few lines is a field.
/// Used to decide whether a stray line inside a header is a lost
/// continuation (pasted text) or the start of a body with no blank line.
bool looks_like_field_ahead(std::string_view text, std::size_t pos) {
  for (int n = 0; n < 3 && pos < text.size(); ++n) {
    Line l = next_line(text, pos);
    std::string_view line = text.substr(l.begin, l.end - l.begin);
    if (is_blank(line)) return true;  // a header that ends properly
    std::size_t name_len = 0;
    if (field_name_end(line, &name_len) != 0) return true;
    pos = l.next;
  }
  return false;  // running into the end of input: body text, not a header
}

}  // namespace

Line next_line(std::string_view text, std::size_t pos) {
  Line l;
  l.begin = pos;
  const std::size_t n = text.size();
  const std::size_t i = pos < n ? util::find_any3(text, pos, '\n', '\r', '\n') : n;
  l.end = i;
  if (i < n) {
    if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') {
      l.next = i + 2;
    } else {
      l.next = i + 1;
    }
  } else {
    l.next = n;
  }
  return l;
}

const HeaderField* HeaderBlock::find(std::string_view name) const {
  for (const auto& f : fields)
    if (util::iequals(f.name, name)) return &f;
  return nullptr;
}

std::string_view HeaderBlock::value(std::string_view name) const {
  const HeaderField* f = find(name);
  return f ? std::string_view(f->value) : std::string_view();
}

HeaderBlock scan_header_block(std::string_view text, std::size_t start,
                              std::vector<Diagnostic>* diags, std::int64_t base_offset,
                              const HeaderLimits& limits) {
  HeaderBlock block;
  std::size_t pos = start;
  bool capped_fields = false;
  auto diag = [&](Severity sev, const char* code, std::size_t off, std::string msg) {
    if (diags) diags->push_back({sev, code, base_offset + static_cast<std::int64_t>(off), std::move(msg)});
  };
  // append - add one physical line's text to the current field, unfolding.
  auto append = [&](HeaderField& f, std::string_view piece, std::size_t off) {
    piece = util::trim(piece);
    if (piece.empty()) return;
    if (f.value.size() + piece.size() + 1 > limits.max_field_bytes) {
      if (f.value.size() < limits.max_field_bytes) {
        diag(Severity::kWarn, "header-line-too-long", off,
             fmt::format("field '{}' longer than {} bytes: truncated", f.name, limits.max_field_bytes));
        f.value.append(" ");
        f.value.append(piece.substr(0, limits.max_field_bytes - f.value.size()));
        f.value.resize(limits.max_field_bytes);
      }
      return;
    }
    if (!f.value.empty()) f.value.push_back(' ');  // a fold becomes one space
    f.value.append(piece);
  };

  block.fields.reserve(32);  // a bounce's header has 15 to 40 fields: one allocation instead of six
  while (pos < text.size()) {
    Line l = next_line(text, pos);
    std::string_view line = text.substr(l.begin, l.end - l.begin);
    if (is_blank(line)) {
      block.terminated = true;
      pos = l.next;
      break;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !block.fields.empty()) {
      if (!capped_fields) append(block.fields.back(), line, l.begin);
      pos = l.next;
      continue;
    }
    std::string_view candidate = block.fields.empty() ? util::trim(line) : line;
    std::size_t lead = static_cast<std::size_t>(candidate.data() - line.data());
    std::size_t name_len = 0;
    std::size_t colon_end = field_name_end(candidate, &name_len);
    if (colon_end == 0) {
      if (block.fields.empty()) {
        block.stopped_at_non_field = true;
        break;
      }
      if (looks_like_field_ahead(text, l.next)) {
        diag(Severity::kWarn, "header-not-a-field", l.begin,
             fmt::format("line without a field name joined to '{}'", block.fields.back().name));
        if (!capped_fields) append(block.fields.back(), line, l.begin);
        pos = l.next;
        continue;
      }
      diag(Severity::kWarn, "header-no-blank-line", l.begin,
           "header block ended by a line that is not a field (no blank line before the body)");
      block.stopped_at_non_field = true;
      break;
    }
    if (block.fields.size() >= limits.max_fields) {
      if (!capped_fields)
        diag(Severity::kCrit, "header-too-many-fields", l.begin,
             fmt::format("more than {} header fields: the rest are ignored", limits.max_fields));
      capped_fields = true;
      pos = l.next;
      continue;
    }
    HeaderField f;
    f.name.assign(candidate.substr(0, name_len));
    f.offset = l.begin + lead;
    append(f, candidate.substr(colon_end), l.begin);
    block.fields.push_back(std::move(f));
    pos = l.next;
  }
  block.body_offset = pos;
  return block;
}

}  // namespace ndrscan::rfc5322
