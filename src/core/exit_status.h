// exit_status.h - the process exit codes, documented in docs/cli.md.
#pragma once

namespace ndrscan {

/// What `ndrscan` returns to the shell.
enum ExitStatus : int {
  kExitOk = 0,           ///< every input was analysed
  kExitSomeFailed = 1,   ///< at least one input could not be read or analysed
  kExitUsage = 2,        ///< bad command line, or the knowledge data failed to load
  kExitInterrupted = 130 ///< stopped by SIGINT
};

}  // namespace ndrscan
