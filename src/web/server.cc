// server.cc - options, routes and the listening loop of `ndrscan serve`.
#include "src/web/server.h"

#include <fmt/format.h>
#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <boost/program_options.hpp>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "src/core/analyze.h"
#include "src/core/exit_status.h"
#include "src/core/knowledge.h"
#include "src/web/api.h"
#include "src/web/assets.h"
#include "src/web/listen.h"

#ifndef NDRSCAN_VERSION
#define NDRSCAN_VERSION "0.0.0"
#endif

namespace ndrscan::web {

namespace {

namespace po = boost::program_options;

constexpr const char* kHelp = R"(Usage: ndrscan serve [OPTIONS]

A local web page that explains a bounce: paste it or drop an .eml or .txt
file, and read who failed, why, the route as a diagram, the hops, and the
causes. The page is built into the binary and needs no network. The JSON API
takes the raw message as the request body:

  curl --data-binary @bounce.eml http://127.0.0.1:8025/api/analyze

and answers what `ndrscan --json < bounce.eml` prints (see docs/serve.md).

Server
  --listen HOST:PORT  address to listen on (default 127.0.0.1:8025; [::1]:PORT
                      for IPv6; port 0 picks a free port, printed at start)
  --allow-remote      allow a --listen address that is not loopback. The page
                      has no authentication: anyone who can reach the port can
                      submit messages. A warning is printed.
  --max-body BYTES    largest request body (default 16777216); larger gets 413
  --threads N         worker threads (default 8)
  --quiet             no request log on stderr

Site and data (as for ndrscan; see docs/profile.md)
  --profile FILE  --onprem CIDR  --domain D  --geoip-db FILE  --no-geoip
  --knowledge DIR

  -h, --help          this text

Stop it with Ctrl-C (SIGINT) or SIGTERM.
)";

struct ServeOptions {
  ListenAddress listen;
  bool allow_remote = false;
  std::size_t max_body = 16u << 20;
  int threads = 8;
  bool quiet = false;
  bool loopback = true;
};

constexpr std::size_t kCliMaxSize = 64u << 20;  // ndrscan --max-size default, for identical MIME limits
constexpr time_t kIoTimeoutSeconds = 10;        // a read or write with no progress for this long ends the connection
constexpr std::size_t kKeepAliveMaxCount = 20;  // requests per connection
constexpr time_t kKeepAliveTimeoutSeconds = 5;

// The page needs nothing from elsewhere: everything is same-origin, no inline
// script or style, no frames.
const char* const kCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

thread_local std::chrono::steady_clock::time_point t_request_start;

void set_json_error(httplib::Response& res, int status, std::string_view message, std::size_t limit = 0) {
  res.status = status;
  res.set_content(error_json(message, limit), "application/json");
}

std::string too_large_message(std::size_t limit) {
  return fmt::format("request body larger than the {}-byte limit (ndrscan serve --max-body); "
                     "for large mailboxes use `ndrscan scan`",
                     limit);
}

/// content_length_over - the request declares a body longer than `limit`.
bool content_length_over(const httplib::Request& req, std::size_t limit) {
  if (!req.has_header("Content-Length")) return false;
  std::string len = req.get_header_value("Content-Length");
  std::uint64_t n = 0;
  auto parsed = std::from_chars(len.data(), len.data() + len.size(), n);
  return parsed.ec == std::errc::result_out_of_range || (parsed.ec == std::errc() && n > limit);
}

/// install_routes - the page, the API and the health check on `svr`.
void install_routes(httplib::Server& svr, const Knowledge& knowledge, const AnalyzeOptions& aopts,
                    const ServeOptions& so) {
  svr.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                           {"Referrer-Policy", "no-referrer"},
                           {"X-Frame-Options", "DENY"},
                           {"Cross-Origin-Resource-Policy", "same-origin"},
                           {"Content-Security-Policy", kCsp}});

  // Before any body is read: DNS-rebinding and cross-site guards (loopback only).
  svr.set_pre_routing_handler([&so](const httplib::Request& req, httplib::Response& res) {
    t_request_start = std::chrono::steady_clock::now();
    // httplib would pick brotli when the browser offers it, at a quality that
    // costs 100-250 ms per response here; gzip costs ~1 ms. The Request is a
    // local of httplib's connection loop (not a const object), so editing the
    // header before the response is encoded is well defined.
    if (req.has_header("Accept-Encoding")) {
      bool gzip = req.get_header_value("Accept-Encoding").find("gzip") != std::string::npos;
      auto& headers = const_cast<httplib::Request&>(req).headers;
      headers.erase("Accept-Encoding");
      if (gzip) headers.emplace("Accept-Encoding", "gzip");
    }
    // A body far over the limit is not worth draining (httplib would read
    // and discard it before answering 413): answer now and close.
    if (content_length_over(req, 4 * so.max_body)) {
      set_json_error(res, 413, too_large_message(so.max_body), so.max_body);
      res.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!so.loopback) return httplib::Server::HandlerResponse::Unhandled;
    if (!host_header_allowed(req.get_header_value("Host"))) {
      set_json_error(res, 403, "Host header does not name this loopback server");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.has_header("Origin") && !origin_allowed(req.get_header_value("Origin"))) {
      set_json_error(res, 403, "cross-origin request refused");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  // Static files, with ETag revalidation.
  for (std::size_t i = 0; i < asset_count(); ++i) {
    const StaticFile* f = &asset(i);
    auto serve_file = [f](const httplib::Request& req, httplib::Response& res) {
      res.set_header("Cache-Control", "no-cache");
      res.set_header("ETag", std::string(f->etag));
      if (req.get_header_value("If-None-Match") == f->etag) {
        res.status = 304;
        return;
      }
      res.set_content(f->body.data(), f->body.size(), std::string(f->content_type).c_str());
    };
    svr.Get(std::string(f->path), serve_file);
    if (f->path == "/") svr.Get("/index.html", serve_file);
  }

  svr.Get("/healthz", [&so](const httplib::Request&, httplib::Response& res) {
    nlohmann::ordered_json j;
    j["status"] = "ok";
    j["version"] = NDRSCAN_VERSION;
    j["max_body_bytes"] = so.max_body;
    res.set_header("Cache-Control", "no-store");
    res.set_content(j.dump() + "\n", "application/json");
  });

  svr.Get("/api/analyze", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Allow", "POST");
    set_json_error(res, 405, "POST the raw message as the request body");
  });

  // The body is read through a content receiver so that the limit holds for
  // chunked bodies too (httplib's own limit covers Content-Length only).
  svr.Post("/api/analyze", [&knowledge, &aopts, &so](const httplib::Request& req, httplib::Response& res,
                                                     const httplib::ContentReader& reader) {
    res.set_header("Cache-Control", "no-store");
    if (req.is_multipart_form_data()) {
      // The body is not read (httplib would parse it as form parts): close
      // the connection rather than read it as the next request.
      set_json_error(res, 415,
                     "send the raw message as the body (curl --data-binary @file), not multipart/form-data");
      res.set_header("Connection", "close");
      return;
    }
    std::string body;
    bool too_large = false;
    std::size_t seen = 0;
    bool ok = reader([&](const char* data, std::size_t len) {
      seen += len;
      if (seen > so.max_body) {
        too_large = true;
        // Drain a while so the client reads the 413, then give up.
        return seen <= 4 * so.max_body;
      }
      body.append(data, len);
      return true;
    });
    if (too_large || res.status == 413) {
      set_json_error(res, 413, too_large_message(so.max_body), so.max_body);
      return;
    }
    if (!ok) {
      set_json_error(res, 400, "the request body could not be read");
      return;
    }
    ApiResponse r = analyze_body(body, knowledge, aopts);
    res.status = r.status;
    res.set_header("X-Ndrscan-Messages", std::to_string(r.messages));
    res.set_content(std::move(r.body), r.content_type.c_str());
  });

  // curl sends "Expect: 100-continue" for large bodies: refuse before upload.
  svr.set_expect_100_continue_handler([&so](const httplib::Request& req, httplib::Response& res) {
    t_request_start = std::chrono::steady_clock::now();  // runs before pre-routing
    if (content_length_over(req, so.max_body)) {
      set_json_error(res, 413, too_large_message(so.max_body), so.max_body);
      return 413;
    }
    return 100;
  });

  // Statuses httplib sets itself (404, 400, 413 on Content-Length, ...) get a
  // JSON body too; handlers that wrote one keep it.
  svr.set_error_handler(httplib::Server::HandlerWithResponse([&so](const httplib::Request& req,
                                                                   httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    switch (res.status) {
      case 404: set_json_error(res, 404, fmt::format("no such page: {}", req.path)); break;
      case 413: set_json_error(res, 413, too_large_message(so.max_body), so.max_body); break;
      case 414: set_json_error(res, 414, "request URI too long"); break;
      case 400: set_json_error(res, 400, "bad request"); break;
      default: set_json_error(res, res.status, fmt::format("request failed (HTTP {})", res.status)); break;
    }
    return httplib::Server::HandlerResponse::Handled;
  }));

  svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "internal error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = fmt::format("internal error: {}", e.what());
    } catch (...) {
    }
    set_json_error(res, 500, what);
  });

  if (!so.quiet) {
    svr.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      // Time from the end of the request's header to the response (reading
      // the body included); "-" when the request never got that far.
      std::string took = "-";
      if (t_request_start != std::chrono::steady_clock::time_point{})
        took = fmt::format(
            "{:.1f}ms",
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_request_start).count());
      t_request_start = {};
      fmt::print(stderr, "ndrscan serve: {} {} {} {}B {}\n", req.method, req.path, res.status, res.body.size(), took);
    });
  }
}

bool parse_serve_options(int argc, char** argv, ServeOptions* so, KnowledgeOptions* kopts, std::string* kdir,
                         bool* help, std::string* err) {
  std::string listen = "127.0.0.1:8025";
  bool no_geoip = false;
  po::options_description desc;
  desc.add_options()("help,h", po::bool_switch(help))("listen", po::value<std::string>(&listen))(
      "allow-remote", po::bool_switch(&so->allow_remote))("max-body", po::value<std::size_t>(&so->max_body))(
      "threads", po::value<int>(&so->threads))("quiet", po::bool_switch(&so->quiet))(
      "profile", po::value<std::string>(&kopts->profile_path))(
      "onprem", po::value<std::vector<std::string>>(&kopts->onprem)->composing())(
      "domain", po::value<std::vector<std::string>>(&kopts->domains)->composing())(
      "geoip-db", po::value<std::vector<std::string>>(&kopts->geoip_dbs)->composing())(
      "no-geoip", po::bool_switch(&no_geoip))("knowledge", po::value<std::string>(kdir));
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    *err = e.what();
    return false;
  }
  kopts->geoip_auto = !no_geoip;
  if (*help) return true;
  if (!parse_listen(listen, &so->listen, err)) return false;
  if (so->max_body == 0) {
    *err = "--max-body must be positive";
    return false;
  }
  if (so->threads < 1 || so->threads > 256) {
    *err = "--threads must be 1-256";
    return false;
  }
  so->loopback = is_loopback_host(so->listen.host);
  if (!so->loopback && !so->allow_remote) {
    *err = fmt::format("--listen {}: not a loopback address; the page has no authentication, so "
                       "serving other hosts needs --allow-remote",
                       so->listen.host);
    return false;
  }
  return true;
}

}  // namespace

int serve_main(int argc, char** argv, const char* argv0) {
  ServeOptions so;
  KnowledgeOptions kopts;
  std::string kdir_flag, err;
  bool help = false;
  if (!parse_serve_options(argc, argv, &so, &kopts, &kdir_flag, &help, &err)) {
    fmt::print(stderr, "ndrscan: error: serve: {} (see ndrscan serve --help)\n", err);
    return kExitUsage;
  }
  if (help) {
    fmt::print("{}", kHelp);
    return kExitOk;
  }
  if (!so.loopback)
    fmt::print(stderr,
               "ndrscan serve: warning: listening on {}, not loopback (--allow-remote): anyone who can reach "
               "this port can submit messages and read the results; there is no authentication or TLS\n",
               so.listen.host);

  // Knowledge: loaded once, then shared read-only by every worker thread.
  Knowledge knowledge;
  std::string kdir = find_knowledge_dir(kdir_flag, argv0);
  if (kdir.empty()) {
    fmt::print(stderr, "ndrscan: error: knowledge data not found (install it, or pass --knowledge DIR)\n");
    return kExitUsage;
  }
  if (!load_knowledge(kdir, kopts, &knowledge, &err)) {
    fmt::print(stderr, "ndrscan: error: {}\n", err);
    return kExitUsage;
  }
  AnalyzeOptions aopts;
  aopts.mime_limits.max_message_bytes = kCliMaxSize;

  // SIGINT/SIGTERM are taken by one thread with sigwait, which stops the
  // server; block them first so the worker threads inherit the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  httplib::Server svr;
  const int threads = so.threads;
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  svr.set_read_timeout(kIoTimeoutSeconds, 0);
  svr.set_write_timeout(kIoTimeoutSeconds, 0);
  svr.set_keep_alive_max_count(kKeepAliveMaxCount);
  svr.set_keep_alive_timeout(kKeepAliveTimeoutSeconds);
  svr.set_payload_max_length(so.max_body);
  install_routes(svr, knowledge, aopts, so);

  int port = so.listen.port;
  if (port == 0) {
    port = svr.bind_to_any_port(so.listen.host);
    if (port < 0) port = 0;
  } else if (!svr.bind_to_port(so.listen.host, port)) {
    port = 0;
  }
  if (port == 0) {
    fmt::print(stderr, "ndrscan: error: serve: cannot listen on {} (address in use, or not an address of this host)\n",
               url_for(so.listen.host, so.listen.port));
    return kExitUsage;
  }
  fmt::print("ndrscan serve: listening on {} (Ctrl-C to stop)\n", url_for(so.listen.host, port));
  std::fflush(stdout);

  std::atomic<bool> listen_returned{false};
  std::thread stopper([&svr, &listen_returned, stop_signals] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    // A signal before the accept loop started: wait (bounded) for it to start.
    for (int i = 0; i < 200 && !svr.is_running() && !listen_returned; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    svr.stop();
  });
  bool ok = svr.listen_after_bind();
  listen_returned = true;
  if (!ok) pthread_kill(stopper.native_handle(), SIGTERM);  // listen failed: wake the stopper
  stopper.join();
  fmt::print(stderr, "ndrscan serve: stopped\n");
  return ok ? kExitOk : kExitSomeFailed;
}

}  // namespace ndrscan::web
