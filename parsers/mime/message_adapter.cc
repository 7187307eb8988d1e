// message_adapter.cc - mimetic behind guards (RFC 2045-2049, RFC 6522).
#include "parsers/mime/message_adapter.h"

#include <fmt/format.h>

#include <cstring>
#include <iterator>
#include <memory>
#include <mimetic/mimetic.h>

#include "src/util/strings.h"

namespace ndrscan::mime {
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

/// Cursor - an output iterator writing through a shared pointer into room
/// made beforehand. Its copies share the position, as std::back_inserter's
/// do: mimetic's decoders pass the iterator on by value (std::copy of their
/// look-ahead) and expect the writes to count. back_inserter's per-byte
/// capacity check was a third of the decoding time.
struct Cursor {
  using iterator_category = std::output_iterator_tag;
  using value_type = void;
  using difference_type = std::ptrdiff_t;
  using pointer = void;
  using reference = void;
  char** at;
  Cursor& operator*() { return *this; }
  Cursor& operator=(char c) {
    *(*at)++ = c;
    return *this;
  }
  Cursor& operator++() { return *this; }
  Cursor operator++(int) { return *this; }
};

/// decode_qp - quoted-printable through mimetic, guarded: mimetic drops the
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
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) crlf.push_back('\r');
      crlf.push_back(raw[i]);
    }
    raw = crlf;
  }
  // Every input byte yields at most one output byte (flush() writes at most
  // what it buffered), so the text is decoded into room made beforehand.
  const std::size_t start = out->size();
  out->resize(start + raw.size() + 2);
  char* cursor = out->data() + start;
  mimetic::QP::Decoder dec;
  mimetic::decode(raw.begin(), raw.end(), dec, Cursor{&cursor});
  out->resize(static_cast<std::size_t>(cursor - out->data()));
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
      const mimetic::ContentType ct(out->headers[ct_at].value);
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
