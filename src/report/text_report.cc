// text_report.cc - plain-text rendering, 80 columns, optional ANSI colour.
#include "src/report/text_report.h"

#include <fmt/format.h>

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
    if (static_cast<unsigned char>(c) < 32 || c == 0x7f) c = ' ';
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
    out->append(indent).append(rest.substr(0, take)).append("\n");
    rest.remove_prefix(take);
  }
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

void render_hops(std::string* out, const std::vector<Hop>& hops, const Style& st, std::size_t width) {
  for (const auto& h : hops) {
    std::string from = h.from_host.empty() ? std::string("?") : clean(h.from_host);
    if (!h.from_rdns.empty() && h.from_rdns != h.from_host) from += " (" + clean(h.from_rdns) + ")";
    if (!h.from_ip.empty() && h.from_ip != h.from_host) from += " [" + h.from_ip + "]";
    if (h.from_host.empty() && !h.from_ip.empty()) from = "[" + h.from_ip + "]";
    std::string delay = fmt_delay(h);
    std::string delay_col = fmt::format("{:>7}", delay);
    if (h.clock_skew) delay_col = st.red(delay_col);
    out->append(fmt::format("  {:>2}  {}{}  from {}\n", h.index, st.dim(fmt_time(h.time)), delay_col, from));
    std::string by = h.by_host.empty() ? std::string("?") : clean(h.by_host);
    std::string proto = clean(h.protocol);
    if (h.tls) {
      std::string tls = h.tls->version.empty() ? std::string("TLS") : clean(h.tls->version);
      if (!h.tls->cipher.empty()) tls += " " + clean(h.tls->cipher);
      proto += (proto.empty() ? "" : ", ") + tls;
    }
    std::string line = "by " + by + (proto.empty() ? "" : "  " + proto);
    wrap_text(out, line, "                                   ", width);
    if (h.clock_skew)
      out->append(fmt::format("{:35}{}\n", "", st.red("clock skew: earlier than the previous hop")));
    if (h.partial) out->append(fmt::format("{:35}{}\n", "", st.yellow("only partly understood (see diagnostics)")));
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
    what = "delivery status report";
    if (failed) what += fmt::format(", {} failed", failed);
    if (delayed) what += fmt::format(", {} delayed", delayed);
    if (other) what += fmt::format(", {} other", other);
  } else if (a.input_kind == "headers") {
    what = "header block";
  } else {
    what = "message, no delivery status report found";
  }
  out += st.bold(clean(a.source)) + ": " + what + "\n";
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
  if (a.dsn) kv("Reporter", a.dsn->reporting_mta);

  if (!a.recipients.empty()) {
    out += "\n" + st.bold("Recipients") + "\n";
    for (const auto& r : a.recipients) {
      std::string action = r.action.empty() ? std::string("?") : r.action;
      std::string colored = action == "failed" ? st.red(action)
                            : action == "delayed" ? st.yellow(action)
                            : action == "delivered" ? st.green(action) : action;
      std::string addr = r.address.empty() ? std::string("(no address)") : clean(r.address);
      out += fmt::format("  {}  {}  {}{}\n", st.bold(addr), colored, r.status.empty() ? "-" : r.status,
                         r.reply_code.empty() ? "" : "  " + r.reply_code);
      if (!r.status_text.empty()) wrap_text(&out, r.status + ": " + r.status_text, "    ", width);
      if (!r.diagnostic.empty()) wrap_text(&out, r.diagnostic, "    ", width);
      if (!r.remote_mta.empty()) wrap_text(&out, "remote server: " + r.remote_mta, "    ", width);
    }
  }

  if (!a.hops.empty()) {
    out += "\n" + st.bold(fmt::format("Route of this message ({} hop{}, oldest first)", a.hops.size(),
                                      a.hops.size() == 1 ? "" : "s")) + "\n";
    render_hops(&out, a.hops, st, width);
  }
  if (a.original) {
    out += "\n" + st.bold("Returned original") + (a.original->headers_only ? " (headers only)" : "") + "\n";
    std::string saved;
    auto okv = [&](std::string_view key, const std::string& v) {
      if (!v.empty()) wrap_text(&out, fmt::format("{:<9}{}", key, v), "  ", width);
    };
    okv("Subject", a.original->subject);
    okv("From", a.original->from);
    okv("To", a.original->to);
    okv("Date", a.original->date);
    okv("Msg-ID", a.original->message_id);
    if (!a.original->hops.empty()) {
      out += fmt::format("  Route ({} hop{}, oldest first)\n", a.original->hops.size(),
                         a.original->hops.size() == 1 ? "" : "s");
      render_hops(&out, a.original->hops, st, width);
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
