// dialect_microsoft_test.cc - Exchange / Exchange Online free-text NDRs
// (old and new layouts, localised, HTML only, Exchange 5.5-2003, CDO),
// localised delay notices, body-only NDR text through the whole pipeline,
// and hostile input. Every text is fictitious (contoso/fabrikam/example.*,
// documentation IPs); only the fixed Microsoft phrases are real.
#include <catch2/catch.hpp>

#include "tests/unit/test_support.h"

#include <string>
#include <vector>

#include "parsers/dialects/microsoft.h"
#include "src/core/analyze.h"

using namespace ndrscan;
using namespace ndrscan::dialects;

namespace {

using Run = testing::DialectRun;

Run run(bool (*detect)(const BounceText&), bool (*parse)(const BounceText&, DialectFacts*), std::string_view text,
        std::string_view html = {}, std::string_view subject = "Undeliverable: Quarterly report",
        std::string_view from = "Microsoft Outlook <postmaster@contoso.com>",
        const std::vector<rfc5322::HeaderField>* headers = nullptr) {
  BounceText b;
  b.text = text;
  b.html = html;
  b.subject = subject;
  b.from = from;
  b.headers = headers;
  return testing::run_dialect(detect, parse, b);
}

std::string crlf(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += "\r\n";
    else out += c;
  }
  return out;
}

std::string cr_only(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\n') c = '\r';
  return out;
}

// Exchange 2010+ old layout, on-premises, with a remote server line.
const char* kOldLayout =
    "Delivery has failed to these recipients or groups:\n"
    "\n"
    "Dana Ross (d.ross@fabrikam.com)\n"
    "The email address you entered couldn't be found. Please check the recipient's email address and try to resend "
    "the message.\n"
    "\n"
    "\n"
    "Diagnostic information for administrators:\n"
    "\n"
    "Generating server: EX01.contoso.local\n"
    "\n"
    "d.ross@fabrikam.com\n"
    "mx1.fabrikam.com\n"
    "Remote Server returned '550 5.1.1 <d.ross@fabrikam.com>: Recipient address rejected: User unknown'\n"
    "\n"
    "Original message headers:\n"
    "\n"
    "Received: from EX02.contoso.local (10.20.0.12) by EX01.contoso.local\n"
    " (10.20.0.11) with Microsoft SMTP Server id 15.1.2507.23; Tue, 12 Nov 2024 09:15:02 +0000\n"
    "Subject: Quarterly report\n";

}  // namespace

TEST_CASE("dialect microsoft: old layout with Diagnostic information for administrators", "[dialect][microsoft]") {
  Run r = run(exchange_detect, exchange_parse, kOldLayout);
  REQUIRE(r.parsed);
  REQUIRE(r.facts.recipients.size() == 1);
  const Recipient& x = r.facts.recipients[0];
  CHECK(x.address == "d.ross@fabrikam.com");
  CHECK(x.action == "failed");
  CHECK(x.status == "5.1.1");
  CHECK(x.reply_code == "550");
  CHECK(x.remote_mta == "mx1.fabrikam.com");
  CHECK(x.diagnostic == "550 5.1.1 <d.ross@fabrikam.com>: Recipient address rejected: User unknown");
  CHECK(r.facts.reporting_mta == "EX01.contoso.local");
  REQUIRE(r.facts.original_offset != std::string_view::npos);
  CHECK(std::string_view(kOldLayout).substr(r.facts.original_offset).find("Received: from EX02") != std::string_view::npos);
}

TEST_CASE("dialect microsoft: '#' framed replies and internal codes", "[dialect][microsoft]") {
  struct Row {
    const char* line;
    const char* status;
    const char* reply;
    const char* remote;
  };
  const Row rows[] = {
      // Exchange 2007/2010: "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##"
      {"#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##", "5.1.1", "550", ""},
      // hybrid after a move (KB2685437): "#< #5.1.1 smtp;550 5.1.1 RESOLVER.ADR.RecipNotFound; not found> #SMTP#"
      {"#< #5.1.1 smtp;550 5.1.1 RESOLVER.ADR.RecipNotFound; not found> #SMTP#", "5.1.1", "550", ""},
      // remote server before the reply: "mx.fabrikam.com #550 5.7.1 ... ##"
      {"mx.fabrikam.com #550 5.7.1 Unable to relay ##", "5.7.1", "550", "mx.fabrikam.com"},
      // "#<mail.contoso.com #5.7.1 smtp;530 5.7.1 Client was not authenticated> #SMTP#" (NDR24)
      {"#<mail.contoso.com #5.7.1 smtp;530 5.7.1 Client was not authenticated> #SMTP#", "5.7.1", "530",
       "mail.contoso.com"},
      // TenantAttribution (KB3212877)
      {"Remote Server returned '550 5.7.64 TenantAttribution; Relay Access Denied'", "5.7.64", "550", ""},
      // generic wrapper with the remote's own text: the more specific code wins
      {"Remote Server returned '<mx.example.net #5.0.0 smtp; 550 5.2.2 Mailbox full>'", "5.2.2", "550",
       "mx.example.net"},
      // STOREDRV (mailbox store) and a 4.x code on a failed recipient
      {"Remote Server returned '554 5.2.0 STOREDRV.Deliver.Exception:QuotaExceededException'", "5.2.0", "554", ""},
      {"Remote Server returned '451 4.4.0 SMTPSEND.DNS.NonExistentDomain; nonexistent domain'", "4.4.0", "451", ""},
  };
  for (const Row& row : rows) {
    std::string text = std::string(
                           "Delivery has failed to these recipients or groups:\n\njo@example.com\nSee below.\n\n"
                           "Diagnostic information for administrators:\n\nGenerating server: EX01.contoso.local\n\n"
                           "jo@example.com\n") +
                       row.line + "\n";
    Run r = run(exchange_detect, exchange_parse, text);
    INFO(row.line);
    REQUIRE(r.parsed);
    REQUIRE(r.facts.recipients.size() == 1);
    CHECK(r.facts.recipients[0].status == row.status);
    CHECK(r.facts.recipients[0].reply_code == row.reply);
    CHECK(r.facts.recipients[0].remote_mta == row.remote);
    CHECK(r.facts.recipients[0].diagnostic.find(row.status) != std::string::npos);
  }
}

TEST_CASE("dialect microsoft: localised old layouts", "[dialect][microsoft]") {
  struct Row {
    const char* locale;
    const char* text;
  };
  // Each: failed head, diagnostic head, generating server label, and the
  // locale's "Remote Server returned '...'" sentence.
  const Row rows[] = {
      {"de-DE",
       "Die Zustellung an folgende Empf\xC3\xA4nger oder Gruppen ist fehlgeschlagen:\n\nanna@fabrikam.com\n"
       "Die eingegebene E-Mail-Adresse wurde nicht gefunden.\n\n"
       "Diagnoseinformationen f\xC3\xBCr Administratoren:\n\nGenerierender Server: EX01.contoso.local\n\n"
       "anna@fabrikam.com\nRemoteserver hat '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found' zur\xC3\xBC" "ckgegeben\n"},
      {"fr-FR",
       "La remise \xC3\xA0 ces destinataires ou groupes a \xC3\xA9" "chou\xC3\xA9 :\n\nanna@fabrikam.com\n"
       "L'adresse de messagerie entr\xC3\xA9" "e est introuvable.\n\n"
       "Informations de diagnostic pour les administrateurs :\n\nServeur de g\xC3\xA9n\xC3\xA9ration : EX01.contoso.local\n\n"
       "anna@fabrikam.com\nLe serveur distant a retourn\xC3\xA9 '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'\n"},
      {"es-ES",
       "No se pudo entregar a estos destinatarios o grupos:\n\nanna@fabrikam.com\nNo se encontr\xC3\xB3 la direcci\xC3\xB3n.\n\n"
       "Informaci\xC3\xB3n de diagn\xC3\xB3stico para administradores:\n\nServidor de generaci\xC3\xB3n: EX01.contoso.local\n\n"
       "anna@fabrikam.com\nEl servidor remoto devolvi\xC3\xB3 '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'\n"},
      {"it-IT",
       "Recapito non riuscito a questi destinatari o gruppi:\n\nanna@fabrikam.com\nIndirizzo non trovato.\n\n"
       "Informazioni di diagnostica per gli amministratori:\n\nServer di generazione: EX01.contoso.local\n\n"
       "anna@fabrikam.com\nIl server remoto ha restituito '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'\n"},
      {"nl-NL",
       "Bezorging is mislukt voor deze ontvangers of groepen:\n\nanna@fabrikam.com\nHet adres is niet gevonden.\n\n"
       "Diagnostische gegevens voor beheerders:\n\nServer genereren: EX01.contoso.local\n\n"
       "anna@fabrikam.com\nExterne server heeft '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found' geretourneerd\n"},
      {"pt-BR",
       "Falha na entrega para estes destinat\xC3\xA1rios ou grupos:\n\nanna@fabrikam.com\nEndere\xC3\xA7o n\xC3\xA3o encontrado.\n\n"
       "Informa\xC3\xA7\xC3\xB5" "es de diagn\xC3\xB3stico para administradores:\n\nServidor de gera\xC3\xA7\xC3\xA3o: EX01.contoso.local\n\n"
       "anna@fabrikam.com\nO servidor remoto retornou '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'\n"},
      {"ja-JP",
       "\xE6\xAC\xA1\xE3\x81\xAE\xE5\x8F\x97\xE4\xBF\xA1\xE8\x80\x85\xE3\x81\xBE\xE3\x81\x9F\xE3\x81\xAF\xE3\x82\xB0"
       "\xE3\x83\xAB\xE3\x83\xBC\xE3\x83\x97\xE3\x81\xB8\xE3\x81\xAE\xE9\x85\x8D\xE4\xBF\xA1\xE3\x81\xAB\xE5\xA4\xB1"
       "\xE6\x95\x97\xE3\x81\x97\xE3\x81\xBE\xE3\x81\x97\xE3\x81\x9F:\n\nanna@fabrikam.com\n\n"
       "\xE7\xAE\xA1\xE7\x90\x86\xE8\x80\x85\xE5\x90\x91\xE3\x81\x91\xE3\x81\xAE\xE8\xA8\xBA\xE6\x96\xAD\xE6\x83\x85"
       "\xE5\xA0\xB1:\n\n\xE7\x94\x9F\xE6\x88\x90\xE3\x82\xB5\xE3\x83\xBC\xE3\x83\x90\xE3\x83\xBC: EX01.contoso.local\n\n"
       "anna@fabrikam.com\n\xE3\x83\xAA\xE3\x83\xA2\xE3\x83\xBC\xE3\x83\x88 \xE3\x82\xB5\xE3\x83\xBC\xE3\x83\x90\xE3\x83"
       "\xBC\xE3\x81\x8B\xE3\x82\x89 '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found' \xE3\x81\x8C\xE8\xBF\x94\xE3\x81"
       "\x95\xE3\x82\x8C\xE3\x81\xBE\xE3\x81\x97\xE3\x81\x9F\n"},
      {"zh-CN",
       "\xE4\xBC\xA0\xE9\x80\x92\xE5\x88\xB0\xE8\xBF\x99\xE4\xBA\x9B\xE6\x94\xB6\xE4\xBB\xB6\xE4\xBA\xBA\xE6\x88\x96"
       "\xE7\xBB\x84\xE5\xA4\xB1\xE8\xB4\xA5:\n\nanna@fabrikam.com\n\n"
       "\xE7\xAE\xA1\xE7\x90\x86\xE5\x91\x98\xE7\x9A\x84\xE8\xAF\x8A\xE6\x96\xAD\xE4\xBF\xA1\xE6\x81\xAF:\n\n"
       "\xE7\x94\x9F\xE6\x88\x90\xE6\x9C\x8D\xE5\x8A\xA1\xE5\x99\xA8\xEF\xBC\x9A" "EX01.contoso.local\n\n"
       "anna@fabrikam.com\n\xE8\xBF\x9C\xE7\xA8\x8B\xE6\x9C\x8D\xE5\x8A\xA1\xE5\x99\xA8\xE8\xBF\x94\xE5\x9B\x9E"
       "\xE2\x80\x9C" "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found\xE2\x80\x9D\n"},
  };
  for (const Row& row : rows) {
    INFO(row.locale);
    Run r = run(exchange_detect, exchange_parse, row.text, {}, "Unzustellbar: Bericht");
    REQUIRE(r.parsed);
    REQUIRE(r.facts.recipients.size() == 1);
    CHECK(r.facts.recipients[0].address == "anna@fabrikam.com");
    CHECK(r.facts.recipients[0].status == "5.1.1");
    CHECK(r.facts.recipients[0].reply_code == "550");
    CHECK(r.facts.recipients[0].diagnostic == "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found");
    CHECK(r.facts.reporting_mta == "EX01.contoso.local");
  }
}

TEST_CASE("dialect microsoft: new layout (More Info for Email Admins)", "[dialect][microsoft]") {
  struct Row {
    const char* locale;
    const char* text;
  };
  const Row rows[] = {
      {"en-US",
       "Your message to jane@contoso.com couldn't be delivered.\n"
       "jane wasn't found at contoso.com.\n\n"
       "More Info for Email Admins\nStatus code: 550 5.1.10\n\n"
       "Original Message Details\nRecipient Address:    jane@contoso.com\n\n"
       "Error Details\n"
       "Reported error:  550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\n"
       "DSN generated by:    SA1PR01MB5678.namprd01.prod.outlook.com\n"
       "Remote server:    mail.contoso.com\n\n"
       "Message Hops\nHOP  TIME (UTC)  FROM  TO  WITH  RELAY TIME\n"},
      {"de-DE",
       "Ihre Nachricht an jane@contoso.com konnte nicht \xC3\xBC" "bermittelt werden.\n\n"
       "Weitere Informationen f\xC3\xBCr E-Mail-Administratoren\nStatuscode: 550 5.1.10\n\n"
       "Fehlerdetails\n"
       "Gemeldeter Fehler: 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\n"
       "DSN generiert von: SA1PR01MB5678.namprd01.prod.outlook.com\n"
       "Remoteserver: mail.contoso.com\n"},
      {"fr-FR",
       "Votre message \xC3\xA0 jane@contoso.com n'a pas pu \xC3\xAAtre remis.\n\n"
       "Plus d'informations pour les administrateurs de messagerie\nCode d'\xC3\xA9tat : 550 5.1.10\n\n"
       "Erreur signal\xC3\xA9" "e : 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\n"
       "DSN g\xC3\xA9n\xC3\xA9r\xC3\xA9 par : SA1PR01MB5678.namprd01.prod.outlook.com\n"
       "Serveur distant : mail.contoso.com\n"},
  };
  for (const Row& row : rows) {
    INFO(row.locale);
    Run r = run(exchange_detect, exchange_parse, row.text);
    REQUIRE(r.parsed);
    REQUIRE(r.facts.recipients.size() == 1);
    const Recipient& x = r.facts.recipients[0];
    CHECK(x.address == "jane@contoso.com");
    CHECK(x.status == "5.1.10");
    CHECK(x.reply_code == "550");
    CHECK(x.remote_mta == "mail.contoso.com");
    CHECK(x.diagnostic.find("RESOLVER.ADR.RecipientNotFound") != std::string::npos);
    CHECK(r.facts.reporting_mta == "SA1PR01MB5678.namprd01.prod.outlook.com");
  }
}

TEST_CASE("dialect microsoft: HTML part only", "[dialect][microsoft]") {
  const char* html =
      "<html><head><style>p {color:#000}</style></head><body>"
      "<p><b>Die Zustellung an folgende Empf&auml;nger oder Gruppen ist fehlgeschlagen:</b></p>"
      "<p><a href=\"mailto:lena@fabrikam.com\">lena@fabrikam.com</a><br>Postfach voll.</p>"
      "<p>Diagnoseinformationen f&uuml;r Administratoren:</p>"
      "<p>Generierender Server: EX01.contoso.local<br><br>lena@fabrikam.com<br>"
      "mx.fabrikam.com<br>Remoteserver hat &#39;552 5.2.2 Mailbox full&#39; zur&#xFC;ckgegeben</p>"
      "</body></html>";
  Run r = run(exchange_detect, exchange_parse, {}, html, "Unzustellbar: Angebot");
  REQUIRE(r.parsed);
  REQUIRE(r.facts.recipients.size() == 1);
  CHECK(r.facts.recipients[0].address == "lena@fabrikam.com");
  CHECK(r.facts.recipients[0].status == "5.2.2");
  CHECK(r.facts.recipients[0].reply_code == "552");
  CHECK(r.facts.recipients[0].remote_mta == "mx.fabrikam.com");
  CHECK(r.facts.reporting_mta == "EX01.contoso.local");
  CHECK(r.facts.original_offset == std::string_view::npos);  // offsets would not be into the text part

  CHECK(vtext::html_to_text("a&nbsp;b<br/>c&amp;d&#x41;&lt;") == "a b\nc&dA<");
  CHECK(vtext::html_to_text("<!-- x --><script>var a='<p>';</script>ok") == "ok");
  CHECK(vtext::html_to_text("unterminated <b") == "unterminated ");
}

TEST_CASE("dialect microsoft: Exchange 5.5-2003 and CDO notices", "[dialect][microsoft]") {
  // Exchange 2003 "The e-mail account does not exist at the organization this message was sent to"
  const char* ex2003 =
      "Your message\n\n  To:      ops@fabrikam.com\n  Subject: Invoice\n  Sent:    Tue, 12 Nov 2024 09:15:02 +0000\n\n"
      "did not reach the following recipient(s):\n\n"
      "ops@fabrikam.com on Tue, 12 Nov 2024 09:15:04 +0000\n"
      "    The e-mail account does not exist at the organization this message was sent to.\n"
      "    <mail.fabrikam.com #5.1.1>\n\n"
      "c=US;a= ;p=Fabrikam;o=HQ;dda:SMTP=lee@fabrikam.com; on Tue, 12 Nov 2024\n"
      "09:15:04 +0000\n"
      "    The recipient name is not recognized\n"
      "    MSEXCH:IMS:Fabrikam:HQ:EXCH01 0 (000C05A6) Unknown Recipient\n";
  Run r = run(exchange_legacy_detect, exchange_legacy_parse, ex2003, {}, "Undeliverable: Invoice",
              "System Administrator <postmaster@fabrikam.com>");
  REQUIRE(r.parsed);
  REQUIRE(r.facts.recipients.size() == 2);
  CHECK(r.facts.recipients[0].address == "ops@fabrikam.com");
  CHECK(r.facts.recipients[0].status == "5.1.1");
  CHECK(r.facts.recipients[0].remote_mta == "mail.fabrikam.com");
  CHECK(r.facts.recipients[1].address == "lee@fabrikam.com");
  CHECK(r.facts.recipients[1].status == "5.0.0");
  CHECK(r.facts.recipients[1].diagnostic.rfind("The recipient name is not recognized", 0) == 0);
  // the modern dialect does not claim it
  CHECK_FALSE(run(exchange_detect, exchange_parse, ex2003).detected);

  const char* cdo =
      "\n--- Non-Delivery Report ---\nThe email below could not be delivered to the following user:\n\n"
      "\"kim@example.net\" <kim@example.net>\n\nOld message:\n\nhello\n";
  Run c = run(exchange_cdo_detect, exchange_cdo_parse, cdo);
  REQUIRE(c.parsed);
  REQUIRE(c.facts.recipients.size() == 1);
  CHECK(c.facts.recipients[0].address == "kim@example.net");
  CHECK(c.facts.recipients[0].status == "5.0.0");
}

TEST_CASE("dialect microsoft: detect stays strict", "[dialect][microsoft]") {
  // a person's mail quoting the phrase: no automated signal
  CHECK_FALSE(run(exchange_detect, exchange_parse, kOldLayout, {}, "FW: what does this mean?",
                  "Tom Reed <tom.reed@example.org>")
                  .detected);
  // "Your message to X couldn't be delivered" alone is prose unless Exchange marks the NDR
  const char* prose = "Your message to sales@example.com couldn't be delivered because of a typo.\n";
  CHECK_FALSE(run(exchange_detect, exchange_parse, prose).detected);
  std::vector<rfc5322::HeaderField> hdrs{{"X-MS-Exchange-Message-Is-Ndr", "", 0}};
  Run r = run(exchange_detect, exchange_parse, prose, {}, "Undeliverable: x", "postmaster@contoso.com", &hdrs);
  REQUIRE(r.parsed);
  CHECK(r.facts.recipients[0].address == "sales@example.com");
  CHECK(r.facts.recipients[0].status == "5.0.0");
  // no marker at all
  CHECK_FALSE(run(exchange_detect, exchange_parse, "Hello,\nsee you tomorrow.\n").detected);
  CHECK_FALSE(run(exchange_legacy_detect, exchange_legacy_parse, "Hello\n").detected);
  CHECK_FALSE(run(exchange_cdo_detect, exchange_cdo_parse, "Hello\n").detected);
}

TEST_CASE("dialect microsoft: hostile input", "[dialect][microsoft]") {
  // empty and marker only
  CHECK_FALSE(run(exchange_detect, exchange_parse, "").detected);
  Run m = run(exchange_detect, exchange_parse, "Diagnostic information for administrators:");
  CHECK(m.detected);
  CHECK_FALSE(m.parsed);
  CHECK_FALSE(run(exchange_detect, exchange_parse, "Delivery has failed to these recipients or groups:\n").parsed);
  CHECK_FALSE(run(exchange_legacy_detect, exchange_legacy_parse, "did not reach the following recipient(s):").parsed);
  // line endings and no trailing newline give the same answer
  std::string base(kOldLayout);
  for (const std::string& v : {crlf(base), cr_only(base), base.substr(0, base.size() - 1)}) {
    Run r = run(exchange_detect, exchange_parse, v);
    REQUIRE(r.parsed);
    REQUIRE(r.facts.recipients.size() == 1);
    CHECK(r.facts.recipients[0].status == "5.1.1");
    CHECK(r.facts.recipients[0].reply_code == "550");
    CHECK(r.facts.reporting_mta == "EX01.contoso.local");
  }
  // thousands of lines and recipients: bounded
  std::string big = "Delivery has failed to these recipients or groups:\n\n";
  for (int i = 0; i < 5000; ++i) big += "user" + std::to_string(i) + "@example.com\nNot found.\n\n";
  big += "Diagnostic information for administrators:\n\nGenerating server: EX01.contoso.local\n";
  for (int i = 0; i < 20000; ++i) big += "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##\n";
  Run b = run(exchange_detect, exchange_parse, big);
  REQUIRE(b.parsed);
  CHECK(b.facts.recipients.size() == 1000);
  // a quote without a closing quote, a lone '#', '@' without a domain
  const char* odd =
      "Delivery has failed to these recipients or groups:\n\nx@\n@example.com\n\n"
      "Diagnostic information for administrators:\n\nGenerating server:\n\nbo@example.com\n#\n'550\n"
      "Remote Server returned '550 5.1.1 unterminated\n";
  Run o = run(exchange_detect, exchange_parse, odd);
  REQUIRE(o.parsed);
  REQUIRE(o.facts.recipients.size() == 1);
  CHECK(o.facts.recipients[0].address == "bo@example.com");
  CHECK(o.facts.recipients[0].status == "5.1.1");
  CHECK(o.facts.reporting_mta.empty());
}

TEST_CASE("dialect microsoft: first_address", "[dialect][microsoft]") {
  CHECK(vtext::first_address("Jane Doe (jane@contoso.com)") == "jane@contoso.com");
  CHECK(vtext::first_address("mailto:jane@contoso.com.") == "jane@contoso.com");
  CHECK(vtext::first_address("IMCEAEX-_O=CONTOSO_OU=FIRST+20GROUP_CN=RECIPIENTS_CN=JDOE@contoso.com") ==
        "IMCEAEX-_O=CONTOSO_OU=FIRST+20GROUP_CN=RECIPIENTS_CN=JDOE@contoso.com");
  CHECK(vtext::first_address("no address @ here").empty());
  CHECK(vtext::first_address("a@b").empty());
  CHECK(vtext::first_address("").empty());
}

// ---------------------------------------------------------------------------
// Localised Exchange notices, table-driven: the new layout in every
// supported locale (text and HTML), delay notices, and body-only text
// through the whole pipeline (the paste path and --no-paste). Fixed
// phrases only; de/fr/es/it/nl/pt/ja/zh delay wordings are the tables'
// (unverified) translations.

namespace {

struct Localised {
  const char* locale;
  const char* text;
};

// "Your message to X couldn't be delivered." / admin section / "Reported
// error:" / "DSN generated by:" / "Remote server:" (ja, zh: also with
// fullwidth colons).
const Localised kNewLayouts[] = {
      {"en-US",
       "Your message to jane@contoso.com couldn't be delivered.\n\n"
       "More Info for Email Admins\n\n"
       "Reported error: 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\n"
       "DSN generated by: SA1PR01MB5678.namprd01.prod.outlook.com\n"
       "Remote server: mail.contoso.com\n"},
      {"de-DE",
       "Ihre Nachricht an jane@contoso.com konnte nicht zugestellt werden.\n\n"
       "Weitere Informationen f\xC3\xBCr E-Mail-Administratoren\n\n"
       "Gemeldeter Fehler: 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\n"
       "DSN generiert von: SA1PR01MB5678.namprd01.prod.outlook.com\n"
       "Remoteserver: mail.contoso.com\n"},
      {"fr-FR",
       "Votre message \xC3\xA0 jane@contoso.com n'a pas pu \xC3\xAAtre remis.\n\n"
       "Plus d'informations pour les administrateurs de messagerie\n\n"
       "Erreur signal\xC3\xA9" "e : 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\n"
       "DSN g\xC3\xA9n\xC3\xA9r\xC3\xA9 par : SA1PR01MB5678.namprd01.prod.outlook.com\n"
       "Serveur distant : mail.contoso.com\n"},
      {"es-ES",
       "Su mensaje para jane@contoso.com no se pudo entregar.\n\n"
       "M\xC3\xA1s informaci\xC3\xB3n para administradores de correo electr\xC3\xB3nico\n\n"
       "Error notificado: 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\n"
       "DSN generado por: SA1PR01MB5678.namprd01.prod.outlook.com\n"
       "Servidor remoto: mail.contoso.com\n"},
      {"it-IT",
       "Impossibile recapitare il messaggio a jane@contoso.com.\n\n"
       "Altre informazioni per gli amministratori di posta elettronica\n\n"
       "Errore segnalato: 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\n"
       "DSN generato da: SA1PR01MB5678.namprd01.prod.outlook.com\n"
       "Server remoto: mail.contoso.com\n"},
      {"nl-NL",
       "Uw bericht aan jane@contoso.com kan niet worden bezorgd.\n\n"
       "Meer informatie voor e-mailbeheerders\n\n"
       "Gerapporteerde fout: 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\n"
       "DSN gegenereerd door: SA1PR01MB5678.namprd01.prod.outlook.com\n"
       "Externe server: mail.contoso.com\n"},
      {"pt-BR",
       "Sua mensagem para jane@contoso.com n\xC3\xA3o p\xC3\xB4" "de ser entregue.\n\n"
       "Mais informa\xC3\xA7\xC3\xB5" "es para administradores de email\n\n"
       "Erro relatado: 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\n"
       "DSN gerado por: SA1PR01MB5678.namprd01.prod.outlook.com\n"
       "Servidor remoto: mail.contoso.com\n"},
      {"ja-JP",
       "jane@contoso.com \xE3\x81\xB8\xE3\x81\xAE\xE3\x83\xA1\xE3\x83\x83\xE3\x82\xBB\xE3\x83\xBC\xE3\x82\xB8\xE3\x82\x92\xE9\x85\x8D\xE4\xBF\xA1\xE3\x81\xA7\xE3\x81\x8D\xE3\x81\xBE\xE3\x81\x9B\xE3\x82\x93\xE3\x81\xA7\xE3\x81\x97\xE3\x81\x9F\xE3\x80\x82\n\n"
       "\xE3\x83\xA1\xE3\x83\xBC\xE3\x83\xAB\xE7\xAE\xA1\xE7\x90\x86\xE8\x80\x85\xE5\x90\x91\xE3\x81\x91\xE3\x81\xAE\xE8\xA9\xB3\xE7\xB4\xB0\xE6\x83\x85\xE5\xA0\xB1\n\n"
       "\xE5\xA0\xB1\xE5\x91\x8A\xE3\x81\x95\xE3\x82\x8C\xE3\x81\x9F\xE3\x82\xA8\xE3\x83\xA9\xE3\x83\xBC: 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\n"
       "DSN \xE3\x81\xAE\xE7\x94\x9F\xE6\x88\x90\xE5\x85\x83: SA1PR01MB5678.namprd01.prod.outlook.com\n"
       "\xE3\x83\xAA\xE3\x83\xA2\xE3\x83\xBC\xE3\x83\x88 \xE3\x82\xB5\xE3\x83\xBC\xE3\x83\x90\xE3\x83\xBC: mail.contoso.com\n"},
      {"ja-JP fullwidth colons",
       "jane@contoso.com \xE3\x81\xB8\xE3\x81\xAE\xE3\x83\xA1\xE3\x83\x83\xE3\x82\xBB\xE3\x83\xBC\xE3\x82\xB8\xE3\x82\x92\xE9\x85\x8D\xE4\xBF\xA1\xE3\x81\xA7\xE3\x81\x8D\xE3\x81\xBE\xE3\x81\x9B\xE3\x82\x93\xE3\x81\xA7\xE3\x81\x97\xE3\x81\x9F\xE3\x80\x82\n\n"
       "\xE3\x83\xA1\xE3\x83\xBC\xE3\x83\xAB\xE7\xAE\xA1\xE7\x90\x86\xE8\x80\x85\xE5\x90\x91\xE3\x81\x91\xE3\x81\xAE\xE8\xA9\xB3\xE7\xB4\xB0\xE6\x83\x85\xE5\xA0\xB1\n\n"
       "\xE5\xA0\xB1\xE5\x91\x8A\xE3\x81\x95\xE3\x82\x8C\xE3\x81\x9F\xE3\x82\xA8\xE3\x83\xA9\xE3\x83\xBC\xEF\xBC\x9A 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\n"
       "DSN \xE3\x81\xAE\xE7\x94\x9F\xE6\x88\x90\xE5\x85\x83\xEF\xBC\x9A SA1PR01MB5678.namprd01.prod.outlook.com\n"
       "\xE3\x83\xAA\xE3\x83\xA2\xE3\x83\xBC\xE3\x83\x88 \xE3\x82\xB5\xE3\x83\xBC\xE3\x83\x90\xE3\x83\xBC\xEF\xBC\x9A mail.contoso.com\n"},
      {"zh-CN",
       "\xE6\x97\xA0\xE6\xB3\x95\xE5\xB0\x86\xE9\x82\xAE\xE4\xBB\xB6\xE4\xBC\xA0\xE9\x80\x92\xE5\x88\xB0 jane@contoso.com\xE3\x80\x82\n\n"
       "\xE7\x94\xB5\xE5\xAD\x90\xE9\x82\xAE\xE4\xBB\xB6\xE7\xAE\xA1\xE7\x90\x86\xE5\x91\x98\xE7\x9A\x84\xE8\xAF\xA6\xE7\xBB\x86\xE4\xBF\xA1\xE6\x81\xAF\n\n"
       "\xE6\x8A\xA5\xE5\x91\x8A\xE7\x9A\x84\xE9\x94\x99\xE8\xAF\xAF: 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\n"
       "DSN \xE7\x94\x9F\xE6\x88\x90\xE8\x80\x85: SA1PR01MB5678.namprd01.prod.outlook.com\n"
       "\xE8\xBF\x9C\xE7\xA8\x8B\xE6\x9C\x8D\xE5\x8A\xA1\xE5\x99\xA8: mail.contoso.com\n"},
      {"zh-CN fullwidth colons",
       "\xE6\x97\xA0\xE6\xB3\x95\xE5\xB0\x86\xE9\x82\xAE\xE4\xBB\xB6\xE4\xBC\xA0\xE9\x80\x92\xE5\x88\xB0 jane@contoso.com\xE3\x80\x82\n\n"
       "\xE7\x94\xB5\xE5\xAD\x90\xE9\x82\xAE\xE4\xBB\xB6\xE7\xAE\xA1\xE7\x90\x86\xE5\x91\x98\xE7\x9A\x84\xE8\xAF\xA6\xE7\xBB\x86\xE4\xBF\xA1\xE6\x81\xAF\n\n"
       "\xE6\x8A\xA5\xE5\x91\x8A\xE7\x9A\x84\xE9\x94\x99\xE8\xAF\xAF\xEF\xBC\x9A 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\n"
       "DSN \xE7\x94\x9F\xE6\x88\x90\xE8\x80\x85\xEF\xBC\x9A SA1PR01MB5678.namprd01.prod.outlook.com\n"
       "\xE8\xBF\x9C\xE7\xA8\x8B\xE6\x9C\x8D\xE5\x8A\xA1\xE5\x99\xA8\xEF\xBC\x9A mail.contoso.com\n"},
};

// Old layout, failed: heading, administrators' section, Generating server,
// the remote server line and the locale's "Remote Server returned '...'".
const Localised kOldLayouts[] = {
      {"en-US",
       "Delivery has failed to these recipients or groups:\n\n"
       "lena@fabrikam.com\n\n"
       "Diagnostic information for administrators:\n\n"
       "Generating server: EX01.contoso.local\n\n"
       "lena@fabrikam.com\n"
       "mx.fabrikam.com\n"
       "Remote Server returned '550 5.7.1 Relay Access Denied'\n"},
      {"de-DE",
       "Die Zustellung an folgende Empf\xC3\xA4nger oder Gruppen ist fehlgeschlagen:\n\n"
       "lena@fabrikam.com\n\n"
       "Diagnoseinformationen f\xC3\xBCr Administratoren:\n\n"
       "Generierender Server: EX01.contoso.local\n\n"
       "lena@fabrikam.com\n"
       "mx.fabrikam.com\n"
       "Remoteserver hat '550 5.7.1 Relay Access Denied' zur\xC3\xBC" "ckgegeben\n"},
      {"fr-FR",
       "La remise \xC3\xA0 ces destinataires ou groupes a \xC3\xA9" "chou\xC3\xA9 :\n\n"
       "lena@fabrikam.com\n\n"
       "Informations de diagnostic pour les administrateurs :\n\n"
       "Serveur de g\xC3\xA9n\xC3\xA9ration : EX01.contoso.local\n\n"
       "lena@fabrikam.com\n"
       "mx.fabrikam.com\n"
       "Le serveur distant a retourn\xC3\xA9 '550 5.7.1 Relay Access Denied'\n"},
      {"es-ES",
       "No se pudo entregar a estos destinatarios o grupos:\n\n"
       "lena@fabrikam.com\n\n"
       "Informaci\xC3\xB3n de diagn\xC3\xB3stico para administradores:\n\n"
       "Servidor de generaci\xC3\xB3n: EX01.contoso.local\n\n"
       "lena@fabrikam.com\n"
       "mx.fabrikam.com\n"
       "El servidor remoto devolvi\xC3\xB3 '550 5.7.1 Relay Access Denied'\n"},
      {"it-IT",
       "Recapito non riuscito a questi destinatari o gruppi:\n\n"
       "lena@fabrikam.com\n\n"
       "Informazioni di diagnostica per gli amministratori:\n\n"
       "Server di generazione: EX01.contoso.local\n\n"
       "lena@fabrikam.com\n"
       "mx.fabrikam.com\n"
       "Il server remoto ha restituito '550 5.7.1 Relay Access Denied'\n"},
      {"nl-NL",
       "Bezorging is mislukt voor deze ontvangers of groepen:\n\n"
       "lena@fabrikam.com\n\n"
       "Diagnostische gegevens voor beheerders:\n\n"
       "Genererende server: EX01.contoso.local\n\n"
       "lena@fabrikam.com\n"
       "mx.fabrikam.com\n"
       "Externe server heeft '550 5.7.1 Relay Access Denied' geretourneerd\n"},
      {"pt-BR",
       "Falha na entrega para estes destinat\xC3\xA1rios ou grupos:\n\n"
       "lena@fabrikam.com\n\n"
       "Informa\xC3\xA7\xC3\xB5" "es de diagn\xC3\xB3stico para administradores:\n\n"
       "Servidor de gera\xC3\xA7\xC3\xA3o: EX01.contoso.local\n\n"
       "lena@fabrikam.com\n"
       "mx.fabrikam.com\n"
       "O servidor remoto retornou '550 5.7.1 Relay Access Denied'\n"},
      {"ja-JP",
       "\xE6\xAC\xA1\xE3\x81\xAE\xE5\x8F\x97\xE4\xBF\xA1\xE8\x80\x85\xE3\x81\xBE\xE3\x81\x9F\xE3\x81\xAF\xE3\x82\xB0\xE3\x83\xAB\xE3\x83\xBC\xE3\x83\x97\xE3\x81\xB8\xE3\x81\xAE\xE9\x85\x8D\xE4\xBF\xA1\xE3\x81\xAB\xE5\xA4\xB1\xE6\x95\x97\xE3\x81\x97\xE3\x81\xBE\xE3\x81\x97\xE3\x81\x9F:\n\n"
       "lena@fabrikam.com\n\n"
       "\xE7\xAE\xA1\xE7\x90\x86\xE8\x80\x85\xE5\x90\x91\xE3\x81\x91\xE3\x81\xAE\xE8\xA8\xBA\xE6\x96\xAD\xE6\x83\x85\xE5\xA0\xB1:\n\n"
       "\xE7\x94\x9F\xE6\x88\x90\xE3\x82\xB5\xE3\x83\xBC\xE3\x83\x90\xE3\x83\xBC: EX01.contoso.local\n\n"
       "lena@fabrikam.com\n"
       "mx.fabrikam.com\n"
       "\xE3\x83\xAA\xE3\x83\xA2\xE3\x83\xBC\xE3\x83\x88 \xE3\x82\xB5\xE3\x83\xBC\xE3\x83\x90\xE3\x83\xBC\xE3\x81\x8B\xE3\x82\x89 '550 5.7.1 Relay Access Denied' \xE3\x81\x8C\xE8\xBF\x94\xE3\x81\x95\xE3\x82\x8C\xE3\x81\xBE\xE3\x81\x97\xE3\x81\x9F\n"},
      {"zh-CN",
       "\xE4\xBC\xA0\xE9\x80\x92\xE5\x88\xB0\xE8\xBF\x99\xE4\xBA\x9B\xE6\x94\xB6\xE4\xBB\xB6\xE4\xBA\xBA\xE6\x88\x96\xE7\xBB\x84\xE5\xA4\xB1\xE8\xB4\xA5:\n\n"
       "lena@fabrikam.com\n\n"
       "\xE7\xAE\xA1\xE7\x90\x86\xE5\x91\x98\xE7\x9A\x84\xE8\xAF\x8A\xE6\x96\xAD\xE4\xBF\xA1\xE6\x81\xAF:\n\n"
       "\xE7\x94\x9F\xE6\x88\x90\xE6\x9C\x8D\xE5\x8A\xA1\xE5\x99\xA8: EX01.contoso.local\n\n"
       "lena@fabrikam.com\n"
       "mx.fabrikam.com\n"
       "\xE8\xBF\x9C\xE7\xA8\x8B\xE6\x9C\x8D\xE5\x8A\xA1\xE5\x99\xA8\xE8\xBF\x94\xE5\x9B\x9E\xE2\x80\x9C" "550 5.7.1 Relay Access Denied\xE2\x80\x9D\n"},
};

struct Delay {
  const char* locale;
  const char* subject;
  const char* text;
};

// Delay notices with the locale's heading, its retry sentence and a 4.x.x reply.
const Delay kDelays[] = {
      {"fr-FR", "Remise retard\xC3\xA9" "e : Budget",
       "La remise est retard\xC3\xA9" "e pour ces destinataires ou groupes :\n\n"
       "anna@fabrikam.com\n\n"
       "Le serveur continuera d'essayer de remettre ce message.\n\n"
       "Informations de diagnostic pour les administrateurs :\n\n"
       "anna@fabrikam.com\n"
       "Le serveur distant a retourn\xC3\xA9 '400 4.4.7 Message delayed'\n"},
      {"es-ES", "Entrega retrasada: Budget",
       "La entrega a estos destinatarios o grupos se ha retrasado:\n\n"
       "anna@fabrikam.com\n\n"
       "El servidor seguir\xC3\xA1 intentando entregar este mensaje.\n\n"
       "Informaci\xC3\xB3n de diagn\xC3\xB3stico para administradores:\n\n"
       "anna@fabrikam.com\n"
       "El servidor remoto devolvi\xC3\xB3 '400 4.4.7 Message delayed'\n"},
      {"it-IT", "Recapito ritardato: Budget",
       "Il recapito a questi destinatari o gruppi \xC3\xA8 stato ritardato:\n\n"
       "anna@fabrikam.com\n\n"
       "Il server continuer\xC3\xA0 a tentare di recapitare il messaggio.\n\n"
       "Informazioni di diagnostica per gli amministratori:\n\n"
       "anna@fabrikam.com\n"
       "Il server remoto ha restituito '400 4.4.7 Message delayed'\n"},
      {"nl-NL", "Bezorging vertraagd: Budget",
       "De bezorging is vertraagd voor deze ontvangers of groepen:\n\n"
       "anna@fabrikam.com\n\n"
       "De server blijft proberen dit bericht te bezorgen.\n\n"
       "Diagnostische gegevens voor beheerders:\n\n"
       "anna@fabrikam.com\n"
       "Externe server heeft '400 4.4.7 Message delayed' geretourneerd\n"},
      {"pt-BR", "Entrega atrasada: Budget",
       "A entrega para estes destinat\xC3\xA1rios ou grupos est\xC3\xA1 atrasada:\n\n"
       "anna@fabrikam.com\n\n"
       "O servidor continuar\xC3\xA1 tentando entregar esta mensagem.\n\n"
       "Informa\xC3\xA7\xC3\xB5" "es de diagn\xC3\xB3stico para administradores:\n\n"
       "anna@fabrikam.com\n"
       "O servidor remoto retornou '400 4.4.7 Message delayed'\n"},
      {"ja-JP", "\xE9\x85\x8D\xE4\xBF\xA1\xE9\x81\x85\xE5\xBB\xB6: Budget",
       "\xE6\xAC\xA1\xE3\x81\xAE\xE5\x8F\x97\xE4\xBF\xA1\xE8\x80\x85\xE3\x81\xBE\xE3\x81\x9F\xE3\x81\xAF\xE3\x82\xB0\xE3\x83\xAB\xE3\x83\xBC\xE3\x83\x97\xE3\x81\xB8\xE3\x81\xAE\xE9\x85\x8D\xE4\xBF\xA1\xE3\x81\x8C\xE9\x81\x85\xE5\xBB\xB6\xE3\x81\x97\xE3\x81\xA6\xE3\x81\x84\xE3\x81\xBE\xE3\x81\x99:\n\n"
       "anna@fabrikam.com\n\n"
       "\xE3\x82\xB5\xE3\x83\xBC\xE3\x83\x90\xE3\x83\xBC\xE3\x81\xAF\xE3\x81\x93\xE3\x81\xAE\xE3\x83\xA1\xE3\x83\x83\xE3\x82\xBB\xE3\x83\xBC\xE3\x82\xB8\xE3\x81\xAE\xE9\x85\x8D\xE4\xBF\xA1\xE3\x82\x92\xE5\x86\x8D\xE8\xA9\xA6\xE8\xA1\x8C\xE3\x81\x97\xE3\x81\xBE\xE3\x81\x99\xE3\x80\x82\n\n"
       "\xE7\xAE\xA1\xE7\x90\x86\xE8\x80\x85\xE5\x90\x91\xE3\x81\x91\xE3\x81\xAE\xE8\xA8\xBA\xE6\x96\xAD\xE6\x83\x85\xE5\xA0\xB1:\n\n"
       "anna@fabrikam.com\n"
       "\xE3\x83\xAA\xE3\x83\xA2\xE3\x83\xBC\xE3\x83\x88 \xE3\x82\xB5\xE3\x83\xBC\xE3\x83\x90\xE3\x83\xBC\xE3\x81\x8B\xE3\x82\x89 '400 4.4.7 Message delayed' \xE3\x81\x8C\xE8\xBF\x94\xE3\x81\x95\xE3\x82\x8C\xE3\x81\xBE\xE3\x81\x97\xE3\x81\x9F\n"},
      {"zh-CN", "\xE5\xBB\xB6\xE8\xBF\x9F\xE4\xBC\xA0\xE9\x80\x92: Budget",
       "\xE4\xBC\xA0\xE9\x80\x92\xE5\x88\xB0\xE8\xBF\x99\xE4\xBA\x9B\xE6\x94\xB6\xE4\xBB\xB6\xE4\xBA\xBA\xE6\x88\x96\xE7\xBB\x84\xE7\x9A\x84\xE9\x82\xAE\xE4\xBB\xB6\xE5\xB7\xB2\xE5\xBB\xB6\xE8\xBF\x9F:\n\n"
       "anna@fabrikam.com\n\n"
       "\xE6\x9C\x8D\xE5\x8A\xA1\xE5\x99\xA8\xE5\xB0\x86\xE7\xBB\xA7\xE7\xBB\xAD\xE5\xB0\x9D\xE8\xAF\x95\xE4\xBC\xA0\xE9\x80\x92\xE6\xAD\xA4\xE9\x82\xAE\xE4\xBB\xB6\xE3\x80\x82\n\n"
       "\xE7\xAE\xA1\xE7\x90\x86\xE5\x91\x98\xE7\x9A\x84\xE8\xAF\x8A\xE6\x96\xAD\xE4\xBF\xA1\xE6\x81\xAF:\n\n"
       "anna@fabrikam.com\n"
       "\xE8\xBF\x9C\xE7\xA8\x8B\xE6\x9C\x8D\xE5\x8A\xA1\xE5\x99\xA8\xE8\xBF\x94\xE5\x9B\x9E\xE2\x80\x9C" "400 4.4.7 Message delayed\xE2\x80\x9D\n"},
};

// The same without the heading: the subject, or the retry sentence alone, tells.
const Delay kDelaysNoHeading[] = {
      {"fr-FR", "Remise retard\xC3\xA9" "e : Budget",
       "anna@fabrikam.com\n\n"
       "Le serveur continuera d'essayer de remettre ce message.\n\n"
       "Informations de diagnostic pour les administrateurs :\n\n"
       "anna@fabrikam.com\n"
       "Le serveur distant a retourn\xC3\xA9 '400 4.4.7 Message delayed'\n"},
      {"es-ES", "Entrega retrasada: Budget",
       "anna@fabrikam.com\n\n"
       "El servidor seguir\xC3\xA1 intentando entregar este mensaje.\n\n"
       "Informaci\xC3\xB3n de diagn\xC3\xB3stico para administradores:\n\n"
       "anna@fabrikam.com\n"
       "El servidor remoto devolvi\xC3\xB3 '400 4.4.7 Message delayed'\n"},
      {"it-IT", "Recapito ritardato: Budget",
       "anna@fabrikam.com\n\n"
       "Il server continuer\xC3\xA0 a tentare di recapitare il messaggio.\n\n"
       "Informazioni di diagnostica per gli amministratori:\n\n"
       "anna@fabrikam.com\n"
       "Il server remoto ha restituito '400 4.4.7 Message delayed'\n"},
      {"nl-NL", "Bezorging vertraagd: Budget",
       "anna@fabrikam.com\n\n"
       "De server blijft proberen dit bericht te bezorgen.\n\n"
       "Diagnostische gegevens voor beheerders:\n\n"
       "anna@fabrikam.com\n"
       "Externe server heeft '400 4.4.7 Message delayed' geretourneerd\n"},
      {"pt-BR", "Entrega atrasada: Budget",
       "anna@fabrikam.com\n\n"
       "O servidor continuar\xC3\xA1 tentando entregar esta mensagem.\n\n"
       "Informa\xC3\xA7\xC3\xB5" "es de diagn\xC3\xB3stico para administradores:\n\n"
       "anna@fabrikam.com\n"
       "O servidor remoto retornou '400 4.4.7 Message delayed'\n"},
      {"ja-JP", "\xE9\x85\x8D\xE4\xBF\xA1\xE9\x81\x85\xE5\xBB\xB6: Budget",
       "anna@fabrikam.com\n\n"
       "\xE3\x82\xB5\xE3\x83\xBC\xE3\x83\x90\xE3\x83\xBC\xE3\x81\xAF\xE3\x81\x93\xE3\x81\xAE\xE3\x83\xA1\xE3\x83\x83\xE3\x82\xBB\xE3\x83\xBC\xE3\x82\xB8\xE3\x81\xAE\xE9\x85\x8D\xE4\xBF\xA1\xE3\x82\x92\xE5\x86\x8D\xE8\xA9\xA6\xE8\xA1\x8C\xE3\x81\x97\xE3\x81\xBE\xE3\x81\x99\xE3\x80\x82\n\n"
       "\xE7\xAE\xA1\xE7\x90\x86\xE8\x80\x85\xE5\x90\x91\xE3\x81\x91\xE3\x81\xAE\xE8\xA8\xBA\xE6\x96\xAD\xE6\x83\x85\xE5\xA0\xB1:\n\n"
       "anna@fabrikam.com\n"
       "\xE3\x83\xAA\xE3\x83\xA2\xE3\x83\xBC\xE3\x83\x88 \xE3\x82\xB5\xE3\x83\xBC\xE3\x83\x90\xE3\x83\xBC\xE3\x81\x8B\xE3\x82\x89 '400 4.4.7 Message delayed' \xE3\x81\x8C\xE8\xBF\x94\xE3\x81\x95\xE3\x82\x8C\xE3\x81\xBE\xE3\x81\x97\xE3\x81\x9F\n"},
      {"zh-CN", "\xE5\xBB\xB6\xE8\xBF\x9F\xE4\xBC\xA0\xE9\x80\x92: Budget",
       "anna@fabrikam.com\n\n"
       "\xE6\x9C\x8D\xE5\x8A\xA1\xE5\x99\xA8\xE5\xB0\x86\xE7\xBB\xA7\xE7\xBB\xAD\xE5\xB0\x9D\xE8\xAF\x95\xE4\xBC\xA0\xE9\x80\x92\xE6\xAD\xA4\xE9\x82\xAE\xE4\xBB\xB6\xE3\x80\x82\n\n"
       "\xE7\xAE\xA1\xE7\x90\x86\xE5\x91\x98\xE7\x9A\x84\xE8\xAF\x8A\xE6\x96\xAD\xE4\xBF\xA1\xE6\x81\xAF:\n\n"
       "anna@fabrikam.com\n"
       "\xE8\xBF\x9C\xE7\xA8\x8B\xE6\x9C\x8D\xE5\x8A\xA1\xE5\x99\xA8\xE8\xBF\x94\xE5\x9B\x9E\xE2\x80\x9C" "400 4.4.7 Message delayed\xE2\x80\x9D\n"},
};

/// as_html - each line a paragraph, as Exchange's HTML part sets it out.
std::string as_html(std::string_view text) {
  std::string out = "<html><head><style>p{margin:0}</style></head><body>";
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    if (line.empty()) out += "<br>";
    else out += "<p>" + std::string(line) + "</p>";
    pos = nl + 1;
  }
  return out + "</body></html>";
}

const Knowledge& knowledge() {
  static Knowledge k = [] {
    Knowledge kk;
    std::string err;
    REQUIRE(load_knowledge(NDRSCAN_KNOWLEDGE_DIR, &kk, &err));
    return kk;
  }();
  return k;
}

Analysis analyze(std::string_view text, paste::Mode mode = paste::Mode::kAuto) {
  Analysis a;
  std::string err;
  AnalyzeOptions opts;
  opts.paste = mode;
  bool ok = analyze_message(text, knowledge(), opts, &a, &err);
  INFO(err);
  REQUIRE(ok);
  return a;
}

}  // namespace

TEST_CASE("dialect microsoft: new layout in every locale, text and HTML", "[dialect][microsoft][i18n]") {
  for (const Localised& row : kNewLayouts) {
    for (bool html : {false, true}) {
      INFO(row.locale << (html ? " (HTML only)" : " (text)"));
      std::string h = html ? as_html(row.text) : std::string();
      Run r = html ? run(exchange_detect, exchange_parse, {}, h) : run(exchange_detect, exchange_parse, row.text);
      REQUIRE(r.parsed);
      REQUIRE(r.facts.recipients.size() == 1);
      const Recipient& x = r.facts.recipients[0];
      CHECK(x.address == "jane@contoso.com");
      CHECK(x.action == "failed");
      CHECK(x.status == "5.1.10");
      CHECK(x.reply_code == "550");
      CHECK(x.remote_mta == "mail.contoso.com");
      CHECK(x.diagnostic.rfind("550 5.1.10 RESOLVER.ADR.RecipientNotFound", 0) == 0);
      CHECK(r.facts.reporting_mta == "SA1PR01MB5678.namprd01.prod.outlook.com");
    }
  }
}

TEST_CASE("dialect microsoft: localised delay notices are delays", "[dialect][microsoft][i18n]") {
  auto check_delayed = [](const Run& r) {
    REQUIRE(r.parsed);
    REQUIRE(r.facts.recipients.size() == 1);
    const Recipient& x = r.facts.recipients[0];
    CHECK(x.address == "anna@fabrikam.com");
    CHECK(x.action == "delayed");
    CHECK(x.status == "4.4.7");
    CHECK(x.reply_code == "400");
  };
  for (const Delay& row : kDelays) {
    INFO(row.locale << " with heading");
    check_delayed(run(exchange_detect, exchange_parse, row.text, {}, row.subject));
    INFO("... and an English subject");
    check_delayed(run(exchange_detect, exchange_parse, row.text, {}, "Notification"));
  }
  for (const Delay& row : kDelaysNoHeading) {
    INFO(row.locale << " without heading, subject and retry sentence");
    check_delayed(run(exchange_detect, exchange_parse, row.text, {}, row.subject));
    INFO("... retry sentence only");
    check_delayed(run(exchange_detect, exchange_parse, row.text, {}, "Notification"));
  }
  // the French notice of the audit
  const char* fr =
      "La remise est retard\xC3\xA9" "e pour ces destinataires ou groupes :\n\nanna@fabrikam.com\n\n"
      "Informations de diagnostic pour les administrateurs :\n\n"
      "Serveur de g\xC3\xA9n\xC3\xA9ration : EX01.contoso.local\n\nanna@fabrikam.com\n"
      "Le serveur distant a retourn\xC3\xA9 '400 4.4.7 Message delayed'\n";
  check_delayed(run(exchange_detect, exchange_parse, fr, {}, "Remise retard\xC3\xA9" "e : Budget"));
}

TEST_CASE("dialect microsoft: 4.x.x failures stay failures", "[dialect][microsoft][i18n]") {
  // an expired message is a failure despite the 4.x.x code, even under a
  // delay-like subject or with a retry sentence
  const char* expired =
      "Informations de diagnostic pour les administrateurs :\n\nanna@fabrikam.com\n"
      "Le serveur distant a retourn\xC3\xA9 '550 4.4.7 QUEUE.Expired; message expired'\n\n"
      "La remise sera retent\xC3\xA9" "e.\n";
  for (const char* subject : {"Non remis : Budget", "Remise retard\xC3\xA9" "e : Budget"}) {
    INFO(subject);
    Run r = run(exchange_detect, exchange_parse, expired, {}, subject);
    REQUIRE(r.parsed);
    CHECK(r.facts.recipients[0].action == "failed");
    CHECK(r.facts.recipients[0].status == "4.4.7");
    CHECK(r.facts.recipients[0].reply_code == "550");
  }
  // a failure heading wins over a 4.x.x reply and a delay-like promise
  const char* dns =
      "Delivery has failed to these recipients or groups:\n\nanna@fabrikam.com\n"
      "The server will keep trying to deliver this message, no more.\n\n"
      "Diagnostic information for administrators:\n\nanna@fabrikam.com\n"
      "Remote Server returned '451 4.4.0 DNS query failed'\n";
  Run d = run(exchange_detect, exchange_parse, dns, {}, "Delivery delayed: Budget");
  REQUIRE(d.parsed);
  CHECK(d.facts.recipients[0].action == "failed");
  // 4.x.x alone, with no delay subject and no retry sentence: still a failure
  const char* plain =
      "Diagnostic information for administrators:\n\nanna@fabrikam.com\n"
      "Remote Server returned '451 4.4.0 DNS query failed'\n";
  Run p = run(exchange_detect, exchange_parse, plain, {}, "Undeliverable: Budget");
  REQUIRE(p.parsed);
  CHECK(p.facts.recipients[0].action == "failed");
}

TEST_CASE("dialect microsoft: body-only NDR text in every locale (paste path and --no-paste)",
          "[dialect][microsoft][i18n][paste]") {
  for (paste::Mode mode : {paste::Mode::kAuto, paste::Mode::kOff}) {
    const char* how = mode == paste::Mode::kAuto ? "pasted" : "--no-paste";
    for (const Localised& row : kNewLayouts) {
      INFO(row.locale << " new layout, " << how);
      Analysis a = analyze(row.text, mode);
      CHECK(a.input_kind == "text");
      CHECK(a.kind == "bounce");
      REQUIRE(a.recipients.size() == 1);
      CHECK(a.recipients[0].address == "jane@contoso.com");
      CHECK(a.recipients[0].status == "5.1.10");
      CHECK(a.recipients[0].reply_code == "550");
      CHECK(a.recipients[0].remote_mta == "mail.contoso.com");
      CHECK(a.reporting_mta == "SA1PR01MB5678.namprd01.prod.outlook.com");
    }
    for (const Localised& row : kOldLayouts) {
      INFO(row.locale << " old layout, " << how);
      Analysis a = analyze(row.text, mode);
      CHECK(a.input_kind == "text");
      CHECK(a.kind == "bounce");
      REQUIRE(a.recipients.size() == 1);
      CHECK(a.recipients[0].address == "lena@fabrikam.com");
      CHECK(a.recipients[0].status == "5.7.1");
      CHECK(a.recipients[0].reply_code == "550");
      CHECK(a.recipients[0].remote_mta == "mx.fabrikam.com");
      CHECK(a.reporting_mta == "EX01.contoso.local");
    }
    for (const Delay& row : kDelays) {
      INFO(row.locale << " delay, " << how);
      Analysis a = analyze(row.text, mode);
      CHECK(a.input_kind == "text");
      CHECK(a.kind == "delay");
      REQUIRE(a.recipients.size() == 1);
      CHECK(a.recipients[0].action == "delayed");
    }
    for (const Delay& row : kDelaysNoHeading) {
      INFO(row.locale << " delay without heading, " << how);
      Analysis a = analyze(row.text, mode);
      CHECK(a.kind == "delay");
    }
  }
  // the audit's Italian paste, verbatim in shape
  Analysis it = analyze(
      "Impossibile recapitare il messaggio a mara.kovac@fabrikam.com.\n\n"
      "Altre informazioni per gli amministratori di posta elettronica\n\n"
      "Errore segnalato: 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\n");
  REQUIRE(it.recipients.size() == 1);
  CHECK(it.recipients[0].address == "mara.kovac@fabrikam.com");
  CHECK(it.recipients[0].status == "5.1.10");
  // prose without any NDR wording is still refused
  Analysis none;
  std::string err;
  CHECK_FALSE(analyze_message("Hello,\nsee you at ten.\n", knowledge(), AnalyzeOptions{}, &none, &err));
  CHECK(err.find("no header fields found") != std::string::npos);
}
