// listen.cc - --listen parsing and loopback checks (no sockets here).
#include "src/web/listen.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cstring>

namespace ndrscan::web {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

/// split_host_port - "[v6]:port", "host:port", "host" (port empty).
bool split_host_port(std::string_view text, std::string_view* host, std::string_view* port) {
  if (!text.empty() && text.front() == '[') {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos) return false;
    *host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (rest.empty()) {
      *port = {};
      return true;
    }
    if (rest.front() != ':') return false;
    *port = rest.substr(1);
    return true;
  }
  std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    *host = text;
    *port = {};
    return true;
  }
  if (text.find(':') != colon) return false;  // bare IPv6 needs brackets
  *host = text.substr(0, colon);
  *port = text.substr(colon + 1);
  return true;
}

bool parse_port(std::string_view s, int* port) {
  if (s.empty() || s.size() > 5) return false;
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0 || v > 65535) return false;
  *port = v;
  return true;
}

}  // namespace

bool parse_listen(std::string_view text, ListenAddress* out, std::string* err) {
  ListenAddress a;
  std::string_view host, port;
  bool all_digits = !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
  if (all_digits) {
    port = text;
  } else if (!split_host_port(text, &host, &port)) {
    *err = fmt::format("--listen '{}': expected HOST:PORT ([ADDR]:PORT for IPv6)", text);
    return false;
  }
  if (!host.empty()) a.host = std::string(host);
  if (!port.empty() && !parse_port(port, &a.port)) {
    *err = fmt::format("--listen '{}': port must be 0-65535", text);
    return false;
  }
  if (port.empty() && !all_digits) {
    *err = fmt::format("--listen '{}': no port (use HOST:PORT; 0 picks a free port)", text);
    return false;
  }
  *out = a;
  return true;
}

bool is_loopback_host(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (iequals(host, "localhost")) return true;
  std::string h(host);
  unsigned char buf[16];
  if (inet_pton(AF_INET, h.c_str(), buf) == 1) return buf[0] == 127;
  if (inet_pton(AF_INET6, h.c_str(), buf) == 1) {
    static const unsigned char kLoop[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (std::memcmp(buf, kLoop, 16) == 0) return true;
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return std::memcmp(buf, kMapped, 12) == 0 && buf[12] == 127;
  }
  return false;
}

bool host_header_allowed(std::string_view host_header) {
  std::string_view host, port;
  if (host_header.empty() || !split_host_port(host_header, &host, &port)) return false;
  int p = 0;
  if (!port.empty() && !parse_port(port, &p)) return false;
  return is_loopback_host(host);
}

bool origin_allowed(std::string_view origin) {
  constexpr std::string_view kScheme = "http://";
  if (origin.size() <= kScheme.size() || !iequals(origin.substr(0, kScheme.size()), kScheme)) return false;
  std::string_view rest = origin.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos || rest.find('@') != std::string_view::npos) return false;
  return host_header_allowed(rest);
}

std::string url_for(const std::string& host, int port) {
  if (host.find(':') != std::string::npos) return fmt::format("http://[{}]:{}/", host, port);
  return fmt::format("http://{}:{}/", host, port);
}

}  // namespace ndrscan::web
