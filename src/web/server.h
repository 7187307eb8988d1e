// server.h - `ndrscan serve`: a local web page that explains a bounce.
//
// PURPOSE
//   An HTTP server (Debian's cpp-httplib, thread pool) with three things on
//   it: the page (GET /, compiled in from web/), the JSON API
//   (POST /api/analyze: the raw message as the body, the response is what
//   `ndrscan --json` prints for the same bytes) and GET /healthz. Knowledge is
//   loaded once and shared read-only by every worker thread. Loopback only
//   unless --allow-remote; bodies over --max-body get 413; slow clients time
//   out after 10 s without a byte. See docs/serve.md.
//
// PUBLIC FUNCTIONS
//   serve_main()  the subcommand: argv (argv[0] == "serve") -> exit status
#pragma once

namespace ndrscan::web {

/// serve_main - parse the serve options, load knowledge, listen until
/// SIGINT/SIGTERM; returns the exit status (2 on a usage or bind error).
int serve_main(int argc, char** argv, const char* argv0);

}  // namespace ndrscan::web
