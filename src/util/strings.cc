// strings.cc - ASCII helpers: IP-literal and host-name checks.
#include "src/util/strings.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace ndrscan::util {

bool is_ipv4(std::string_view s) {
  if (s.empty() || s.size() > 15) return false;
  int parts = 0;
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t start = i;
    int value = 0;
    while (i < s.size() && is_digit(s[i])) {
      value = value * 10 + (s[i] - '0');
      if (value > 255 || i - start >= 3) return false;
      ++i;
    }
    if (i == start) return false;
    ++parts;
    if (i == s.size()) break;
    if (s[i] != '.') return false;
    ++i;
  }
  return parts == 4;
}

bool is_ipv6(std::string_view s) {
  // Zone ids ("%eth0") are legal in text but never meaningful in mail.
  std::size_t pct = s.find('%');
  if (pct != std::string_view::npos) s = s.substr(0, pct);
  if (s.size() < 2 || s.size() > 45 || s.find(':') == std::string_view::npos) return false;
  for (char c : s)
    if (!is_xdigit(c) && c != ':' && c != '.') return false;  // also rejects an embedded NUL
  char buf[64];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  unsigned char out[16];
  return inet_pton(AF_INET6, buf, out) == 1;
}

std::string clean_ip(std::string_view s) {
  s = trim(s);
  // MDaemon writes "[(192.0.2.1)]"
  if (s.size() > 4 && s.substr(0, 2) == "[(" && s.substr(s.size() - 2) == ")]") s = s.substr(2, s.size() - 4);
  if (!s.empty() && s.front() == '[') {
    std::size_t close = s.find(']');
    if (close == std::string_view::npos) {
      s.remove_prefix(1);
    } else {
      s = s.substr(1, close - 1);  // "[ip]:port" -> "ip"
    }
  }
  if (istarts_with(s, "IPv6:")) s.remove_prefix(5);
  s = strip_dot(trim(s));
  // IPv4-mapped IPv6 ("::ffff:192.0.2.1") is the IPv4 peer of a dual-stack socket
  if (istarts_with(s, "::ffff:") && is_ipv4(s.substr(7))) return std::string(s.substr(7));
  if (is_ipv4(s)) return std::string(s);
  if (is_ipv6(s)) return canonical_ipv6(s);
  // "1.2.3.4:25" or "1.2.3.4.25" (some MTAs append the port)
  std::size_t sep = s.find_last_of(":.");
  if (sep != std::string_view::npos && is_ipv4(s.substr(0, sep))) {
    std::string_view port = s.substr(sep + 1);
    if (!port.empty() && port.size() <= 5 && std::all_of(port.begin(), port.end(), is_digit))
      return std::string(s.substr(0, sep));
  }
  return {};
}

std::string canonical_ipv6(std::string_view s) {
  std::size_t pct = s.find('%');
  if (pct != std::string_view::npos) s = s.substr(0, pct);
  if (s.size() > 45) return std::string(s);
  char buf[64];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  unsigned char bin[16];
  if (inet_pton(AF_INET6, buf, bin) != 1) return std::string(s);
  char out[INET6_ADDRSTRLEN];
  if (!inet_ntop(AF_INET6, bin, out, sizeof out)) return std::string(s);
  return out;
}

bool is_hostname(std::string_view s) {
  s = strip_dot(s);
  if (s.empty() || s.size() > 253 || is_ipv4(s)) return false;
  bool letter = false;
  for (char c : s) {
    if (is_alpha(c)) {
      letter = true;
    } else if (!(is_digit(c) || c == '-' || c == '.' || c == '_')) {
      return false;
    }
  }
  return letter;
}

}  // namespace ndrscan::util
