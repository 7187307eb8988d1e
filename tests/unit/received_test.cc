// received_test.cc - one row per real-world Received form.
#include <catch2/catch.hpp>

#include "parsers/rfc5322/date.h"
#include "parsers/rfc5322/received.h"

using ndrscan::rfc5322::format_iso8601_utc;
using ndrscan::rfc5322::parse_received;

namespace {

struct Row {
  const char* name;
  const char* value;
  const char* helo;
  const char* rdns;
  const char* ip;
  const char* by;
  const char* protocol;
  const char* tls_version;  // nullptr: no TLS expected; "" TLS without a version
  const char* cipher;
  const char* id;
  const char* for_addr;
  const char* time;         // ISO 8601 UTC, "" for none
};

const Row kRows[] = {
    {"postfix with TLS comment",
     "from mail.example.com (mail.example.com [192.0.2.10]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 "
     "(256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256) (No client "
     "certificate requested) by mx.example.net (Postfix) with ESMTPS id 4XYZ12abCd for <bob@example.org>; Tue, 12 "
     "Nov 2024 09:15:02 +0100 (CET)",
     "mail.example.com", "mail.example.com", "192.0.2.10", "mx.example.net", "ESMTPS", "TLSv1.3",
     "TLS_AES_256_GCM_SHA384", "4XYZ12abCd", "bob@example.org", "2024-11-12T08:15:02Z"},
    {"postfix unknown rdns",
     "from client.example.com (unknown [198.51.100.7]) by mx.example.net (Postfix) with ESMTP id 1A2B3C; Tue, 12 Nov "
     "2024 09:15:02 -0000",
     "client.example.com", "", "198.51.100.7", "mx.example.net", "ESMTP", nullptr, "", "1A2B3C", "",
     "2024-11-12T09:15:02Z"},
    {"postfix IPv6 literal",
     "from mail.example.com (mail.example.com [IPv6:2001:db8::25]) by mx.example.net (Postfix) with ESMTPS id 4Abc; "
     "Tue, 12 Nov 2024 09:15:02 +0000",
     "mail.example.com", "mail.example.com", "2001:db8::25", "mx.example.net", "ESMTPS", "", "", "4Abc", "",
     "2024-11-12T09:15:02Z"},
    {"exim port and helo",
     "from [198.51.100.20] (port=53422 helo=client.example.com) by mx.example.net with esmtps (TLS1.3) tls "
     "TLS_AES_256_GCM_SHA384 (Exim 4.96) (envelope-from <a@example.com>) id 1tAbCd-000123-4X for bob@example.net; "
     "Tue, 12 Nov 2024 09:15:02 +0000",
     "client.example.com", "", "198.51.100.20", "mx.example.net", "esmtps", "TLS1.3", "TLS_AES_256_GCM_SHA384",
     "1tAbCd-000123-4X", "bob@example.net", "2024-11-12T09:15:02Z"},
    {"exim rdns with ip:port and helo",
     "from host.example.com ([198.51.100.21]:41234 helo=helo.example.com) by mx.example.net with esmtp (Exim 4.96) "
     "id 1tAbCe-0001; Tue, 12 Nov 2024 09:15:02 +0000",
     "helo.example.com", "host.example.com", "198.51.100.21", "mx.example.net", "esmtp", nullptr, "", "1tAbCe-0001",
     "", "2024-11-12T09:15:02Z"},
    {"exim old cipher comment",
     "from dsl.example.net ([192.0.2.213] helo=blazing.example.org) by list.example.net with esmtp (Cipher "
     "TLSv1:DES-CBC3-SHA:168) (Exim 3.31-VA-mm2 #1 (Debian)) id 18lyuU-0007TI-00; Thu, 20 Feb 2003 14:11:18 -0800",
     "blazing.example.org", "dsl.example.net", "192.0.2.213", "list.example.net", "esmtp", "TLSv1", "DES-CBC3-SHA",
     "18lyuU-0007TI-00", "", "2003-02-20T22:11:18Z"},
    {"exchange online frontend",
     "from mail.contoso.com (203.0.113.25) by BN8NAM12FT045.mail.protection.outlook.com (10.13.182.172) with "
     "Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8158.14 via "
     "Frontend Transport; Tue, 12 Nov 2024 09:15:02 +0000",
     "mail.contoso.com", "", "203.0.113.25", "BN8NAM12FT045.mail.protection.outlook.com", "Microsoft SMTP Server",
     "TLS1_2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "15.20.8158.14", "", "2024-11-12T09:15:02Z"},
    {"exchange online internal IPv6 over HTTPS",
     "from DM6PR11MB1234.namprd11.prod.outlook.com (2603:10b6:5:1c0::12) by DM6PR11MB5678.namprd11.prod.outlook.com "
     "with HTTPS; Tue, 12 Nov 2024 09:15:02 +0000",
     "DM6PR11MB1234.namprd11.prod.outlook.com", "", "2603:10b6:5:1c0::12", "DM6PR11MB5678.namprd11.prod.outlook.com",
     "HTTPS", "", "", "", "", "2024-11-12T09:15:02Z"},
    {"exchange 2016 mapi",
     "from EX01.contoso.local ([fe80::1c2d:3e4f:5a6b:7c8d]) by EX01.contoso.local ([fe80::1c2d:3e4f:5a6b:7c8d%12]) "
     "with mapi id 15.01.2507.023; Tue, 12 Nov 2024 10:15:02 +0100",
     "EX01.contoso.local", "", "fe80::1c2d:3e4f:5a6b:7c8d", "EX01.contoso.local", "mapi", nullptr, "",
     "15.01.2507.023", "", "2024-11-12T09:15:02Z"},
    {"gmail by-only SMTP id",
     "by 2002:a05:6a10:8a4c:b0:5a1:2b3c:4d5e with SMTP id t12csp1234567pxb; Tue, 12 Nov 2024 01:02:03 -0800 (PST)",
     "", "", "", "2002:a05:6a10:8a4c:b0:5a1:2b3c:4d5e", "SMTP", nullptr, "", "t12csp1234567pxb", "",
     "2024-11-12T09:02:03Z"},
    {"gmail mx with dotted rdns and GTS",
     "from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with SMTPS id "
     "a1sor123.2024.11.12.01.02.03 for <x@example.com> (Google Transport Security); Tue, 12 Nov 2024 01:02:03 -0800 "
     "(PST)",
     "mail-sor-f41.google.com", "mail-sor-f41.google.com", "209.85.220.41", "mx.google.com", "SMTPS", "", "",
     "a1sor123.2024.11.12.01.02.03", "x@example.com", "2024-11-12T09:02:03Z"},
    {"gmail TLS version comment",
     "from mail.example.com (mail.example.com. [192.0.2.50]) by mx.google.com with ESMTPS id abc123 for "
     "<y@gmail.com> (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256); Tue, 12 Nov 2024 01:02:03 -0800 "
     "(PST)",
     "mail.example.com", "mail.example.com", "192.0.2.50", "mx.google.com", "ESMTPS", "TLS1_3",
     "TLS_AES_256_GCM_SHA384", "abc123", "y@gmail.com", "2024-11-12T09:02:03Z"},
    {"sendmail may be forged and TLS",
     "from client.example.com (dsl.example.net [192.0.2.40] (may be forged)) by mx.example.net (8.15.2/8.15.2) with "
     "ESMTP id 4ACH0a1b012345 (version=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384 bits=256 verify=NOT) for "
     "<bob@example.net>; Tue, 12 Nov 2024 09:15:02 +0000",
     "client.example.com", "dsl.example.net", "192.0.2.40", "mx.example.net", "ESMTP", "TLSv1.2",
     "ECDHE-RSA-AES256-GCM-SHA384", "4ACH0a1b012345", "bob@example.net", "2024-11-12T09:15:02Z"},
    {"sendmail ident user",
     "from ran-out.example.com (IDENT:qmailr@one.example.com [192.0.2.115]) by dogma.example.org (8.11.6/8.11.6) "
     "with SMTP id h381Vvf19860 for <jm@example.org>; Tue, 8 Apr 2003 02:31:57 +0100",
     "ran-out.example.com", "one.example.com", "192.0.2.115", "dogma.example.org", "SMTP", nullptr, "",
     "h381Vvf19860", "jm@example.org", "2003-04-08T01:31:57Z"},
    {"qmail HELO and bare ip",
     "from unknown (HELO client.example.com) (198.51.100.30) by mail.example.net with SMTP; 12 Nov 2024 09:00:00 "
     "-0000",
     "client.example.com", "", "198.51.100.30", "mail.example.net", "SMTP", nullptr, "", "", "",
     "2024-11-12T09:00:00Z"},
    {"qmail user@ip",
     "from unknown (HELO terpsichore.example.com) (jdavid@[192.0.2.70]) (envelope-sender <jdavid@example.com>) by "
     "mail13.example.net (qmail-ldap-1.03) with SMTP for <jm@example.org>; 12 Feb 2003 18:23:19 -0000",
     "terpsichore.example.com", "", "192.0.2.70", "mail13.example.net", "SMTP", nullptr, "", "", "jm@example.org",
     "2003-02-12T18:23:19Z"},
    {"qmail comment only",
     "(qmail 12345 invoked by uid 89); 12 Nov 2024 09:00:00 -0000", "", "", "", "", "", nullptr, "", "", "",
     "2024-11-12T09:00:00Z"},
    {"sendgrid without semicolon",
     "by filterdrecv-656b5b4c75-abcde with SMTP id filterdrecv-656b5b4c75-abcde-1-6733A1B2-3 2024-11-12 "
     "09:00:01.123456789 +0000 UTC m=+1234.567890123",
     "", "", "", "filterdrecv-656b5b4c75-abcde", "SMTP", nullptr, "", "filterdrecv-656b5b4c75-abcde-1-6733A1B2-3", "",
     "2024-11-12T09:00:01Z"},
    {"authenticated submission",
     "from [192.168.1.20] (unknown [203.0.113.9]) (Authenticated sender: alice@example.com) by smtp.example.com "
     "(Postfix) with ESMTPSA id 9F1E2D3C; Tue, 12 Nov 2024 09:15:02 +0000",
     "192.168.1.20", "", "203.0.113.9", "smtp.example.com", "ESMTPSA", "", "", "9F1E2D3C", "",
     "2024-11-12T09:15:02Z"},
    {"localhost loopback",
     "from localhost (localhost [127.0.0.1]) by mx.example.net (Postfix) with ESMTP id 0123ABC; Tue, 12 Nov 2024 "
     "09:15:02 +0000",
     "localhost", "localhost", "127.0.0.1", "mx.example.net", "ESMTP", nullptr, "", "0123ABC", "",
     "2024-11-12T09:15:02Z"},
};

std::string s(const char* p) { return p ? p : ""; }

}  // namespace

TEST_CASE("received: real-world forms", "[received]") {
  for (const Row& row : kRows) {
    INFO(row.name << "\n  " << row.value);
    auto r = parse_received(row.value);
    CHECK(r.from_host == s(row.helo));
    CHECK(r.from_rdns == s(row.rdns));
    CHECK(r.from_ip == s(row.ip));
    CHECK(r.by_host == s(row.by));
    CHECK(r.protocol == s(row.protocol));
    if (row.tls_version == nullptr) {
      CHECK_FALSE(r.tls.has_value());
    } else {
      REQUIRE(r.tls.has_value());
      CHECK(r.tls->version == s(row.tls_version));
      CHECK(r.tls->cipher == s(row.cipher));
    }
    CHECK(r.id == s(row.id));
    CHECK(r.for_addr == s(row.for_addr));
    CHECK((r.time ? format_iso8601_utc(*r.time) : std::string()) == s(row.time));
  }
}

TEST_CASE("received: by_ip from the by clause comment", "[received]") {
  auto r = parse_received(
      "from a.example.com (203.0.113.25) by BN8NAM12FT045.mail.protection.outlook.com (10.13.182.172) with Microsoft "
      "SMTP Server id 15.20.1.1; Tue, 12 Nov 2024 09:15:02 +0000");
  CHECK(r.by_ip == "10.13.182.172");
  CHECK(r.via.empty());
}

TEST_CASE("received: Exchange build number is not an IP", "[received]") {
  auto r = parse_received(
      "from EX01.contoso.local (10.1.2.3) by EX02.contoso.local (10.1.2.4) with Microsoft SMTP Server "
      "(version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.1.2507.23 via Frontend Transport; Tue, 12 "
      "Nov 2024 09:15:02 +0000");
  CHECK(r.from_ip == "10.1.2.3");
  CHECK(r.id == "15.1.2507.23");
  CHECK(r.via == "Frontend Transport");
}

TEST_CASE("received: missing and broken dates are partial, not fatal", "[received]") {
  auto none = parse_received("from a.example.com by b.example.com with SMTP");
  CHECK(none.partial);
  CHECK_FALSE(none.time.has_value());
  CHECK(none.by_host == "b.example.com");

  auto bad = parse_received("from a.example.com by b.example.com; not a date at all");
  CHECK(bad.partial);
  CHECK(bad.date_text == "not a date at all");

  auto nozone = parse_received("from a by b; Tue, 12 Nov 2024 09:15:02");
  REQUIRE(nozone.time.has_value());
  CHECK_FALSE(nozone.time_zone_known);
}

TEST_CASE("received: hostile input never crashes", "[received]") {
  for (const char* v : {"", ";", "(", ")", "((((((((", "[", "<", "\"", "from", "by", "from [", "from (helo=",
                        "from x ([1.2.3.4", "with", "for <", "; ; ;", "from ( [ ] ) by ( ) ;"}) {
    INFO(v);
    CHECK_NOTHROW(parse_received(v));
  }
  std::string many(100000, '(');
  CHECK_NOTHROW(parse_received(many));
  std::string words;
  for (int i = 0; i < 5000; ++i) words += "from x ";
  auto r = parse_received(words);
  CHECK_FALSE(r.notes.empty());
}
