// date_test.cc - unit tests for parsers/rfc5322/date.h.

#include "parsers/rfc5322/date.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <string>

namespace {

using ndrscan::rfc5322::find_date;
using ndrscan::rfc5322::format_iso8601_utc;
using ndrscan::rfc5322::parse_date;

constexpr int kAnyOffset = -100000;  // do not check tz_offset_min
constexpr long kWhole = -1;          // consumed == input minus leading blanks

// DateRow - one parse_date() case; iso == nullptr means "must reject".
struct DateRow {
  const char* input;
  const char* iso;
  bool tz_known;
  bool lenient;
  int offset = kAnyOffset;
  long consumed = kWhole;
};

const DateRow kRows[] = {
    // RFC 5322 3.3
    {"Tue, 12 Nov 2024 09:15:02 +0000", "2024-11-12T09:15:02Z", true, false, 0},
    {"12 Nov 2024 09:15:02 +0000", "2024-11-12T09:15:02Z", true, false, 0},
    {"Tue, 12 Nov 2024 09:15 +0000", "2024-11-12T09:15:00Z", true, false, 0},
    {"Sat, 2 Nov 2024 09:15:02 +0000", "2024-11-02T09:15:02Z", true, false, 0},
    {"Tue, 12 Nov 2024 01:15:02 -0800 (PST)", "2024-11-12T09:15:02Z", true, false, -480},
    {"Tue, 12 Nov 2024 09:15:02 +0000 (UTC)", "2024-11-12T09:15:02Z", true, false, 0},
    {"Tue, 12 Nov 2024 09:15:02 +0000 (a (nested) comment)", "2024-11-12T09:15:02Z", true, false, 0},
    {"Tue, 12 Nov 2024 09:15:02 +0000 (unterminated", "2024-11-12T09:15:02Z", true, false, 0, 31},
    {"Tue, 12 Nov 2024 09:15:02 +0530", "2024-11-12T03:45:02Z", true, false, 330},
    {"Tue, 12 Nov 2024 09:15:02 -0930", "2024-11-12T18:45:02Z", true, false, -570},
    {"Tue, 12 Nov 2024 09:15:02 +1400", "2024-11-11T19:15:02Z", true, false, 840},
    {"Tue, 12 Nov 2024 09:15:02 -0000", "2024-11-12T09:15:02Z", false, false, 0},
    {"Tue,12 Nov 2024 09:15:02 +0000", "2024-11-12T09:15:02Z", true, false, 0},
    {"tue, 12 nov 2024 09:15:02 +0000", "2024-11-12T09:15:02Z", true, false, 0},
    {"TUE, 12 NOV 2024 09:15:02 +0000", "2024-11-12T09:15:02Z", true, false, 0},
    {"Tue,  12   Nov\t2024 \r\n 09:15:02   +0000", "2024-11-12T09:15:02Z", true, false, 0},
    {"Tue, 12 Nov 2024\n\t09:15:02\n +0000", "2024-11-12T09:15:02Z", true, false, 0},
    {"Thu, 29 Feb 2024 12:00:00 +0000", "2024-02-29T12:00:00Z", true, false, 0},
    {"29 Feb 2000 12:00:00 +0000", "2000-02-29T12:00:00Z", true, false, 0},
    {"1 Jan 1900 00:00:00 +0000", "1900-01-01T00:00:00Z", true, false, 0},
    {"1 Jan 1900 00:00:00 +0100", "1899-12-31T23:00:00Z", true, false, 60},
    {"31 Dec 9999 23:59:59 +0000", "9999-12-31T23:59:59Z", true, false, 0},
    {"1 Jan 1970 00:00:00 +0000", "1970-01-01T00:00:00Z", true, false, 0},
    // RFC 5322 4.3 obsolete zones: UT, GMT and Z are not flagged.
    {"Tue, 12 Nov 2024 09:15:02 UT", "2024-11-12T09:15:02Z", true, false, 0},
    {"Tue, 12 Nov 2024 09:15:02 GMT", "2024-11-12T09:15:02Z", true, false, 0},
    {"Tue, 12 Nov 2024 09:15:02 gmt", "2024-11-12T09:15:02Z", true, false, 0},
    {"Tue, 12 Nov 2024 09:15:02 Z", "2024-11-12T09:15:02Z", true, false, 0},
    {"Tue, 12 Nov 2024 09:15:02 EST", "2024-11-12T14:15:02Z", true, true, -300},
    {"Tue, 12 Nov 2024 09:15:02 EDT", "2024-11-12T13:15:02Z", true, true, -240},
    {"Tue, 12 Nov 2024 09:15:02 CST", "2024-11-12T15:15:02Z", true, true, -360},
    {"Tue, 12 Nov 2024 09:15:02 CDT", "2024-11-12T14:15:02Z", true, true, -300},
    {"Tue, 12 Nov 2024 09:15:02 MST", "2024-11-12T16:15:02Z", true, true, -420},
    {"Tue, 12 Nov 2024 09:15:02 MDT", "2024-11-12T15:15:02Z", true, true, -360},
    {"Tue, 12 Nov 2024 09:15:02 PST", "2024-11-12T17:15:02Z", true, true, -480},
    {"Tue, 12 Nov 2024 09:15:02 PDT", "2024-11-12T16:15:02Z", true, true, -420},
    {"Tue, 12 Nov 2024 09:15:02 A", "2024-11-12T09:15:02Z", false, true, 0},
    // Common non-RFC zone names (lenient).
    {"Tue, 12 Nov 2024 09:15:02 UTC", "2024-11-12T09:15:02Z", true, true, 0},
    {"Tue, 12 Nov 2024 09:15:02 CET", "2024-11-12T08:15:02Z", true, true, 60},
    {"Tue, 12 Nov 2024 09:15:02 CEST", "2024-11-12T07:15:02Z", true, true, 120},
    {"Tue, 12 Nov 2024 09:15:02 BST", "2024-11-12T08:15:02Z", true, true, 60},
    {"Tue, 12 Nov 2024 09:15:02 MET", "2024-11-12T08:15:02Z", true, true, 60},
    {"Tue, 12 Nov 2024 09:15:02 MEST", "2024-11-12T07:15:02Z", true, true, 120},
    {"Tue, 12 Nov 2024 09:15:02 EET", "2024-11-12T07:15:02Z", true, true, 120},
    {"Tue, 12 Nov 2024 09:15:02 EEST", "2024-11-12T06:15:02Z", true, true, 180},
    {"Tue, 12 Nov 2024 09:15:02 JST", "2024-11-12T00:15:02Z", true, true, 540},
    {"Tue, 12 Nov 2024 09:15:02 KST", "2024-11-12T00:15:02Z", true, true, 540},
    {"Tue, 12 Nov 2024 09:15:02 IST", "2024-11-12T03:45:02Z", true, true, 330},
    {"Tue, 12 Nov 2024 09:15:02 HKT", "2024-11-12T01:15:02Z", true, true, 480},
    {"Tue, 12 Nov 2024 09:15:02 SGT", "2024-11-12T01:15:02Z", true, true, 480},
    {"Tue, 12 Nov 2024 09:15:02 AEST", "2024-11-11T23:15:02Z", true, true, 600},
    {"Tue, 12 Nov 2024 09:15:02 AEDT", "2024-11-11T22:15:02Z", true, true, 660},
    {"Tue, 12 Nov 2024 09:15:02 NZST", "2024-11-11T21:15:02Z", true, true, 720},
    {"Tue, 12 Nov 2024 09:15:02 NZDT", "2024-11-11T20:15:02Z", true, true, 780},
    {"Tue, 12 Nov 2024 09:15:02 GMT+0100", "2024-11-12T08:15:02Z", true, true, 60},
    {"Tue, 12 Nov 2024 09:15:02 (CET)", "2024-11-12T08:15:02Z", true, true, 60},
    {"Tue, 12 Nov 2024 01:15:02 -0800 PST", "2024-11-12T09:15:02Z", true, true, -480},
    {"Tue, 12 Nov 2024 09:15:02 +01:00", "2024-11-12T08:15:02Z", true, true, 60},
    {"Tue, 12 Nov 2024 09:15:02+0000", "2024-11-12T09:15:02Z", true, true, 0},
    // Obsolete years (RFC 5322 4.3).
    {"Tue, 12 Nov 24 09:15:02 +0000", "2024-11-12T09:15:02Z", true, true, 0},
    {"Fri, 12 Nov 99 09:15:02 +0000", "1999-11-12T09:15:02Z", true, true, 0},
    {"12 Nov 49 09:15:02 +0000", "2049-11-12T09:15:02Z", true, true, 0},
    {"12 Nov 50 09:15:02 +0000", "1950-11-12T09:15:02Z", true, true, 0},
    {"12 Nov 00 09:15:02 +0000", "2000-11-12T09:15:02Z", true, true, 0},
    {"12 Nov 124 09:15:02 +0000", "2024-11-12T09:15:02Z", true, true, 0},
    // No zone at all.
    {"Tue, 12 Nov 2024 09:15:02", "2024-11-12T09:15:02Z", false, true, 0},
    {"Tue, 12 Nov 2024 09:15:02 by mx.example", "2024-11-12T09:15:02Z", false, true, 0, 25},
    // Other real-world deviations.
    {"Tue 12 Nov 2024 09:15:02 +0000", "2024-11-12T09:15:02Z", true, true, 0},
    {"Tuesday, 12 November 2024 09:15:02 +0000", "2024-11-12T09:15:02Z", true, true, 0},
    {"12 Sept 2024 09:15:02 +0000", "2024-09-12T09:15:02Z", true, true, 0},
    {"Tue, 12-Nov-2024 09:15:02 +0000", "2024-11-12T09:15:02Z", true, true, 0},
    {"Tue, 12 Nov 2024 09.15.02 +0000", "2024-11-12T09:15:02Z", true, true, 0},
    {"Tue, 12 Nov 2024 9:15:02 +0000", "2024-11-12T09:15:02Z", true, true, 0},
    {"Tue, 12 Nov 2024 09:15:02.757 +0000", "2024-11-12T09:15:02Z", true, true, 0},
    {"Tue, 31 Dec 2024 23:59:60 +0000", "2024-12-31T23:59:59Z", true, true, 0},
    {"Wed, 12 Nov 2024 09:15:02 +0000", "2024-11-12T09:15:02Z", true, true, 0},  // wrong weekday
    {"Nov 12, 2024 09:15:02 +0000", "2024-11-12T09:15:02Z", true, true, 0},
    // asctime() / ctime().
    {"Tue Nov 12 09:15:02 2024", "2024-11-12T09:15:02Z", false, true, 0},
    {"Sat Nov  2 09:15:02 2024", "2024-11-02T09:15:02Z", false, true, 0},
    {"tue nov 12 09:15:02 2024", "2024-11-12T09:15:02Z", false, true, 0},
    {"Tue Nov 12 09:15:02 PST 2024", "2024-11-12T17:15:02Z", true, true, -480},
    {"Tue Nov 12 09:15:02 2024 +0100", "2024-11-12T08:15:02Z", true, true, 60},
    {"Nov 12 09:15:02 2024", "2024-11-12T09:15:02Z", false, true, 0},
    // ISO 8601 / RFC 3339.
    {"2024-11-12T09:15:02Z", "2024-11-12T09:15:02Z", true, true, 0},
    {"2024-11-12t09:15:02z", "2024-11-12T09:15:02Z", true, true, 0},
    {"2024-11-12T09:15:02+02:00", "2024-11-12T07:15:02Z", true, true, 120},
    {"2024-11-12T09:15:02-05:30", "2024-11-12T14:45:02Z", true, true, -330},
    {"2024-11-12T09:15:02.123456789+0200", "2024-11-12T07:15:02Z", true, true, 120},
    {"2024-11-12T09:15:02+02", "2024-11-12T07:15:02Z", true, true, 120},
    {"2024-11-12T09:15:02-00:00", "2024-11-12T09:15:02Z", false, true, 0},
    {"2024-11-12T09:15:02", "2024-11-12T09:15:02Z", false, true, 0},
    {"2024-11-12 09:15:02", "2024-11-12T09:15:02Z", false, true, 0},
    {"2024/11/12 09:15:02 +0000", "2024-11-12T09:15:02Z", true, true, 0},
    {"2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z", true, true, 0},
    // SendGrid / Go time.String(): the "m=+..." monotonic clock is not consumed.
    {"2024-11-12 09:15:02.757 +0000 UTC m=+1234.5", "2024-11-12T09:15:02Z", true, true, 0, 33},
    {"2024-11-12 09:15:02.757360514 -0800 PST m=+0.1", "2024-11-12T17:15:02Z", true, true, -480, 39},
    // Leading blanks are skipped and not counted.
    {" \t\r\n Tue, 12 Nov 2024 09:15:02 +0000", "2024-11-12T09:15:02Z", true, false, 0},
    // Rejections.
    {"", nullptr, false, false},
    {"   \t\r\n", nullptr, false, false},
    {"garbage", nullptr, false, false},
    {"Tue,", nullptr, false, false},
    {"12 Nov 2024", nullptr, false, false},
    {"Tue, 12 Nov 2024", nullptr, false, false},
    {"Tue, 12 Abc 2024 09:15:02 +0000", nullptr, false, false},
    {"Tue, 32 Nov 2024 09:15:02 +0000", nullptr, false, false},
    {"Tue, 0 Nov 2024 09:15:02 +0000", nullptr, false, false},
    {"31 Nov 2024 09:15:02 +0000", nullptr, false, false},
    {"30 Feb 2024 09:15:02 +0000", nullptr, false, false},
    {"29 Feb 2023 09:15:02 +0000", nullptr, false, false},
    {"29 Feb 1900 09:15:02 +0000", nullptr, false, false},
    {"29 Feb 2100 09:15:02 +0000", nullptr, false, false},
    {"12 Nov 2024 25:00:00 +0000", nullptr, false, false},
    {"12 Nov 2024 24:00:00 +0000", nullptr, false, false},
    {"12 Nov 2024 09:60:00 +0000", nullptr, false, false},
    {"12 Nov 2024 09:15:61 +0000", nullptr, false, false},
    {"12 Nov 2024 09:15:02 +2400", nullptr, false, false},
    {"12 Nov 2024 09:15:02 +0060", nullptr, false, false},
    {"12 Nov 2024 09:15:02 +99999", nullptr, false, false},
    {"12 Nov 2024 09:15:02 +000", nullptr, false, false},
    {"12 Nov 1899 09:15:02 +0000", nullptr, false, false},
    {"12 Nov 10000 09:15:02 +0000", nullptr, false, false},
    {"12 Nov 2 09:15:02 +0000", nullptr, false, false},
    {"123 Nov 2024 09:15:02 +0000", nullptr, false, false},
    {"12 Nov 2024 123:15:02 +0000", nullptr, false, false},
    {"12 Nov 2024 09:1:02 +0000", nullptr, false, false},
    {"12 Nov 2024 09:15:02.1234567890 +0000", nullptr, false, false},
    {"12 Nov 202409:15:02 +0000", nullptr, false, false},
    {"2024-13-01T00:00:00Z", nullptr, false, false},
    {"2024-00-10T00:00:00Z", nullptr, false, false},
    {"2024-11-31T00:00:00Z", nullptr, false, false},
    {"2024-11-12T25:00:00Z", nullptr, false, false},
    {"2024-11-12", nullptr, false, false},
    {"2024-11-12X09:15:02Z", nullptr, false, false},
    {"12345678901234567890", nullptr, false, false},
    {"99999999999999999999 Nov 2024 09:15:02 +0000", nullptr, false, false},
    {"12 Nov 99999999999999999999 09:15:02 +0000", nullptr, false, false},
    {"12 Nov 2024 99999999999999999999:15:02 +0000", nullptr, false, false},
    {"99999999999999999999-11-12T09:15:02Z", nullptr, false, false},
    {"Tue Nov 12 09:15:02", nullptr, false, false},
    {"Tue Nov 12 09:15:02 24", nullptr, false, false},
};

}  // namespace

TEST_CASE("date: parse_date table", "[date]") {
  for (const DateRow& row : kRows) {
    INFO("input: \"" << row.input << "\"");
    auto d = parse_date(row.input);
    if (!row.iso) {
      CHECK_FALSE(d.has_value());
      continue;
    }
    REQUIRE(d.has_value());
    CHECK(format_iso8601_utc(d->epoch) == row.iso);
    CHECK(d->tz_known == row.tz_known);
    CHECK(d->lenient == row.lenient);
    if (row.offset != kAnyOffset) CHECK(d->tz_offset_min == row.offset);
    std::string_view in(row.input);
    size_t lead = in.find_first_not_of(" \t\r\n");
    size_t want = row.consumed == kWhole ? in.size() - lead : static_cast<size_t>(row.consumed);
    CHECK(d->consumed == want);
  }
}

TEST_CASE("date: epoch values", "[date]") {
  auto d = parse_date("Tue, 12 Nov 2024 09:15:02 +0000");
  REQUIRE(d);
  CHECK(d->epoch == 1731402902);
  d = parse_date("1 Jan 1970 00:00:00 +0000");
  REQUIRE(d);
  CHECK(d->epoch == 0);
  d = parse_date("1 Jan 1900 00:00:00 +0000");
  REQUIRE(d);
  CHECK(d->epoch == -2208988800LL);
  d = parse_date("31 Dec 9999 23:59:59 +0000");
  REQUIRE(d);
  CHECK(d->epoch == 253402300799LL);
}

TEST_CASE("date: format_iso8601_utc", "[date]") {
  CHECK(format_iso8601_utc(0) == "1970-01-01T00:00:00Z");
  CHECK(format_iso8601_utc(-1) == "1969-12-31T23:59:59Z");
  CHECK(format_iso8601_utc(951782400) == "2000-02-29T00:00:00Z");
  CHECK(format_iso8601_utc(1731402902) == "2024-11-12T09:15:02Z");
  CHECK(format_iso8601_utc(-2208988800LL) == "1900-01-01T00:00:00Z");
  CHECK(format_iso8601_utc(253402300799LL) == "9999-12-31T23:59:59Z");
  // Extreme values must not crash or overflow.
  CHECK_FALSE(format_iso8601_utc(INT64_MAX).empty());
  CHECK_FALSE(format_iso8601_utc(INT64_MIN).empty());
  // either side of the digit-writing fast path (years 0..9999)
  CHECK(format_iso8601_utc(253402300800LL) == "10000-01-01T00:00:00Z");
  CHECK(format_iso8601_utc(-62167219200LL) == "0000-01-01T00:00:00Z");
  CHECK(format_iso8601_utc(-62167219201LL) == "-001-12-31T23:59:59Z");
}

TEST_CASE("date: every day 1900..9999 round-trips through ISO 8601", "[date]") {
  const int64_t first = -2208988800LL;   // 1900-01-01
  const int64_t last = 253402214400LL;   // 9999-12-31
  int64_t count = 0;
  for (int64_t t = first; t <= last; t += 3 * 86400 + 3661) {
    std::string iso = format_iso8601_utc(t);
    auto d = parse_date(iso);
    REQUIRE(d);
    REQUIRE(d->epoch == t);
    ++count;
  }
  CHECK(count > 900000);
}

TEST_CASE("date: find_date in Received fields", "[date]") {
  size_t pos = 12345;
  std::string_view rcv =
      "from mx.example.com (mx.example.com [192.0.2.1]) by mail.example.org "
      "with ESMTP id 4XYZ12 Tue, 12 Nov 2024 09:15:02 +0000 (UTC)";
  auto d = find_date(rcv, &pos);
  REQUIRE(d);
  CHECK(pos == rcv.find("Tue,"));
  CHECK(format_iso8601_utc(d->epoch) == "2024-11-12T09:15:02Z");
  CHECK(pos + d->consumed == rcv.size());

  std::string_view semi = "by mx with SMTP id 12; 12 Nov 2024 09:15:02 -0800";
  d = find_date(semi, &pos);
  REQUIRE(d);
  CHECK(pos == semi.find("12 Nov"));
  CHECK(format_iso8601_utc(d->epoch) == "2024-11-12T17:15:02Z");

  std::string_view iso = "queued at=2024-11-12T09:15:02Z for delivery";
  d = find_date(iso, &pos);
  REQUIRE(d);
  CHECK(pos == iso.find("2024"));

  std::string_view none = "by mx with SMTP id 12 Nov 2024; no time here 2024-11-12";
  pos = 7;
  CHECK_FALSE(find_date(none, &pos));
  CHECK(pos == 7);
  CHECK_FALSE(find_date("", &pos));
  CHECK(find_date("x Tue, 12 Nov 2024 09:15:02 +0000", nullptr));
  // A date glued to a preceding word is not taken from inside the word.
  CHECK_FALSE(find_date("abc2024-11-12T09:15:02Z", &pos));
}

TEST_CASE("date: never crashes on hostile input", "[date]") {
  // Deterministic pseudo-random strings built from date-like pieces.
  static const char* const kPieces[] = {
      "Tue", ",", " ", "12", "Nov", "2024", "09", ":", ".", "+", "-", "0000",
      "(", ")", "\\", "Z", "T", "9999999999", "GMT", "\t", "\n", "60", "29",
      "Feb", "0", "\xff", "UTC", "m=+1", "2024-11-12", "/"};
  uint64_t state = 0x9E3779B97F4A7C15ULL;
  auto next = [&state]() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  };
  size_t parsed = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string s;
    int pieces = static_cast<int>(next() % 16);
    for (int k = 0; k < pieces; ++k)
      s += kPieces[next() % (sizeof kPieces / sizeof kPieces[0])];
    if (auto d = parse_date(s)) {
      ++parsed;
      REQUIRE(d->consumed <= s.size());
    }
    size_t pos = 0;
    if (auto d = find_date(s, &pos)) REQUIRE(pos + d->consumed <= s.size());
  }
  CHECK(parsed < 20000);
  // Long runs must stay cheap and safe.
  std::string digits(100000, '9');
  CHECK_FALSE(parse_date(digits));
  std::string blanks(100000, ' ');
  size_t pos = 0;
  CHECK_FALSE(find_date(blanks + digits, &pos));
  std::string many;
  for (int k = 0; k < 5000; ++k) many += "Tue, 12 Nov ";
  CHECK_FALSE(find_date(many, &pos));
  std::string comment = "Tue, 12 Nov 2024 09:15:02 +0000 " + std::string(10000, '(');
  auto d = parse_date(comment);
  REQUIRE(d);
  CHECK(d->consumed == 31);
}
