//++
// NAME
//	encoded_word 3h
// SUMMARY
//	RFC 2047 encoded-word decoder and UTF-8 helpers
// SYNOPSIS
//	#include "parsers/rfc2047/encoded_word.h"
//
//	DecodeResult decode_words(std::string_view value);
//
//	bool to_utf8(std::string_view charset, std::string_view bytes,
//			std::string *out);
//
//	std::string sanitize_utf8(std::string_view bytes);
// DESCRIPTION
//	decode_words() decodes the RFC 2047 encoded-words
//	("=?charset[*lang]?B|Q?text?=") in an unstructured header value,
//	such as Subject:, and returns UTF-8 text:
// .IP \(bu
//	B (RFC 2047 4.1, base64) and Q (RFC 2047 4.2, "_" is space)
//	encodings, case-insensitive; an RFC 2231 section 5 language
//	suffix ("=?utf-8*en?Q?...?=") is ignored.
// .IP \(bu
//	Linear white space between two adjacent encoded-words is
//	dropped (RFC 2047 6.2); white space between an encoded-word and
//	plain text is kept.
// .IP \(bu
//	The decoded bytes of adjacent encoded-words with the same
//	charset are concatenated before charset conversion, so a
//	multi-byte character split across two words survives.
// .IP \(bu
//	Real-world breakage is tolerated: encoded-words inside quoted
//	strings or glued to other text ("foo=?utf-8?Q?bar?="), blanks
//	inside the encoded text, invalid base64 characters or padding
//	(what is valid is decoded).
// .IP \(bu
//	Plain bytes outside encoded-words are kept when they are valid
//	UTF-8 (RFC 6532); otherwise each invalid byte is read as
//	Windows-1252 (a superset of the printable Latin-1 range).
// .PP
//	The result is always valid UTF-8.
//
//	to_utf8() converts bytes in a MIME charset to UTF-8, with
//	invalid or truncated sequences replaced by U+FFFD. US-ASCII and
//	UTF-8 take a fast path; other charsets use iconv(3) through a
//	small per-thread cache of conversion descriptors, so iconv_open()
//	runs once per thread and charset. Common labels are mapped to
//	their de-facto supersets as browsers do (WHATWG Encoding):
//	ISO-8859-1 to Windows-1252, GB2312/GBK to GB18030, Shift_JIS to
//	Windows-31J, EUC-KR/KS_C_5601-1987 to CP949.
//
//	sanitize_utf8() replaces each maximal invalid subsequence
//	(Unicode 15 section 3.9, "U+FFFD substitution of maximal
//	subparts") with U+FFFD, rejecting overlong forms, surrogates and
//	code points above U+10FFFF.
// DIAGNOSTICS
//	DecodeResult::had_errors is set when an encoded-word lacks its
//	"?=" terminator or has an unknown encoding (the word is left
//	raw), names an unknown charset (the word is left raw), contains
//	invalid base64 or Q data, or decodes to bytes that are invalid
//	in its charset; and when plain text is not valid UTF-8.
//	DecodeResult::changed is set when the text differs from the input.
//
//	to_utf8() returns false, leaving *out unchanged, for an unknown
//	or unsupported charset. Nothing is thrown.
// SEE ALSO
//	RFC 2047 sections 2-6, RFC 2231 section 5, RFC 6532, iconv(3)
//--

#ifndef NDRSCAN_PARSERS_RFC2047_ENCODED_WORD_H
#define NDRSCAN_PARSERS_RFC2047_ENCODED_WORD_H

#include <string>
#include <string_view>

namespace ndrscan::rfc2047 {

/// Result of decode_words().
struct DecodeResult {
  std::string text;         ///< decoded value, always valid UTF-8
  bool changed = false;     ///< text differs from the input bytes
  bool had_errors = false;  ///< malformed or undecodable input was seen (see DIAGNOSTICS)
};

/// decode_words - decode RFC 2047 encoded-words in an unstructured header value to UTF-8.
DecodeResult decode_words(std::string_view value);

/// to_utf8 - convert bytes in `charset` to UTF-8 with iconv; invalid sequences become U+FFFD; unknown charset -> false.
bool to_utf8(std::string_view charset, std::string_view bytes, std::string* out);

/// sanitize_utf8 - copy `bytes`, replacing invalid UTF-8 sequences with U+FFFD.
std::string sanitize_utf8(std::string_view bytes);
/// is_valid_utf8 - sanitize_utf8(bytes) would return bytes unchanged.
bool is_valid_utf8(std::string_view bytes);

}  // namespace ndrscan::rfc2047

#endif  // NDRSCAN_PARSERS_RFC2047_ENCODED_WORD_H
