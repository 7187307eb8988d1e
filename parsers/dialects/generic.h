// generic.h - the generic dialect group (see registry.cc).
#pragma once

#include "parsers/dialects/dialect.h"
