// text_report.cc - plain-text rendering, 80 columns, optional ANSI colour.
#include "src/report/text_report.h"

#include <fmt/format.h>

#include <algorithm>

#include "parsers/rfc2047/encoded_word.h"
#include "parsers/rfc5322/date.h"

namespace ndrscan::report {
namespace {

struct Style {
  bool on;
  std::string bold(std::string_view s) const { return wrap("1", s); }
  std::string dim(std::string_view s) const { return wrap("2", s); }
  std::string red(std::string_view s) const { return wrap("31", s); }
  std::string green(std::string_view s) const { return wrap("32", s); }
  std::string yellow(std::string_view s) const { return wrap("33", s); }
  std::string cyan(std::string_view s) const { return wrap("36", s); }
  std::string wrap(const char* code, std::string_view s) const {
    if (!on || s.empty()) return std::string(s);
    return fmt::format("\x1b[{}m{}\x1b[0m", code, s);
  }
};

/// kGlue - a space that wrap_text never breaks at (printed as a space).
constexpr char kGlue = '\x1f';

/// display_width - columns taken by UTF-8 text (one per code point; good
/// enough for the Latin text of headers).
std::size_t display_width(std::string_view s) {
  std::size_t w = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++w;
  return w;
}

/// clean - printable single-line text: control characters become spaces.
std::string clean(std::string_view s) {
  std::string out = rfc2047::sanitize_utf8(s);
  for (char& c : out)
    if ((static_cast<unsigned char>(c) < 32 && c != kGlue) || c == 0x7f) c = ' ';
  return out;
}

/// wrap_text - word-wrap `text` to `width`, each line prefixed by `indent`.
void wrap_text(std::string* out, std::string_view text, std::string_view indent, std::size_t width) {
  std::string t = clean(text);
  std::string_view rest = t;
  std::size_t avail = width > indent.size() + 10 ? width - indent.size() : 10;
  while (!rest.empty()) {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (rest.empty()) break;
    std::size_t take = rest.size();
    if (display_width(rest) > avail) {
      // break at the last blank that fits, else at the width (long token)
      std::size_t cols = 0, i = 0, last_blank = std::string_view::npos;
      for (; i < rest.size(); ++i) {
        if ((static_cast<unsigned char>(rest[i]) & 0xC0) != 0x80) {
          if (cols == avail) break;
          ++cols;
        }
        if (rest[i] == ' ') last_blank = i;
      }
      take = (last_blank != std::string_view::npos && last_blank > 0) ? last_blank : i;
    }
    std::string piece(rest.substr(0, take));
    while (!piece.empty() && piece.back() == ' ') piece.pop_back();
    std::replace(piece.begin(), piece.end(), kGlue, ' ');
    out->append(indent).append(piece).append("\n");
    rest.remove_prefix(take);
  }
}

std::string util_trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::string fmt_time(const std::optional<std::int64_t>& t) {
  if (!t) return "(no date)           ";
  std::string iso = rfc5322::format_iso8601_utc(*t);  // 2024-11-12T09:15:02Z
  iso[10] = ' ';
  return iso;
}

std::string fmt_delay(const Hop& h) {
  if (!h.delay_s) return "";
  std::int64_t d = *h.delay_s;
  std::int64_t a = d < 0 ? -d : d;
  std::string v;
  if (a < 120) v = fmt::format("{}s", a);
  else if (a < 7200) v = fmt::format("{}m{:02}s", a / 60, a % 60);
  else if (a < 172800) v = fmt::format("{}h{:02}m", a / 3600, (a % 3600) / 60);
  else v = fmt::format("{}d{:02}h", a / 86400, (a % 86400) / 3600);
  return (d < 0 ? "-" : "+") + v;
}

/// net_label - "EOP 95%", "google 96%", "on-prem 95%".
std::string net_label(const std::optional<NetworkInfo>& n) {
  if (!n || n->net_class == "unknown") return {};
  std::string l;
  if (n->net_class == "eop") l = "EOP";
  else if (n->net_class == "exchange-online") l = "Exchange Online";
  else if (n->net_class == "onprem") l = "on-prem";
  else if (n->net_class == "private") l = "private network";
  else l = n->provider;
  std::string label = fmt::format("{} {}%", l, n->confidence);
  std::replace(label.begin(), label.end(), ' ', kGlue);
  return label;
}

/// wrap_hanging - "label text" wrapped so continuation lines align with text.
void wrap_hanging(std::string* out, std::string_view indent, std::string_view label, const std::string& text,
                  std::size_t width) {
  std::string body;
  std::string pad(indent.size() + label.size(), ' ');
  wrap_text(&body, text, pad, width);
  if (body.size() >= pad.size()) body.replace(0, pad.size(), std::string(indent) + std::string(label));
  out->append(body);
}

void render_hops(std::string* out, const std::vector<Hop>& hops, const Style& st, std::size_t width) {
  for (const auto& h : hops) {
    std::string delay = fmt_delay(h);
    if (h.clock_skew) delay = st.red(delay + "  clock skew: earlier than the previous hop");
    std::string head = fmt::format("  {:>2}  {}  {}", h.index, st.dim(fmt_time(h.time)), delay);
    while (!head.empty() && head.back() == ' ') head.pop_back();
    out->append(head).append("\n");
    bool has_from = !h.from_ip.empty() || !h.from_host.empty() || !h.from_rdns.empty();
    if (has_from) {
      std::string from = h.from_host.empty() ? std::string() : clean(h.from_host);
      if (!h.from_rdns.empty() && h.from_rdns != h.from_host) from += " (" + clean(h.from_rdns) + ")";
      if (!h.from_ip.empty() && h.from_ip != h.from_host) from += " [" + h.from_ip + "]";
      if (from.empty()) from = "?";
      std::string net = net_label(h.from_network);
      wrap_hanging(out, "      ", "from ", util_trim(from) + (net.empty() ? "" : "  " + net), width);
    }
    std::string by = h.by_host.empty() ? std::string("?") : clean(h.by_host);
    std::string proto = clean(h.protocol);
    if (h.tls) {
      std::string tls = h.tls->version.empty() ? std::string("TLS") : clean(h.tls->version);
      if (!h.tls->cipher.empty()) tls += " " + clean(h.tls->cipher);
      proto += (proto.empty() ? "" : ", ") + tls;
    }
    std::string net = net_label(h.by_network);
    wrap_hanging(out, "      ", "by   ", by + (proto.empty() ? "" : "  " + proto) + (net.empty() ? "" : "  " + net),
                 width);
    if (h.partial) out->append("           " + st.yellow("only partly understood (see diagnostics)") + "\n");
  }
}

}  // namespace

std::string render_text(const Analysis& a, const TextOptions& opts) {
  Style st{opts.color};
  const std::size_t width = static_cast<std::size_t>(opts.width);
  std::string out;

  // Headline: what this input is.
  std::size_t failed = 0, delayed = 0, other = 0;
  for (const auto& r : a.recipients) {
    if (r.action == "failed") ++failed;
    else if (r.action == "delayed") ++delayed;
    else ++other;
  }
  std::string what;
  if (a.dsn || !a.recipients.empty()) {
    what = a.dialect.empty() || a.dialect == "rfc3464" ? "delivery status report" : a.dialect + " bounce";
    if (failed) what += fmt::format(", {} failed", failed);
    if (delayed) what += fmt::format(", {} delayed", delayed);
    if (other) what += fmt::format(", {} other", other);
  } else if (a.kind == "bounce") {
    what = "failure notice naming no recipient";
  } else if (a.input_kind == "headers") {
    what = "header block";
  } else {
    what = "message, no delivery status report found";
  }
  {
    std::string source = a.source == "-" ? std::string("<stdin>") : clean(a.source);
    std::string head;
    wrap_text(&head, source + ": " + what, "", width);
    std::size_t colon = head.find(source) == 0 ? source.size() : 0;
    out += st.bold(head.substr(0, colon)) + head.substr(colon);
  }
  auto kv = [&](std::string_view key, const std::string& v) {
    if (v.empty()) return;
    std::string line = fmt::format("{:<9}", key);
    std::string body;
    wrap_text(&body, v, std::string(11, ' '), width);
    if (body.size() > 11) body.replace(0, 11, "  " + line);
    out += body;
  };
  kv("Subject", a.subject);
  kv("From", a.from);
  kv("To", a.to);
  kv("Date", a.date);
  kv("Reporter", a.reporting_mta);
  if (a.rejected_by) {
    const RejectedBy& r = *a.rejected_by;
    std::string who = r.host.empty() ? r.ip : (r.ip.empty() ? r.host : r.host + " [" + r.ip + "]");
    std::string where = r.network.net_class == "unknown" ? std::string("Internet (in no network table)")
                                                         : fmt::format("{} ({})", r.network.provider_name.empty()
                                                                                      ? r.network.net_class
                                                                                      : r.network.provider_name,
                                                                       r.network.net_class);
    std::string hop = r.hop ? fmt::format(", hop {} of the {}", r.hop, r.chain == "original" ? "original" : "bounce") : "";
    kv("Refused", fmt::format("{}: {}{} (from {})", who, where, hop, r.source));
  }

  if (!a.recipients.empty()) {
    out += "\n" + st.bold("Recipients") + "\n";
    for (const auto& r : a.recipients) {
      std::string action = r.action.empty() ? std::string("?") : r.action;
      std::string colored = action == "failed" ? st.red(action)
                            : action == "delayed" ? st.yellow(action)
                            : action == "delivered" ? st.green(action) : action;
      std::string addr = r.address.empty() ? std::string("(no address)") : clean(r.address);
      out += fmt::format("  {}  {}  {}{}{}{}\n", st.bold(addr), colored, r.status.empty() ? "-" : r.status,
                         r.status_inferred ? " (inferred)" : "", r.reply_code.empty() ? "" : "  " + r.reply_code,
                         r.reason.empty() ? "" : "  " + st.cyan(r.reason) + (r.hard && *r.hard ? " (hard)" : ""));
      if (!r.status_text.empty()) wrap_text(&out, r.status + " (registry): " + r.status_text, "    ", width);
      if (!r.diagnostic.empty()) wrap_text(&out, r.diagnostic, "    ", width);
      if (!r.remote_mta.empty()) wrap_text(&out, "remote server: " + r.remote_mta, "    ", width);
    }
  }

  // Likely causes (src/catalogue): the top 3 with their evidence, then the
  // steps of the top cause; --explain adds the whole scoring.
  if (!a.causes.empty()) {
    out += "\n" + st.bold("Likely causes") + "\n";
    std::size_t shown = std::min<std::size_t>(3, a.causes.size());
    for (std::size_t i = 0; i < shown; ++i) {
      const CauseMatch& c = a.causes[i];
      std::string head;
      wrap_text(&head, fmt::format("{}. {}  (score {})", c.rank, c.title, c.score), "     ", width);
      if (head.size() > 5) head.replace(0, 5, "  ");
      out += head;
      out += "     " + st.dim(c.id) + "\n";
      for (const auto& e : c.evidence) wrap_hanging(&out, "     ", "- ", e, width);
    }
    if (a.causes.size() > shown)
      out += fmt::format("  ({} more: --explain lists them)\n", a.causes.size() - shown);
    const CauseMatch& top = a.causes.front();
    if (!top.steps.empty()) {
      out += "  " + st.bold("What to do") + " (" + top.id + ")\n";
      for (std::size_t i = 0; i < top.steps.size(); ++i) {
        const Step& s = top.steps[i];
        wrap_hanging(&out, "  ", fmt::format("{:>2}. ", i + 1), s.text, width);
        if (!s.shell.empty()) out += "      " + st.dim("[" + clean(s.shell) + "]") + "\n";
        // a command is never wrapped, so it copies whole; "$ " marks it
        if (!s.command.empty()) out += "      $ " + st.cyan(clean(s.command)) + "\n";
      }
    }
    if (!top.refs.empty()) {
      out += "  References\n";
      for (const auto& r : top.refs) wrap_text(&out, r, "    ", width);
    }
    if (opts.explain) {
      out += "\n" + st.bold("Cause scoring (--explain)") + "\n";
      for (const auto& c : a.causes) {
        out += fmt::format("  {}. {}  score {}\n", c.rank, st.bold(c.id), c.score);
        if (!c.recipients.empty()) wrap_text(&out, "recipients: " + fmt::format("{}", fmt::join(c.recipients, ", ")), "     ", width);
        for (const auto& e : c.explain) {
          // "✓ match status [...]: ..." -> continuation lines align after the one-column mark
          std::size_t sp = e.find(' ');
          std::string body;
          wrap_text(&body, sp == std::string::npos ? e : e.substr(sp + 1), "       ", width);
          if (sp != std::string::npos && body.size() >= 7) body.replace(0, 7, "     " + e.substr(0, sp + 1));
          out += body;
        }
      }
    }
  }

  if (!a.hops.empty()) {
    out += "\n" + st.bold(fmt::format("Route of this message ({} hop{}, oldest first)", a.hops.size(),
                                      a.hops.size() == 1 ? "" : "s")) + "\n";
    if (!a.route.empty()) wrap_text(&out, "Route: " + a.route, "  ", width);
    render_hops(&out, a.hops, st, width);
  }
  if (a.original) {
    out += "\n" + st.bold("Returned original") + (a.original->headers_only ? " (headers only)" : "") + "\n";
    auto okv = [&](std::string_view key, const std::string& v) {
      if (!v.empty()) wrap_hanging(&out, "  ", fmt::format("{:<9}", key), v, width);
    };
    okv("Subject", a.original->subject);
    okv("From", a.original->from);
    okv("To", a.original->to);
    okv("Date", a.original->date);
    okv("Msg-ID", a.original->message_id);
    if (!a.original->hops.empty()) {
      out += fmt::format("  Route ({} hop{}, oldest first)\n", a.original->hops.size(),
                         a.original->hops.size() == 1 ? "" : "s");
      if (!a.original_route.empty()) wrap_text(&out, "Route: " + a.original_route, "  ", width);
      render_hops(&out, a.original->hops, st, width);
    }
  }
  if (!a.findings.empty()) {
    out += "\n" + st.bold("Findings") + "\n";
    for (const auto& f : a.findings) {
      std::string sev = f.severity == "warn" ? st.yellow("warn") : st.cyan("info");
      std::string body;
      wrap_text(&body, fmt::format("{} ({}): {}", f.id, f.chain, f.message), "        ", width);
      if (body.size() > 8) body.replace(0, 8, "  " + sev + "  ");
      out += body;
    }
  }
  if (!a.diagnostics.empty()) {
    out += "\n" + st.bold("Diagnostics") + "\n";
    for (const auto& d : a.diagnostics) {
      std::string where = d.offset >= 0 ? fmt::format("@{} ", d.offset) : "";
      std::string sev = d.severity == Severity::kCrit ? st.red("crit") : st.yellow("warn");
      std::string body;
      wrap_text(&body, fmt::format("{}{}: {}", where, d.code, d.message), "        ", width);
      if (body.size() > 8) body.replace(0, 8, "  " + sev + "  ");
      out += body;
    }
  }
  return out;
}

}  // namespace ndrscan::report
