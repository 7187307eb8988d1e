// date.cc - lenient RFC 5322 date-time parser; see date.h for the contract.
//
// The parser is a hand-written recursive-descent scanner over a
// std::string_view. It never allocates, never throws, and bounds the
// digit count of every number and the length of every white-space run,
// so parse_date() does O(1) work per call and find_date() is linear.

#include "parsers/rfc5322/date.h"

#include <cstdio>

namespace ndrscan::rfc5322 {
namespace {

// Longest run of white space accepted between two tokens. Folded header
// lines rarely indent by more than a few characters; the bound keeps
// find_date() linear on pathological input.
constexpr size_t kMaxGap = 256;

// Longest trailing comment, including its parentheses, that is consumed.
constexpr size_t kMaxComment = 256;

// Longest alphabetic word looked at (day and month names, zone names).
constexpr size_t kMaxWord = 9;  // "September", "Wednesday"

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 9999;

// Fields - broken-down date-time collected while scanning.
struct Fields {
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int weekday = -1;  // 0 = Sunday, -1 = not written
  int tz_offset_min = 0;
  bool tz_seen = false;
  bool tz_known = false;
  bool lenient = false;
};

// Cursor - read position in the input.
struct Cursor {
  std::string_view s;
  size_t i = 0;

  // peek - the byte k positions ahead, or NUL past the end.
  char peek(size_t k = 0) const { return i + k < s.size() ? s[i + k] : '\0'; }
};

// is_digit - ASCII decimal digit.
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }

// is_alpha - ASCII letter.
constexpr bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// is_alnum - ASCII letter or digit.
constexpr bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }

// is_wsp - white space allowed in FWS (RFC 5322 3.2.2), with bare CR/LF.
constexpr bool is_wsp(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// to_lower - ASCII lower case, locale independent.
constexpr char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// iequals - ASCII case-insensitive comparison (RFC 5234 2.3: ABNF
// strings are case-insensitive).
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k)
    if (to_lower(a[k]) != to_lower(b[k])) return false;
  return true;
}

// skip_ws - skip at most kMaxGap bytes of FWS; returns the count skipped.
size_t skip_ws(Cursor& c) {
  size_t n = 0;
  while (n < kMaxGap && is_wsp(c.peek())) {
    ++c.i;
    ++n;
  }
  return n;
}

// read_number - read min_digits..max_digits digits; fails (cursor kept)
// when fewer are present or when another digit follows max_digits.
bool read_number(Cursor& c, int min_digits, int max_digits, int* value,
                 int* ndigits = nullptr) {
  int v = 0;
  int n = 0;
  while (n < max_digits && is_digit(c.peek(static_cast<size_t>(n)))) {
    v = v * 10 + (c.peek(static_cast<size_t>(n)) - '0');
    ++n;
  }
  if (n < min_digits || is_digit(c.peek(static_cast<size_t>(n)))) return false;
  c.i += static_cast<size_t>(n);
  *value = v;
  if (ndigits) *ndigits = n;
  return true;
}

// peek_word - the alphabetic word at the cursor; empty when there is
// none or when it is longer than kMaxWord (no name is that long).
std::string_view peek_word(const Cursor& c) {
  size_t n = 0;
  while (n <= kMaxWord && is_alpha(c.peek(n))) ++n;
  if (n == 0 || n > kMaxWord) return {};
  return c.s.substr(c.i, n);
}

constexpr std::string_view kMonths[12] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

constexpr std::string_view kWeekdays[7] = {
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday"};

// match_name - index of `w` in `names` as a 3-letter abbreviation
// (strict) or a full name or a 4-letter abbreviation such as "Sept",
// "Tues", "Thur" (lenient); -1 when none matches.
int match_name(std::string_view w, const std::string_view* names, int count,
               bool* lenient) {
  if (w.size() < 3) return -1;
  for (int k = 0; k < count; ++k) {
    std::string_view name = names[k];
    if (w.size() == 3) {
      if (iequals(w, name.substr(0, 3))) return k;
    } else if (iequals(w, name) || (w.size() == 4 && iequals(w, name.substr(0, 4)))) {
      *lenient = true;
      return k;
    }
  }
  return -1;
}

// Zone - a named time zone and its offset in minutes east of UTC.
struct Zone {
  std::string_view name;
  int offset_min;
  bool strict;  // allowed by RFC 5322 without being flagged lenient
};

// RFC 5322 4.3 obs-zone names, then common names seen in real mail.
// IST is India (+0530), the common reading in mail logs.
constexpr Zone kZones[] = {
    {"UT", 0, true},       {"GMT", 0, true},      {"Z", 0, true},
    {"EST", -5 * 60, false}, {"EDT", -4 * 60, false}, {"CST", -6 * 60, false},
    {"CDT", -5 * 60, false}, {"MST", -7 * 60, false}, {"MDT", -6 * 60, false},
    {"PST", -8 * 60, false}, {"PDT", -7 * 60, false}, {"UTC", 0, false},
    {"WET", 0, false},     {"WEST", 60, false},   {"CET", 60, false},
    {"CEST", 120, false},  {"BST", 60, false},    {"MET", 60, false},
    {"MEST", 120, false},  {"EET", 120, false},   {"EEST", 180, false},
    {"MSK", 180, false},   {"IST", 330, false},   {"HKT", 480, false},
    {"SGT", 480, false},   {"JST", 540, false},   {"KST", 540, false},
    {"AWST", 480, false},  {"ACST", 570, false},  {"ACDT", 630, false},
    {"AEST", 600, false},  {"AEDT", 660, false},  {"NZST", 720, false},
    {"NZDT", 780, false},  {"AKST", -9 * 60, false}, {"AKDT", -8 * 60, false},
    {"HST", -10 * 60, false},
};

// find_zone - look up a zone name, case-insensitively; nullptr if unknown.
const Zone* find_zone(std::string_view w) {
  for (const Zone& z : kZones)
    if (iequals(w, z.name)) return &z;
  return nullptr;
}

// read_offset - numeric offset after the sign: "hhmm", "hh:mm" or "hh".
// RFC 5322 3.3 allows only "hhmm"; the others (RFC 3339 5.6) are lenient.
bool read_offset(Cursor& c, Fields& f) {
  Cursor t = c;
  char sign = t.peek();
  if (sign != '+' && sign != '-') return false;
  ++t.i;
  int hh = 0, mm = 0, n = 0;
  if (!read_number(t, 1, 4, &hh, &n)) return false;
  if (n == 4) {
    mm = hh % 100;
    hh /= 100;
  } else if (n == 2) {
    f.lenient = true;
    if (t.peek() == ':' && is_digit(t.peek(1))) {
      ++t.i;
      if (!read_number(t, 2, 2, &mm)) return false;
    }
  } else {
    return false;
  }
  if (hh > 23 || mm > 59) return false;
  // RFC 5322 3.3 and RFC 3339 4.3: "-0000" means the local zone is unknown.
  bool unknown = sign == '-' && hh == 0 && mm == 0;
  f.tz_offset_min = (sign == '-' ? -1 : 1) * (hh * 60 + mm);
  f.tz_known = !unknown;
  f.tz_seen = true;
  c = t;
  return true;
}

// Result of scanning for a zone.
enum class ZoneScan { kNone, kFound, kInvalid };

// parse_zone - optional zone after the time or year (RFC 5322 3.3 zone,
// 4.3 obs-zone, RFC 3339 time-offset when `iso`).
ZoneScan parse_zone(Cursor& c, Fields& f, bool iso) {
  Cursor t = c;
  size_t gap = skip_ws(t);
  char ch = t.peek();
  if (ch == '+' || ch == '-') {
    if (!is_digit(t.peek(1))) return ZoneScan::kNone;
    if (!read_offset(t, f)) return ZoneScan::kInvalid;
    if (gap == 0 && !iso) f.lenient = true;
    // Go's time.String() and some MTAs add the zone name without
    // parentheses: "+0000 UTC", "-0800 PST". Consume known names only.
    Cursor u = t;
    if (skip_ws(u) > 0) {
      std::string_view w = peek_word(u);
      if (w.size() >= 2 && w.size() <= 5 && find_zone(w) && !is_alnum(u.peek(w.size()))) {
        u.i += w.size();
        t = u;
        f.lenient = true;
      }
    }
    c = t;
    return ZoneScan::kFound;
  }
  if (!is_alpha(ch)) return ZoneScan::kNone;
  std::string_view w = peek_word(t);
  if (w.empty() || w.size() > 5) return ZoneScan::kNone;
  if (w.size() == 1) {
    // RFC 3339 "Z" directly after the time; RFC 5322 4.3 military
    // zones otherwise. Only "Z" is trusted; the others were botched
    // in RFC 822 and mean "-0000".
    char nx = t.peek(1);
    if (is_alnum(nx) || nx == '.' || nx == '-' || nx == '_') return ZoneScan::kNone;
    char z = to_lower(w[0]);
    if (z == 'j') return ZoneScan::kNone;
    t.i += 1;
    f.tz_seen = true;
    f.tz_offset_min = 0;
    if (z == 'z') {
      f.tz_known = true;
    } else {
      f.tz_known = false;
      f.lenient = true;
    }
    c = t;
    return ZoneScan::kFound;
  }
  const Zone* z = find_zone(w);
  if (!z || is_digit(t.peek(w.size()))) return ZoneScan::kNone;
  t.i += w.size();
  f.tz_seen = true;
  f.tz_known = true;
  f.tz_offset_min = z->offset_min;
  if (!z->strict) f.lenient = true;
  // "GMT+0100", "UTC-05:00": the numeric part wins.
  if (z->offset_min == 0 && (t.peek() == '+' || t.peek() == '-') && is_digit(t.peek(1))) {
    if (!read_offset(t, f)) return ZoneScan::kInvalid;
    f.lenient = true;
  }
  c = t;
  return ZoneScan::kFound;
}

// skip_comment - consume a trailing RFC 5322 3.2.2 comment (nested
// parentheses and quoted-pairs allowed) of at most kMaxComment bytes.
// When no zone was seen and the comment is just a zone name, use it.
void skip_comment(Cursor& c, Fields& f) {
  Cursor t = c;
  skip_ws(t);
  if (t.peek() != '(') return;
  size_t start = t.i;
  int depth = 0;
  while (t.i < t.s.size() && t.i - start < kMaxComment) {
    char ch = t.s[t.i++];
    if (ch == '\\') {
      if (t.i < t.s.size()) ++t.i;
    } else if (ch == '(') {
      ++depth;
    } else if (ch == ')') {
      if (--depth == 0) {
        if (!f.tz_seen) {
          std::string_view inner = t.s.substr(start + 1, t.i - start - 2);
          if (const Zone* z = find_zone(inner)) {
            f.tz_seen = true;
            f.tz_known = true;
            f.tz_offset_min = z->offset_min;
            f.lenient = true;
          }
        }
        c = t;
        return;
      }
    }
  }
}

// parse_time - RFC 5322 3.3 time-of-day: hour ":" minute [":" second],
// plus "." separators, 1-digit hours and fractional seconds (lenient).
bool parse_time(Cursor& c, Fields& f) {
  Cursor t = c;
  int n = 0;
  if (!read_number(t, 1, 2, &f.hour, &n)) return false;
  if (n == 1) f.lenient = true;
  char sep = t.peek();
  if (sep != ':' && sep != '.') return false;
  if (sep == '.') f.lenient = true;
  ++t.i;
  if (!read_number(t, 2, 2, &f.minute)) return false;
  f.second = 0;
  char s2 = t.peek();
  if ((s2 == ':' || s2 == '.') && is_digit(t.peek(1))) {
    ++t.i;
    if (s2 != ':') f.lenient = true;
    if (!read_number(t, 2, 2, &f.second)) return false;
    // Fractional seconds (RFC 3339 5.6 time-secfrac): ignored.
    char s3 = t.peek();
    if ((s3 == '.' || s3 == ',') && is_digit(t.peek(1))) {
      ++t.i;
      int frac = 0;
      if (!read_number(t, 1, 9, &frac)) return false;
      f.lenient = true;
    }
  }
  if (f.hour > 23 || f.minute > 59 || f.second > 60) return false;
  if (f.second == 60) {  // leap second: clamp (RFC 5322 3.3 allows 60)
    f.second = 59;
    f.lenient = true;
  }
  c = t;
  return true;
}

// parse_year - RFC 5322 3.3 year (4 digits) or 4.3 obs-year: 2 digits
// (00-49 -> 20xx, 50-99 -> 19xx) or 3 digits (+1900), both lenient.
bool parse_year(Cursor& c, Fields& f) {
  int y = 0, n = 0;
  if (!read_number(c, 2, 4, &y, &n)) return false;
  if (n == 2) {
    y += y < 50 ? 2000 : 1900;
    f.lenient = true;
  } else if (n == 3) {
    y += 1900;
    f.lenient = true;
  }
  f.year = y;
  return true;
}

// parse_month_word - month name at the cursor.
bool parse_month_word(Cursor& c, Fields& f) {
  std::string_view w = peek_word(c);
  int m = match_name(w, kMonths, 12, &f.lenient);
  if (m < 0) return false;
  c.i += w.size();
  f.month = m + 1;
  return true;
}

// parse_day - 1 or 2 digit day of month.
bool parse_day(Cursor& c, Fields& f) { return read_number(c, 1, 2, &f.day); }

// date_sep - separator between day, month and year: FWS, or "-" (lenient).
bool date_sep(Cursor& c, Fields& f) {
  if (c.peek() == '-' || c.peek() == '/') {
    ++c.i;
    f.lenient = true;
    return true;
  }
  return skip_ws(c) > 0;
}

// looks_like_time - digits then ':' or '.' then a digit.
bool looks_like_time(const Cursor& c) {
  size_t n = 0;
  while (n < 3 && is_digit(c.peek(n))) ++n;
  return (n == 1 || n == 2) && (c.peek(n) == ':' || c.peek(n) == '.') && is_digit(c.peek(n + 1));
}

// parse_rfc - RFC 5322 3.3 date-time and the asctime/"Nov 12, 2024" forms.
bool parse_rfc(Cursor& c, Fields& f) {
  // [ day-of-week "," ]
  std::string_view w = peek_word(c);
  if (!w.empty()) {
    int wd = match_name(w, kWeekdays, 7, &f.lenient);
    if (wd >= 0) {
      c.i += w.size();
      f.weekday = wd;
      skip_ws(c);
      if (c.peek() == ',') {
        ++c.i;
        skip_ws(c);
      } else {
        f.lenient = true;
      }
    }
  }
  if (is_digit(c.peek())) {
    // date = day month year
    if (!parse_day(c, f) || !date_sep(c, f)) return false;
    if (!parse_month_word(c, f) || !date_sep(c, f)) return false;
    if (!parse_year(c, f)) return false;
    if (skip_ws(c) == 0) return false;
    if (!parse_time(c, f)) return false;
    return parse_zone(c, f, false) != ZoneScan::kInvalid;
  }
  // Month first: asctime "Nov 12 09:15:02 [zone] 2024 [zone]",
  // or "Nov 12[,] 2024 09:15:02 zone". All lenient.
  if (!parse_month_word(c, f)) return false;
  f.lenient = true;
  if (skip_ws(c) == 0 || !parse_day(c, f)) return false;
  if (c.peek() == ',') ++c.i;
  if (skip_ws(c) == 0) return false;
  if (looks_like_time(c)) {
    if (!parse_time(c, f)) return false;
    if (parse_zone(c, f, false) == ZoneScan::kInvalid) return false;
    if (skip_ws(c) == 0) return false;
    int y = 0;
    if (!read_number(c, 4, 4, &y)) return false;
    f.year = y;
    if (!f.tz_seen && parse_zone(c, f, false) == ZoneScan::kInvalid) return false;
    return true;
  }
  if (!parse_year(c, f)) return false;
  if (c.peek() == ',') ++c.i;
  if (skip_ws(c) == 0) return false;
  if (!parse_time(c, f)) return false;
  return parse_zone(c, f, false) != ZoneScan::kInvalid;
}

// parse_iso - ISO 8601 / RFC 3339 5.6 "YYYY-MM-DD[T ]hh:mm[:ss[.f]][zone]".
bool parse_iso(Cursor& c, Fields& f) {
  f.lenient = true;
  if (!read_number(c, 4, 4, &f.year)) return false;
  char sep = c.peek();
  if (sep != '-' && sep != '/') return false;
  ++c.i;
  if (!read_number(c, 1, 2, &f.month) || c.peek() != sep) return false;
  ++c.i;
  if (!read_number(c, 1, 2, &f.day)) return false;
  if (c.peek() == 'T' || c.peek() == 't') {
    ++c.i;
  } else if (skip_ws(c) == 0) {
    return false;
  }
  if (!parse_time(c, f)) return false;
  return parse_zone(c, f, true) != ZoneScan::kInvalid;
}

// is_leap - Gregorian leap year.
constexpr bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// days_in_month - length of month m (1..12) of year y.
constexpr int days_in_month(int64_t y, int m) {
  constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// days_from_civil - days since 1970-01-01 of a proleptic Gregorian date
// (Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms").
constexpr int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;                                // [0, 399]
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;        // [0, 146096]
  return era * 146097 + doe - 719468;
}

// civil_from_days - inverse of days_from_civil (same source).
constexpr void civil_from_days(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;                                  // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);           // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                // [0, 11]
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);

// finish - validate the fields and build the result.
std::optional<ParsedDate> finish(const Fields& f, size_t consumed) {
  if (f.year < kMinYear || f.year > kMaxYear) return std::nullopt;
  if (f.month < 1 || f.month > 12) return std::nullopt;
  if (f.day < 1 || f.day > days_in_month(f.year, f.month)) return std::nullopt;
  ParsedDate r;
  int64_t days = days_from_civil(f.year, f.month, f.day);
  r.epoch = days * 86400 + f.hour * 3600 + f.minute * 60 + f.second -
            static_cast<int64_t>(f.tz_offset_min) * 60;
  r.tz_offset_min = f.tz_offset_min;
  r.tz_known = f.tz_seen && f.tz_known;
  r.lenient = f.lenient || !f.tz_seen;
  // RFC 5322 3.3: the day-of-week must match the date.
  if (f.weekday >= 0) {
    int64_t wd = (days % 7 + 11) % 7;  // 1970-01-01 was a Thursday (4)
    if (wd != f.weekday) r.lenient = true;
  }
  r.consumed = consumed;
  return r;
}

}  // namespace

// parse_date - parse a date-time at the start of `text`.
std::optional<ParsedDate> parse_date(std::string_view text) {
  Cursor c{text, 0};
  while (c.i < text.size() && is_wsp(text[c.i])) ++c.i;
  const size_t start = c.i;
  Fields f;
  bool ok = false;
  if (is_digit(c.peek()) && is_digit(c.peek(1)) && is_digit(c.peek(2)) &&
      is_digit(c.peek(3)) && (c.peek(4) == '-' || c.peek(4) == '/')) {
    ok = parse_iso(c, f);
  } else {
    ok = parse_rfc(c, f);
  }
  if (!ok) return std::nullopt;
  skip_comment(c, f);
  return finish(f, c.i - start);
}

// find_date - first token boundary in `text` where parse_date succeeds.
std::optional<ParsedDate> find_date(std::string_view text, size_t* pos) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (!is_alnum(text[i]) || (i > 0 && is_alnum(text[i - 1]))) continue;
    if (auto d = parse_date(text.substr(i))) {
      if (pos) *pos = i;
      return d;
    }
  }
  return std::nullopt;
}

// format_iso8601_utc - "2024-11-12T09:15:02Z".
std::string format_iso8601_utc(int64_t epoch) {
  int64_t days = epoch / 86400;
  int64_t secs = epoch % 86400;
  if (secs < 0) {
    secs += 86400;
    days -= 1;
  }
  int64_t y = 0;
  int m = 0, d = 0;
  civil_from_days(days, &y, &m, &d);
  if (y >= 0 && y <= 9999) {  // the common case, without snprintf (it runs for every hop)
    char out[20];
    auto two = [&](int at, int v) {
      out[at] = static_cast<char>('0' + v / 10);
      out[at + 1] = static_cast<char>('0' + v % 10);
    };
    two(0, static_cast<int>(y / 100));
    two(2, static_cast<int>(y % 100));
    out[4] = '-';
    two(5, m);
    out[7] = '-';
    two(8, d);
    out[10] = 'T';
    two(11, static_cast<int>(secs / 3600));
    out[13] = ':';
    two(14, static_cast<int>(secs / 60 % 60));
    out[16] = ':';
    two(17, static_cast<int>(secs % 60));
    out[19] = 'Z';
    return std::string(out, 20);
  }
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02dZ",
                        static_cast<long long>(y), m, d, static_cast<int>(secs / 3600),
                        static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  if (n < 0) return std::string();
  return std::string(buf, static_cast<size_t>(n) < sizeof buf ? static_cast<size_t>(n) : sizeof buf - 1);
}

}  // namespace ndrscan::rfc5322
