// received.cc - Received field parser (RFC 5321 4.4, RFC 5322 3.6.7).
//
// The value is tokenised once; clauses are walked as a state machine; the
// comments of each clause are then read with the rules below, each quoted
// from the real form it handles.
#include "parsers/rfc5322/received.h"

#include <array>

#include "parsers/rfc5322/date.h"
#include "src/util/strings.h"

namespace ndrscan::rfc5322 {
namespace {

using util::iequals;
using util::ifind;
using util::is_space;
using util::trim;

enum class Kind { kWord, kComment, kLiteral, kAngle, kQuoted, kSemi };

struct Token {
  Kind kind;
  std::string_view text;  // inner text for comment/literal/angle/quoted
  std::size_t pos;        // offset of the token in the value
};

constexpr std::size_t kMaxTokens = 512;  // rspamd-style hard limit

/// tokenize - split a Received value into words, comments, literals,
/// angle addresses, quoted strings and top-level semicolons, into `out`
/// (cleared first).
void tokenize(std::string_view v, bool* truncated, std::vector<Token>* out_tokens) {
  std::vector<Token>& out = *out_tokens;
  out.clear();
  std::size_t i = 0;
  const std::size_t n = v.size();
  while (i < n) {
    if (out.size() >= kMaxTokens) {
      *truncated = true;
      break;
    }
    char c = v[i];
    if (is_space(c) || c == ')') {
      ++i;
      continue;
    }
    if (c == ';') {
      out.push_back({Kind::kSemi, v.substr(i, 1), i});
      ++i;
      continue;
    }
    if (c == '(') {  // comment, nested, with quoted-pairs (RFC 5322 3.2.2)
      std::size_t start = ++i;
      int depth = 1;
      while (i < n && depth > 0) {
        if (v[i] == '\\' && i + 1 < n) {
          i += 2;
          continue;
        }
        if (v[i] == '(') ++depth;
        if (v[i] == ')') --depth;
        ++i;
      }
      std::size_t end = depth == 0 ? i - 1 : n;
      out.push_back({Kind::kComment, v.substr(start, end - start), start - 1});
      continue;
    }
    if (c == '[' || c == '<' || c == '"') {
      char close = c == '[' ? ']' : c == '<' ? '>' : '"';
      std::size_t start = ++i;
      while (i < n && v[i] != close) ++i;
      Kind k = c == '[' ? Kind::kLiteral : c == '<' ? Kind::kAngle : Kind::kQuoted;
      out.push_back({k, v.substr(start, i - start), start - 1});
      if (i < n) ++i;
      // "[1.2.3.4]:25" - swallow the port that Exim appends
      if (k == Kind::kLiteral && i < n && v[i] == ':') {
        while (i < n && !is_space(v[i]) && v[i] != '(' && v[i] != ';') ++i;
      }
      continue;
    }
    std::size_t start = i;
    while (i < n && !is_space(v[i]) && v[i] != '(' && v[i] != ')' && v[i] != ';' && v[i] != '<' &&
           v[i] != '"' && !(v[i] == '[' && i > start && v[i - 1] != '@'))
      ++i;
    if (i == start) {  // a lone '[' glued to nothing
      ++i;
      continue;
    }
    out.push_back({Kind::kWord, v.substr(start, i - start), start});
  }
}

enum class Clause { kNone, kFrom, kBy, kVia, kWith, kId, kFor, kOther };

Clause keyword(std::string_view w) {
  static constexpr std::array<std::pair<std::string_view, Clause>, 6> kWords{{
      {"from", Clause::kFrom},
      {"by", Clause::kBy},
      {"via", Clause::kVia},
      {"with", Clause::kWith},
      {"id", Clause::kId},
      {"for", Clause::kFor},
  }};
  for (const auto& [name, clause] : kWords)
    if (iequals(w, name)) return clause;
  return Clause::kOther;
}

/// word_after - the token following `key` in `s` (up to a blank, ')' or ',').
std::string_view word_after(std::string_view s, std::size_t key_end) {
  std::size_t b = key_end;
  while (b < s.size() && (s[b] == ' ' || s[b] == '\t')) ++b;
  std::size_t e = b;
  while (e < s.size() && !is_space(s[e]) && s[e] != ')' && s[e] != ',' && s[e] != ';' && s[e] != '(')
    ++e;
  return s.substr(b, e - b);
}

/// find_key - case-insensitive search for `key` at a word start.
std::size_t find_key(std::string_view s, std::string_view key) {
  std::size_t p = 0;
  while ((p = ifind(s, key, p)) != std::string_view::npos) {
    if (p == 0 || is_space(s[p - 1]) || s[p - 1] == '(' || s[p - 1] == ',') return p;
    ++p;
  }
  return std::string_view::npos;
}

struct TlsScan {
  std::string version, cipher, evidence;
};

/// scan_tls_comment - TLS facts written in one comment, by any MTA.
void scan_tls_comment(std::string_view c, TlsScan* t) {
  // Postfix: "(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) ...)"
  std::size_t p = find_key(c, "using ");
  if (p != std::string_view::npos) {
    std::string_view ver = word_after(c, p + 6);
    if (util::istarts_with(ver, "TLS") || util::istarts_with(ver, "SSL")) {
      t->version.assign(ver);
      t->evidence = "using";
      std::size_t q = ifind(c, "with cipher ", p);
      if (q != std::string_view::npos) t->cipher.assign(word_after(c, q + 12));
      return;
    }
  }
  // Exchange: "(version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384)"
  // Sendmail: "(version=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384 bits=256 verify=NOT)"
  // Gmail:    "(version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256)"
  p = find_key(c, "version=");
  if (p != std::string_view::npos) {
    std::string_view ver = word_after(c, p + 8);
    if (util::istarts_with(ver, "TLS") || util::istarts_with(ver, "SSL")) {
      t->version.assign(ver);
      t->evidence = "version=";
      std::size_t q = find_key(c, "cipher=");
      if (q != std::string_view::npos) t->cipher.assign(word_after(c, q + 7));
      return;
    }
  }
  // Exim: "(TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256)", "(TLS1.3)",
  //       "(tls_cipher TLS-1.0:RSA_AES_256_CBC_SHA:32)", "(Cipher TLSv1:DES-CBC3-SHA:168)"
  std::string_view s = trim(c);
  if (util::istarts_with(s, "tls_cipher ") || util::istarts_with(s, "cipher "))
    s = trim(s.substr(s.find(' ')));
  if ((util::istarts_with(s, "TLS") || util::istarts_with(s, "SSL")) && s.find(' ') == std::string_view::npos) {
    std::size_t colon = s.find(':');
    t->version.assign(s.substr(0, colon));
    if (colon != std::string_view::npos) {
      std::string_view rest = s.substr(colon + 1);
      t->cipher.assign(rest.substr(0, rest.find(':')));
    }
    t->evidence = "comment";
  }
}

/// is_tls_protocol - RFC 3848 / RFC 6531 protocol names that imply TLS.
bool is_tls_protocol(std::string_view proto) {
  std::string_view p = proto;
  // Exim writes "local-esmtps", Stalwart "ESMTP/TLS/..." (handled elsewhere)
  std::size_t dash = p.rfind('-');
  if (dash != std::string_view::npos) p = p.substr(dash + 1);
  static constexpr std::array<std::string_view, 10> kTls{
      "esmtps", "esmtpsa", "lmtps", "lmtpsa", "utf8smtps", "utf8smtpsa", "utf8lmtps", "utf8lmtpsa", "smtps", "https"};
  for (auto name : kTls)
    if (iequals(p, name)) return true;
  return false;
}

/// is_auth_protocol - RFC 3848 names for authenticated submission.
bool is_auth_protocol(std::string_view p) {
  static constexpr std::array<std::string_view, 6> kAuth{"esmtpa", "esmtpsa", "lmtpa", "lmtpsa", "utf8smtpa", "utf8smtpsa"};
  for (auto name : kAuth)
    if (iequals(p, name)) return true;
  return false;
}

struct FromFacts {
  std::string helo, rdns, ip, ident, envelope_from;
  bool auth = false;
  bool forged = false;
};

/// strip_user - "user@host" -> "host" (qmail and Sendmail ident forms).
std::string_view strip_user(std::string_view s) {
  std::size_t at = s.rfind('@');
  return at == std::string_view::npos ? s : s.substr(at + 1);
}

/// scan_from_comment - read the facts MTAs put in the from clause comment.
void scan_from_comment(std::string_view c, FromFacts* f) {
  // Exim "(port=53422 helo=client.example.com)", qmail "(HELO client.example.com)",
  // Exchange 2003 "(EHLO host)": the HELO/EHLO name.
  for (std::string_view key : {"helo=", "helo ", "ehlo=", "ehlo "}) {
    std::size_t p = find_key(c, key);
    if (p != std::string_view::npos && f->helo.empty()) {
      std::string_view w = word_after(c, p + key.size());
      if (!w.empty() && w.front() == '[' && w.back() != ']') {
        std::size_t close = c.find(']', p);
        if (close != std::string_view::npos) w = c.substr(w.data() - c.data(), close + 1 - static_cast<std::size_t>(w.data() - c.data()));
      }
      f->helo.assign(w);
    }
  }
  if (std::size_t p = find_key(c, "ident="); p != std::string_view::npos)
    f->ident.assign(word_after(c, p + 6));
  for (std::string_view key : {"envelope-from ", "envelope-sender "}) {
    std::size_t p = ifind(c, key);
    if (p != std::string_view::npos && f->envelope_from.empty()) {
      std::string_view w = word_after(c, p + key.size());
      if (!w.empty() && w.front() == '<') w.remove_prefix(1);
      if (!w.empty() && w.back() == '>') w.remove_suffix(1);
      f->envelope_from.assign(w);
    }
  }
  if (ifind(c, "may be forged") != std::string_view::npos) f->forged = true;
  if (ifind(c, "authenticated") != std::string_view::npos) f->auth = true;

  // Postfix/Sendmail "(rdns [ip])", Gmail "(rdns. [ip])", Sendmail
  // "(user@rdns [ip])", qmail "(user@[ip])", Postfix "(unknown [ip])".
  std::size_t lb = c.find('[');
  while (lb != std::string_view::npos) {
    std::size_t rb = c.find(']', lb);
    if (rb == std::string_view::npos) break;
    std::string ip = util::clean_ip(c.substr(lb, rb - lb + 1));
    // CommuniGate "(account a@b HELO [10.0.0.1])": a HELO literal, not the peer
    std::string_view before = trim(c.substr(0, lb));
    auto ends_with = [&](std::string_view suffix) {
      return before.size() >= suffix.size() && iequals(before.substr(before.size() - suffix.size()), suffix);
    };
    bool helo_literal = ends_with("HELO") || ends_with("EHLO") || ends_with("helo=");
    if (!ip.empty() && helo_literal) {
      lb = c.find('[', rb);
      continue;
    }
    if (!ip.empty()) {
      if (f->ip.empty()) f->ip = ip;
      // the word before the literal names the host
      std::size_t e = lb;
      while (e > 0 && (c[e - 1] == ' ' || c[e - 1] == '\t')) --e;
      std::size_t b = e;
      while (b > 0 && !is_space(c[b - 1]) && c[b - 1] != '(' && c[b - 1] != ',') --b;
      std::string_view host = util::strip_dot(strip_user(c.substr(b, e - b)));
      if (host.size() > 6 && util::istarts_with(host, "IDENT:")) host = strip_user(host.substr(6));
      if (f->rdns.empty() && util::is_hostname(host) && !iequals(host, "unknown") &&
          host.find('=') == std::string_view::npos)
        f->rdns.assign(host);
      return;
    }
    lb = c.find('[', rb);
  }
  // Exchange "(203.0.113.25)", "(2603:10b6:5:1c0::12)", qmail "(198.51.100.30)"
  // and "(user@198.51.100.30)": a bare address among the comment's words.
  if (!f->ip.empty()) return;
  std::size_t i = 0;
  while (i < c.size()) {
    while (i < c.size() && (is_space(c[i]) || c[i] == ',')) ++i;
    std::size_t b = i;
    while (i < c.size() && !is_space(c[i]) && c[i] != ',') ++i;
    std::string_view w = c.substr(b, i - b);
    if (w.empty()) continue;
    if (!f->helo.empty() && w == f->helo) continue;  // "HELO [10.0.0.1]" is not the peer
    if (w.find('=') != std::string_view::npos) continue;  // "port=25"
    std::string ip = util::clean_ip(strip_user(w));
    if (!ip.empty()) {
      f->ip = ip;
      return;
    }
  }
}

/// is_mta_comment - comments that name software, not a host: "(Postfix)".
bool mentions_exim(std::string_view c) { return ifind(c, "exim") != std::string_view::npos; }

}  // namespace

ReceivedFields parse_received(std::string_view value) {
  ReceivedFields r;
  value = trim(value);
  // NAVGW: "(from localhost [192.0.2.1]) by host with SMTP ...": the from
  // clause sits inside a comment. Unwrap it.
  std::string unwrapped;
  if (util::istarts_with(value, "(from ")) {
    std::size_t close = value.find(')');
    if (close != std::string_view::npos) {
      unwrapped.assign(value);
      unwrapped[0] = ' ';
      unwrapped[close] = ' ';
      value = unwrapped;
    }
  }

  // 1. The date: after the last top-level ';' that is followed by a date.
  bool truncated = false;
  // The token and comment lists live in per-thread buffers reused from one
  // field to the next (parse_received never calls itself).
  thread_local std::vector<Token> toks;
  tokenize(value, &truncated, &toks);
  if (truncated) r.notes.emplace_back("too many tokens: the tail was ignored");
  std::size_t clause_end_tok = toks.size();
  for (std::size_t k = toks.size(); k-- > 0;) {
    if (toks[k].kind != Kind::kSemi) continue;
    std::string_view rest = trim(value.substr(toks[k].pos + 1));
    if (rest.empty()) continue;
    if (auto d = parse_date(rest)) {
      r.date_text.assign(trim(rest.substr(0, d->consumed)));
      r.time = d->epoch;
      r.time_zone_known = d->tz_known;
      clause_end_tok = k;
      break;
    }
    if (r.date_text.empty()) r.date_text.assign(rest);
  }
  if (!r.time) {
    // SendGrid: "... with SMTP id abc 2020-06-17 16:39:24.757 +0000 UTC m=+..." (no ';')
    std::size_t pos = 0;
    if (auto d = find_date(value, &pos)) {
      r.date_text.assign(trim(value.substr(pos, d->consumed)));
      r.time = d->epoch;
      r.time_zone_known = d->tz_known;
      r.notes.emplace_back("date without ';' before it");
      clause_end_tok = 0;
      while (clause_end_tok < toks.size() && toks[clause_end_tok].pos < pos) ++clause_end_tok;
    } else if (!r.date_text.empty()) {
      r.notes.push_back("unparsable date '" + r.date_text + "'");
      r.partial = true;
      for (std::size_t k = toks.size(); k-- > 0;)
        if (toks[k].kind == Kind::kSemi) {
          clause_end_tok = k;
          break;
        }
    } else {
      r.notes.emplace_back("no date");
      r.partial = true;
    }
  }

  // 2. The clauses.
  Clause clause = Clause::kNone;
  bool have_value = false;
  std::string_view from_word;
  bool from_literal = false;
  thread_local std::vector<std::string_view> from_comments, all_comments, with_words;
  from_comments.clear();
  all_comments.clear();
  with_words.clear();
  bool exim = false;
  bool seen_from = false, seen_by = false;
  std::string by_ip;
  for (std::size_t k = 0; k < clause_end_tok; ++k) {
    const Token& t = toks[k];
    switch (t.kind) {
      case Kind::kSemi:
        break;
      case Kind::kComment:
        all_comments.push_back(t.text);
        if (mentions_exim(t.text)) exim = true;
        if (clause == Clause::kFrom) from_comments.push_back(t.text);
        if (clause == Clause::kBy && r.by_host.size() && by_ip.empty()) {
          std::string ip = util::clean_ip(t.text);
          if (!ip.empty()) by_ip = ip;
        }
        if (clause == Clause::kNone && !seen_from && !seen_by) {
          // qmail "(qmail 12345 invoked by uid 89)": a comment-only field
          r.notes.push_back("comment-only clause '" + std::string(trim(t.text)) + "'");
        }
        break;
      case Kind::kWord:
      case Kind::kQuoted: {
        Clause kw = keyword(t.text);
        // A keyword always opens its clause: "from ([192.0.2.1]) by mx" has
        // no from word, and no real host is called "by" or "with".
        if (t.kind == Kind::kWord && kw != Clause::kOther) {
          clause = kw;
          have_value = false;
          if (kw == Clause::kFrom) seen_from = true;
          if (kw == Clause::kBy) seen_by = true;
          break;
        }
        if (clause == Clause::kWith) {
          with_words.push_back(t.text);
          if (!have_value) r.protocol.assign(t.text);
          have_value = true;
          break;
        }
        if (have_value || clause == Clause::kNone || clause == Clause::kOther) {
          if (clause == Clause::kNone) r.partial = true;
          r.notes.push_back("unexpected word '" + std::string(t.text) + "'");
          break;
        }
        have_value = true;
        switch (clause) {
          case Clause::kFrom: from_word = t.text; break;
          case Clause::kBy: {
            std::string_view b = t.text;  // "by st.example.at, id ..." (smtpd)
            while (!b.empty() && (b.back() == ',' || b.back() == '.')) b.remove_suffix(1);
            r.by_host.assign(b);
            break;
          }
          case Clause::kVia: r.via.assign(t.text); break;
          case Clause::kId: r.id.assign(t.text); break;
          case Clause::kFor: r.for_addr.assign(t.text); break;
          default: break;
        }
        if (clause == Clause::kVia) {
          // Exchange "via Frontend Transport": the via value runs to the next keyword
          while (k + 1 < clause_end_tok && toks[k + 1].kind == Kind::kWord && keyword(toks[k + 1].text) == Clause::kOther) {
            ++k;
            r.via.append(" ").append(toks[k].text);
          }
        }
        break;
      }
      case Kind::kLiteral:
        if (clause == Clause::kFrom && !have_value) {
          from_word = t.text;
          from_literal = true;
          have_value = true;
        } else if (clause == Clause::kFrom) {
          from_comments.push_back(value.substr(t.pos, t.text.size() + 2));
        } else if (clause == Clause::kBy && !have_value) {
          r.by_host = util::clean_ip(t.text);
          if (r.by_host.empty()) r.by_host.assign(t.text);
          have_value = true;
        }
        break;
      case Kind::kAngle:
        if (clause == Clause::kFor && !have_value) {
          r.for_addr.assign(t.text);
          have_value = true;
        } else if (clause == Clause::kFrom && !have_value) {
          from_word = t.text;
          have_value = true;
        } else if (clause == Clause::kBy && !have_value) {
          r.by_host.assign(t.text);  // "by <server>" (MailGate)
          have_value = true;
        }
        break;
    }
  }

  // 3. The from clause.
  FromFacts f;
  for (std::string_view c : from_comments) scan_from_comment(c, &f);
  if (f.envelope_from.empty() || f.ident.empty() || !f.auth) {
    for (std::string_view c : all_comments) {
      FromFacts extra;
      if (ifind(c, "envelope-") != std::string_view::npos || ifind(c, "authenticated") != std::string_view::npos) {
        scan_from_comment(c, &extra);
        if (f.envelope_from.empty()) f.envelope_from = extra.envelope_from;
        if (extra.auth) f.auth = true;
      }
    }
  }
  std::string word_ip = from_literal ? util::clean_ip(value.substr(from_word.data() - value.data() - 1, from_word.size() + 2))
                                     : util::clean_ip(from_word);
  r.from_ip = f.ip.empty() ? word_ip : f.ip;
  if (!f.helo.empty()) {
    r.from_host = f.helo;
    if (word_ip.empty() && util::is_hostname(from_word) && !iequals(from_word, "unknown"))
      r.from_rdns.assign(util::strip_dot(from_word));
    else
      r.from_rdns = f.rdns;
  } else {
    r.from_host.assign(from_literal ? word_ip : std::string(util::strip_dot(from_word)));
    if (r.from_host.empty() && from_literal) r.from_host.assign(from_word);
    r.from_rdns = f.rdns;
    // Exim writes the verified host name as the from word and omits helo=
    // when the two agree: "from mx.example.com ([198.51.100.7]:41234)".
    if (exim && r.from_rdns.empty() && word_ip.empty() && util::is_hostname(from_word))
      r.from_rdns.assign(util::strip_dot(from_word));
  }
  r.ident = f.ident;
  r.envelope_from = f.envelope_from;
  if (f.forged) r.notes.emplace_back("receiver noted the HELO may be forged");

  // 4. Protocol, TLS and authentication.
  TlsScan tls;
  if (std::size_t slash = r.protocol.find("/TLS/"); slash != std::string::npos) {
    // "ESMTP/TLS/DHE-RSA-AES256-GCM-SHA384"
    tls.cipher = r.protocol.substr(slash + 5);
    tls.evidence = r.protocol;
    r.protocol.resize(slash);
  }
  for (std::string_view c : all_comments) {
    if (!tls.version.empty()) break;
    scan_tls_comment(c, &tls);
  }
  for (std::size_t k = 0; k + 1 < with_words.size(); ++k) {
    // Exim 4.94+: "with esmtps tls TLS_AES_256_GCM_SHA384"
    if (iequals(with_words[k], "tls") && tls.cipher.empty()) {
      tls.cipher.assign(with_words[k + 1]);
      if (tls.evidence.empty()) tls.evidence = "tls";
    }
  }
  if (is_tls_protocol(r.protocol) && tls.evidence.empty()) tls.evidence = r.protocol;
  if (!tls.evidence.empty() || !tls.version.empty()) {
    TlsInfo info;
    info.version = tls.version;
    info.cipher = tls.cipher;
    info.evidence = tls.evidence.empty() ? r.protocol : tls.evidence;
    r.tls = info;
  }
  if (is_auth_protocol(r.protocol)) r.auth = r.protocol;
  else if (f.auth) r.auth = "authenticated";
  if (!exim && !r.protocol.empty()) {
    // keep Exchange's "Microsoft SMTP Server" as one protocol name
    if (with_words.size() >= 3 && iequals(with_words[0], "Microsoft") && iequals(with_words[1], "SMTP"))
      r.protocol = "Microsoft SMTP Server";
  }
  r.by_ip = by_ip;

  if (!seen_from && !seen_by) {
    r.partial = true;
    r.notes.emplace_back("no from or by clause");
  }
  return r;
}

}  // namespace ndrscan::rfc5322
