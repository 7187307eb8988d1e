// message_adapter.cc - mimetic behind guards (RFC 2045-2049, RFC 6522).
#include "parsers/mime/message_adapter.h"

#include <fmt/format.h>

#include <cstring>
#include <iterator>
#include <memory>
#include <mimetic/mimetic.h>

#include "src/util/strings.h"

namespace ndrscan::mime {

namespace detail {

// mimetic::QP::Decoder's state machine (mimetic/codec/qp.h, decodeChar and
// flush), restated; the states keep mimetic's names.
char* qp_decode(std::string_view in, char* w) {
  enum State { kWaitingChar, kAfterEq, kWaitingFirstHex, kWaitingSecondHex, kBlank, kNewline };
  constexpr unsigned char kCR = 0x0D, kLF = 0x0A;
  auto blank = [](unsigned char c) { return c == ' ' || c == '\t'; };
  auto newline = [](unsigned char c) { return c == kCR || c == kLF; };
  auto hex = [](unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); };
  auto hex_value = [](unsigned char c) { return c <= '9' ? c - '0' : c <= 'F' ? c - 'A' + 10 : c - 'a' + 10; };
  State st = kWaitingChar;
  unsigned char nl = 0;  // first byte of a line break seen, not yet written
  std::string prev;      // '=' and what follows it, or a run of blanks
  auto flush_prev = [&] {
    std::memcpy(w, prev.data(), prev.size());
    w += prev.size();
    prev.clear();
  };
  const std::size_t n = in.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (st == kWaitingChar && (c > ' ' || blank(c)) && c != '=') {
      // A run of plain bytes, and of blanks followed by neither a line
      // break nor the end: written as they are, all at once.
      std::size_t j = i;
      while (j < n) {
        const auto d = static_cast<unsigned char>(in[j]);
        if (d > ' ' && d != '=') {
          ++j;
        } else if (blank(d)) {
          std::size_t k = j + 1;
          while (k < n && blank(static_cast<unsigned char>(in[k]))) ++k;
          if (k == n || newline(static_cast<unsigned char>(in[k]))) break;
          j = k;
        } else {
          break;
        }
      }
      if (j > i) {
        std::memcpy(w, in.data() + i, j - i);
        w += j - i;
        i = j - 1;
        continue;
      }
    }
    for (bool again = true; again;) {  // `again`: the state changed, read c again
      again = false;
      switch (st) {
        case kBlank:
          if (blank(c)) {
            prev.push_back(static_cast<char>(c));
          } else if (newline(c)) {
            prev.clear();  // blanks and the line break: a soft break
            st = kWaitingChar;
          } else {
            flush_prev();
            st = kWaitingChar;
            again = true;
          }
          break;
        case kAfterEq:
          if (blank(c)) {
            prev.push_back(static_cast<char>(c));
          } else if (newline(c)) {
            st = kNewline;  // "=" ends the line: soft break
            again = true;
          } else {
            if (prev.size() > 1) {
              flush_prev();  // "=" and blanks, then text: kept as written
              st = kWaitingChar;
            } else {
              st = kWaitingFirstHex;
            }
            again = true;
          }
          break;
        case kWaitingFirstHex:
          if (!hex(c)) {
            flush_prev();
            *w++ = static_cast<char>(c);
            st = kWaitingChar;
          } else {
            prev.push_back(static_cast<char>(c));
            st = kWaitingSecondHex;
          }
          break;
        case kWaitingSecondHex:
          if (!hex(c)) {
            flush_prev();
            *w++ = static_cast<char>(c);
          } else {
            *w++ = static_cast<char>(hex_value(static_cast<unsigned char>(prev.back())) << 4 | hex_value(c));
            prev.clear();
          }
          st = kWaitingChar;
          break;
        case kNewline:
          if (nl == 0) {
            nl = c;
          } else {
            if (prev.empty() || prev[0] != '=') *w++ = '\n';
            prev.clear();
            st = kWaitingChar;
            const bool pair = c == (nl == kCR ? kLF : kCR);  // CR LF or LF CR
            nl = 0;
            again = !pair;
          }
          break;
        case kWaitingChar:
          if (blank(c)) {
            st = kBlank;
            again = true;
          } else if (newline(c)) {
            st = kNewline;
            again = true;
          } else if (c == '=') {
            st = kAfterEq;
            prev.push_back('=');
          } else if (c >= 32 || c == '\t') {
            *w++ = static_cast<char>(c);  // other control bytes are dropped
          }
          break;
      }
    }
  }
  // flush: a dangling "=", "=X" or blank run, or the last line break
  if (!prev.empty()) {
    *w++ = '=';
    if (prev.size() > 1 && prev[1] != ' ') *w++ = prev[1];
  } else if (nl != 0) {
    *w++ = '\n';
  }
  return w;
}

}  // namespace detail

namespace {

using util::iequals;

/// needs_decoding - parts whose text ndrscan reads.
bool needs_decoding(const Part& p) {
  if (p.type == "text") return true;
  if (p.type == "message" && (p.subtype == "delivery-status" || p.subtype == "global-delivery-status" ||
                              p.subtype == "global-headers" || p.subtype == "disposition-notification" ||
                              p.subtype == "feedback-report"))
    return true;
  return false;
}

/// decode_qp - quoted-printable as mimetic decodes it, guarded: mimetic drops the
/// line break after trailing blanks when the line ends in a bare LF (it
/// takes "blanks, newline" for a soft break but only keeps the LF of a CR LF
/// pair), so "Remote server said: \nnext line" came out as one line in LF
/// mailboxes. Such texts get CR LF line ends first, which mimetic decodes
/// to the same "\n" everywhere else.
void decode_qp(std::string_view raw, std::string* out) {
  bool needs_crlf = false;
  for (std::size_t p = raw.find('\n'); p != std::string_view::npos; p = raw.find('\n', p + 1))
    if (p > 0 && (raw[p - 1] == ' ' || raw[p - 1] == '\t')) {
      needs_crlf = true;
      break;
    }
  std::string crlf;
  if (needs_crlf) {
    crlf.reserve(raw.size() + raw.size() / 32);
    std::size_t from = 0;  // copied up to here
    for (std::size_t p = raw.find('\n'); p != std::string_view::npos; p = raw.find('\n', p + 1)) {
      if (p > 0 && raw[p - 1] == '\r') continue;
      crlf.append(raw.data() + from, p - from).push_back('\r');
      from = p;  // the LF itself goes with the next piece
    }
    crlf.append(raw.data() + from, raw.size() - from);
    raw = crlf;
  }
  // Every input byte yields at most one output byte, so the text is
  // decoded into room made beforehand.
  const std::size_t start = out->size();
  out->resize(start + raw.size() + 2);
  char* end = detail::qp_decode(raw, out->data() + start);
  out->resize(static_cast<std::size_t>(end - out->data()));
}

struct Walker {
  const Limits& limits;
  std::vector<Diagnostic>* diags;
  std::size_t parts = 0;
  std::size_t decoded_bytes = 0;
  bool capped = false;

  void diag(Severity s, const char* code, std::string msg) {
    if (diags) diags->push_back({s, code, -1, std::move(msg)});
  }

  void convert(const mimetic::MimeEntity& e, Part* out, int depth) {
    ++parts;
    const mimetic::Header& h = e.header();
    out->headers.reserve(h.size());
    // The two fields read here are found while copying (mimetic's own
    // look-ups search the header again for each, copying names).
    constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    std::size_t ct_at = kNone, cte_at = kNone;
    for (const mimetic::Field& f : h) {
      rfc5322::HeaderField hf;
      hf.name.assign(f.name().begin(), f.name().end());
      hf.value = f.value();
      if (ct_at == kNone && iequals(hf.name, "Content-Type")) ct_at = out->headers.size();
      if (cte_at == kNone && iequals(hf.name, "Content-Transfer-Encoding")) cte_at = out->headers.size();
      out->headers.push_back(std::move(hf));
    }
    if (ct_at != kNone) {
      // mimetic parsed this field while splitting the entity (the first
      // Content-Type, as found above) and keeps the parsed value in the field.
      const mimetic::ContentType& ct = h.contentType();
      out->type = util::lower(std::string(ct.type().begin(), ct.type().end()));
      out->subtype = util::lower(std::string(ct.subtype().begin(), ct.subtype().end()));
      out->charset = util::lower(ct.param("charset"));
      out->report_type = util::lower(ct.param("report-type"));
    }
    if (cte_at != kNone) {
      const mimetic::ContentTransferEncoding cte(out->headers[cte_at].value);
      out->encoding = util::lower(util::trim(cte.mechanism()));
    }
    const mimetic::Body& body = e.body();
    if (needs_decoding(*out)) decode_body(body, out);
    if (depth >= limits.max_depth) {
      if (!body.parts().empty() && !capped) {
        diag(Severity::kCrit, "mime-too-deep", fmt::format("MIME nesting deeper than {}: inner parts ignored", limits.max_depth));
        capped = true;
      }
      return;
    }
    for (const mimetic::MimeEntity* child : body.parts()) {
      if (parts >= limits.max_parts) {
        if (!capped)
          diag(Severity::kCrit, "mime-too-many-parts", fmt::format("more than {} MIME parts: the rest are ignored", limits.max_parts));
        capped = true;
        return;
      }
      out->children.emplace_back();
      convert(*child, &out->children.back(), depth + 1);
    }
  }

  void decode_body(const std::string& raw, Part* out) {
    if (decoded_bytes + raw.size() > limits.max_decoded_bytes) {
      diag(Severity::kCrit, "mime-decoded-too-large",
           fmt::format("decoded text over {} bytes: part skipped", limits.max_decoded_bytes));
      return;
    }
    if (out->type == "text" && out->subtype == "html" && (out->encoding == "base64" || out->encoding == "quoted-printable")) {
      // Read only when the notice has no text/plain to read (decoded_body()):
      // kept as sent, counted at its encoded size (never smaller).
      out->body = raw;
      out->body_encoded = true;
    } else if (out->encoding == "base64") {
      // mimetic's base64 decoder reads one byte past its table on some
      // characters ('|'): give it the alphabet only.
      std::string clean;
      clean.reserve(raw.size());
      for (char c : raw)
        if (util::is_alpha(c) || util::is_digit(c) || c == '+' || c == '/' || c == '=') clean.push_back(c);
      mimetic::Base64::Decoder dec;
      out->body.reserve(clean.size() / 4 * 3 + 3);
      mimetic::decode(clean.begin(), clean.end(), dec, std::back_inserter(out->body));
    } else if (out->encoding == "quoted-printable") {
      decode_qp(raw, &out->body);
    } else {
      out->body = raw;
    }
    out->body_decoded = true;
    decoded_bytes += out->body.size();
  }
};

/// guard_lines - copy of `msg` with lines over the cap cut, or empty when
/// no line is too long (the common case costs one memchr pass).
std::string guard_lines(std::string_view msg, std::size_t cap, std::size_t* cut) {
  std::size_t pos = 0;
  bool any = false;
  while (pos < msg.size()) {
    const void* nl = std::memchr(msg.data() + pos, '\n', msg.size() - pos);
    std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - msg.data()) : msg.size();
    if (end - pos > cap) {
      any = true;
      break;
    }
    pos = end + 1;
  }
  if (!any) return {};
  std::string out;
  out.reserve(msg.size());
  pos = 0;
  while (pos < msg.size()) {
    const void* nl = std::memchr(msg.data() + pos, '\n', msg.size() - pos);
    std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - msg.data()) : msg.size();
    if (end - pos > cap) {
      out.append(msg.substr(pos, cap));
      ++*cut;
    } else {
      out.append(msg.substr(pos, end - pos));
    }
    if (nl) out.push_back('\n');
    pos = end + 1;
  }
  return out;
}

/// count_content_types - number of lines starting "Content-Type:", a bound
/// on both the number of parts and mimetic's recursion depth.
std::size_t count_content_types(std::string_view msg) {
  std::size_t n = 0, pos = 0;
  while ((pos = util::ifind(msg, "content-type:", pos)) != std::string_view::npos) {
    if (pos == 0 || msg[pos - 1] == '\n' || msg[pos - 1] == '\r') ++n;
    pos += 13;
  }
  return n;
}

}  // namespace

bool Part::is(std::string_view t, std::string_view s) const { return type == t && subtype == s; }

std::string_view decoded_body(const Part& p, std::string* storage) {
  if (!p.body_encoded) return p.body;
  *storage = decode_transfer(p.body, p.encoding);
  return *storage;
}

std::string decode_transfer(std::string_view body, std::string_view encoding) {
  std::string out;
  try {
    if (util::iequals(util::trim(encoding), "base64")) {
      std::string clean;
      clean.reserve(body.size());
      for (char c : body)
        if (util::is_alpha(c) || util::is_digit(c) || c == '+' || c == '/' || c == '=') clean.push_back(c);
      mimetic::Base64::Decoder dec;
      mimetic::decode(clean.begin(), clean.end(), dec, std::back_inserter(out));
    } else if (util::iequals(util::trim(encoding), "quoted-printable")) {
      decode_qp(body, &out);
    } else {
      out.assign(body);
    }
  } catch (...) {
    out.assign(body);
  }
  return out;
}

bool parse_mime(std::string_view message, Part* root, std::vector<Diagnostic>* diags, const Limits& limits) {
  auto diag = [&](Severity s, const char* code, std::string msg) {
    if (diags) diags->push_back({s, code, -1, std::move(msg)});
  };
  if (message.size() > limits.max_message_bytes) {
    diag(Severity::kCrit, "mime-too-large",
         fmt::format("message of {} bytes is over the {}-byte limit: MIME structure not read", message.size(),
                     limits.max_message_bytes));
    return false;
  }
  std::size_t types = count_content_types(message);
  if (types > limits.max_parts * 2) {
    diag(Severity::kCrit, "mime-too-many-parts",
         fmt::format("{} Content-Type lines (limit {}): MIME structure not read", types, limits.max_parts * 2));
    return false;
  }
  std::size_t cut = 0;
  std::string guarded = guard_lines(message, limits.max_line_bytes, &cut);
  if (cut)
    diag(Severity::kWarn, "mime-line-too-long",
         fmt::format("{} line(s) longer than {} bytes were cut before MIME parsing", cut, limits.max_line_bytes));
  std::string_view input = guarded.empty() ? message : std::string_view(guarded);
  try {
    auto entity = std::make_unique<mimetic::MimeEntity>();
    entity->load(input.data(), input.data() + input.size());
    Walker w{limits, diags};
    w.convert(*entity, root, 0);
  } catch (const std::exception& e) {
    diag(Severity::kCrit, "mime-parser-error", fmt::format("MIME parser failed: {}", e.what()));
    return false;
  } catch (...) {
    diag(Severity::kCrit, "mime-parser-error", "MIME parser failed");
    return false;
  }
  return true;
}

}  // namespace ndrscan::mime
