// cidr_table.cc - prefix flattening and binary-search lookup.
#include "src/util/cidr_table.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace ndrscan::util {
namespace {

Addr from_bytes(const unsigned char* b) {
  Addr a = 0;
  for (int i = 0; i < 16; ++i) a = (a << 8) | b[i];
  return a;
}

Addr mask_of(int bits) {  // the host part: low (128 - bits) ones
  if (bits >= 128) return 0;
  if (bits <= 0) return ~static_cast<Addr>(0);
  return (static_cast<Addr>(1) << (128 - bits)) - 1;
}

}  // namespace

std::optional<Addr> parse_address(std::string_view text) {
  char buf[64];
  if (text.empty() || text.size() >= sizeof buf) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  unsigned char b[16] = {};
  if (text.find(':') == std::string_view::npos) {
    if (inet_pton(AF_INET, buf, b + 12) != 1) return std::nullopt;
    b[10] = b[11] = 0xff;
    return from_bytes(b);
  }
  if (inet_pton(AF_INET6, buf, b) != 1) return std::nullopt;
  return from_bytes(b);
}

bool parse_prefix(std::string_view text, Prefix* out, std::string* err) {
  std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    *err = "missing '/length'";
    return false;
  }
  std::string_view addr = text.substr(0, slash), len = text.substr(slash + 1);
  auto a = parse_address(addr);
  if (!a) {
    *err = "not an IP address: '" + std::string(addr) + "'";
    return false;
  }
  if (len.empty() || len.size() > 3 || !std::all_of(len.begin(), len.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    *err = "bad prefix length '" + std::string(len) + "'";
    return false;
  }
  int n = std::stoi(std::string(len));
  bool v4 = addr.find(':') == std::string_view::npos;
  if ((v4 && n > 32) || n > 128) {
    *err = "prefix length " + std::string(len) + " too long";
    return false;
  }
  out->v4 = v4;
  out->bits = v4 ? 96 + n : n;
  if (*a & mask_of(out->bits)) {
    *err = "host bits set (not a network address)";
    return false;
  }
  out->first = *a;
  return true;
}

void CidrTable::add(const Prefix& p, int value) {
  input_.push_back({p.first, p.first | mask_of(p.bits), p.bits, value});
}

void CidrTable::build() {
  // Broader prefixes first at the same start, so nested ones follow them.
  std::sort(input_.begin(), input_.end(), [](const Entry& a, const Entry& b) {
    if (a.first != b.first) return a.first < b.first;
    if (a.bits != b.bits) return a.bits < b.bits;
    return a.value < b.value;  // the same prefix twice: the later one wins
  });
  starts_.clear();
  ends_.clear();
  values_.clear();
  auto emit = [&](Addr s, Addr e, int v) {
    if (!values_.empty() && values_.back() == v && ends_.back() + 1 == s) {
      ends_.back() = e;  // merge adjacent ranges with the same value
      return;
    }
    starts_.push_back(s);
    ends_.push_back(e);
    values_.push_back(v);
  };
  std::vector<const Entry*> stack;
  Addr cursor = 0;
  bool done = false;  // cursor moved past the top of the address space
  auto close_until = [&](const Entry* next) {
    while (!stack.empty() && (next == nullptr || stack.back()->last < next->first)) {
      const Entry* top = stack.back();
      if (!done && cursor <= top->last) emit(cursor, top->last, top->value);
      if (top->last == ~static_cast<Addr>(0)) done = true;
      else cursor = top->last + 1;
      stack.pop_back();
    }
  };
  for (const Entry& e : input_) {
    close_until(&e);
    if (!stack.empty() && cursor < e.first) emit(cursor, e.first - 1, stack.back()->value);
    cursor = e.first;
    done = false;
    stack.push_back(&e);
  }
  close_until(nullptr);
}

int CidrTable::lookup(Addr a) const {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), a);
  if (it == starts_.begin()) return -1;
  std::size_t i = static_cast<std::size_t>(it - starts_.begin()) - 1;
  return a <= ends_[i] ? values_[i] : -1;
}

}  // namespace ndrscan::util
