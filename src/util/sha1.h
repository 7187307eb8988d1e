// sha1.h - SHA-1 (FIPS 180-4) as lowercase hex, for Sisimai-compatible tokens.
// Not used for security: only to reproduce the `token` field Sisimai emits.
#pragma once

#include <string>
#include <string_view>

namespace ndrscan::util {

/// sha1_hex - 40 lowercase hex digits of SHA-1(data).
std::string sha1_hex(std::string_view data);

}  // namespace ndrscan::util
