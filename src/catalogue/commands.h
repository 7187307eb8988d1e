// commands.h - `ndrscan explain` and `ndrscan catalogue lint|dump`.
//
// PURPOSE
//   explain <status | reply code | cause-id | area | phrase>
//       offline: what an enhanced status means (knowledge status table and
//       the reason it maps to) and the catalogue entries for it; a cause id
//       prints the whole entry; any other text is scored like a server line
//       (the rule of the samples test), with every condition shown.
//   catalogue lint [DIR]
//       schema errors with file:line:col and "did you mean", duplicate ids,
//       unreachable entries (a sample that ranks another cause first or
//       matches nothing; a `match` that can never hold), signals that can
//       never hold, unknown step shells (warning).
//   catalogue dump [--out DIR] [DIR]
//       the loaded catalogue printed back in the SCHEMA.md format.
//
// PUBLIC FUNCTIONS
//   explain_main(), catalogue_main()   argv -> exit status (0, 1 problems/nothing found, 2 usage)
//   lint()                             the lint checks over a loaded catalogue
//   explain_text()                     the explain output for one query
//   describe_cause()                   one entry for people
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "src/catalogue/catalogue.h"
#include "src/core/knowledge.h"

namespace ndrscan::catalogue {

/// lint - problems of a loaded catalogue beyond the schema (samples,
/// reachability, signals, shells), sorted by file, line, column.
std::vector<Problem> lint(const Catalogue& c, const Knowledge& k);

/// explain_text - the output of `ndrscan explain <query>`; *found is false
/// when nothing was known about the query.
std::string explain_text(std::string_view query, const Knowledge& k, bool* found);

/// describe_cause - one entry: title, reason, weight, where, summary,
/// conditions, signals, steps with commands, refs, samples.
std::string describe_cause(const Cause& c);

int explain_main(int argc, char** argv, const char* argv0);
int catalogue_main(int argc, char** argv, const char* argv0);

}  // namespace ndrscan::catalogue
