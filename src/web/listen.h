// listen.h - `ndrscan serve --listen HOST:PORT`: parsing and the loopback rule.
//
// PURPOSE
//   The server binds loopback unless told otherwise: a --listen address that
//   is not loopback (127.0.0.0/8, ::1, localhost) is refused unless
//   --allow-remote is given. The same rule guards against DNS rebinding: on
//   loopback, a request whose Host (or Origin) names another host is refused.
//
// PUBLIC FUNCTIONS
//   parse_listen()        "127.0.0.1:8025", "[::1]:8025", "localhost:0", ":8025"
//   is_loopback_host()    127.0.0.0/8, ::1, localhost
//   host_header_allowed() Host header value acceptable for a loopback server
//   origin_allowed()      Origin header value acceptable for a loopback server
#pragma once

#include <string>
#include <string_view>

namespace ndrscan::web {

struct ListenAddress {
  std::string host = "127.0.0.1";  ///< without brackets
  int port = 8025;                 ///< 0: any free port
};

/// parse_listen - HOST:PORT ("[v6]:PORT" for IPv6; an empty HOST means
/// 127.0.0.1; a bare PORT is accepted too). False with a reason in *err.
bool parse_listen(std::string_view text, ListenAddress* out, std::string* err);

/// is_loopback_host - an address in 127.0.0.0/8, ::1 (also ::ffff:127.x), or
/// the name "localhost" (any case, trailing dot allowed).
bool is_loopback_host(std::string_view host);

/// host_header_allowed - Host "NAME[:PORT]" names a loopback host.
bool host_header_allowed(std::string_view host_header);

/// origin_allowed - Origin "http://NAME[:PORT]" names a loopback host ("null"
/// and other schemes are refused).
bool origin_allowed(std::string_view origin);

/// url_for - "http://127.0.0.1:8025/" ("[::1]" bracketed).
std::string url_for(const std::string& host, int port);

}  // namespace ndrscan::web
