// received.h - parse one Received field value into hop facts.
//
// PURPOSE
//   RFC 5321 4.4 / RFC 5322 3.6.7 define Received as clauses (from, by, via,
//   with, id, for) followed by "; date". Real MTAs put the interesting facts
//   in comments: Postfix "(helo [ip])", Exim "([ip]:port helo=x)", qmail
//   "(HELO x) (ip)", Exchange "(ip)" and "(version=TLS1_2, cipher=...)".
//   This parser tokenises the value once (comments, literals, angle
//   addresses, quoted strings), walks the clauses as a small state machine
//   and reads the comments of each clause with per-MTA rules. It never fails:
//   what it cannot place is reported in `notes` and `partial` is set.
//
// PUBLIC FUNCTIONS
//   parse_received()  value -> ReceivedFields
//
// DIAGNOSTICS
//   notes[] lines such as "no date", "unknown clause 'xyz'", "no from or by".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/core/model.h"

namespace ndrscan::rfc5322 {

/// Facts of one Received field.
struct ReceivedFields {
  std::string from_host;   ///< HELO name, else the from word
  std::string from_rdns;   ///< reverse-DNS name recorded by the receiver
  std::string from_ip;     ///< connecting IP, cleaned
  std::string by_host;
  std::string by_ip;      ///< receiving host address when written: "(10.13.182.172)"
  std::string protocol;    ///< first word of the with clause, as written
  std::optional<TlsInfo> tls;
  std::string id, for_addr, via, envelope_from, ident;
  std::string auth;        ///< "ESMTPA", "authenticated", ... when shown
  std::string date_text;   ///< the date as written
  std::optional<std::int64_t> time;  ///< UTC epoch seconds
  bool time_zone_known = true;
  bool partial = false;
  std::vector<std::string> notes;
};

/// parse_received - parse an unfolded Received value (without "Received:").
ReceivedFields parse_received(std::string_view value);

}  // namespace ndrscan::rfc5322
