// exim.h - the exim dialect group (see registry.cc).
//
// PURPOSE
//   Free-text bounces written by Exim and by services whose bounce text
//   follows Exim's (mail.ru, MXLogic, GMX, 1&1, France Telecom relays), and
//   Zoho Mail's own short forms.
//
// PUBLIC FUNCTIONS
//   exim_detect / exim_parse   "This message was created automatically by
//                              mail delivery software." and its relatives
//   zoho_detect / zoho_parse   "ERROR_CODE :550" lines, "[Status: Error, ...]"
#pragma once

#include "parsers/dialects/dialect.h"

namespace ndrscan::dialects {

/// exim_detect - an Exim-style introduction near the start of the text.
bool exim_detect(const BounceText& b);
/// exim_parse - the failed (or delayed) address list with each diagnostic.
bool exim_parse(const BounceText& b, DialectFacts* out);

/// zoho_detect - Zoho Mail's "ERROR_CODE :" or "[Status: Error, Address:" lines.
bool zoho_detect(const BounceText& b);
/// zoho_parse - one recipient per such line.
bool zoho_parse(const BounceText& b, DialectFacts* out);

}  // namespace ndrscan::dialects
