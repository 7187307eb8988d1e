// analyze.cc - the single-message pipeline.
#include "src/core/analyze.h"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <new>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "parsers/dialects/dialect.h"
#include "parsers/microsoft/auth_results.h"
#include "parsers/microsoft/exchange_build.h"
#include "parsers/reason/reason.h"
#include "parsers/rfc2047/encoded_word.h"
#include "parsers/rfc3464/dsn_fields.h"
#include "parsers/rfc5322/date.h"
#include "parsers/rfc5322/received.h"
#include "src/catalogue/matcher.h"
#include "src/classify/detections.h"
#include "src/classify/hop_classifier.h"
#include "src/util/strings.h"

namespace ndrscan {
namespace {

using util::iequals;

/// looks_binary - NUL bytes or many control characters in the first 8 KiB.
bool looks_binary(std::string_view b) {
  // A stray NUL in a real message (seen in the wild) must not lose it:
  // binary means many NULs or over 5 % C0 controls other than the ones text
  // uses (uniformly random bytes have about 11 %; mail, even ISO-2022-JP with
  // its ESC sequences, close to none).
  std::string_view head = b.substr(0, 8192);
  std::size_t ctrl = 0, nul = 0, i = 0;
#ifdef __SSE2__
  // 16 bytes at a time: c <= 31 is min(c, 31) == c (unsigned), less the
  // five allowed controls. Each lane counts its matches (a match is -1, so
  // subtracting adds one); the lanes are summed before a count can wrap
  // (8192 / 16 = 512 steps, so at most 255 steps per batch).
  const __m128i k31 = _mm_set1_epi8(31), zero = _mm_setzero_si128();
  auto lanes_sum = [&](__m128i counts) {
    const __m128i s = _mm_sad_epu8(counts, zero);  // two 64-bit sums
    return static_cast<std::size_t>(_mm_cvtsi128_si64(s)) +
           static_cast<std::size_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(s, s)));
  };
  while (i + 16 <= head.size()) {
    __m128i ctrl_n = zero, nul_n = zero;
    for (int step = 0; step < 255 && i + 16 <= head.size(); ++step, i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(head.data() + i));
      __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(v, k31), v);
      // most blocks hold no control byte but line ends and tabs
      for (char ok : {'\t', '\n', '\r'}) low = _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(ok)), low);
      if (_mm_movemask_epi8(low) == 0) continue;
      for (char ok : {'\f', '\x1b'}) low = _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(ok)), low);
      ctrl_n = _mm_sub_epi8(ctrl_n, low);
      nul_n = _mm_sub_epi8(nul_n, _mm_cmpeq_epi8(v, zero));
    }
    ctrl += lanes_sum(ctrl_n);
    nul += lanes_sum(nul_n);
  }
#endif
  for (; i < head.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(head[i]);
    if (c == 0) ++nul;
    if (c < 32 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b) ++ctrl;
  }
  return nul > 8 || nul * 100 > head.size() || ctrl * 20 > head.size();
}

/// skip_preamble - skip leading blank lines and an mbox "From " line.
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

std::string decoded(std::string_view v) {
  return rfc2047::decode_words(util::trim(v)).text;
}

std::string iso_date(std::string_view v) {
  if (auto d = rfc5322::parse_date(v)) return rfc5322::format_iso8601_utc(d->epoch);
  return std::string(util::trim(v));
}

/// fill_summary - Message-ID, From, To, Subject, Date of a header list.
template <typename Fields, typename Out>
void fill_summary(const Fields& fields, Out* o) {
  for (const auto& f : fields) {
    if (iequals(f.name, "Message-ID") && o->message_id.empty()) o->message_id = rfc3464::clean_address(f.value);
    else if (iequals(f.name, "From") && o->from.empty()) o->from = decoded(f.value);
    else if (iequals(f.name, "To") && o->to.empty()) o->to = decoded(f.value);
    else if (iequals(f.name, "Subject") && o->subject.empty()) o->subject = decoded(f.value);
    else if (iequals(f.name, "Date") && o->date.empty()) o->date = iso_date(f.value);
  }
}

std::vector<const rfc5322::HeaderField*> received_of(const std::vector<rfc5322::HeaderField>& fields) {
  std::vector<const rfc5322::HeaderField*> out;
  for (const auto& f : fields)
    if (iequals(f.name, "Received")) out.push_back(&f);
  return out;
}

/// Tree search results.
struct Found {
  const mime::Part* dsn = nullptr;
  mime::Part* original = nullptr;  // message/rfc822's embedded entity
  const mime::Part* headers = nullptr;   // text/rfc822-headers leaf
  const mime::Part* feedback = nullptr;  // message/feedback-report (RFC 5965)
};

void find_parts(mime::Part& p, Found* f, int depth = 0) {
  if (depth > 64) return;
  if (!f->dsn && p.type == "message" && (p.subtype == "delivery-status" || p.subtype == "global-delivery-status"))
    f->dsn = &p;
  if (!f->original && p.type == "message" && (p.subtype == "rfc822" || p.subtype == "global") && !p.children.empty()) {
    f->original = &p.children.front();
    return;  // an attached message's own parts are not the report's
  }
  if (!f->feedback && p.type == "message" && p.subtype == "feedback-report") f->feedback = &p;
  if (!f->headers && ((p.type == "text" && p.subtype == "rfc822-headers") ||
                      (p.type == "message" && p.subtype == "global-headers")))
    f->headers = &p;
  for (auto& c : p.children) find_parts(c, f, depth + 1);
}

/// mime_input - the bytes mimetic is given. mimetic reads a header a byte at
/// a time and copies every field; the top-level fields are read already
/// (`top`), and the MIME tree needs only the MIME ones (Content-* and
/// MIME-Version). So the others are left out, where that cannot change what
/// mimetic sees: the block ends in a blank line, every line of a left-out
/// field is its first line or a folded continuation, no left-out line is
/// over the line cap (the guard counts cut lines), and the message is within
/// the size cap (whose check refuses it). Otherwise the message from
/// `start` is given whole.
std::string_view mime_input(std::string_view bytes, std::size_t start, const rfc5322::HeaderBlock& top,
                            const mime::Limits& limits, std::string* storage) {
  const std::string_view whole = bytes.substr(start);
  const auto& f = top.fields;
  if (!top.terminated || top.stopped_at_non_field || f.empty() || f.front().offset != start ||
      whole.size() > limits.max_message_bytes || top.body_offset > bytes.size())
    return whole;
  // where the blank line that ends the block starts; it must be empty (our
  // scanner also ends a block at a line of blanks, which mimetic takes for
  // a folded line)
  std::size_t blank = top.body_offset;
  if (blank >= 2 && bytes[blank - 2] == '\r' && bytes[blank - 1] == '\n')
    blank -= 2;
  else if (blank >= 1 && (bytes[blank - 1] == '\n' || bytes[blank - 1] == '\r'))
    blank -= 1;
  else
    return whole;
  if (blank <= start || (bytes[blank - 1] != '\n' && bytes[blank - 1] != '\r')) return whole;
  auto mime_field = [](std::string_view name) {
    return util::istarts_with(name, "Content-") || iequals(name, "MIME-Version");
  };
  // A left-out field's span: its first line, then only folded lines.
  auto plain_span = [&](std::string_view span) {
    std::size_t pos = 0;
    bool first = true;
    while (pos < span.size()) {
      rfc5322::Line l = rfc5322::next_line(span, pos);
      if (l.end - l.begin > limits.max_line_bytes) return false;
      if (!first && span[l.begin] != ' ' && span[l.begin] != '\t') return false;
      first = false;
      pos = l.next;
    }
    return true;
  };
  std::string& out = *storage;
  out.clear();
  out.reserve(whole.size());
  bool left_out = false;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const std::size_t b = f[i].offset, e = i + 1 < f.size() ? f[i + 1].offset : blank;
    if (e < b || e > blank) return whole;
    const std::string_view span = bytes.substr(b, e - b);
    if (mime_field(f[i].name)) {
      out.append(span);
    } else {
      if (!plain_span(span)) return whole;
      left_out = true;
    }
  }
  if (!left_out) return whole;
  out.append(bytes.substr(blank));
  return out;
}

/// generating_server - Exchange NDR text: "Generating server: EX01.contoso.local"
/// (the server that created the NDR; when no remote server is listed, it is
/// the one that refused).
std::string generating_server(std::string_view text) {
  std::size_t p = util::ifind(text, "Generating server:");
  if (p == std::string_view::npos) return {};
  std::string_view rest = text.substr(p + 18);
  std::size_t b = 0;
  while (b < rest.size() && (rest[b] == ' ' || rest[b] == '\t')) ++b;
  std::size_t e = b;
  while (e < rest.size() && !util::is_space(rest[e]) && rest[e] != '<') ++e;
  std::string_view host = util::strip_dot(rest.substr(b, e - b));
  return util::is_hostname(host) || util::is_ip(host) ? std::string(host) : std::string();
}

/// first_text - the first text/plain part (else text/html), depth first.
const mime::Part* first_text(const mime::Part& p, std::string_view subtype = "plain", int depth = 0) {
  if (depth > 64) return nullptr;
  if (p.type == "text" && p.subtype == subtype && p.body_decoded) return &p;
  if (p.type == "message") return nullptr;  // not inside an attached message
  for (const auto& c : p.children)
    if (const mime::Part* f = first_text(c, subtype, depth + 1)) return f;
  return nullptr;
}

}  // namespace

std::vector<Hop> build_hops(const std::vector<const rfc5322::HeaderField*>& received, std::size_t max_hops,
                            std::vector<Diagnostic>* diags) {
  std::vector<Hop> hops;
  std::size_t n = received.size();
  if (n > max_hops) {
    diags->push_back({Severity::kWarn, "received-too-many", static_cast<std::int64_t>(received[max_hops]->offset),
                      fmt::format("{} Received fields: only the newest {} are read", n, max_hops)});
    n = max_hops;
  }
  hops.reserve(n);
  // Header order is newest first (RFC 5321 4.4 prepends); hops are oldest first.
  for (std::size_t i = n; i-- > 0;) {
    const rfc5322::HeaderField* f = received[i];
    rfc5322::ReceivedFields r = rfc5322::parse_received(f->value);
    Hop h;
    h.index = static_cast<int>(hops.size()) + 1;
    h.from_host = std::move(r.from_host);
    h.from_rdns = std::move(r.from_rdns);
    h.from_ip = std::move(r.from_ip);
    h.by_host = std::move(r.by_host);
    h.by_ip = std::move(r.by_ip);
    h.protocol = std::move(r.protocol);
    h.tls = std::move(r.tls);
    h.id = std::move(r.id);
    h.for_addr = rfc3464::clean_address(r.for_addr);
    h.via = std::move(r.via);
    h.envelope_from = std::move(r.envelope_from);
    h.time = r.time;
    h.time_zone_known = r.time_zone_known;
    h.raw = f->value;
    h.offset = static_cast<std::int64_t>(f->offset);
    h.partial = r.partial;
    if (r.partial) {
      std::string notes;
      for (const auto& note : r.notes) notes += (notes.empty() ? "" : "; ") + note;
      diags->push_back({Severity::kWarn, "received-partial", h.offset,
                        fmt::format("hop {}: Received field only partly understood: {}", h.index, notes)});
    }
    if (h.time && !h.time_zone_known)
      diags->push_back({Severity::kWarn, "received-no-zone", h.offset,
                        fmt::format("hop {}: date has no time zone; UTC assumed", h.index)});
    hops.push_back(std::move(h));
  }
  // Delays: from the previous hop that has a time.
  std::optional<std::int64_t> prev;
  for (auto& h : hops) {
    if (h.time && prev) {
      h.delay_s = *h.time - *prev;
      h.clock_skew = *h.delay_s < 0;
    }
    if (h.time) prev = h.time;
  }
  return hops;
}

namespace {

/// attached_messages - raw bytes of the message/rfc822 parts at the top
/// level of a multipart message (transfer encoding undone), in order.
std::vector<std::string> attached_messages(std::string_view bytes, const std::vector<rfc5322::HeaderField>& fields) {
  std::vector<std::string> out;
  std::string_view ct;
  for (const auto& f : fields)
    if (iequals(f.name, "Content-Type")) ct = f.value;
  if (!util::istarts_with(util::trim(ct), "multipart/")) return out;
  std::size_t b = util::ifind(ct, "boundary=");
  if (b == std::string_view::npos) return out;
  std::string_view boundary = ct.substr(b + 9);
  if (!boundary.empty() && boundary.front() == '"') {
    boundary.remove_prefix(1);
    boundary = boundary.substr(0, boundary.find('"'));
  } else {
    boundary = boundary.substr(0, boundary.find_first_of("; \t\r\n"));
  }
  if (boundary.empty() || boundary.size() > 200) return out;
  std::string delim = "--" + std::string(boundary);
  // part starts: lines equal to the delimiter
  std::vector<std::pair<std::size_t, std::size_t>> parts;  // [content start, delimiter line start)
  std::size_t pos = 0, start = std::string_view::npos;
  while (pos < bytes.size()) {
    rfc5322::Line l = rfc5322::next_line(bytes, pos);
    std::string_view line = bytes.substr(l.begin, l.end - l.begin);
    if (line.size() >= delim.size() && line.substr(0, delim.size()) == delim) {
      if (start != std::string_view::npos) parts.emplace_back(start, l.begin);
      bool closing = line.substr(delim.size(), 2) == "--";
      start = closing ? std::string_view::npos : l.next;
      if (closing) break;
    }
    pos = l.next;
  }
  for (const auto& [from, to] : parts) {
    std::vector<Diagnostic> ignored;
    std::string_view part = bytes.substr(from, to - from);
    rfc5322::HeaderBlock ph = rfc5322::scan_header_block(part, 0, &ignored);
    std::string_view pct = util::trim(ph.value("Content-Type"));
    if (!util::istarts_with(pct, "message/rfc822") && !util::istarts_with(pct, "message/global")) continue;
    out.push_back(mime::decode_transfer(part.substr(ph.body_offset), ph.value("Content-Transfer-Encoding")));
    if (out.size() >= 4) break;
  }
  return out;
}

/// inline_forward - the forwarded copy inside a message's text, from the line
/// after a client's forward marker: Gmail "---------- Forwarded message
/// ---------", Apple Mail "Begin forwarded message:", Outlook "-----Original
/// Message-----", Thunderbird "-------- Forwarded Message --------" (the
/// copy's "From:/Subject:" block and its "> " quoting are then read as
/// pasted text). Empty when there is no marker.
std::string_view inline_forward(std::string_view text) {
  static constexpr std::string_view kMarkers[] = {
      "Forwarded message",     // Gmail "---------- Forwarded message ---------"
      "Begin forwarded message:",  // Apple Mail
      "Original Message-----",     // Outlook "-----Original Message-----"
      "Forwarded Message --------",  // Thunderbird
      "Original Message --------",   // Thunderbird reply/forward inline
  };
  std::size_t best = std::string_view::npos;
  for (std::string_view m : kMarkers) {
    std::size_t p = util::ifind(text, m);
    if (p == std::string_view::npos) continue;
    // the marker stands at the start of its line (after dashes or blanks)
    std::size_t ls = text.find_last_of("\r\n", p);
    ls = ls == std::string_view::npos ? 0 : ls + 1;
    bool clean = true;
    for (std::size_t i = ls; i < p; ++i)
      if (text[i] != '-' && text[i] != ' ' && text[i] != '\t' && text[i] != '>') clean = false;
    if (clean && p < best) best = p;
  }
  if (best == std::string_view::npos) return {};
  std::size_t eol = text.find_first_of("\r\n", best);
  if (eol == std::string_view::npos) return {};
  return text.substr(eol);
}

/// has_field - a header field with this name exists (value contains `needle` if given).
bool has_field(const std::vector<rfc5322::HeaderField>& fields, std::string_view name, std::string_view needle = {}) {
  for (const auto& f : fields)
    if (iequals(f.name, name) && (needle.empty() || util::ifind(f.value, needle) != std::string_view::npos)) return true;
  return false;
}

/// classify_kind - what this message is, so non-bounces are labelled and
/// not reported as failures (RFC 3834 auto-replies, RFC 5965 feedback
/// reports, successful-delivery DSNs, challenge/response systems).
/// autoreply_marked - a vacation / out-of-office reply by its own markers:
/// vendor fields or the subject ("Automatic reply:", "Out of Office", ...).
/// Auto-Submitted alone is not enough here: some MTAs send bounces with it.
bool autoreply_marked(const std::vector<rfc5322::HeaderField>& fields, std::string_view subj) {
  if (has_field(fields, "X-Autoreply") || has_field(fields, "X-Autorespond") ||
      has_field(fields, "Precedence", "auto_reply") || has_field(fields, "X-Auto-Response-Suppress", "oof") ||
      has_field(fields, "X-MS-Exchange-Inbox-Rules-Loop"))
    return true;
  static constexpr std::string_view kAutoSubjects[] = {
      "automatic reply", "auto-reply", "auto reply", "autoreply", "auto:", "out of office", "out of the office",
      "abwesenheitsnotiz",     // de-DE
      "automatische antwort",  // de-DE
      "réponse automatique",   // fr-FR
      "respuesta automática",  // es-ES
      "risposta automatica",   // it-IT
      "automatisch antwoord",  // nl-NL
      "resposta automática",   // pt-BR
      "vacation", "away from my mail"};
  for (auto p : kAutoSubjects)
    if (util::ifind(subj, p) != std::string_view::npos) return true;
  return false;
}

std::string classify_kind(const Analysis& a, const std::vector<rfc5322::HeaderField>& fields,
                          const std::string& report_type) {
  bool failed = false, delayed = false, delivered = false;
  for (const auto& r : a.recipients) {
    // a block without Action (a Sieve reject's MDN, a pasted DSN) counts by
    // the class of its status, and as failed when it has none
    std::string_view action = r.action;
    if (action.empty()) action = r.status.empty() || r.status[0] == '5' ? "failed" : r.status[0] == '4' ? "delayed" : "delivered";
    if (action == "failed") failed = true;
    else if (action == "delayed") delayed = true;
    else if (action == "delivered" || action == "relayed" || action == "expanded") delivered = true;
  }
  // Challenge/response systems (Boxbe, SpamArrest, Mailblocks) send
  // DSN-shaped "please confirm" messages: not a delivery failure.
  std::string_view subj = a.subject;
  bool challenge = has_field(fields, "X-Boxbe-Screen") || has_field(fields, "X-Boxbe-Message-ID") ||
                   has_field(fields, "X-SpamArrest-Challenge") || util::ifind(subj, "please confirm") != std::string_view::npos ||
                   util::ifind(subj, "verify your email") != std::string_view::npos ||
                   util::ifind(subj, "verification required") != std::string_view::npos ||
                   util::ifind(subj, "awaiting your approval") != std::string_view::npos ||
                   // Boxbe's DSN-shaped notice (BounceParser boxbe-cr): From noreply@boxbe.com,
                   // "Diagnostic-Code: X-Boxbe-Notice; Sender not pre-approved."
                   has_field(fields, "From", "@boxbe.com") ||
                   std::any_of(a.recipients.begin(), a.recipients.end(), [](const Recipient& r) {
                     return util::ifind(r.diagnostic_type, "boxbe") != std::string_view::npos;
                   });
  // A server that refuses until the sender confirms or whitelists its mail
  // server ("550 Your server requires confirmation. Visit .../Whitelist.aspx
  // ?IP=... to confirm this mail server."): a challenge, answered by the sender.
  const bool confirm_gate = !a.recipients.empty() && std::all_of(a.recipients.begin(), a.recipients.end(), [](const Recipient& r) {
    return util::ifind(r.diagnostic, "requires confirmation") != std::string_view::npos ||
           util::ifind(r.diagnostic, "to confirm this mail server") != std::string_view::npos;
  });
  if ((challenge && !failed) || confirm_gate) return "challenge-response";
  if (failed) return "bounce";
  if (delayed) return "delay";
  if (delivered) return "delivered";
  if (report_type == "feedback-report" || !a.feedback_type.empty()) return "feedback-report";
  // A delivery report that lost its details (sendmail's "<<< No Message
  // Collected >>>" body): a failure notice naming no recipient.
  if (a.recipients.empty() && report_type == "delivery-status")
    for (const auto& f : fields)
      if (iequals(f.name, "Auto-Submitted") && util::ifind(f.value, "failure") != std::string_view::npos) return "bounce";
  // RFC 3834 3.1.7: Auto-Submitted other than "no"; common vendor markers.
  for (const auto& f : fields)
    if (iequals(f.name, "Auto-Submitted") && !iequals(util::trim(f.value), "no") &&
        util::ifind(f.value, "auto-replied") != std::string_view::npos)
      return "autoreply";
  if (autoreply_marked(fields, subj)) return "autoreply";
  return a.input_kind == "headers" ? "headers" : "message";
}

/// decode_headers - Microsoft fields, authentication results, Exchange builds.
void decode_headers(const std::vector<rfc5322::HeaderField>& fields, const Knowledge& k,
                    std::shared_ptr<microsoft::MsHeaders>* ms, std::shared_ptr<microsoft::AuthFindings>* auth,
                    std::vector<Hop>* hops) {
  microsoft::MsHeaders m = microsoft::decode_ms_headers(fields, k.ms_tables);
  if (m.any) *ms = std::make_shared<microsoft::MsHeaders>(std::move(m));
  microsoft::AuthFindings a = microsoft::find_auth_results(fields, k.ms_tables);
  if (a.results || a.received_spf) *auth = std::make_shared<microsoft::AuthFindings>(std::move(a));
  for (auto& h : *hops) {
    if (h.id.empty()) continue;
    h.exchange_version = microsoft::exchange_version_name(h.id, k.ms_tables);
  }
}

/// read_dialects - free-text bounce readers, when no DSN named a recipient.
void read_dialects(std::string_view text, std::string_view html, std::string_view whole,
                   const std::vector<rfc5322::HeaderField>& headers, const Knowledge& knowledge,
                   const AnalyzeOptions& opts, Analysis* out, std::vector<rfc5322::HeaderField>* original_fields) {
  dialects::BounceText b{text, out->subject, out->from, &headers, html, whole};
  dialects::DialectFacts facts;
  std::string name = dialects::run_dialects(b, &facts);
  if (name.empty()) return;
  out->dialect = name;
  out->recipients = std::move(facts.recipients);
  if (out->recipients.size() > opts.max_recipients) out->recipients.resize(opts.max_recipients);
  for (auto& r : out->recipients) r.status_text = knowledge.status_codes.meaning(r.status);
  if (out->reporting_mta.empty()) out->reporting_mta = facts.reporting_mta;
  if (!out->original && facts.original_offset < text.size()) {
    // a copy of the returned message inside the text ("--- Below this line ...")
    std::vector<Diagnostic> sub;
    std::size_t off = facts.original_offset;
    while (off < text.size() && (text[off] == '\n' || text[off] == '\r')) ++off;
    rfc5322::HeaderBlock hb = rfc5322::scan_header_block(text, off, &sub);
    if (!hb.fields.empty()) {
      OriginalMessage o;
      *original_fields = std::move(hb.fields);
      fill_summary(*original_fields, &o);
      o.headers_only = !hb.terminated;
      o.hops = build_hops(received_of(*original_fields), opts.max_hops, &sub);
      for (auto& d : sub) {
        d.offset = -1;
        d.message = "original: " + d.message;
        out->diagnostics.push_back(std::move(d));
      }
      out->original = std::move(o);
    }
  }
}

/// enrich_from_text - DSN recipients whose Diagnostic-Code is missing or cut
/// short take the remote server's reply from the human-readable part, when a
/// dialect reader finds the same recipient there:
///   * no SMTP reply and no enhanced code (absent, or "X-Unix; 255"):
///     OpenSMTPD writes "addr: 421 4.7.0 ..." in the text and only
///     "Status: 4.0.0" in the report;
///   * only the first line of a multi-line reply ("552-5.7.0 This message was
///     blocked because its content presents a potential"): sendmail's
///     transcript has every "<<< 552-5.7.0 ..." line.
void enrich_from_text(std::string_view text, std::string_view html, std::string_view whole,
                      const std::vector<rfc5322::HeaderField>& headers, const Knowledge& knowledge, Analysis* out) {
  auto bare = [](const Recipient& r) { return r.reply_code.empty() && rfc3464::find_enhanced_status(r.diagnostic).empty(); };
  auto cut = [](const Recipient& r) {
    return r.reply_code.size() == 3 && r.diagnostic.size() > 4 && r.diagnostic.compare(0, 3, r.reply_code) == 0 &&
           r.diagnostic[3] == '-';
  };
  if (text.empty() && html.empty()) return;
  if (std::none_of(out->recipients.begin(), out->recipients.end(), [&](const Recipient& r) { return bare(r) || cut(r); }))
    return;
  dialects::BounceText b{text, out->subject, out->from, &headers, html, whole};
  dialects::DialectFacts facts;
  if (dialects::run_dialects(b, &facts).empty()) return;
  for (Recipient& r : out->recipients) {
    bool is_bare = bare(r), is_cut = !is_bare && cut(r);
    if (!is_bare && !is_cut) continue;
    for (const Recipient& t : facts.recipients) {
      if (t.diagnostic.empty()) continue;
      if (is_bare) {
        if (!iequals(t.address, r.address)) continue;
        if (t.reply_code.empty() && rfc3464::find_enhanced_status(t.diagnostic).empty()) break;
      } else {
        // the text's reply must continue the DSN's first line (the address
        // may differ: X-Actual-Recipient, an expanded alias)
        std::string_view td = util::trim(t.diagnostic);
        if (td.size() <= r.diagnostic.size() || td.compare(0, r.diagnostic.size(), r.diagnostic) != 0) continue;
      }
      std::string dsn_code = rfc3464::find_enhanced_status(r.dsn_status);
      r.status = rfc3464::remote_status(dsn_code, t.status, t.reply_code);
      r.status_text = knowledge.status_codes.meaning(r.status);
      if (!t.reply_code.empty()) r.reply_code = t.reply_code;
      r.diagnostic = t.diagnostic;
      if (r.diagnostic_type.empty()) r.diagnostic_type = t.diagnostic_type.empty() ? "smtp" : t.diagnostic_type;
      if (r.command.empty()) r.command = t.command;
      if (r.remote_mta.empty()) r.remote_mta = t.remote_mta;
      break;
    }
  }
}

/// analyze_structure - everything up to (not including) network mapping.
/// *body_text gets the human-readable text part, transfer encoding undone,
/// when it is needed later: for inline forwards (no recipient found) and as
/// the reason classifier's context when the raw bytes do not show it.
bool analyze_structure(std::string_view bytes, const Knowledge& knowledge, const AnalyzeOptions& opts,
                       Analysis* out, std::vector<rfc5322::HeaderField>* top_fields,
                       std::vector<rfc5322::HeaderField>* original_fields, std::string* report_type,
                       std::string* body_text, std::string* error, paste::CleanScan* scanned) {
  if (util::trim(bytes).empty()) {
    *error = "empty input";
    return false;
  }
  if (looks_binary(bytes)) {
    *error = "binary data, not a message or header block";
    return false;
  }
  std::size_t start = skip_preamble(bytes);
  rfc5322::HeaderBlock top;
  if (scanned && scanned->valid && scanned->start == start) {
    // paste::prepare read this very block to decide the text was clean
    top = std::move(scanned->block);
    for (auto& d : scanned->diagnostics) out->diagnostics.push_back(std::move(d));
  } else {
    top = rfc5322::scan_header_block(bytes, start, &out->diagnostics);
  }
  if (top.fields.empty()) {
    // NDR body text only (saved from a ticket or pasted): the dialects read it.
    out->input_kind = "text";
    read_dialects(bytes.substr(start), {}, bytes, top.fields, knowledge, opts, out, original_fields);
    if (out->recipients.empty()) {
      *error = "no header fields found: not a message or header block";
      return false;
    }
    return true;
  }
  // The caller keeps the fields: moved out when this function returns (top
  // is read until then), instead of copying every field.
  struct HandOver {
    std::vector<rfc5322::HeaderField>* to;
    rfc5322::HeaderBlock* from;
    ~HandOver() { *to = std::move(from->fields); }
  } hand_over{top_fields, &top};
  bool has_body = top.terminated && !util::trim(bytes.substr(top.body_offset)).empty();
  out->input_kind = has_body ? "message" : "headers";
  fill_summary(top.fields, out);

  // Received chain of the message itself.
  out->hops = build_hops(received_of(top.fields), opts.max_hops, &out->diagnostics);

  // MIME structure: only multipart and message types need the tree.
  std::string_view ctype = top.value("Content-Type");
  {
    std::string_view t = util::trim(ctype.substr(0, ctype.find(';')));
    out->content_type = util::lower(t);
  }
  if (!has_body) return true;
  bool structured = util::istarts_with(out->content_type, "multipart/") || util::istarts_with(out->content_type, "message/");
  std::string text;  // the human-readable notification, for the dialects
  if (!structured) {
    text = mime::decode_transfer(bytes.substr(top.body_offset), top.value("Content-Transfer-Encoding"));
    out->generating_server = generating_server(text);
    read_dialects(text, {}, bytes, top.fields, knowledge, opts, out, original_fields);
    *body_text = std::move(text);
    return true;
  }

  mime::Part root;
  std::string mime_storage;
  const std::string_view mime_bytes = mime_input(bytes, start, top, opts.mime_limits, &mime_storage);
  if (!mime::parse_mime(mime_bytes, &root, &out->diagnostics, opts.mime_limits)) return true;
  out->is_report = root.is("multipart", "report");
  *report_type = root.report_type;

  Found found;
  find_parts(root, &found);
  if (found.dsn) {
    out->is_report = out->is_report || root.type == "multipart";
    rfc3464::DeliveryStatus ds = rfc3464::parse_delivery_status(found.dsn->body, &out->diagnostics);
    out->dsn = std::move(ds.report);
    out->recipients = std::move(ds.recipients);
    if (out->recipients.size() > opts.max_recipients) {
      out->diagnostics.push_back({Severity::kWarn, "dsn-too-many-recipients", -1,
                                  fmt::format("{} recipients: only the first {} are kept", out->recipients.size(),
                                              opts.max_recipients)});
      out->recipients.resize(opts.max_recipients);
    }
    for (auto& r : out->recipients) r.status_text = knowledge.status_codes.meaning(r.status);
    out->reporting_mta = out->dsn->reporting_mta;
    if (!out->recipients.empty()) out->dialect = "rfc3464";
  }

  if (found.feedback) {
    std::vector<Diagnostic> sub;
    rfc5322::HeaderBlock fb = rfc5322::scan_header_block(found.feedback->body, 0, &sub);
    out->feedback_type = util::lower(util::trim(fb.value("Feedback-Type")));
    if (out->feedback_type.empty()) out->feedback_type = "unknown";
  }
  if (found.original) {
    OriginalMessage o;
    *original_fields = std::move(found.original->headers);  // the tree is not read again
    fill_summary(*original_fields, &o);
    std::vector<Diagnostic> sub;
    std::vector<const rfc5322::HeaderField*> rcv;
    for (const auto& f : *original_fields)
      if (iequals(f.name, "Received")) rcv.push_back(&f);
    o.hops = build_hops(rcv, opts.max_hops, &sub);
    for (auto& d : sub) {
      d.offset = -1;  // offsets inside the returned message are not known
      d.message = "original: " + d.message;
      out->diagnostics.push_back(std::move(d));
    }
    out->original = std::move(o);
  } else if (found.headers) {
    OriginalMessage o;
    o.headers_only = true;
    std::vector<Diagnostic> sub;
    rfc5322::HeaderBlock hb = rfc5322::scan_header_block(found.headers->body, 0, &sub);
    *original_fields = std::move(hb.fields);
    fill_summary(*original_fields, &o);
    o.hops = build_hops(received_of(*original_fields), opts.max_hops, &sub);
    for (auto& d : sub) {
      d.offset = -1;
      d.message = "original: " + d.message;
      out->diagnostics.push_back(std::move(d));
    }
    out->original = std::move(o);
  }
  const mime::Part* text_part = first_text(root);
  const mime::Part* html_part = first_text(root, "html");
  std::string_view text_body = text_part ? std::string_view(text_part->body) : std::string_view();
  // The HTML alternative is read only when the plain text is blank (the
  // readers' rule, vtext::notice_text): only then is it decoded.
  std::string html_storage;
  std::string_view html_body;
  if (html_part && util::trim(text_body).empty()) html_body = mime::decoded_body(*html_part, &html_storage);
  if (text_part || html_part) out->generating_server = generating_server(text_part ? text_body : html_body);
  if (out->recipients.empty())
    read_dialects(text_body, html_body, bytes, top.fields, knowledge, opts, out, original_fields);
  else if (out->dialect == "rfc3464")
    enrich_from_text(text_body, html_body, bytes, top.fields, knowledge, out);
  // Kept only where it is used: for inline forwards (no recipient yet) and
  // as reason context when the part was transfer-encoded (its first line is
  // not in the raw bytes); no copy per message otherwise.
  std::string_view probe = util::trim(text_body.substr(0, 200));
  probe = probe.substr(0, probe.find_first_of("\r\n"));
  if (out->recipients.empty() || (!probe.empty() && bytes.find(probe) == std::string_view::npos))
    *body_text = std::string(text_body);
  return true;
}

bool analyze_unguarded(std::string_view bytes, const Knowledge& knowledge, const AnalyzeOptions& opts,
                       Analysis* out, std::string* error) {
  // Pasted text (Outlook, OWA, Gmail, tickets) is repaired first.
  paste::CleanScan scanned;
  std::optional<std::string> repaired = paste::prepare(bytes, opts.paste, &out->diagnostics, &scanned);
  if (repaired) {
    bytes = *repaired;
    scanned.valid = false;
  }
  std::vector<rfc5322::HeaderField> top_fields, original_fields;
  std::string report_type, body_text;
  if (!analyze_structure(bytes, knowledge, opts, out, &top_fields, &original_fields, &report_type, &body_text, error,
                         &scanned))
    return false;
  // bounce text without any header that the paste reader gave one
  if (repaired && paste::text_only(*repaired)) out->input_kind = "text";
  // A forwarded NDR ("Fwd: Undeliverable: ..."): when this message names no
  // recipient (or only DSN fields found somewhere inside it, which an
  // attached report also has), read the attached message, then a copy
  // forwarded inline in the text.
  const bool only_embedded = out->dialect == "embedded-dsn" && !out->is_report;
  if ((out->recipients.empty() || only_embedded) && opts.forward_depth > 0 && !top_fields.empty()) {
    AnalyzeOptions inner_opts = opts;
    inner_opts.forward_depth = opts.forward_depth - 1;
    inner_opts.paste = paste::Mode::kOff;
    auto adopt = [&](Analysis&& inner, std::string message) {
      inner.source = out->source;
      inner.source_offset = out->source_offset;
      inner.forwarded = true;
      inner.diagnostics.insert(inner.diagnostics.begin(), out->diagnostics.begin(), out->diagnostics.end());
      inner.diagnostics.push_back({Severity::kWarn, "forwarded-ndr", -1, std::move(message)});
      *out = std::move(inner);
    };
    for (const std::string& raw : attached_messages(bytes, top_fields)) {
      Analysis inner;
      std::string inner_err;
      if (!analyze_message(raw, knowledge, inner_opts, &inner, &inner_err) || inner.recipients.empty()) continue;
      adopt(std::move(inner), fmt::format("the bounce was read from a message attached to \"{}\"", out->subject));
      return true;
    }
    if (std::string_view copy = inline_forward(body_text); !copy.empty() && out->recipients.empty()) {
      inner_opts.paste = paste::Mode::kOn;  // a "From:/Subject:" block and "> " quoting, as pasted
      Analysis inner;
      std::string inner_err;
      if (analyze_message(copy, knowledge, inner_opts, &inner, &inner_err) && !inner.recipients.empty()) {
        adopt(std::move(inner), fmt::format("the bounce was read from a copy forwarded inside the text of \"{}\"",
                                            out->subject));
        return true;
      }
    }
  }
  // Where: every hop placed on a network, the route, and who refused.
  classify::HopClassifier classifier(knowledge.networks, knowledge.geo.get());
  classifier.classify_hops(&out->hops, top_fields);
  out->route = classify::route_summary(out->hops);
  if (out->original) {
    classifier.classify_hops(&out->original->hops, original_fields);
    out->original_route = classify::route_summary(out->original->hops);
  }
  // An out-of-office reply whose text happens to read like a notice ("Your
  // message could not be delivered to me personally; contact a@b") is a
  // reply: the broad lead-phrase reader does not make it a bounce.
  if (out->dialect == "lead-phrase" && autoreply_marked(top_fields, out->subject)) {
    out->recipients.clear();
    out->dialect.clear();
  }
  out->kind = classify_kind(*out, top_fields, report_type);
  if (out->kind == "bounce" && out->recipients.empty())
    out->diagnostics.push_back({Severity::kWarn, "bounce-no-recipient", -1,
                                "a failure notice (delivery-status report) that names no recipient: its details were "
                                "lost or never written"});
  out->rejected_by = classify::locate_rejection(*out, classifier);
  // Why: each recipient's reason (Sisimai's vocabulary), hard or soft, and a
  // status inferred from the text when the bounce carried none. The refusing
  // host (when not merely the Reporting-MTA) and the bounce's own text let
  // host-specific rules and the SMTP command named in the notification count.
  {
    std::string_view rhost;
    if (out->rejected_by && out->rejected_by->source != "Reporting-MTA") rhost = out->rejected_by->host;
    std::string_view context = reason::bounce_context(bytes);
    // A base64 or quoted-printable notice is read decoded as well: the
    // context must not depend on the transfer encoding.
    std::string joined;
    if (!body_text.empty()) {
      std::string_view probe = util::trim(std::string_view(body_text).substr(0, 200));
      probe = probe.substr(0, probe.find_first_of("\r\n"));
      if (!probe.empty() && context.find(probe) == std::string_view::npos) {
        joined.reserve(context.size() + body_text.size() + 1);
        joined.append(context).append("\n").append(body_text);
        context = joined;
      }
    }
    for (auto& r : out->recipients) {
      reason::ReasonResult rr = reason::classify(r, out->dialect, knowledge.reasons, rhost, context);
      r.reason = std::move(rr.reason);
      r.hard = rr.hard;
      r.reason_evidence = std::move(rr.evidence);
      if (r.status.empty() && !rr.status.empty()) {
        r.status = std::move(rr.status);
        r.status_inferred = true;
      }
      if (r.status_text.empty()) r.status_text = knowledge.status_codes.meaning(r.status);
    }
  }
  classify::detect_route_findings(out->hops, "bounce", knowledge.profile, knowledge.networks, &out->findings);
  if (out->original)
    classify::detect_route_findings(out->original->hops, "original", knowledge.profile, knowledge.networks,
                                    &out->findings);
  // Microsoft and authentication headers, decoded offline.
  decode_headers(top_fields, knowledge, &out->microsoft, &out->authentication, &out->hops);
  if (out->original)
    decode_headers(original_fields, knowledge, &out->original->microsoft, &out->original->authentication,
                   &out->original->hops);
  // Likely causes from the cause catalogue (src/catalogue/matcher.h).
  catalogue::rank(*out, knowledge, opts.explain);
  return true;
}

}  // namespace

// The one exception boundary of the pipeline: a parser bug on hostile input
// becomes this message's error (the run goes on), never std::terminate.
// mimetic's own exceptions are caught closer, in parsers/mime, so that the
// message is still analysed without its MIME tree.
bool analyze_message(std::string_view bytes, const Knowledge& knowledge, const AnalyzeOptions& opts,
                     Analysis* out, std::string* error) {
  try {
    return analyze_unguarded(bytes, knowledge, opts, out, error);
  } catch (const std::bad_alloc&) {
    *error = "internal error: out of memory while analysing this message";
  } catch (const std::exception& e) {
    *error = fmt::format("internal error: {} (please report this message)", e.what());
  } catch (...) {
    *error = "internal error: unknown exception (please report this message)";
  }
  return false;
}

}  // namespace ndrscan
