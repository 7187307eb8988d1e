// exim.h - the exim dialect group (see registry.cc).
#pragma once

#include "parsers/dialects/dialect.h"
