// sendmail.h - the sendmail dialect group (see registry.cc).
#pragma once

#include "parsers/dialects/dialect.h"
