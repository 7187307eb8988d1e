// ms_headers.cc - Microsoft knowledge tables and the X-MS / Forefront decoder.
#include "parsers/microsoft/ms_headers.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <fstream>

#include "src/util/strings.h"

namespace ndrscan::microsoft {
namespace {

using util::iequals;
using util::trim;

/// One data line of a table: its line number and trimmed columns.
struct TsvRow {
  int line = 0;
  std::vector<std::string> cols;
};

/// valid_date - "YYYY-MM-DD" shape.
bool valid_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!util::is_digit(d[i])) return false;
  return true;
}

/// read_tsv - read `path`, check every data line has the expected columns and
/// none is empty, and that "# date:" and "# columns:" lines are present.
bool read_tsv(const std::string& path, const std::vector<std::string_view>& names, std::vector<TsvRow>* rows,
              std::string* date, std::string* err) {
  std::ifstream in(path);
  if (!in) {
    *err = fmt::format("{}: cannot open", path);
    return false;
  }
  std::string expected_columns;
  for (std::size_t i = 0; i < names.size(); ++i) expected_columns += (i ? "<TAB>" : "") + std::string(names[i]);
  std::string line;
  int lineno = 0;
  bool columns_seen = false;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty()) continue;
    if (line[0] == '#') {
      std::string_view v = trim(std::string_view(line).substr(1));
      if (util::istarts_with(v, "date:")) {
        std::string_view d = trim(v.substr(5));
        if (!valid_date(d)) {
          *err = fmt::format("{}:{}: date must be YYYY-MM-DD, found '{}'", path, lineno, d);
          return false;
        }
        *date = std::string(d);
      } else if (util::istarts_with(v, "columns:")) {
        std::string_view c = trim(v.substr(8));
        if (c != expected_columns) {
          *err = fmt::format("{}:{}: columns line says '{}', expected '{}'", path, lineno, c, expected_columns);
          return false;
        }
        columns_seen = true;
      }
      continue;
    }
    TsvRow row;
    row.line = lineno;
    std::string_view rest = line;
    while (true) {
      std::size_t tab = rest.find('\t');
      row.cols.emplace_back(trim(rest.substr(0, tab)));
      if (tab == std::string_view::npos) break;
      rest = rest.substr(tab + 1);
    }
    if (row.cols.size() != names.size()) {
      std::string list;
      for (std::size_t i = 0; i < names.size(); ++i) list += (i ? ", " : "") + std::string(names[i]);
      *err = fmt::format("{}:{}: expected {} tab-separated columns ({}), found {}", path, lineno, names.size(), list,
                         row.cols.size());
      return false;
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (row.cols[i].empty()) {
        *err = fmt::format("{}:{}: empty {} column", path, lineno, names[i]);
        return false;
      }
    }
    rows->push_back(std::move(row));
  }
  if (date->empty()) {
    *err = fmt::format("{}: missing '# date:' line", path);
    return false;
  }
  if (!columns_seen) {
    *err = fmt::format("{}: missing '# columns:' line", path);
    return false;
  }
  return true;
}

/// valid_compauth_code - "000".."999" or a class "1xx".
bool valid_compauth_code(std::string_view c) {
  if (c.size() != 3 || !util::is_digit(c[0])) return false;
  if (c[1] == 'x' && c[2] == 'x') return true;
  return util::is_digit(c[1]) && util::is_digit(c[2]);
}

/// parse_small_int - "-1", "5", "09"; nullopt for anything else.
std::optional<int> parse_small_int(std::string_view s) {
  s = trim(s);
  if (s.empty() || s.size() > 4) return std::nullopt;
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

/// The fields the decoder reads, by slot.
enum Slot : std::size_t {
  kFfas,
  kFfasUntrusted,
  kAntispam,
  kMailboxDelivery,
  kOrgScl,
  kOrgPcl,
  kOrgAuthAs,
  kOrgAuthSource,
  kOrgAuthMechanism,
  kOrgNetworkMessageId,
  kCtId,
  kCtAuthAs,
  kCtAuthSource,
  kCtFromEntity,
  kCtNetworkMessageId,
  kCtOriginalArrivalTime,
  kIsNdr,
  kSlotCount
};

constexpr std::array<std::string_view, kSlotCount> kSlotNames = {
    "X-Forefront-Antispam-Report",
    "X-Forefront-Antispam-Report-Untrusted",
    "X-Microsoft-Antispam",
    "X-Microsoft-Antispam-Mailbox-Delivery",
    "X-MS-Exchange-Organization-SCL",
    "X-MS-Exchange-Organization-PCL",
    "X-MS-Exchange-Organization-AuthAs",
    "X-MS-Exchange-Organization-AuthSource",
    "X-MS-Exchange-Organization-AuthMechanism",
    "X-MS-Exchange-Organization-Network-Message-Id",
    "X-MS-Exchange-CrossTenant-Id",
    "X-MS-Exchange-CrossTenant-AuthAs",
    "X-MS-Exchange-CrossTenant-AuthSource",
    "X-MS-Exchange-CrossTenant-FromEntityHeader",
    "X-MS-Exchange-CrossTenant-Network-Message-Id",
    "X-MS-Exchange-CrossTenant-OriginalArrivalTime",
    "X-MS-Exchange-Message-Is-Ndr",
};

/// decode_list - split a list field and attach meanings; `prefix` qualifies
/// keys of headers other than X-Forefront-Antispam-Report.
std::vector<DecodedValue> decode_list(std::string_view value, std::string_view prefix, const MsTables& tables) {
  std::vector<DecodedValue> out;
  for (auto& [k, v] : split_ms_list(value)) {
    std::string field = prefix.empty() ? k : fmt::format("{}/{}", prefix, k);
    std::string meaning = tables.antispam_meaning(field, v);
    out.push_back({std::move(k), std::move(v), std::move(meaning)});
  }
  return out;
}

}  // namespace

std::vector<long> normalise_build(std::string_view s) {
  s = trim(s);
  std::vector<long> parts;
  if (s.empty()) return parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && s[i] != '.') {
      if (!util::is_digit(s[i])) return {};
      continue;
    }
    std::size_t len = i - start;
    if (len == 0 || len > 6 || parts.size() == 4) return {};
    long v = 0;
    for (std::size_t j = start; j < i; ++j) v = v * 10 + (s[j] - '0');
    parts.push_back(v);
    start = i + 1;
  }
  return parts;
}

bool MsTables::load(const std::string& dir, std::string* err) {
  antispam_.clear();
  compauth_.clear();
  builds_.clear();
  date_.clear();
  auto keep_newest = [this](const std::string& d) {
    if (d > date_) date_ = d;
  };

  {
    std::string path = dir + "/forefront-antispam.tsv", date;
    std::vector<TsvRow> rows;
    if (!read_tsv(path, {"field", "value", "meaning", "source"}, &rows, &date, err)) return false;
    for (const auto& r : rows) {
      std::string key = util::lower(r.cols[0]) + '\t' + util::lower(r.cols[1]);
      if (!antispam_.emplace(key, r.cols[2]).second) {
        *err = fmt::format("{}:{}: duplicate field/value '{}:{}'", path, r.line, r.cols[0], r.cols[1]);
        return false;
      }
    }
    keep_newest(date);
  }
  {
    std::string path = dir + "/compauth-reasons.tsv", date;
    std::vector<TsvRow> rows;
    if (!read_tsv(path, {"code", "meaning", "source"}, &rows, &date, err)) return false;
    for (const auto& r : rows) {
      if (!valid_compauth_code(r.cols[0])) {
        *err = fmt::format("{}:{}: '{}' is not a reason code (use 000 or 1xx)", path, r.line, r.cols[0]);
        return false;
      }
      if (!compauth_.emplace(r.cols[0], r.cols[1]).second) {
        *err = fmt::format("{}:{}: duplicate code '{}'", path, r.line, r.cols[0]);
        return false;
      }
    }
    keep_newest(date);
  }
  {
    std::string path = dir + "/exchange-builds.tsv", date;
    std::vector<TsvRow> rows;
    if (!read_tsv(path, {"build_prefix", "product", "source"}, &rows, &date, err)) return false;
    for (const auto& r : rows) {
      std::vector<long> prefix = normalise_build(r.cols[0]);
      if (prefix.empty()) {
        *err = fmt::format("{}:{}: '{}' is not a build prefix (use 15.2.1544)", path, r.line, r.cols[0]);
        return false;
      }
      for (const auto& b : builds_) {
        if (b.first == prefix) {
          *err = fmt::format("{}:{}: duplicate build prefix '{}'", path, r.line, r.cols[0]);
          return false;
        }
      }
      builds_.emplace_back(std::move(prefix), r.cols[1]);
    }
    keep_newest(date);
  }
  return true;
}

std::string MsTables::antispam_meaning(std::string_view field, std::string_view value) const {
  std::string f = util::lower(trim(field));
  if (f.empty()) return {};
  std::string v = util::lower(trim(value));
  if (!v.empty()) {
    if (auto it = antispam_.find(f + '\t' + v); it != antispam_.end()) return it->second;
  }
  if (auto it = antispam_.find(f + "\t*"); it != antispam_.end()) return it->second;
  return {};
}

std::string MsTables::compauth_meaning(std::string_view code) const {
  code = trim(code);
  if (code.size() != 3 || !util::is_digit(code[0]) || !util::is_digit(code[1]) || !util::is_digit(code[2])) return {};
  if (auto it = compauth_.find(std::string(code)); it != compauth_.end()) return it->second;
  if (auto it = compauth_.find(std::string(1, code[0]) + "xx"); it != compauth_.end()) return it->second;
  return {};
}

std::string MsTables::exchange_product(std::string_view build) const {
  std::vector<long> parts = normalise_build(build);
  if (parts.empty()) return {};
  const std::string* best = nullptr;
  std::size_t best_len = 0;
  for (const auto& [prefix, product] : builds_) {
    if (prefix.size() > parts.size() || prefix.size() <= best_len) continue;
    if (std::equal(prefix.begin(), prefix.end(), parts.begin())) {
      best = &product;
      best_len = prefix.size();
    }
  }
  return best ? *best : std::string();
}

std::vector<std::pair<std::string, std::string>> split_ms_list(std::string_view value, std::size_t max_items) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t pos = 0;
  while (pos <= value.size() && out.size() < max_items) {
    std::size_t semi = value.find(';', pos);
    std::string_view item = trim(value.substr(pos, semi == std::string_view::npos ? std::string_view::npos : semi - pos));
    if (!item.empty()) {
      std::size_t colon = item.find(':');
      std::string_view k = trim(item.substr(0, colon));
      std::string_view v = colon == std::string_view::npos ? std::string_view() : trim(item.substr(colon + 1));
      if (v == "(null)") v = {};
      if (!k.empty()) out.emplace_back(std::string(k), std::string(v));
    }
    if (semi == std::string_view::npos) break;
    pos = semi + 1;
  }
  return out;
}

MsHeaders decode_ms_headers(const std::vector<rfc5322::HeaderField>& fields, const MsTables& tables) {
  MsHeaders out;
  std::array<const rfc5322::HeaderField*, kSlotCount> top{};
  std::array<std::size_t, kSlotCount> count{};
  for (const auto& f : fields) {
    // cheap filter: every field of interest starts with "X-M" or "X-F"
    if (f.name.size() < 20 || !util::istarts_with(f.name, "x-")) continue;
    for (std::size_t s = 0; s < kSlotCount; ++s) {
      if (!iequals(f.name, kSlotNames[s])) continue;
      if (count[s]++ == 0) top[s] = &f;
      break;
    }
  }
  for (std::size_t s = 0; s < kSlotCount; ++s) {
    if (count[s] == 0) continue;
    out.any = true;
    if (count[s] > 1 && s != kIsNdr)
      out.notes.push_back(fmt::format("{} appears {} times; used the top-most (offset {}), lower copies may come "
                                      "from the sender",
                                      kSlotNames[s], count[s], top[s]->offset));
  }
  auto text = [&](Slot s) { return top[s] ? std::string(trim(top[s]->value)) : std::string(); };

  out.auth_as = text(kOrgAuthAs);
  out.auth_source = text(kOrgAuthSource);
  out.auth_mechanism = text(kOrgAuthMechanism);
  out.network_message_id = text(kOrgNetworkMessageId);
  out.cross_tenant_id = text(kCtId);
  out.cross_tenant_auth_as = text(kCtAuthAs);
  out.cross_tenant_auth_source = text(kCtAuthSource);
  out.cross_tenant_from_entity = text(kCtFromEntity);
  out.cross_tenant_network_message_id = text(kCtNetworkMessageId);
  out.cross_tenant_original_arrival_time = text(kCtOriginalArrivalTime);
  out.is_ndr = top[kIsNdr] != nullptr;

  auto number = [&](std::string_view what, std::string_view v) -> std::optional<int> {
    if (trim(v).empty()) return std::nullopt;
    auto n = parse_small_int(v);
    if (!n) out.notes.push_back(fmt::format("{} value '{}' is not a number; ignored", what, trim(v).substr(0, 40)));
    return n;
  };

  std::optional<int> ffas_scl, ffas_pcl;
  if (top[kFfas]) {
    out.forefront = decode_list(top[kFfas]->value, "", tables);
    for (const auto& d : out.forefront) {
      if (iequals(d.key, "CTRY")) out.ffas_country = d.value;
      else if (iequals(d.key, "CIP")) out.ffas_client_ip = d.value;
      else if (iequals(d.key, "PTR")) out.ffas_ptr = d.value;
      else if (iequals(d.key, "H")) out.ffas_helo = d.value;
      else if (iequals(d.key, "SFV")) out.ffas_sfv = d.value;
      else if (iequals(d.key, "CAT")) out.ffas_cat = d.value;
      else if (iequals(d.key, "DIR")) out.ffas_dir = d.value;
      else if (iequals(d.key, "SCL")) ffas_scl = number("X-Forefront-Antispam-Report SCL", d.value);
      else if (iequals(d.key, "PCL")) ffas_pcl = number("X-Forefront-Antispam-Report PCL", d.value);
    }
  }
  if (top[kFfasUntrusted])
    out.notes.push_back(
        "X-Forefront-Antispam-Report-Untrusted present: another tenant's verdict, not used for this one");

  if (top[kOrgScl]) out.scl = number("X-MS-Exchange-Organization-SCL", top[kOrgScl]->value);
  if (out.scl && ffas_scl && *out.scl != *ffas_scl)
    out.notes.push_back(fmt::format("X-MS-Exchange-Organization-SCL ({}) differs from the Forefront report SCL ({}); "
                                    "used the organization field",
                                    *out.scl, *ffas_scl));
  if (!out.scl) out.scl = ffas_scl;

  if (top[kAntispam]) {
    out.antispam = decode_list(top[kAntispam]->value, "X-Microsoft-Antispam", tables);
    for (const auto& d : out.antispam) {
      if (iequals(d.key, "BCL")) out.bcl = number("X-Microsoft-Antispam BCL", d.value);
      else if (iequals(d.key, "PCL")) out.pcl = number("X-Microsoft-Antispam PCL", d.value);
    }
  }
  if (!out.pcl && top[kOrgPcl]) out.pcl = number("X-MS-Exchange-Organization-PCL", top[kOrgPcl]->value);
  if (!out.pcl) out.pcl = ffas_pcl;

  if (top[kMailboxDelivery])
    out.mailbox_delivery = decode_list(top[kMailboxDelivery]->value, "X-Microsoft-Antispam-Mailbox-Delivery", tables);
  return out;
}

}  // namespace ndrscan::microsoft
