// cidr_table.h - longest-prefix match over IPv4 and IPv6, built once.
//
// PURPOSE
//   Maps an address to the value of the most specific prefix containing it.
//   Prefixes are flattened at build time into sorted disjoint ranges, so a
//   lookup is one binary search over 128-bit keys (IPv4 lives in
//   ::ffff:0:0/96, as in the IPv4-mapped form). No email knowledge here.
//
// PUBLIC FUNCTIONS
//   parse_address()  text -> 128-bit key
//   parse_prefix()   "a.b.c.d/n" or "x::/n" -> first key, length (checks host bits)
//   CidrTable::add(), build(), lookup()
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ndrscan::util {

__extension__ typedef unsigned __int128 Addr;  // GCC/Clang 128-bit integer

/// parse_address - IPv4 or IPv6 text to a key (IPv4 -> ::ffff:a.b.c.d).
std::optional<Addr> parse_address(std::string_view text);

/// A parsed prefix: first address and length in IPv6 bits.
struct Prefix {
  Addr first = 0;
  int bits = 0;      ///< 0..128 (IPv4 /n becomes 96+n)
  bool v4 = false;
};

/// parse_prefix - false with a reason on syntax errors or set host bits.
bool parse_prefix(std::string_view text, Prefix* out, std::string* err);

/// CidrTable - add prefixes with integer values, build, then look up.
class CidrTable {
 public:
  void add(const Prefix& p, int value);
  /// build - flatten; prefixes must nest or be disjoint (CIDR always does).
  /// The same prefix added twice: the one added later (larger value) wins.
  void build();
  /// lookup - value of the longest matching prefix, or -1.
  int lookup(Addr a) const;
  std::size_t prefixes() const { return input_.size(); }
  std::size_t ranges() const { return starts_.size(); }

 private:
  struct Entry {
    Addr first, last;
    int bits;
    int value;
  };
  std::vector<Entry> input_;
  std::vector<Addr> starts_;
  std::vector<Addr> ends_;
  std::vector<int> values_;
};

}  // namespace ndrscan::util
