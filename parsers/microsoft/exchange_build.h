// exchange_build.h - Exchange build numbers in Received fields -> product.
//
// PURPOSE
//   Exchange writes its build into Received fields ("with Microsoft SMTP
//   Server (...) id 15.20.8158.14", "with mapi id 15.01.2507.023"). The
//   number says which product handled the hop: an on-premises Exchange
//   Server CU or Exchange Online. The build looks like an IPv4 address, so
//   it is only taken after an "id" word or when it is the whole input
//   (facts section 2.2: never geolocate it).
//
// PUBLIC FUNCTIONS
//   find_exchange_build()     the build number in an id clause or Received text
//   exchange_version_name()   text -> product name via exchange-builds.tsv
//
// DIAGNOSTICS
//   None: "" means "not an Exchange build we know".
#pragma once

#include <string>
#include <string_view>

#include "parsers/microsoft/ms_headers.h"

namespace ndrscan::microsoft {

/// find_exchange_build - the dotted build ("15.01.2507.023", as written)
/// that is the whole of `text` or follows an "id" word in it; "" if none.
std::string find_exchange_build(std::string_view text);

/// exchange_version_name - product for the build in `id_or_build`
/// ("id 15.20.8158.14" -> "Exchange Online ..."); longest-prefix match on
/// normalised numbers; "" if there is no build or no table row matches.
std::string exchange_version_name(std::string_view id_or_build, const MsTables& tables);

}  // namespace ndrscan::microsoft
