// qmail.h - qmail-send free-text bounces.
#pragma once

#include "parsers/dialects/dialect.h"

namespace ndrscan::dialects {

/// qmail_detect - "This is the qmail-send program at" near the start.
bool qmail_detect(const BounceText& b);
/// qmail_parse - recipients, remote host, reply and "(#5.1.1)" status.
bool qmail_parse(const BounceText& b, DialectFacts* out);

}  // namespace ndrscan::dialects
