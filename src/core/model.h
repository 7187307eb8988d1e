// model.h - the plain data ndrscan extracts from one message.
//
// PURPOSE
//   Every parser fills these structs and every reporter reads them; nothing
//   here knows how text is parsed or printed. Field names mirror the JSON
//   contract documented in docs/json.md: a rename here is a contract change.
//
// DIAGNOSTICS
//   Problems found while parsing are appended to Analysis::diagnostics with a
//   byte offset into the input message, never thrown.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ndrscan {

namespace microsoft {
struct MsHeaders;     // parsers/microsoft/ms_headers.h
struct AuthFindings;  // parsers/microsoft/auth_results.h
}  // namespace microsoft

/// Severity of a parse diagnostic (after GMime's WARN/CRIT split).
enum class Severity { kWarn, kCrit };

/// One thing that was malformed, repaired or capped in the input.
struct Diagnostic {
  Severity severity = Severity::kWarn;
  std::string code;     ///< stable machine id, e.g. "received-unparsed"
  std::int64_t offset = -1;  ///< byte offset in the message, -1 if unknown
  std::string message;  ///< one human-readable line
};

/// TLS facts of one hop, as the receiving server wrote them.
struct TlsInfo {
  std::string version;  ///< "TLSv1.2", "TLS1_3", ... as written; empty if unknown
  std::string cipher;   ///< cipher suite as written; empty if unknown
  std::string evidence; ///< what showed TLS: "ESMTPS", "version=TLS1_2", ...
};

/// Which network one side of a hop belongs to, and why.
struct NetworkInfo {
  std::string net_class = "unknown";  ///< eop | exchange-online | onprem | third-party-filter | provider | private | unknown
  std::string provider;               ///< provider id ("microsoft-eop"), empty when unknown
  std::string provider_name;          ///< display name ("Microsoft Exchange Online Protection")
  int confidence = 0;                 ///< 0..100
  std::vector<std::string> evidence;  ///< one line per fact that matched, with its table row
  std::uint32_t asn = 0;              ///< from a MaxMind-format database, 0 if unknown
  std::string as_name, country;
};

/// One Received field turned into a hop.
struct Hop {
  int index = 0;            ///< 1 = oldest hop
  std::string from_host;    ///< HELO/EHLO name (or the from word when no HELO is given)
  std::string from_rdns;    ///< reverse-DNS name the receiver recorded
  std::string from_ip;      ///< connecting IP, no brackets, port or "IPv6:" prefix
  std::string by_host;      ///< receiving host
  std::string by_ip;        ///< receiving host address when written
  std::string protocol;     ///< with clause: ESMTP, ESMTPS, SMTP, HTTPS, mapi, ...
  std::optional<TlsInfo> tls;  ///< set when the hop shows TLS
  std::string id;           ///< id clause (queue id, Exchange build, ...)
  std::string for_addr;     ///< for clause address, without angle brackets
  std::string via;          ///< via clause ("Frontend Transport", ...)
  std::string exchange_version;  ///< product named by an Exchange build in the id clause
  std::string envelope_from;///< envelope-from comment (Exim, Sendmail)
  std::optional<std::int64_t> time;  ///< UTC seconds since the epoch
  bool time_zone_known = true;       ///< false: no zone or -0000 in the date
  std::optional<std::int64_t> delay_s;  ///< seconds since the previous hop
  bool clock_skew = false;  ///< delay_s < 0: clocks disagree
  std::string raw;          ///< the unfolded field value
  std::int64_t offset = -1; ///< byte offset of the field in the message
  bool partial = false;     ///< some of the field could not be understood
  std::optional<NetworkInfo> from_network;  ///< the sending side (from_ip, from_rdns, from_host)
  std::optional<NetworkInfo> by_network;    ///< the receiving side (by_host, by_ip)
};

/// Something the route as a whole shows (loop, bypassed filter, ...).
struct Finding {
  std::string id;        ///< mail-loop | hop-count-high | filter-bypassed | clock-skew | tls-downgrade
  std::string severity;  ///< "warn" or "info"
  std::string chain;     ///< "bounce" or "original"
  std::vector<int> hops; ///< hop indexes involved
  std::string message;   ///< one line for people
};

/// The server that generated or returned the failure, placed on the route.
struct RejectedBy {
  std::string host, ip;
  std::string source;     ///< "Remote-MTA", "Reporting-MTA", "diagnostic"
  NetworkInfo network;
  int hop = 0;            ///< index of the hop whose receiving side is this server, 0 if not on a route
  std::string chain;      ///< "bounce" or "original": which route `hop` refers to
};

/// One per-recipient block of a DSN (RFC 3464 2.3), enriched.
struct Recipient {
  std::string address;             ///< Final-Recipient address (or the text's)
  std::string original_recipient;  ///< Original-Recipient address
  std::string action;              ///< failed | delayed | delivered | relayed | expanded
  std::string status;              ///< most specific enhanced status, e.g. "5.1.1"
  bool status_inferred = false;    ///< `status` was inferred from the text/reason (the bounce gave none)
  std::string dsn_status;          ///< Status field as written
  std::string reply_code;          ///< basic SMTP reply code, e.g. "550"
  std::string diagnostic;          ///< diagnostic text (Diagnostic-Code without its type)
  std::string diagnostic_type;     ///< "smtp", "x-unix", ...
  std::string status_text;         ///< meaning of `status` (RFC 3463 table)
  std::string reason;              ///< Sisimai vocabulary: userunknown, mailboxfull, ... ("" until classified)
  std::optional<bool> hard;        ///< hard bounce (Sisimai's notion); unset when not classified
  std::string reason_evidence;     ///< what decided the reason
  std::string cause;               ///< top cause id from the catalogue ("" when none)
  std::string remote_mta;          ///< Remote-MTA host without its type
  std::string command;             ///< SMTP command the failure answered ("RCPT", "DATA", ...), "" when not written
  std::string last_attempt_date;   ///< ISO 8601 UTC, or raw text when unparsable
  std::string will_retry_until;    ///< ISO 8601 UTC, or raw text when unparsable
  std::vector<std::pair<std::string, std::string>> fields;  ///< every field as written
};

/// Per-message DSN fields (RFC 3464 2.2).
struct DsnReport {
  std::string reporting_mta;
  std::string received_from_mta;
  std::string arrival_date;  ///< ISO 8601 UTC, or raw text when unparsable
  std::string original_envelope_id;
  std::vector<std::pair<std::string, std::string>> fields;
  std::int64_t offset = -1;
};

/// The message a bounce returns (message/rfc822 or text/rfc822-headers).
struct OriginalMessage {
  std::string message_id, from, to, subject, date;
  std::vector<Hop> hops;
  bool headers_only = false;  ///< text/rfc822-headers: no body came back
  std::shared_ptr<microsoft::MsHeaders> microsoft;          ///< null when no Microsoft header
  std::shared_ptr<microsoft::AuthFindings> authentication;  ///< null when no authentication header
};

// --- cause catalogue (src/catalogue, knowledge/causes/SCHEMA.md) ---------
/// One remediation step of a cause.
struct Step {
  std::string text;     ///< what to do
  std::string shell;    ///< where: "Exchange Management Shell", "DNS", ... ("" if none)
  std::string command;  ///< a copyable command ("" if none)
};

/// A catalogue cause that matched, ranked (src/catalogue/matcher.h).
struct CauseMatch {
  std::string id, title, reason;        ///< from the catalogue entry
  int rank = 0;                         ///< 1 = most likely
  int score = 0;                        ///< weight + points of the signals that held
  std::vector<std::string> evidence;    ///< the entry's evidence template filled in, then each held signal's why
  std::vector<Step> steps;              ///< ordered remediation
  std::vector<std::string> refs;        ///< documentation references
  std::vector<std::string> explain;     ///< one ✓/✗ line per condition and signal, then the score (--explain)
  std::vector<std::string> recipients;  ///< addresses it applies to (Analysis::causes only)
};

/// Everything ndrscan found in one message.
struct Analysis {
  std::string source;             ///< file name or "-" (stdin)
  std::int64_t source_offset = 0; ///< byte offset of the message in its source
  std::string input_kind;         ///< "message" | "headers" (bare header block) | "text" (body text only)
  std::string kind;               ///< bounce | delay | delivered | autoreply | feedback-report | challenge-response | message | headers
  std::string feedback_type;      ///< ARF Feedback-Type (abuse, fraud, ...) of a feedback report
  bool forwarded = false;         ///< the bounce was read from a message attached to (forwarded in) this one
  std::string message_id, from, to, subject, date;
  std::string content_type;       ///< top-level type/subtype, lowercase
  bool is_report = false;         ///< multipart/report delivery-status seen
  std::string dialect;            ///< which reader found the recipients: "rfc3464", "qmail", ...
  std::string reporting_mta;      ///< DSN Reporting-MTA, else the host a dialect names
  std::string generating_server;  ///< Exchange's "Generating server: X" in the notification text
  std::optional<DsnReport> dsn;
  std::vector<Recipient> recipients;
  std::vector<Hop> hops;          ///< oldest first
  std::optional<OriginalMessage> original;
  std::vector<Diagnostic> diagnostics;
  std::string route;            ///< "Internet > Trend Micro > EOP > on-prem" (bounce's own hops)
  std::string original_route;   ///< the same for the returned original
  std::optional<RejectedBy> rejected_by;
  std::vector<Finding> findings;  ///< route-level detections over both chains
  std::shared_ptr<microsoft::MsHeaders> microsoft;          ///< decoded Microsoft headers, null if none
  std::shared_ptr<microsoft::AuthFindings> authentication;  ///< authentication results, null if none
  std::vector<CauseMatch> causes;  ///< ranked over the failed/delayed recipients (best score per cause)
};

}  // namespace ndrscan
