// exchange_build_test.cc - Exchange build numbers in Received fields -> product.
#include <catch2/catch.hpp>

#include <string>

#include "parsers/microsoft/exchange_build.h"

using ndrscan::microsoft::exchange_version_name;
using ndrscan::microsoft::find_exchange_build;
using ndrscan::microsoft::MsTables;
using ndrscan::microsoft::normalise_build;

namespace {

const MsTables& tables() {
  static MsTables t;
  static bool loaded = false;
  if (!loaded) {
    std::string err;
    loaded = t.load(std::string(NDRSCAN_KNOWLEDGE_DIR) + "/microsoft", &err);
    INFO(err);
    REQUIRE(loaded);
  }
  return t;
}

}  // namespace

TEST_CASE("exchange-build: builds in Received text name their product", "[exchange-build]") {
  struct Row {
    const char* name;
    const char* text;
    const char* build;         // as found
    const char* product_starts;  // "" = not an Exchange build we know
  } rows[] = {
      {"Exchange Online id clause", "id 15.20.8158.14", "15.20.8158.14", "Exchange Online"},
      {"zero-padded mapi id", "with mapi id 15.01.2507.023", "15.01.2507.023", "Exchange Server 2016 CU23"},
      {"full Received value, IPs ignored",
       "from EX01.example.com (192.0.2.10) by EX02.example.com (192.0.2.11) with Microsoft SMTP Server "
       "(version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.2.1544.25 via Frontend Transport; "
       "Tue, 1 Jul 2025 16:17:35 -0700",
       "15.2.1544.25", "Exchange Server 2019 CU14"},
      {"Exchange Online hop",
       "from PH7PR12MB9066.namprd12.prod.outlook.com (2603:10b6:510:1f6::5) by DS7PR12MB5768.namprd12.prod.outlook.com "
       "(2603:10b6:8:77::18) with Microsoft SMTP Server (version=TLS1_2, "
       "cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.9654.18; Mon, 2 Mar 2026 22:55:31 +0000",
       "15.20.9654.18", "Exchange Online"},
      {"2019 CU15 hotfix update", "15.2.1748.24", "15.2.1748.24", "Exchange Server 2019 CU15"},
      {"2019 CU14 release build", "15.2.1544.4", "15.2.1544.4", "Exchange Server 2019 CU14"},
      {"Subscription Edition", "id 15.2.2562.17;", "15.2.2562.17", "Exchange Server Subscription Edition RTM"},
      {"2013 CU23 long format", "15.00.1497.012", "15.00.1497.012", "Exchange Server 2013 CU23"},
      {"2013 SP1", "id 15.0.847.32", "15.0.847.32", "Exchange Server 2013 SP1 (CU4)"},
      {"2016 preview wins over RTM prefix", "15.1.225.16", "15.1.225.16", "Exchange Server 2016 Preview"},
      {"2016 RTM", "15.1.225.42", "15.1.225.42", "Exchange Server 2016 RTM"},
      {"2010 SP3 update rollup", "with Microsoft SMTP Server id 14.3.498.0; Mon, 3 Jun 2024 10:00:00 +0200",
       "14.3.498.0", "Exchange Server 2010 SP3"},
      {"2007 SP3", "id 8.3.485.1", "8.3.485.1", "Exchange Server 2007 SP3"},
      {"unlisted 15.1 build (2015 Exchange Online)", "(TLS) id 15.1.99.6 via Frontend Transport", "15.1.99.6",
       "Exchange 15.1 build not in this table"},
      {"uppercase ID word", "ID 15.2.1258.12", "15.2.1258.12", "Exchange Server 2019 CU13"},
      {"bare IPv4 address", "192.0.2.10", "192.0.2.10", ""},
      {"IP in from clause, no id", "from [15.1.2.3] by mx.example.org", "", ""},
      {"Postfix queue id", "by mx.example.org (Postfix) with ESMTPS id 4XYZ12abCd", "", ""},
      {"numeric queue id", "with ESMTP id 123456789", "", ""},
      {"Proofpoint id", "with ESMTPS id 48n5298gtn-1", "", ""},
      {"build glued to letters", "id 15.2.1544.25x", "", ""},
      {"word ending in id", "paid 15.2.1544.25", "", ""},
      {"empty", "", "", ""},
      {"five parts", "15.2.1544.25.1", "", ""},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    CHECK(find_exchange_build(r.text) == r.build);
    std::string product = exchange_version_name(r.text, tables());
    if (*r.product_starts == '\0') CHECK(product.empty());
    else CHECK(product.rfind(r.product_starts, 0) == 0);
  }
}

TEST_CASE("exchange-build: normalised numbers and longest prefix", "[exchange-build]") {
  CHECK(normalise_build("15.01.2507.023") == std::vector<long>{15, 1, 2507, 23});
  CHECK(normalise_build(" 15.20 ") == std::vector<long>{15, 20});
  CHECK(normalise_build("15..2").empty());
  CHECK(normalise_build("15.2.").empty());
  CHECK(normalise_build("1234567.1").empty());
  CHECK(normalise_build("a.b").empty());
  CHECK(normalise_build("").empty());
  CHECK(tables().exchange_product("15.20") .rfind("Exchange Online", 0) == 0);
  CHECK(tables().exchange_product("15.2").rfind("Exchange 15.2 build not in this table", 0) == 0);
  CHECK(tables().exchange_product("15.2.15440.1").rfind("Exchange 15.2 build not in this table", 0) == 0);
  CHECK(tables().exchange_product("16.0.1.1").empty());
  CHECK(tables().exchange_product("15").empty());
}

TEST_CASE("exchange-build: hostile input does not crash", "[exchange-build]") {
  std::string ids;
  for (int i = 0; i < 10000; ++i) ids += "id id ";
  std::string dots(100000, '.');
  std::string digits(100000, '9');
  for (const std::string& s : {ids, dots, digits, std::string("id "), std::string("id"), std::string("id 15."),
                               std::string("id .15.2"), ids + "id 15.2.1544.4"}) {
    INFO(s.substr(0, 40));
    (void)exchange_version_name(s, tables());
  }
  CHECK(exchange_version_name(ids + "id 15.2.1544.4", tables()) == "Exchange Server 2019 CU14");
}
