// summary.h - counts over many analysed messages, mergeable.
//
// PURPOSE
//   A bulk run adds every analysed message to a Summary: how many messages,
//   bounces, failed and delayed recipients, and breakdowns by reason,
//   enhanced status, rejecting network/provider, recipient domain,
//   reporting MTA and day. Summaries of shards merge by addition, so a run
//   split over many machines gives the same totals as one run. Maps are
//   ordered: printing is deterministic.
//
// PUBLIC FUNCTIONS
//   Summary::add()        one analysed message
//   Summary::add_error()  one input or message that failed
//   Summary::merge()      add another summary
//   Summary::to_json() / from_json()
//   render_summary()      the text table (80 columns)
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "src/core/model.h"

namespace ndrscan::bulk {

/// One input or message that could not be analysed.
struct ErrorItem {
  std::string file;
  std::int64_t offset = -1;  ///< -1 when the whole input failed
  std::string reason;
};

using Counts = std::map<std::string, std::uint64_t>;

struct Summary {
  std::uint64_t inputs = 0;             ///< files (or streams) read
  std::uint64_t skipped = 0;            ///< files in directories skipped as not mail by name
  std::uint64_t messages = 0;           ///< messages seen, analysed or not
  std::uint64_t analysed = 0;
  std::uint64_t bounces = 0;            ///< messages with at least one failed recipient
  std::uint64_t delays = 0;             ///< messages with delayed recipients only
  std::uint64_t other = 0;              ///< analysed messages without failed/delayed recipients
  std::uint64_t failed_recipients = 0;
  std::uint64_t delayed_recipients = 0;
  std::uint64_t bytes = 0;
  std::uint64_t error_count = 0;
  std::vector<ErrorItem> errors;        ///< the first kMaxErrors, in input order
  Counts by_kind;  ///< every analysed message by kind (bounce, delay, autoreply, ...)
  Counts by_reason, by_cause, by_status, by_network, by_domain, by_mta, by_day;

  static constexpr std::size_t kMaxErrors = 1000;

  /// add - count one analysed message.
  void add(const Analysis& a);
  /// add_error - count one failure (kept in `errors` up to kMaxErrors).
  void add_error(ErrorItem e);
  /// merge - add `o` (errors appended in order, still capped).
  void merge(const Summary& o);
  /// to_json - the whole summary as one JSON object (docs/bulk.md).
  std::string to_json() const;
  /// from_json - parse to_json() output; false with a reason.
  static bool from_json(const std::string& text, Summary* out, std::string* err);
};

/// render_summary - the human-readable table, top `top` rows per breakdown.
std::string render_summary(const Summary& s, std::size_t top = 10, bool interrupted = false);

/// recipient_domain - lowercase domain of an address, "" if none.
std::string recipient_domain(std::string_view address);

}  // namespace ndrscan::bulk
