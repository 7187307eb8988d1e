// paste.cc - decide whether a text is a damaged paste, repair it, and give
// pasted bounce text a header the pipeline can read.
//
// The repairs themselves are in paste_text.cc; this file runs them in order
// (outermost damage first: charset, JSON string, HTML, quoting, indentation,
// quoted-printable, links, typography, tables, doubled blank lines,
// flattened lines, lost folds) and turns each into one diagnostic.
#include "parsers/paste/paste.h"

#include <fmt/format.h>

#include "parsers/dialects/microsoft.h"
#include "parsers/paste/paste_internal.h"
#include "parsers/rfc2047/encoded_word.h"
#include "parsers/rfc5322/header_block.h"
#include "src/util/strings.h"

namespace ndrscan::paste {
namespace {

using namespace detail;
using util::iequals;
using util::ifind;
using util::istarts_with;

/// Pastes larger than this are not repaired (a real message may be larger
/// and is left alone; a paste never is).
constexpr std::size_t kMaxPaste = 16u << 20;

/// The field added in front of pasted bounce text so that the bounce readers
/// (which want an automatically generated message) read it.
constexpr std::string_view kMark = "Auto-Submitted: auto-generated (ndrscan: pasted bounce text)\n";

/// skip_preamble - as analyze.cc: leading blank lines and an mbox "From " line.
std::size_t skip_preamble(std::string_view b) {
  std::size_t pos = 0;
  while (pos < b.size()) {
    rfc5322::Line l = rfc5322::next_line(b, pos);
    std::string_view line = b.substr(l.begin, l.end - l.begin);
    if (!util::trim(line).empty() && !(pos == 0 && line.substr(0, 5) == "From ")) break;
    pos = l.next;
  }
  return pos;
}

bool token_name(std::string_view n) {
  if (n.empty() || !util::is_alpha(n[0])) return false;
  for (char c : n)
    if (!util::is_alpha(c) && !util::is_digit(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

/// automated - the header says the message is machine-generated (the same
/// signals the bounce readers look for).
template <typename Fields>
bool automated(const Fields& fields) {
  static constexpr std::string_view kFrom[] = {"postmaster", "mailer-daemon", "mailer_daemon", "mail delivery",
                                               "microsoft outlook", "microsoftexchange", "system administrator",
                                               "mail administrator"};
  static constexpr std::string_view kSubject[] = {"Undeliverable", "Undelivered", "Delivery Status Notification",
                                                  "Delivery delayed", "Returned mail", "Mail delivery failed",
                                                  "Non-Delivery", "DELIVERY FAILURE", "Unzustellbar"};
  for (const auto& f : fields) {
    if (iequals(f.name, "Auto-Submitted") || iequals(f.name, "X-Failed-Recipients") ||
        iequals(f.name, "X-MS-Exchange-Message-Is-Ndr"))
      return true;
    if (iequals(f.name, "Return-Path") && util::trim(f.value) == "<>") return true;
    if (iequals(f.name, "From"))
      for (std::string_view k : kFrom)
        if (ifind(f.value, k) != std::string_view::npos) return true;
    if (iequals(f.name, "Subject")) {
      for (std::string_view k : kSubject)
        if (istarts_with(util::trim(f.value), k)) return true;
      if (dialects::vtext::ndr_subject(f.value)) return true;  // localised NDR subjects
    }
  }
  return false;
}

/// looks_clean - the text already reads as an RFC 5322 message or a clean
/// header block: nothing for the paste reader to do. When it returns true
/// after reading the header block, the scan is kept in *keep (if given).
bool looks_clean(std::string_view text, CleanScan* keep) {
  std::size_t start = skip_preamble(text);
  if (start >= text.size()) return true;  // blank: the pipeline reports it
  if (text[start] == ' ' || text[start] == '\t') return false;  // an indented paste
  std::vector<Diagnostic> d;
  rfc5322::HeaderBlock hb = rfc5322::scan_header_block(text, start, &d);
  if (hb.fields.empty()) return false;
  for (const auto& x : d)
    if (x.code == "header-not-a-field" || x.code == "header-no-blank-line") return false;
  for (const auto& f : hb.fields)
    if (!token_name(f.name)) return false;
  if (!rfc2047::is_valid_utf8(text.substr(start, std::min(hb.body_offset - start, std::size_t{1} << 20))))
    return false;  // 8-bit header bytes that are not UTF-8: Windows-1252
  std::size_t hend = std::min(hb.body_offset, start + (1u << 20));
  std::string_view header = text.substr(start, hend - start);
  if (has_json_signature(header) || has_html_signature(header) || has_link_signature(header) ||
      has_qp_signature(header))
    return false;
  for (const auto& f : hb.fields) {
    bool strong = false;
    std::size_t n = flattened_candidates(f.value, &strong);
    if (n >= 2 || (n >= 1 && strong)) return false;
  }
  // keep_scan - hand the header scan to the caller (prepare's CleanScan).
  auto keep_scan = [&] {
    if (!keep) return true;
    keep->valid = true;
    keep->start = start;
    keep->block = std::move(hb);
    keep->diagnostics = std::move(d);
    return true;
  };
  if (!hb.terminated) return keep_scan();
  // doubled newlines: a block of one or two fields, then the next field
  std::size_t pos = hb.body_offset;
  for (int k = 0; k < 2 && pos < text.size(); ++k) {
    rfc5322::Line l = rfc5322::next_line(text, pos);
    std::string_view line = text.substr(l.begin, l.end - l.begin);
    if (util::trim(line).empty()) {
      pos = l.next;
      continue;
    }
    std::size_t n = field_name_len(line);
    bool piece = (n && !is_dsn_name(line.substr(0, n))) || line[0] == ' ' || line[0] == '\t';
    if (hb.fields.size() <= 2 && piece) return false;
    break;
  }
  // 8-bit text that is not UTF-8 in a body without a declared charset
  if (hb.find("Content-Type") == nullptr) {
    std::string_view body = text.substr(hb.body_offset, std::size_t{1} << 20);
    if (!rfc2047::is_valid_utf8(body)) return false;
  }
  // bounce text under a header that is not the bounce's own (the original's
  // headers, or Outlook's From/Sent/To/Subject): the readers need a mark
  if (hb.find("Content-Type") == nullptr && hb.find("MIME-Version") == nullptr && !automated(hb.fields) &&
      has_ndr_markers(text.substr(hb.body_offset)))
    return false;
  return keep_scan();
}

struct Field {
  std::string name, value;
};

/// header_block_at - fields of an LF header block starting at `pos` (names
/// only; used to judge a candidate block), and where it ends.
std::vector<Field> block_at(std::string_view text, std::size_t pos, std::size_t* end) {
  std::vector<Field> fields;
  while (pos < text.size() && fields.size() < 10000) {
    TextLine l = line_at(text, pos);
    std::string_view line = text.substr(l.begin, l.end - l.begin);
    if (is_blank(line)) break;
    if (line[0] == ' ' || line[0] == '\t') {
      if (fields.empty()) break;
      pos = l.next;
      continue;
    }
    std::size_t n = field_name_len(line);
    if (n == 0) break;
    fields.push_back({std::string(line.substr(0, n)), std::string(util::trim(line.substr(n + 1)).substr(0, 256))});
    pos = l.next;
  }
  *end = pos;
  return fields;
}

bool has_field(const std::vector<Field>& f, std::string_view name) {
  for (const auto& x : f)
    if (iequals(x.name, name)) return true;
  return false;
}

class Repairer {
 public:
  Repairer(std::vector<Diagnostic>* diags) : diags_(diags) {}

  /// run - one stage over cur_; a diagnostic when it changed something.
  template <typename Stage>
  void run(Stage stage, const char* code, const char* what) {
    Builder b(cur_.size() + cur_.size() / 16 + 64);
    Hit hit;
    if (!stage(std::string_view(cur_), &b, &hit)) return;
    report(code, hit, what);
    commit(&b);
  }

  void report(const char* code, const Hit& hit, std::string_view what) {
    if (hit.count == 0) return;
    ++repairs_;
    if (!diags_) return;
    diags_->push_back({Severity::kWarn, code, static_cast<std::int64_t>(to_input(hit.first)),
                       fmt::format("pasted text repaired: {} ({}x)", what, hit.count)});
  }

  void commit(Builder* b) {
    maps_.push_back(b->anchors());
    cur_ = std::move(b->text());
  }

  /// to_input - an offset in the current text to one in the pasted text.
  std::size_t to_input(std::size_t off) const {
    for (auto it = maps_.rbegin(); it != maps_.rend(); ++it) off = map_back(*it, off);
    return off;
  }

  std::string& cur() { return cur_; }
  int repairs() const { return repairs_; }

  void normalize(std::string_view text) {
    Builder b(text.size());
    std::size_t run = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '\r') continue;
      b.copy(text, run, i);
      if (i + 1 < text.size() && text[i + 1] == '\n') {
        run = i + 1;  // CRLF: keep the LF
      } else {
        b.put('\n', i);
        run = i + 1;
      }
    }
    b.copy(text, run, text.size());
    commit(&b);
  }

 private:
  std::vector<Diagnostic>* diags_;
  std::string cur_;
  std::vector<std::vector<Anchor>> maps_;
  int repairs_ = 0;
};

/// give_bounce_a_header - text that starts with bounce wording (not with a
/// header) gets the pasted header block, if any, in front, and a mark.
void give_bounce_a_header(Repairer* r) {
  std::string& cur = r->cur();
  std::size_t first = 0;
  while (first < cur.size()) {
    TextLine l = line_at(cur, first);
    if (!is_blank(std::string_view(cur).substr(l.begin, l.end - l.begin))) break;
    first = l.next;
  }
  if (first >= cur.size()) return;
  std::string_view text(cur);
  TextLine fl = line_at(text, first);
  std::string_view line = text.substr(fl.begin, fl.end - fl.begin);
  std::size_t n = field_name_len(line);
  bool ndr = has_ndr_markers(text);
  if (n && !is_dsn_name(line.substr(0, n))) {
    // a header first: mark it when bounce text follows and nothing says so
    std::size_t end = 0;
    std::vector<Field> top = block_at(text, first, &end);
    if (!ndr || end >= text.size() || automated(top)) return;
    if (!has_ndr_markers(text.substr(end))) return;
    std::string out;
    out.reserve(cur.size() + kMark.size());
    out.append(text.substr(0, end));
    out.append(kMark);
    out.append(text.substr(end));
    Hit h;
    h.add(end);
    r->report("paste-ndr-text", h, "bounce text below a header without a bounce sender: Auto-Submitted added");
    cur = std::move(out);
    return;
  }
  // bounce text first: look for the pasted header block further down
  std::size_t pos = fl.next, bstart = std::string::npos, bend = 0;
  bool prev_blank_or_label = true;
  while (pos < text.size()) {
    TextLine l = line_at(text, pos);
    std::string_view ln = text.substr(l.begin, l.end - l.begin);
    std::size_t m = field_name_len(ln);
    if (m && is_known_name(ln.substr(0, m)) && !is_dsn_name(ln.substr(0, m))) {
      std::size_t end = 0;
      std::vector<Field> f = block_at(text, l.begin, &end);
      std::size_t known = 0;
      for (const auto& x : f) known += is_known_name(x.name) ? 1 : 0;
      // a Received chain anywhere; other blocks after a blank line or a label
      if (has_field(f, "Received") || (prev_blank_or_label && known >= 3)) {
        bstart = l.begin;
        bend = end;
        break;
      }
      pos = std::max(end, l.next);
      prev_blank_or_label = false;
      continue;
    }
    // a block starts after a blank line or a label ("Original message headers:")
    prev_blank_or_label = is_blank(ln) || (!ln.empty() && ln.back() == ':');
    pos = l.next;
  }
  if (bstart == std::string::npos && !ndr) return;
  std::string out;
  out.reserve(cur.size() + (bend - (bstart == std::string::npos ? bend : bstart)) + kMark.size() + 2);
  Hit h;
  if (bstart != std::string::npos) {
    out.append(text.substr(bstart, bend - bstart));
    if (out.back() != '\n') out.push_back('\n');
    h.add(bstart);
  } else {
    h.add(first);
  }
  if (ndr) out.append(kMark);
  out.push_back('\n');
  out.append(text);
  if (bstart != std::string::npos)
    r->report("paste-ndr-reordered", h,
              ndr ? "bounce text before the pasted header block: header block read first, bounce text kept as body"
                  : "text before the pasted header block: header block read first, text kept as body");
  else
    r->report("paste-ndr-text", h, "bounce text without a header: Auto-Submitted header added");
  cur = std::move(out);
}

}  // namespace

bool text_only(std::string_view repaired) {
  return repaired.size() > kMark.size() && repaired.substr(0, kMark.size()) == kMark && repaired[kMark.size()] == '\n';
}

std::optional<std::string> prepare(std::string_view text, Mode mode, std::vector<Diagnostic>* diags,
                                   CleanScan* scan) {
  if (mode == Mode::kOff || util::trim(text).empty()) return std::nullopt;
  if (text.size() > kMaxPaste) {
    if (mode == Mode::kOn && diags)
      diags->push_back({Severity::kWarn, "paste-too-large", -1,
                        fmt::format("input larger than {} bytes: not repaired as a paste", kMaxPaste)});
    return std::nullopt;
  }
  if (mode == Mode::kAuto && looks_clean(text, scan)) return std::nullopt;
  Repairer r(diags);
  r.normalize(text);
  // a MIME message declares its body's charset: only its header is converted
  auto charset = [](std::string_view in, Builder* b, Hit* h) {
    std::size_t limit = in.size();
    std::size_t end = 0;
    std::vector<Field> top = block_at(in, 0, &end);
    if (has_field(top, "Content-Type")) limit = end;
    return stage_charset(in, b, h, limit);
  };
  r.run(charset, "paste-charset", "Windows-1252/Latin-1 bytes converted to UTF-8");
  r.run(stage_json, "paste-json-escapes", "JSON string escapes decoded");
  r.run(stage_html, "paste-html", "HTML tags removed and entities decoded");
  r.run(stage_quote, "paste-quoted", "'>' quoting removed");
  r.run(stage_qp, "paste-quoted-printable", "leftover quoted-printable decoded");
  r.run(charset, "paste-charset", "Windows-1252/Latin-1 bytes converted to UTF-8");
  r.run(stage_typography, "paste-typography", "typographic quotes, dashes and spaces made ASCII");
  r.run(stage_dedent, "paste-indented", "common indentation removed");
  r.run(stage_links, "paste-links", "markdown and mailto links reduced to their text");
  r.run(stage_tabs, "paste-table-tabs", "'Name<TAB>value' table rows made fields");
  r.run(stage_blank_lines, "paste-blank-lines", "blank lines between header fields removed");
  r.run(stage_flattened, "paste-flattened", "header fields flattened onto one line split");
  {
    Builder b(r.cur().size() + r.cur().size() / 8 + 64);
    Hit unfold, split, body;
    if (stage_unfold(r.cur(), &b, &unfold, &split, &body)) {
      r.report("paste-unfolded", unfold, "folded lines that had lost their indentation rejoined");
      r.report("paste-name-value-split", split, "field name and value on separate lines joined");
      r.report("paste-body-separated", body, "blank line added between the header block and the text after it");
      r.commit(&b);
    }
  }
  give_bounce_a_header(&r);
  if (r.repairs() == 0 && mode == Mode::kAuto) return std::nullopt;
  return std::move(r.cur());
}

}  // namespace ndrscan::paste
