// hop_classifier.h - place each side of each hop on a network, with evidence.
//
// PURPOSE
//   Combines the facts a hop offers, strongest first: the IP in a provider's
//   published CIDR ranges, the reverse-DNS name the receiver recorded, the
//   name a server gives itself in its own Received line, the HELO name
//   (weakest: the client chooses it), the AS number from a MaxMind-format
//   database, and header fingerprints (X-Mimecast-*, X-MS-Exchange-*...)
//   that corroborate a provider already suggested by the hop. Each fact
//   adds its weight; confidence = 1 - prod(1 - w/100). Builds the route
//   summary and places the server that refused the message on it.
//
// PUBLIC FUNCTIONS
//   HopClassifier::classify_side()   one (ip, rdns, self name, helo) tuple
//   HopClassifier::classify_hops()   both sides of every hop
//   route_summary()                  "Internet > Mimecast > EOP > on-prem"
//   locate_rejection()               Analysis -> RejectedBy
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/rfc5322/header_block.h"
#include "src/classify/network_tables.h"
#include "src/core/model.h"

namespace ndrscan::classify {

class GeoIp;

/// Which fact of a hop matched a rule.
enum class Fact : std::uint8_t { kIp, kRdns, kSelf, kHelo, kAsn, kHeader };

/// The decision for one side of a hop, before any text is made: plain
/// values in fixed arrays, so deciding allocates nothing.
struct Verdict {
  static constexpr int kMaxCandidates = 6;
  static constexpr int kMaxMatches = 12;
  struct Candidate {
    int provider = -1;
    NetClass cls = NetClass::kUnknown;
    int best_weight = 0;  ///< the class of the strongest fact wins
    double miss = 1.0;    ///< prod(1 - w/100)
  };
  struct Match {
    Fact fact = Fact::kIp;
    int rule = -1;
    int provider = -1;
  };
  Candidate cand[kMaxCandidates];
  Match matches[kMaxMatches];
  int ncand = 0, nmatch = 0, best = -1;
  int provider = -1;  ///< winning provider, -1 when nothing matched
  NetClass cls = NetClass::kUnknown;
  int confidence = 0;
};

class HopClassifier {
 public:
  HopClassifier(const NetworkTables& tables, const GeoIp* geo) : tables_(tables), geo_(geo) {}

  /// decide - the classification itself (no strings are built).
  Verdict decide(std::string_view ip, std::string_view rdns, std::string_view self_name, std::string_view helo,
                 std::uint32_t asn, const std::vector<int>& fingerprints) const;
  /// describe - a Verdict as NetworkInfo, with one evidence line per fact.
  NetworkInfo describe(const Verdict& v, std::string_view ip, std::string_view rdns, std::string_view self_name,
                       std::string_view helo) const;

  /// classify_side - one side of a hop. `self_name` is a name the server
  /// wrote for itself (by clause), `helo` a name its client claimed.
  NetworkInfo classify_side(std::string_view ip, std::string_view rdns, std::string_view self_name,
                            std::string_view helo, const std::vector<int>& fingerprints) const;

  /// classify_hops - fill from_network and by_network of every hop;
  /// `fields` are the header fields the hops came from (fingerprints).
  void classify_hops(std::vector<Hop>* hops, const std::vector<rfc5322::HeaderField>& fields) const;

 private:
  const NetworkTables& tables_;
  const GeoIp* geo_;
};

/// route_label - short name of a network for the route line.
std::string route_label(const NetworkInfo& n);

/// route_summary - oldest first, consecutive duplicates collapsed.
std::string route_summary(const std::vector<Hop>& hops);

/// locate_rejection - the server that refused (Remote-MTA, a "host X said"
/// in the diagnostic) or generated the report (Reporting-MTA), classified
/// and placed on the bounce's or the original's route.
std::optional<RejectedBy> locate_rejection(const Analysis& a, const HopClassifier& c);

}  // namespace ndrscan::classify
