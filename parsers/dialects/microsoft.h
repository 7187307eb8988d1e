// microsoft.h - the microsoft dialect group (see registry.cc).
#pragma once

#include "parsers/dialects/dialect.h"
