// paste_text.cc - the text repairs of pasted headers and bounces.
//
// Every stage reads LF-only text once (plus a bounded look-ahead of a few
// lines) and writes its output through a Builder: linear time, output at
// most a small constant times the input.
#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <vector>

#include "parsers/dialects/microsoft.h"
#include "parsers/paste/paste_internal.h"
#include "src/util/phrase_set.h"
#include "src/util/strings.h"

namespace ndrscan::paste::detail {
namespace {

using util::iequals;
using util::ifind;
using util::istarts_with;
constexpr std::size_t npos = std::string_view::npos;

bool is_name_char(char c) { return util::is_alpha(c) || util::is_digit(c) || c == '-' || c == '_'; }

/// Header names seen in helpdesk pastes, canonical spelling (the flattened
/// splitter matches them case-sensitively; elsewhere case is ignored).
constexpr std::string_view kKnown[] = {
    "Received", "Return-Path", "From", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID", "Message-Id",
    "In-Reply-To", "References", "Reply-To", "Sender", "MIME-Version", "Mime-Version", "Content-Type",
    "Content-Transfer-Encoding", "Content-Language", "Content-Disposition", "Accept-Language", "Thread-Topic",
    "Thread-Index", "Authentication-Results", "Authentication-Results-Original", "ARC-Seal",
    "ARC-Message-Signature", "ARC-Authentication-Results", "DKIM-Signature", "Received-SPF", "Delivered-To",
    "Importance", "Priority", "Auto-Submitted", "Precedence", "List-Unsubscribe", "List-Id", "Feedback-ID",
    "Errors-To", "Sent", "Envelope-To", "Organization", "User-Agent"};

/// Names that are enough on their own to split a flattened line.
constexpr std::string_view kStrong[] = {"Received",     "Return-Path",  "Message-ID",     "Message-Id",
                                        "DKIM-Signature", "Authentication-Results", "MIME-Version",
                                        "Content-Type", "Received-SPF", "ARC-Seal", "Delivered-To",
                                        "Thread-Index"};

constexpr std::string_view kDsn[] = {
    "Reporting-MTA", "Final-Recipient", "Original-Recipient", "Action", "Status", "Remote-MTA",
    "Diagnostic-Code", "Last-Attempt-Date", "Arrival-Date", "Received-From-MTA", "Will-Retry-Until",
    "Original-Envelope-Id", "DSN-Gateway", "X-Postfix-Queue-ID", "X-Postfix-Sender", "X-Display-Name",
    "X-Supplementary-Info"};

/// canonical_known - case-sensitive membership (flattened splitting).
bool canonical_known(std::string_view name, bool* strong) {
  *strong = false;
  if (name.size() > 2 && name[0] == 'X' && name[1] == '-' && util::is_alpha(name[2])) {
    *strong = name.size() >= 6;  // X-MS-..., X-Forefront-..., not "X-a"
    return true;
  }
  for (std::string_view s : kStrong)
    if (name == s) {
      *strong = true;
      return true;
    }
  for (std::string_view k : kKnown)
    if (name == k) return k != "Sent";
  return false;
}

/// utf8_len - length of the valid UTF-8 sequence at s[i], or 0.
std::size_t utf8_len(std::string_view s, std::size_t i) {
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = at(i);
  if (c < 0x80) return 1;
  std::size_t n;
  std::uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    unsigned char d = at(i + k);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

void append_utf8(std::string* out, std::uint32_t cp) {
  if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
  if (cp > 0x10FFFF) cp = 0xFFFD;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string_view line_of(std::string_view in, const TextLine& l) { return in.substr(l.begin, l.end - l.begin); }

/// encoded_word_end - end of an RFC 2047 word "=?cs?Q?..?=" starting at i
/// (same line, at most 256 bytes), or 0.
std::size_t encoded_word_end(std::string_view s, std::size_t i) {
  if (i + 1 >= s.size() || s[i] != '=' || s[i + 1] != '?') return 0;
  std::size_t limit = std::min(s.size(), i + 256);
  int marks = 0;
  for (std::size_t k = i + 2; k + 1 < limit; ++k) {
    if (s[k] == '\n' || s[k] == ' ') return 0;
    if (s[k] == '?') {
      ++marks;
      if (marks >= 3 && s[k + 1] == '=') return k + 2;
    }
  }
  return 0;
}

}  // namespace

std::size_t map_back(const std::vector<Anchor>& anchors, std::size_t out) {
  auto it = std::upper_bound(anchors.begin(), anchors.end(), out,
                             [](std::size_t o, const Anchor& a) { return o < a.out; });
  if (it == anchors.begin()) return out;
  --it;
  return it->in + (out - it->out);
}

bool is_blank(std::string_view line) {
  for (char c : line)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}

std::size_t field_name_len(std::string_view line) {
  if (line.empty() || !util::is_alpha(line[0])) return 0;
  std::size_t i = 0;
  while (i < line.size() && i <= 76 && is_name_char(line[i])) ++i;
  std::size_t n = i;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t') && i < n + 2) ++i;
  if (i >= line.size() || line[i] != ':') return 0;
  ++i;
  if (i < line.size() && line[i] != ' ' && line[i] != '\t') return 0;
  return n;
}

bool is_known_name(std::string_view name) {
  if (name.size() > 2 && (name[0] == 'X' || name[0] == 'x') && name[1] == '-') return true;
  for (std::string_view k : kKnown)
    if (iequals(name, k)) return true;
  return false;
}

bool is_dsn_name(std::string_view name) {
  for (std::string_view k : kDsn)
    if (iequals(name, k)) return true;
  return false;
}

// ---------------------------------------------------------------------------
// Signatures

bool has_json_signature(std::string_view s) {
  s = s.substr(0, 65536);
  if (s.find('\\') == npos) return false;  // no escape to count (the common case: one memchr)
  std::size_t escapes = 0, newlines = 0;
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] == '\n') ++newlines;
    if (s[i] == '\\' && (s[i + 1] == 'n' || s[i + 1] == 'r')) {
      // "\n" followed by a letter or "\r\n": a line break escaped
      char after = i + 2 < s.size() ? s[i + 2] : '\0';
      if (util::is_alpha(after) || after == '\\' || after == ' ' || after == '\t' || after == '"') ++escapes;
      ++i;
    }
  }
  return escapes >= 2 && escapes > newlines;
}

bool has_html_signature(std::string_view s) {
  s = s.substr(0, 65536);
  static constexpr std::string_view kTags[] = {"<br>", "<br/>", "<br />", "<p>", "</p>", "<div", "</div>",
                                               "<html", "<body", "<span", "</span>", "<td", "<table", "<pre>",
                                               "<font", "<b>", "</b>", "<o:p>"};
  // Every tag starts with '<' and every entity with '&': one pass over
  // those bytes instead of one search per tag (same answer).
  for (std::size_t p = s.find('<'); p != npos; p = s.find('<', p + 1))
    for (std::string_view t : kTags)
      if (istarts_with(s.substr(p), t)) return true;
  std::size_t entities = 0;
  static constexpr std::string_view kEnt[] = {"&lt;", "&gt;", "&quot;", "&#39;", "&nbsp;", "&#160;"};
  for (std::size_t p = s.find('&'); p != npos && entities < 2; p = s.find('&', p + 1))
    for (std::string_view e : kEnt)
      if (s.substr(p, e.size()) == e) ++entities;
  return entities >= 2;
}

bool has_link_signature(std::string_view s) {
  s = s.substr(0, 1 << 20);
  if (s.find("](mailto:") != npos || s.find("](http://") != npos || s.find("](https://") != npos) return true;
  for (std::size_t p = s.find("<mailto:"); p != npos; p = s.find("<mailto:", p + 1))
    if (p > 0 && s[p - 1] != ' ' && s[p - 1] != '\t' && s[p - 1] != '\n' && s[p - 1] != ',' && s[p - 1] != '<')
      return true;
  return false;
}

bool has_qp_signature(std::string_view s) {
  s = s.substr(0, 1 << 20);
  if (ifind(s, "quoted-printable") != npos) return false;  // declared: MIME decodes it
  // "=3D" (an encoded '='), "=C3=A9" (encoded UTF-8), "=20" before a line
  // end, and soft line breaks on lines of text (not base64 padding)
  std::size_t escapes = 0, utf8 = 0, soft = 0, line_start = 0;
  bool spaced = false;  // the line has a blank after its indentation
  for (std::size_t i = 0; i < s.size(); ++i) {
    // Once the line is spaced only line ends and '=' change anything: jump
    // to the next of those (most of a header is read this way).
    if (spaced && (i = util::find_any3(s, i, '\n', '\r', '=')) >= s.size()) break;
    char c = s[i];
    if (c == '\n' || c == '\r') {
      line_start = i + 1;
      spaced = false;
      continue;
    }
    if ((c == ' ' || c == '\t') && i > line_start && s[i - 1] != ' ' && s[i - 1] != '\t') spaced = true;
    if (c != '=') continue;
    if (std::size_t e = encoded_word_end(s, i)) {
      i = e - 1;
      continue;
    }
    std::string_view x = s.substr(i + 1, 2);
    bool eol = i + 1 == s.size() || s[i + 1] == '\n' || s[i + 1] == '\r';
    if (x == "3D") {
      ++escapes;
    } else if (x == "20" || x == "09") {
      if (i + 3 >= s.size() || s[i + 3] == '\n' || s[i + 3] == '\r' || s[i + 3] == '=') ++escapes;
    } else if (x.size() == 2 && x[0] >= 'C' && x[0] <= 'F' && hex_value(x[1]) >= 0 && i + 5 < s.size() &&
               s[i + 3] == '=' && s[i + 4] >= '8' && s[i + 4] <= 'B' && hex_value(s[i + 5]) >= 0) {
      ++utf8;
    } else if (eol && spaced && i > line_start && s[i - 1] != '=' && i - line_start >= 40 && i - line_start <= 78) {
      ++soft;
    }
  }
  return escapes >= 2 || utf8 >= 1 || (escapes >= 1 && soft >= 1) || soft >= 3;
}

std::size_t flattened_candidates(std::string_view value, bool* strong) {
  *strong = false;
  std::size_t n = 0;
  // A candidate is "<blank>Name: " with Name a run of up to 60 name
  // characters starting with a letter. Found from its colon, looking back:
  // most values have few colons, every value has many blanks.
  for (std::size_t c = value.find(':'); c != std::string_view::npos; c = value.find(':', c + 1)) {
    if (c + 1 >= value.size() || value[c + 1] != ' ') continue;
    std::size_t b = c;
    while (b > 0 && c - b <= 60 && is_name_char(value[b - 1])) --b;
    if (b == c || b == 0 || c - b > 60) continue;
    if ((value[b - 1] != ' ' && value[b - 1] != '\t') || !util::is_alpha(value[b])) continue;
    bool s = false;
    if (canonical_known(value.substr(b, c - b), &s)) {
      ++n;
      *strong = *strong || s;
    }
  }
  return n;
}

bool has_ndr_markers(std::string_view s) {
  s = s.substr(0, 65536);
  // Exchange / Exchange Online wording in every locale its reader knows:
  // the reader's own tables, so that what the reader can parse is always
  // recognised as NDR text here.
  if (dialects::exchange_has_markers(s)) return true;
  // other senders' wording, and Exchange's subject and diagnostic lines
  static constexpr std::string_view kMarkers[] = {
      "couldn't be delivered", "could not be delivered", "wasn't delivered", "Undeliverable", "Undelivered Mail",
      "Delivery Status Notification", "Remote Server returned", "This is the mail system at host",
      "Delivery to the following recipient", "Address not found", "Mail Delivery Subsystem", "wasn't able to deliver",
      "Final-Recipient:", "Mail delivery failed", "permanent fatal errors", "Message not delivered",
      "returned to sender", "Unzustellbar", "konnte nicht zugestellt", "nicht zugestellt werden",
      "pas pu \xC3\xAAtre remis", "No se pudo entregar", "Non recapitabile", "Onbestelbaar", "DSN generated by",
      "Status: 5.", "Status: 4."};
  static const util::PhraseSet kSet(std::vector<std::string_view>(std::begin(kMarkers), std::end(kMarkers)), true);
  return kSet.any(s);
}

// ---------------------------------------------------------------------------
// Stages

bool stage_charset(std::string_view in, Builder* b, Hit* hit, std::size_t limit) {
  // Windows-1252 0x80..0x9F (0 = undefined); 0xA0..0xFF are Latin-1.
  static constexpr std::array<std::uint16_t, 32> kC1 = {
      0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
  bool changed = false;
  std::size_t run = 0;
  std::string tmp;
  for (std::size_t i = 0; i < in.size() && i < limit;) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = utf8_len(in, i);
    if (n) {
      i += n;
      continue;
    }
    b->copy(in, run, i);
    std::uint32_t cp = c >= 0xA0 ? c : (c >= 0x80 ? kC1[c - 0x80] : 0);
    if (cp == 0) cp = 0xFFFD;
    tmp.clear();
    append_utf8(&tmp, cp);
    b->put(tmp, i);
    hit->add(i);
    changed = true;
    ++i;
    run = i;
  }
  if (changed) b->copy(in, run, in.size());
  return changed;
}

bool stage_json(std::string_view in, Builder* b, Hit* hit) {
  if (!has_json_signature(in)) return false;
  std::size_t begin = 0, end = in.size();
  // A JSON string literal, perhaps the value of a small object:
  // "Received: ...\r\n..."   {"headers": "Received: ..."}
  std::string_view t = util::trim(in);
  std::size_t tb = static_cast<std::size_t>(t.data() - in.data());
  if (!t.empty() && t.front() == '{') {
    // the string value holding the first escaped line break
    std::size_t esc = t.find("\\n");
    std::size_t colon = esc == npos ? npos : t.rfind("\":", esc);
    std::size_t q = colon == npos ? npos : t.find('"', colon + 2);
    if (q != npos && q < esc) {
      begin = tb + q + 1;
      std::size_t k = q + 1;
      while (k < t.size() && t[k] != '"') k += t[k] == '\\' ? 2 : 1;
      end = tb + std::min(k, t.size());
    }
  } else if (!t.empty() && t.front() == '"') {
    begin = tb + 1;
    std::size_t last = t.rfind('"');
    if (last != npos && last > 0 && t.size() - last <= 3) end = tb + last;
  }
  hit->add(begin);
  std::string tmp;
  std::size_t run = begin;
  for (std::size_t i = begin; i < end; ++i) {
    if (in[i] != '\\' || i + 1 >= end) continue;
    char e = in[i + 1];
    b->copy(in, run, i);
    std::size_t skip = 2;
    switch (e) {
      case 'n': b->put('\n', i); break;
      case 'r':
        if (!(i + 3 < end && in[i + 2] == '\\' && in[i + 3] == 'n')) b->put('\n', i);
        break;
      case 't': b->put('\t', i); break;
      case '"': b->put('"', i); break;
      case '\\': b->put('\\', i); break;
      case '/': b->put('/', i); break;
      case 'b':
      case 'f': break;
      case 'u': {
        std::uint32_t cp = 0;
        bool ok = i + 6 <= end;
        for (std::size_t k = 2; ok && k < 6; ++k) {
          int h = hex_value(in[i + k]);
          if (h < 0) ok = false;
          else cp = cp * 16 + static_cast<std::uint32_t>(h);
        }
        if (!ok) {
          b->put("\\u", i);
          break;
        }
        skip = 6;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 12 <= end && in[i + 6] == '\\' && in[i + 7] == 'u') {
          std::uint32_t lo = 0;
          bool ok2 = true;
          for (std::size_t k = 8; ok2 && k < 12; ++k) {
            int h = hex_value(in[i + k]);
            if (h < 0) ok2 = false;
            else lo = lo * 16 + static_cast<std::uint32_t>(h);
          }
          if (ok2 && lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            skip = 12;
          }
        }
        tmp.clear();
        if (cp != 0) append_utf8(&tmp, cp);
        b->put(tmp, i);
        break;
      }
      default:
        b->put(in.substr(i, 2), i);
        break;
    }
    i += skip - 1;
    run = i + 1;
  }
  b->copy(in, run, end);
  return true;
}

bool stage_html(std::string_view in, Builder* b, Hit* hit) {
  if (!has_html_signature(in)) return false;
  static constexpr std::string_view kBreak[] = {"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4",
                                                "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "hr"};
  static constexpr std::string_view kInline[] = {"a", "b", "i", "u", "s", "em", "strong", "span", "font",
                                                 "code", "tt", "small", "big", "sup", "sub", "img", "o:p",
                                                 "html", "head", "body", "meta", "tbody", "thead", "center",
                                                 "td", "th", "col", "colgroup", "link", "title", "label"};
  std::string& out = b->text();
  bool just_broke = false;
  std::size_t i = 0;
  std::string tmp;
  auto newline = [&](std::size_t at) {
    while (!out.empty() && (out.back() == '\t' || out.back() == ' ')) out.pop_back();
    b->put('\n', at);
    just_broke = true;
  };
  while (i < in.size()) {
    char c = in[i];
    if (c == '<') {
      std::size_t k = i + 1;
      bool closing = k < in.size() && in[k] == '/';
      if (closing) ++k;
      std::size_t ns = k;
      while (k < in.size() && k - ns < 16 && (util::is_alpha(in[k]) || util::is_digit(in[k]) || in[k] == ':')) ++k;
      std::string name = util::lower(in.substr(ns, k - ns));
      bool tag_end = k < in.size() && (in[k] == '>' || in[k] == ' ' || in[k] == '/' || in[k] == '\t' || in[k] == '\n');
      std::size_t gt = tag_end ? in.find('>', k) : npos;
      if (gt != npos && gt - i > 2048) gt = npos;
      if (gt != npos && !name.empty()) {
        bool brk = std::find(std::begin(kBreak), std::end(kBreak), name) != std::end(kBreak);
        bool inl = std::find(std::begin(kInline), std::end(kInline), name) != std::end(kInline);
        if (name == "style" || name == "script") {
          if (!closing) {
            std::size_t close = ifind(in, closing ? "" : (name == "style" ? "</style" : "</script"), gt);
            std::size_t stop = close == npos ? in.size() : in.find('>', close);
            hit->add(i);
            i = stop == npos ? in.size() : stop + 1;
            continue;
          }
          hit->add(i);
          i = gt + 1;
          continue;
        }
        if (brk || inl) {
          hit->add(i);
          if (brk && (name == "br" || closing || name == "hr")) newline(i);
          else if ((name == "td" || name == "th") && closing) b->put('\t', i);
          i = gt + 1;
          continue;
        }
      }
    } else if (c == '&') {
      std::size_t semi = in.find(';', i);
      if (semi != npos && semi - i <= 10) {
        std::string_view ent = in.substr(i + 1, semi - i - 1);
        tmp.clear();
        if (ent == "lt") tmp = "<";
        else if (ent == "gt") tmp = ">";
        else if (ent == "amp") tmp = "&";
        else if (ent == "quot") tmp = "\"";
        else if (ent == "apos") tmp = "'";
        else if (ent == "nbsp") tmp = " ";
        else if (ent.size() >= 2 && ent[0] == '#') {
          std::uint32_t cp = 0;
          bool ok = true;
          bool hex = ent[1] == 'x' || ent[1] == 'X';
          std::string_view digits = ent.substr(hex ? 2 : 1);
          if (digits.empty() || digits.size() > 7) ok = false;
          for (char d : digits) {
            int v = hex ? hex_value(d) : (util::is_digit(d) ? d - '0' : -1);
            if (v < 0) ok = false;
            else cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
          }
          if (ok && cp == 0xA0) tmp = " ";
          else if (ok && cp != 0) append_utf8(&tmp, cp);
        }
        if (!tmp.empty()) {
          hit->add(i);
          b->put(tmp, i);
          just_broke = false;
          i = semi + 1;
          continue;
        }
      }
    } else if (c == '\n' && just_broke) {
      just_broke = false;
      ++i;
      continue;
    }
    if (c != ' ' && c != '\t' && c != '\r') just_broke = false;
    b->put(c, i);
    ++i;
  }
  return hit->count > 0;
}

namespace {

/// quote_depth - '>' marks at the start of a line ("> > x", ">> x", "  > x");
/// *len gets the prefix length through `depth` marks and one space.
std::size_t quote_depth(std::string_view line, std::size_t limit, std::size_t* len) {
  std::size_t i = 0;
  while (i < line.size() && i < 3 && line[i] == ' ') ++i;
  std::size_t depth = 0;
  std::size_t end = 0;
  while (i < line.size() && line[i] == '>' && depth < limit) {
    ++depth;
    ++i;
    end = i;
    if (i < line.size() && line[i] == ' ') {
      end = i + 1;
      if (i + 1 < line.size() && line[i + 1] == '>') ++i;
    }
  }
  if (len) *len = end;
  return depth;
}

}  // namespace

bool stage_quote(std::string_view in, Builder* b, Hit* hit) {
  std::size_t quoted = 0, plain = 0, min_depth = SIZE_MAX;
  for (std::size_t pos = 0; pos < in.size();) {
    TextLine l = line_at(in, pos);
    std::string_view line = line_of(in, l);
    pos = l.next;
    if (is_blank(line)) continue;
    std::size_t d = quote_depth(line, SIZE_MAX, nullptr);
    if (d) {
      ++quoted;
      min_depth = std::min(min_depth, d);
    } else {
      ++plain;
    }
  }
  // a quoted paste: most lines quoted (Outlook wraps long quoted lines
  // without the mark); a Sendmail ">>> RCPT" transcript is a minority
  if (quoted < 2 || quoted * 10 < (quoted + plain) * 6) return false;
  std::size_t run = 0;
  for (std::size_t pos = 0; pos < in.size();) {
    TextLine l = line_at(in, pos);
    std::string_view line = line_of(in, l);
    pos = l.next;
    std::size_t len = 0;
    if (quote_depth(line, min_depth, &len) == 0) continue;
    b->copy(in, run, l.begin);
    hit->add(l.begin);
    run = l.begin + len;
  }
  b->copy(in, run, in.size());
  return hit->count > 0;
}

bool stage_dedent(std::string_view in, Builder* b, Hit* hit) {
  std::string_view prefix;
  bool first = true;
  for (std::size_t pos = 0; pos < in.size();) {
    TextLine l = line_at(in, pos);
    std::string_view line = line_of(in, l);
    pos = l.next;
    if (is_blank(line)) continue;
    std::size_t w = 0;
    while (w < line.size() && w < 64 && (line[w] == ' ' || line[w] == '\t')) ++w;
    if (first) {
      prefix = line.substr(0, w);
      first = false;
    } else {
      std::size_t k = 0;
      while (k < prefix.size() && k < w && prefix[k] == line[k]) ++k;
      prefix = prefix.substr(0, k);
    }
    if (prefix.empty()) return false;
  }
  if (prefix.empty()) return false;
  std::size_t run = 0;
  for (std::size_t pos = 0; pos < in.size();) {
    TextLine l = line_at(in, pos);
    std::string_view line = line_of(in, l);
    pos = l.next;
    std::size_t k = 0;
    while (k < prefix.size() && k < line.size() && line[k] == prefix[k]) ++k;
    if (k == 0) continue;
    b->copy(in, run, l.begin);
    if (!is_blank(line)) hit->add(l.begin);
    run = l.begin + k;
  }
  b->copy(in, run, in.size());
  return hit->count > 0;
}

bool stage_qp(std::string_view in, Builder* b, Hit* hit) {
  if (!has_qp_signature(in)) return false;
  std::size_t run = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') continue;
    if (std::size_t e = encoded_word_end(in, i)) {
      i = e - 1;
      continue;
    }
    if (i + 1 == in.size() || in[i + 1] == '\n') {  // soft line break
      b->copy(in, run, i);
      hit->add(i);
      run = std::min(in.size(), i + 2);
      i = run - 1;
      continue;
    }
    if (i + 2 >= in.size()) continue;
    int h1 = hex_value(in[i + 1]);
    int h2 = hex_value(in[i + 2]);
    if (h1 < 0 || h2 < 0) continue;
    b->copy(in, run, i);
    hit->add(i);
    b->put(static_cast<char>(h1 * 16 + h2), i);
    run = i + 3;
    i += 2;
  }
  b->copy(in, run, in.size());
  return hit->count > 0;
}

bool stage_links(std::string_view in, Builder* b, Hit* hit) {
  std::string& out = b->text();
  std::size_t run = 0;
  bool list_line = false;
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (i == 0 || in[i - 1] == '\n') list_line = istarts_with(in.substr(i, 5), "List-");
    if (c == '[') {
      // [text](http://...) / [a@b](mailto:a@b)
      std::size_t close = npos;
      for (std::size_t k = i + 1; k < in.size() && k < i + 512; ++k) {
        if (in[k] == '\n' || in[k] == '[') break;
        if (in[k] == ']') {
          close = k;
          break;
        }
      }
      if (close == npos || close + 1 >= in.size() || in[close + 1] != '(') continue;
      std::string_view rest = in.substr(close + 2, 8);
      bool mailto = istarts_with(rest, "mailto:");
      if (!mailto && !istarts_with(rest, "http://") && !istarts_with(rest, "https://")) continue;
      std::size_t paren = npos;
      for (std::size_t k = close + 2; k < in.size() && k < close + 1024; ++k) {
        if (in[k] == '\n' || in[k] == ' ') break;
        if (in[k] == ')') {
          paren = k;
          break;
        }
      }
      if (paren == npos) continue;
      b->copy(in, run, i);
      hit->add(i);
      std::string_view text = in.substr(i + 1, close - i - 1);
      if (mailto) {
        std::string_view addr = in.substr(close + 9, paren - close - 9);
        addr = addr.substr(0, addr.find('?'));
        b->put(text.find('@') != npos || addr.empty() ? text : addr, i);
      } else {
        b->put(text, i);
      }
      run = paren + 1;
      i = paren;
      continue;
    }
    if (c == '<' && !list_line) {
      std::string_view rest = in.substr(i + 1, 8);
      bool mailto = istarts_with(rest, "mailto:");
      bool web = istarts_with(rest, "http://") || istarts_with(rest, "https://");
      if (!mailto && !web) continue;
      std::size_t gt = npos;
      for (std::size_t k = i + 1; k < in.size() && k < i + 1024; ++k) {
        if (in[k] == '\n' || in[k] == ' ' || in[k] == '<') break;
        if (in[k] == '>') {
          gt = k;
          break;
        }
      }
      if (gt == npos) continue;
      std::string_view target = in.substr(i + 1, gt - i - 1);
      std::size_t colon = target.find(':');
      std::string_view what = target.substr(colon + 1);
      if (web) {
        while (!what.empty() && what.front() == '/') what.remove_prefix(1);
        while (!what.empty() && what.back() == '/') what.remove_suffix(1);
      } else {
        what = what.substr(0, what.find('?'));
      }
      b->copy(in, run, i);
      // "bob@example.com<mailto:bob@example.com>", "contoso.com<http://contoso.com/>"
      bool dup = !what.empty() && out.size() >= what.size() &&
                 iequals(std::string_view(out).substr(out.size() - what.size()), what);
      if (dup) {
        hit->add(i);
      } else if (mailto) {
        hit->add(i);
        b->put('<', i);
        b->put(what, i);
        b->put('>', i);
      } else {
        b->copy(in, i, gt + 1);
      }
      run = gt + 1;
      i = gt;
    }
  }
  if (hit->count == 0) return false;
  b->copy(in, run, in.size());
  return true;
}

bool stage_typography(std::string_view in, Builder* b, Hit* hit) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c < 0xC2) continue;
    std::string_view rep;
    std::size_t len = 0;
    if (c == 0xC2 && i + 1 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0xA0) {
      rep = " ";
      len = 2;
    } else if (c == 0xE2 && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0x80) {
      switch (static_cast<unsigned char>(in[i + 2])) {
        case 0x98: case 0x99: case 0x9B: case 0xB2: rep = "'"; break;       // ‘ ’ ‛ ′
        case 0x9C: case 0x9D: case 0x9F: case 0xB3: rep = "\""; break;      // “ ” ‟ ″
        case 0x90: case 0x91: case 0x92: case 0x93: case 0x94: case 0x95: rep = "-"; break;  // ‐ ‑ ‒ – — ―
        case 0xA6: rep = "..."; break;                                      // …
        case 0x82: case 0x83: case 0x84: case 0x85: case 0x86: case 0x87:   // en/em/... spaces
        case 0x88: case 0x89: case 0x8A: case 0xAF: rep = " "; break;
        case 0x8B: case 0x8C: case 0x8D: case 0x8E: case 0x8F: rep = std::string_view("", 0); break;  // zero width
        default: continue;
      }
      len = 3;
    } else if (c == 0xE2 && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0x88 &&
               static_cast<unsigned char>(in[i + 2]) == 0x92) {
      rep = "-";  // − minus sign
      len = 3;
    } else if (c == 0xEF && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0xBB &&
               static_cast<unsigned char>(in[i + 2]) == 0xBF) {
      rep = std::string_view("", 0);  // BOM / zero-width no-break space
      len = 3;
    } else {
      continue;
    }
    b->copy(in, run, i);
    hit->add(i);
    b->put(rep, i);
    run = i + len;
    i += len - 1;
  }
  if (hit->count == 0) return false;
  b->copy(in, run, in.size());
  return true;
}

bool stage_tabs(std::string_view in, Builder* b, Hit* hit) {
  std::size_t run = 0;
  for (std::size_t pos = 0; pos < in.size();) {
    TextLine l = line_at(in, pos);
    std::string_view line = line_of(in, l);
    pos = l.next;
    // "Received<TAB>from ..." (Outlook/OWA message details table)
    std::size_t n = 0;
    while (n < line.size() && n < 76 && is_name_char(line[n])) ++n;
    if (n == 0 || n >= line.size() || line[n] != '\t' || !util::is_alpha(line[0])) continue;
    if (!is_known_name(line.substr(0, n))) continue;
    std::size_t v = n;
    while (v < line.size() && (line[v] == '\t' || line[v] == ' ')) ++v;
    b->copy(in, run, l.begin + n);
    hit->add(l.begin);
    b->put(v < line.size() ? ": " : ":", l.begin + n);
    run = l.begin + v;
    // trailing cell separators
    std::size_t e = line.size();
    while (e > v && (line[e - 1] == '\t' || line[e - 1] == ' ')) --e;
    if (e < line.size() && e >= v) {
      b->copy(in, run, l.begin + e);
      run = l.end;
    }
  }
  if (hit->count == 0) return false;
  b->copy(in, run, in.size());
  return true;
}

namespace {

/// header_piece - a line that may belong to a doubled-newline header block:
/// a field (not a DSN field) or an indented continuation.
bool header_piece(std::string_view line, bool* is_field) {
  *is_field = false;
  if (line.empty() || is_blank(line)) return false;
  if (line[0] == ' ' || line[0] == '\t') return true;
  std::size_t n = field_name_len(line);
  if (n == 0 || is_dsn_name(line.substr(0, n))) return false;
  *is_field = true;
  return true;
}

}  // namespace

bool stage_blank_lines(std::string_view in, Builder* b, Hit* hit) {
  // Find runs "field, blank, piece, blank, piece ..." with exactly one blank
  // line between pieces; a run with at least two such blanks (three pieces)
  // and starting at a field loses its single blank lines.
  std::size_t run_copy = 0;  // input copied up to here
  std::size_t pos = 0;
  while (pos < in.size()) {
    TextLine l = line_at(in, pos);
    bool f = false;
    if (!header_piece(line_of(in, l), &f) || !f) {
      pos = l.next;
      continue;
    }
    // extend the run from this field
    std::size_t run_start = l.begin, run_end = l.next;
    std::size_t blanks = 0, fields = 1;
    std::size_t p = l.next;
    while (p < in.size()) {
      TextLine bl = line_at(in, p);
      if (!is_blank(line_of(in, bl)) || bl.next >= in.size()) break;
      TextLine nx = line_at(in, bl.next);
      bool nf = false;
      if (!header_piece(line_of(in, nx), &nf)) break;
      // a piece directly followed by more pieces (no blank) is fine too
      ++blanks;
      if (nf) ++fields;
      run_end = nx.next;
      p = nx.next;
      // consume non-blank pieces that follow without a blank line
      while (p < in.size()) {
        TextLine q = line_at(in, p);
        bool qf = false;
        if (!header_piece(line_of(in, q), &qf)) break;
        if (qf) ++fields;
        run_end = q.next;
        p = q.next;
      }
    }
    if (blanks >= 2 && fields >= 2) {
      b->copy(in, run_copy, run_start);
      for (std::size_t q = run_start; q < run_end;) {
        TextLine x = line_at(in, q);
        if (is_blank(line_of(in, x))) hit->add(x.begin);
        else b->copy(in, x.begin, x.next);
        q = x.next;
      }
      run_copy = run_end;
    }
    pos = std::max(run_end, l.next);
  }
  if (hit->count == 0) return false;
  b->copy(in, run_copy, in.size());
  return true;
}

bool stage_flattened(std::string_view in, Builder* b, Hit* hit) {
  std::string& out = b->text();
  std::size_t run = 0;
  for (std::size_t pos = 0; pos < in.size();) {
    TextLine l = line_at(in, pos);
    std::string_view line = line_of(in, l);
    pos = l.next;
    std::size_t n = field_name_len(line);
    if (n == 0 || !is_known_name(line.substr(0, n))) continue;
    std::string_view value = line.substr(n + 1);
    bool strong = false;
    std::size_t cands = flattened_candidates(value, &strong);
    if (cands == 0 || (cands < 2 && !strong)) continue;
    // split before each candidate
    std::size_t vbase = l.begin + n + 1;
    for (std::size_t i = 1; i < value.size(); ++i) {
      if (value[i - 1] != ' ' && value[i - 1] != '\t') continue;
      if (!util::is_alpha(value[i])) continue;
      std::size_t e = i;
      while (e < value.size() && e - i < 60 && is_name_char(value[e])) ++e;
      if (e + 1 >= value.size() || value[e] != ':' || value[e + 1] != ' ') continue;
      bool s = false;
      if (!canonical_known(value.substr(i, e - i), &s)) {
        i = e;
        continue;
      }
      b->copy(in, run, vbase + i);
      while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
      hit->add(vbase + i);
      b->put('\n', vbase + i);
      run = vbase + i;
      i = e;
    }
  }
  if (hit->count == 0) return false;
  b->copy(in, run, in.size());
  return true;
}

namespace {

/// continuation_like - a line that reads as the rest of a folded field.
bool continuation_like(std::string_view line, std::string_view field) {
  static constexpr std::string_view kLead[] = {
      "by ", "with ", "for ", "id ", "via ", "from ", "(", "[", ";", "<", "envelope-from", "helo=",
      "using ", "Transport", "version=", "cipher=", "smtp.", "header.", "dkim=", "spf=", "dmarc=",
      "compauth=", "bh=", "b=", "h=", "d=", "s=", "i=", "a=", "c=", "t=", "cv=", "arc=", "reason="};
  for (std::string_view k : kLead)
    if (istarts_with(line, k)) return true;
  bool structured = iequals(field, "Received") || istarts_with(field, "DKIM-") || istarts_with(field, "ARC-") ||
                    istarts_with(field, "Authentication-Results") || istarts_with(field, "X-MS-") ||
                    istarts_with(field, "X-Forefront") || istarts_with(field, "X-Microsoft");
  if (!structured) return false;
  // a wrapped value has no sentence in it: one token, or ';', '=' syntax
  if (line.find(' ') == npos) return true;
  return line.find(';') != npos || line.find('=') != npos;
}

/// bare_name - "Received" or "Received:" alone on a line (known names only).
std::size_t bare_name(std::string_view line) {
  std::string_view t = util::trim(line);
  if (t.data() != line.data()) return 0;
  if (!t.empty() && t.back() == ':') t.remove_suffix(1);
  if (t.empty() || !util::is_alpha(t[0])) return 0;
  for (char c : t)
    if (!is_name_char(c)) return 0;
  return is_known_name(t) ? t.size() : 0;
}

}  // namespace

bool stage_unfold(std::string_view in, Builder* b, Hit* hit, Hit* split, Hit* body) {
  bool in_header = false, top = true, seen_text = false;
  std::size_t top_fields = 0;
  std::string field;  // name of the field the current line would continue
  std::size_t run = 0;
  for (std::size_t pos = 0; pos < in.size();) {
    TextLine l = line_at(in, pos);
    std::string_view line = line_of(in, l);
    pos = l.next;
    if (is_blank(line)) {
      in_header = false;
      if (seen_text) top = false;
      continue;
    }
    seen_text = true;
    if (line[0] == ' ' || line[0] == '\t') continue;
    std::size_t n = field_name_len(line);
    if (n) {
      in_header = true;
      field.assign(line.substr(0, n));
      if (top) ++top_fields;
      // "Name:" with its value on the next line
      std::string_view v = util::trim(line.substr(n + 1));
      if (v.empty() && pos < in.size()) {
        TextLine nx = line_at(in, pos);
        std::string_view nl = line_of(in, nx);
        if (!is_blank(nl) && nl[0] != ' ' && nl[0] != '\t' && !field_name_len(nl) && !bare_name(nl)) {
          b->copy(in, run, l.end);
          split->add(l.begin);
          b->put(' ', l.end);
          run = nx.begin;
          pos = nx.next;
        }
      }
      continue;
    }
    if (std::size_t bn = bare_name(line); bn && pos < in.size()) {
      TextLine nx = line_at(in, pos);
      std::string_view nl = line_of(in, nx);
      if (!is_blank(nl) && nl[0] != ' ' && nl[0] != '\t' && !field_name_len(nl) && !bare_name(nl)) {
        b->copy(in, run, l.begin + bn);
        split->add(l.begin);
        b->put(": ", l.end);
        run = nx.begin;
        pos = nx.next;
        in_header = true;
        field.assign(line.substr(0, bn));
        if (top) ++top_fields;
        continue;
      }
    }
    if (!in_header) {
      top = false;
      continue;
    }
    // a line without a field name inside a header block: a lost fold, or
    // the text after a header that has no blank line
    bool join = false;
    std::size_t p = pos;
    bool decided = false;
    for (int k = 0; k < 3 && p < in.size(); ++k) {
      TextLine q = line_at(in, p);
      std::string_view ql = line_of(in, q);
      if (is_blank(ql)) break;
      if (field_name_len(ql)) {
        join = true;
        decided = true;
        break;
      }
      p = q.next;
    }
    if (!decided) join = continuation_like(line, field);
    if (join) {
      b->copy(in, run, l.begin);
      hit->add(l.begin);
      b->put(' ', l.begin);
      run = l.begin;
      continue;
    }
    in_header = false;
    if (top && top_fields >= 2) {
      // NDR text straight after the header block at the top: give it the
      // blank line that separates a body
      b->copy(in, run, l.begin);
      body->add(l.begin);
      b->put('\n', l.begin);
      run = l.begin;
    }
    top = false;
  }
  if (hit->count + split->count + body->count == 0) return false;
  b->copy(in, run, in.size());
  return true;
}

}  // namespace ndrscan::paste::detail
