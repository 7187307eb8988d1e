//++
// NAME
//	date 3h
// SUMMARY
//	lenient RFC 5322 date-time parser
// SYNOPSIS
//	#include "parsers/rfc5322/date.h"
//
//	std::optional<ParsedDate> parse_date(std::string_view text);
//
//	std::optional<ParsedDate> find_date(std::string_view text, size_t *pos);
//
//	std::string format_iso8601_utc(int64_t epoch);
// DESCRIPTION
//	This module converts the date-time strings found in Date:,
//	Received:, Arrival-Date: and Last-Attempt-Date: fields, and in
//	the free text of bounce messages, to seconds since the epoch.
//
//	parse_date() parses a date-time at the start of its input,
//	after skipping leading white space (space, tab, CR, LF).
//	Accepted forms, from strict to lenient:
// .IP \(bu
//	RFC 5322 section 3.3 date-time: "Tue, 12 Nov 2024 09:15:02 +0000",
//	optionally without day-of-week or seconds, with a trailing
//	comment such as "(PST)", and with arbitrary FWS between tokens.
// .IP \(bu
//	RFC 5322 section 4.3 obsolete forms: 2-digit years (00-49 are
//	20xx, 50-99 are 19xx), 3-digit years (+1900), the named zones
//	UT, GMT, EST, EDT, CST, CDT, MST, MDT, PST, PDT, and single-letter
//	military zones ("Z" is UTC; the others are treated as "-0000").
// .IP \(bu
//	Common deviations: day-of-week without comma, full day and
//	month names, "12-Nov-2024", single-digit hour, "09.15.02",
//	fractional seconds, leap second 60 (clamped to 59), "+02:00"
//	and "+02" offsets, named zones outside RFC 5322 (UTC, CET,
//	CEST, BST, MET, MEST, EET, EEST, WET, WEST, MSK, JST, KST,
//	IST (+0530), HKT, SGT, AEST, AEDT, NZST, NZDT, ...), a zone
//	name after a numeric zone without parentheses ("+0000 UTC").
// .IP \(bu
//	asctime()/ctime() output: "Tue Nov 12 09:15:02 2024", with
//	an optional zone before or after the year.
// .IP \(bu
//	ISO 8601 / RFC 3339: "2024-11-12T09:15:02Z",
//	"2024-11-12T09:15:02.5+02:00", and the Go time.String() form
//	"2024-11-12 09:15:02.757 +0000 UTC" used by SendGrid.
// .PP
//	Years must be within 1900..9999. Every numeric field has a
//	bounded digit count, so no input can overflow an integer. The
//	epoch is computed with Howard Hinnant's days_from_civil()
//	algorithm; no libc time or locale functions are used.
//
//	find_date() scans free text for the first token boundary
//	where parse_date() succeeds (all accepted forms include day,
//	month, year and time). This is for Received: fields that lack
//	the ';' before their date, and for dates in bounce prose.
//
//	format_iso8601_utc() formats an epoch as "2024-11-12T09:15:02Z".
// DIAGNOSTICS
//	parse_date() and find_date() return std::nullopt when no valid
//	date-time is found: out-of-range fields (month 13, day 32,
//	Feb 30 outside a leap year, hour 25, minute 60, second 61,
//	zone offset beyond +-23:59), years outside 1900..9999,
//	over-long numbers, or garbage. ParsedDate::lenient reports
//	that a non-RFC 5322 form was accepted (including the obsolete
//	syntax of RFC 5322 section 4.3 other than UT/GMT/Z, and a
//	day-of-week that does not match the date, which RFC 5322
//	section 3.3 forbids). ParsedDate::tz_known is false for
//	"-0000", military zones other than "Z", and a missing zone.
//	Nothing is thrown and nothing is allocated while parsing.
// SEE ALSO
//	RFC 5322 sections 3.3 and 4.3, RFC 3339, RFC 1123 section 5.2.14
//--

#ifndef NDRSCAN_PARSERS_RFC5322_DATE_H
#define NDRSCAN_PARSERS_RFC5322_DATE_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ndrscan::rfc5322 {

/// Result of parsing one date-time.
struct ParsedDate {
  int64_t epoch = 0;          ///< seconds since 1970-01-01T00:00:00Z (UTC)
  int tz_offset_min = 0;      ///< offset written in the date, minutes east of UTC
  bool tz_known = true;       ///< false when no zone was written, or "-0000" (RFC 5322 3.3: unknown local zone); epoch then assumes UTC
  bool lenient = false;       ///< true when a non-RFC-5322 form was accepted (ISO 8601, missing weekday comma, 2-digit year, named zone other than UT/GMT/Z, fractional seconds, ...)
  size_t consumed = 0;        ///< bytes of the input used by the date (after leading whitespace); trailing comments like "(PDT)" or "(UTC)" count as consumed
};

/// parse_date - parse a date-time at the start of `text` (leading blanks skipped).
std::optional<ParsedDate> parse_date(std::string_view text);

/// find_date - find the first position in `text` where a full date-time (day, month, year, time) parses; returns the date and sets *pos to its offset. For Received fields that lack the ';' before their date.
std::optional<ParsedDate> find_date(std::string_view text, size_t* pos);

/// format_iso8601_utc - "2024-11-12T09:15:02Z".
std::string format_iso8601_utc(int64_t epoch);

}  // namespace ndrscan::rfc5322

#endif  // NDRSCAN_PARSERS_RFC5322_DATE_H
