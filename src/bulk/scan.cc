// scan.cc - the bulk engine: producer -> worker threads -> in-order writer.
#include "src/bulk/scan.h"

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <iostream>
#include <fstream>
#include <mutex>
#include <set>
#include <nlohmann/json.hpp>
#include <thread>

#include "src/bulk/html_report.h"
#include "src/bulk/inputs.h"
#include "src/bulk/summary.h"
#include "src/cli/config.h"
#include "src/core/analyze.h"
#include "src/core/exit_status.h"
#include "src/core/knowledge.h"
#include "src/io/mbox.h"
#include "src/report/json_report.h"

namespace ndrscan::bulk {
namespace po = boost::program_options;
using Clock = std::chrono::steady_clock;

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_sigint(int) { g_interrupted.store(true); }

/// One message to analyse: its origin and its bytes.
struct Msg {
  int file = 0;                 ///< index into the input list
  std::uint64_t offset = 0;     ///< byte offset of the message (its From_ line in an mbox)
  std::string_view bytes;
  bool unquote = false;         ///< mboxrd ">From " lines to unquote
};

/// A few MB of messages, analysed by one worker, written in order.
struct Chunk {
  std::size_t seq = 0;
  std::vector<Msg> msgs;
  std::vector<std::shared_ptr<const std::string>> owned;  ///< buffers the views point into
  std::shared_ptr<MappedFile> map;                        ///< a big file the views point into
  std::uint64_t map_end = 0;                              ///< release the map up to here once written
  std::uint64_t bytes = 0;
  std::vector<ErrorItem> input_errors;                    ///< whole-input failures found while reading
  int inputs = 0;                                         ///< inputs finished in this chunk
  // results
  std::string records_jsonl, records_csv;
  Summary summary;
  bool done = false;
};

struct Settings {
  int jobs = 0;
  std::string jsonl, csv, summary_json, report, paths_from;
  std::size_t top = 10;
  std::size_t max_size = 64u << 20;
  bool progress = true;
  bool print_errors = false;
  /// Work is handed to the threads in chunks of about this many bytes of
  /// messages: small enough that the last chunks do not leave a thread idle
  /// for long (4 MiB left 5 % of a 32 MB scan to one thread), large enough
  /// that handing over costs nothing.
  std::size_t chunk_bytes = 1u << 20;
};

/// csv_field - RFC 4180 quoting.
void csv_field(std::string* out, std::string_view v, bool last = false) {
  bool quote = v.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quote) {
    out->push_back('"');
    for (char c : v) {
      if (c == '"') out->push_back('"');
      out->push_back(c == '\r' || c == '\n' ? ' ' : c);
    }
    out->push_back('"');
  } else {
    out->append(v);
  }
  out->push_back(last ? '\n' : ',');
}

constexpr const char* kCsvHeader =
    "file,offset,message_id,date,subject,recipient,action,status,reply_code,reason,hard,remote_mta,reporting_mta,"
    "rejected_by_host,rejected_by_class,rejected_by_provider,dialect,diagnostic\n";

void append_csv(std::string* out, const std::string& file, std::uint64_t offset, const Analysis& a,
                const Recipient& r) {
  csv_field(out, file);
  csv_field(out, std::to_string(offset));
  csv_field(out, a.message_id);
  csv_field(out, a.date);
  csv_field(out, a.subject);
  csv_field(out, r.address);
  csv_field(out, r.action);
  csv_field(out, r.status);
  csv_field(out, r.reply_code);
  csv_field(out, r.reason);
  csv_field(out, r.hard ? (*r.hard ? "true" : "false") : "");
  csv_field(out, r.remote_mta);
  csv_field(out, a.reporting_mta);
  csv_field(out, a.rejected_by ? (a.rejected_by->host.empty() ? a.rejected_by->ip : a.rejected_by->host) : "");
  csv_field(out, a.rejected_by ? a.rejected_by->network.net_class : "");
  csv_field(out, a.rejected_by ? a.rejected_by->network.provider : "");
  csv_field(out, a.dialect);
  csv_field(out, r.diagnostic, true);
}

class Engine {
 public:
  Engine(const Settings& s, const Knowledge& k, std::vector<InputFile> files)
      : s_(s), k_(k), files_(std::move(files)) {}

  Summary run(std::FILE* jsonl, std::FILE* csv);

 private:
  void produce();
  void emit(Chunk&& c);
  void flush_current();
  void add_msg(int file, std::uint64_t offset, std::string_view bytes, bool unquote);
  void read_mapped(int idx);
  void read_stream(int idx);
  void work();
  void process(Chunk* c);
  void progress_line(bool final);
  std::string take_buffer();
  void give_buffer(std::string&& b);

  const Settings& s_;
  const Knowledge& k_;
  std::vector<InputFile> files_;

  std::mutex mu_;
  std::condition_variable cv_work_, cv_done_, cv_space_;
  std::deque<Chunk*> queue_;            // ready for a worker
  std::deque<std::unique_ptr<Chunk>> window_;  // in flight, in order
  bool producing_done_ = false;
  std::size_t max_in_flight_ = 8;
  // Output buffers of written chunks, reused by the next ones (a fresh
  // buffer would grow by copying and fault in new pages every chunk).
  std::vector<std::string> spare_;

  // producer state
  Chunk cur_;
  std::size_t next_seq_ = 0;

  // progress
  std::atomic<std::uint64_t> bytes_done_{0}, msgs_done_{0};
  std::uint64_t bytes_total_ = 0;
  Clock::time_point start_ = Clock::now();
  bool tty_ = false;
};

void Engine::flush_current() {
  if (cur_.msgs.empty() && cur_.input_errors.empty() && cur_.inputs == 0) return;
  Chunk c = std::move(cur_);
  cur_ = Chunk{};
  emit(std::move(c));
}

void Engine::emit(Chunk&& c) {
  auto chunk = std::make_unique<Chunk>(std::move(c));
  chunk->seq = next_seq_++;
  std::unique_lock<std::mutex> lock(mu_);
  cv_space_.wait(lock, [&] { return window_.size() < max_in_flight_; });
  queue_.push_back(chunk.get());
  window_.push_back(std::move(chunk));
  cv_work_.notify_one();
}

void Engine::add_msg(int file, std::uint64_t offset, std::string_view bytes, bool unquote) {
  cur_.msgs.push_back({file, offset, bytes, unquote});
  cur_.bytes += bytes.size();
}

void Engine::read_mapped(int idx) {
  const InputFile& f = files_[static_cast<std::size_t>(idx)];
  // Small single files: read into a buffer owned by the chunk.
  auto map = std::make_shared<MappedFile>();
  std::string err;
  if (!map->open(f.path, &err)) {
    cur_.input_errors.push_back({f.path, -1, err});
    return;
  }
  std::string_view data = map->data();
  if (data.empty()) {
    cur_.input_errors.push_back({f.path, -1, "empty file"});
    return;
  }
  if (!io::looks_like_mbox(data)) {
    if (data.size() > s_.max_size) {
      cur_.input_errors.push_back({f.path, 0, fmt::format("larger than the {}-byte limit (--max-size)", s_.max_size)});
      return;
    }
    auto copy = std::make_shared<const std::string>(data);  // small: keep no mapping open
    cur_.owned.push_back(copy);
    add_msg(idx, 0, *copy, false);
    if (cur_.bytes >= s_.chunk_bytes) flush_current();
    return;
  }
  // An mbox: views into the mapping, chunk by chunk; pages are released
  // behind the writer.
  flush_current();
  // next_bounded - the next separator after `begin`, searched in 64 MB
  // windows; once the message is known to be over --max-size, the pages
  // already scanned are released (it will not be analysed), so one giant
  // message cannot pull a whole file into memory.
  auto next_bounded = [&](std::size_t begin) {
    const std::size_t window = 64u << 20;
    std::size_t from = begin;
    while (from < data.size()) {
      std::size_t stop = std::min(data.size(), from + window);
      std::string_view part = data.substr(0, std::min(data.size(), stop + 1024));  // a From_ line may straddle
      std::size_t hit = io::next_separator(part, from);
      if (hit != std::string_view::npos && hit < stop) return hit;
      if (stop - begin > s_.max_size) map->release_until(stop);
      from = stop;
    }
    return std::string_view::npos;
  };
  std::size_t sep = io::next_separator(data.substr(0, std::min<std::size_t>(data.size(), 4096)), 0);
  while (sep != std::string_view::npos && !g_interrupted.load()) {
    // the message starts after the From_ line (LF, CRLF or CR-only)
    std::string_view from_line = data.substr(sep, 1024);
    std::size_t eol = from_line.find_first_of("\r\n");
    std::size_t begin = eol == std::string_view::npos ? std::min(data.size(), sep + from_line.size()) : sep + eol + 1;
    if (eol != std::string_view::npos && from_line[eol] == '\r' && begin < data.size() && data[begin] == '\n') ++begin;
    std::size_t next = begin < data.size() ? next_bounded(begin) : std::string_view::npos;
    std::size_t end = next == std::string_view::npos ? data.size() : next;
    std::size_t trimmed = end;
    if (next != std::string_view::npos) {
      if (trimmed > begin && data[trimmed - 1] == '\n') --trimmed;
      if (trimmed > begin && data[trimmed - 1] == '\r') --trimmed;
    }
    std::string_view msg = data.substr(begin, trimmed - begin);
    if (msg.size() > s_.max_size) {
      cur_.input_errors.push_back(
          {f.path, static_cast<std::int64_t>(sep), fmt::format("larger than the {}-byte limit (--max-size)", s_.max_size)});
    } else {
      add_msg(idx, sep, msg, io::needs_unquote(msg));
    }
    cur_.map = map;
    cur_.map_end = end;
    if (cur_.bytes >= s_.chunk_bytes) flush_current();
    sep = next;
  }
  flush_current();
}

void Engine::read_stream(int idx) {
  const InputFile& f = files_[static_cast<std::size_t>(idx)];
  StreamReader in;
  std::string err;
  if (!in.open(f.path, &err)) {
    cur_.input_errors.push_back({f.path, -1, err});
    return;
  }
  flush_current();
  std::string pending;       // bytes not yet emitted
  std::uint64_t base = 0;    // stream offset of pending[0]
  bool mbox = false, decided = false, eof = false;
  const std::size_t block = 1u << 20;
  while (!eof && !g_interrupted.load()) {
    long n = in.read(&pending, block, &err);
    if (n < 0) {
      cur_.input_errors.push_back({f.path, static_cast<std::int64_t>(base + pending.size()), err});
      eof = true;
    } else if (n == 0) {
      eof = true;
    }
    if (!decided && (pending.size() >= 5 || eof)) {
      mbox = io::looks_like_mbox(pending);
      decided = true;
    }
    if (!decided) continue;
    if (!mbox) {
      if (pending.size() > s_.max_size) {
        cur_.input_errors.push_back({f.path, 0, fmt::format("larger than the {}-byte limit (--max-size)", s_.max_size)});
        return;
      }
      if (!eof) continue;
      if (pending.empty()) {
        cur_.input_errors.push_back({f.path, -1, "empty input"});
        return;
      }
      auto buf = std::make_shared<const std::string>(std::move(pending));
      cur_.owned.push_back(buf);
      add_msg(idx, 0, *buf, false);
      flush_current();
      return;
    }
    // mbox: emit every message that is complete (followed by a separator),
    // or everything at the end of the stream.
    std::vector<io::MboxSpan> spans = io::split_mbox(pending);
    std::size_t complete = eof ? spans.size() : (spans.empty() ? 0 : spans.size() - 1);
    if (complete == 0) {
      if (pending.size() > s_.max_size + block) {  // one message too large: drop it, keep going
        cur_.input_errors.push_back({f.path, static_cast<std::int64_t>(base), "message larger than --max-size"});
        base += pending.size();
        pending.clear();
        decided = false;
      }
      continue;
    }
    std::size_t cut = eof ? pending.size() : spans[complete].offset;
    auto buf = std::make_shared<const std::string>(pending.substr(0, cut));
    cur_.owned.push_back(buf);
    for (std::size_t i = 0; i < complete; ++i) {
      std::string_view msg = std::string_view(*buf).substr(spans[i].begin, spans[i].end - spans[i].begin);
      add_msg(idx, base + spans[i].offset, msg, io::needs_unquote(msg));
    }
    flush_current();
    pending.erase(0, cut);
    base += cut;
  }
}

void Engine::produce() {
  for (int i = 0; i < static_cast<int>(files_.size()) && !g_interrupted.load(); ++i) {
    const InputFile& f = files_[static_cast<std::size_t>(i)];
    if (f.path == "-" || f.gzip) read_stream(i);
    else read_mapped(i);
    ++cur_.inputs;
  }
  flush_current();
  std::lock_guard<std::mutex> lock(mu_);
  producing_done_ = true;
  cv_work_.notify_all();
}

std::string Engine::take_buffer() {
  std::lock_guard<std::mutex> lock(mu_);
  if (spare_.empty()) return {};
  std::string b = std::move(spare_.back());
  spare_.pop_back();
  return b;
}

void Engine::give_buffer(std::string&& b) {
  b.clear();  // keeps the capacity
  std::lock_guard<std::mutex> lock(mu_);
  if (spare_.size() < max_in_flight_) spare_.push_back(std::move(b));
}

void Engine::process(Chunk* c) {
  AnalyzeOptions aopts;
  if (!s_.jsonl.empty()) {
    // JSON Lines run to about twice the mail they describe: room for that
    // at once (a reused buffer mostly has it) instead of growing by copies
    c->records_jsonl = take_buffer();
    c->records_jsonl.reserve(std::min<std::size_t>(c->bytes * 2 + (64u << 10), 64u << 20));
  }
  if (!s_.csv.empty()) c->records_csv = take_buffer();
  aopts.mime_limits.max_message_bytes = s_.max_size;
  aopts.explain = false;  // no bulk output carries the scoring lines
  c->summary.inputs = static_cast<std::uint64_t>(c->inputs);
  for (const auto& e : c->input_errors) c->summary.add_error(e);
  std::string err, unquoted;
  for (const Msg& m : c->msgs) {
    const std::string& file = files_[static_cast<std::size_t>(m.file)].path;
    std::string_view bytes = m.bytes;
    if (m.unquote) {
      unquoted = io::unquote_from(bytes);
      bytes = unquoted;
    }
    c->summary.bytes += m.bytes.size();
    Analysis a;
    a.source = file;
    a.source_offset = static_cast<std::int64_t>(m.offset);
    if (!analyze_message(bytes, k_, aopts, &a, &err)) {
      c->summary.add_error({file, static_cast<std::int64_t>(m.offset), err});
      continue;
    }
    c->summary.add(a);
    if (!s_.jsonl.empty()) report::append_jsonl_records(a, file, m.offset, &c->records_jsonl);
    if (!s_.csv.empty())
      for (const Recipient& r : a.recipients)
        if (r.action == "failed" || r.action == "delayed") append_csv(&c->records_csv, file, m.offset, a, r);
  }
}

void Engine::work() {
  while (true) {
    Chunk* c = nullptr;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_work_.wait(lock, [&] { return !queue_.empty() || producing_done_; });
      if (queue_.empty()) return;
      c = queue_.front();
      queue_.pop_front();
    }
    process(c);
    {
      std::lock_guard<std::mutex> lock(mu_);
      c->done = true;
    }
    cv_done_.notify_all();
  }
}

void Engine::progress_line(bool final) {
  if (!tty_) return;
  double secs = std::chrono::duration<double>(Clock::now() - start_).count();
  std::uint64_t done = bytes_done_.load();
  double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
  std::string line;
  if (bytes_total_ > 0) {
    double frac = std::min(1.0, static_cast<double>(done) / static_cast<double>(bytes_total_));
    int filled = static_cast<int>(frac * 20);
    double eta = rate > 0 ? static_cast<double>(bytes_total_ - std::min(done, bytes_total_)) / rate : 0;
    line = fmt::format("[{}{}] {:3.0f}% {:.1f}/{:.1f} MB  {:.0f} MB/s  {:.0f} msg/s  ETA {:.0f}s",
                       std::string(static_cast<std::size_t>(filled), '#'), std::string(static_cast<std::size_t>(20 - filled), '.'),
                       frac * 100, static_cast<double>(done) / 1e6, static_cast<double>(bytes_total_) / 1e6, rate / 1e6,
                       secs > 0 ? static_cast<double>(msgs_done_.load()) / secs : 0, eta);
  } else {
    line = fmt::format("{:.1f} MB  {:.0f} MB/s  {} messages", static_cast<double>(done) / 1e6, rate / 1e6,
                       msgs_done_.load());
  }
  fmt::print(stderr, "\r\x1b[K{}{}", line, final ? "\n" : "");
  std::fflush(stderr);
}

Summary Engine::run(std::FILE* jsonl, std::FILE* csv) {
  tty_ = s_.progress && isatty(STDERR_FILENO);
  for (const auto& f : files_) bytes_total_ += f.gzip ? 0 : f.size;
  int jobs = s_.jobs > 0 ? s_.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  max_in_flight_ = static_cast<std::size_t>(jobs) * 3 + 2;
  std::thread producer([this] { produce(); });
  std::vector<std::thread> workers;
  for (int i = 0; i < jobs; ++i) workers.emplace_back([this] { work(); });

  // The writer: this thread, strictly in chunk order.
  Summary total;
  if (csv) std::fputs(kCsvHeader, csv);
  auto last_progress = Clock::now();
  while (true) {
    std::unique_ptr<Chunk> c;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_done_.wait_for(lock, std::chrono::milliseconds(100), [&] {
        return (!window_.empty() && window_.front()->done) || (producing_done_ && window_.empty());
      });
      if (!window_.empty() && window_.front()->done) {
        c = std::move(window_.front());
        window_.pop_front();
        cv_space_.notify_one();
      } else if (producing_done_ && window_.empty()) {
        break;
      }
    }
    if (c) {
      if (jsonl) std::fwrite(c->records_jsonl.data(), 1, c->records_jsonl.size(), jsonl);
      if (csv) std::fwrite(c->records_csv.data(), 1, c->records_csv.size(), csv);
      if (c->records_jsonl.capacity() > 4096) give_buffer(std::move(c->records_jsonl));
      if (c->records_csv.capacity() > 4096) give_buffer(std::move(c->records_csv));
      if (s_.print_errors)
        for (const auto& e : c->summary.errors)
          fmt::print(stderr, "ndrscan: error: {}{}: {}\n", e.file, e.offset >= 0 ? fmt::format("@{}", e.offset) : "",
                     e.reason);
      total.merge(c->summary);
      bytes_done_ += c->bytes;
      msgs_done_ += c->msgs.size();
      if (c->map) c->map->release_until(c->map_end);
    }
    if (Clock::now() - last_progress > std::chrono::milliseconds(100)) {
      progress_line(false);
      last_progress = Clock::now();
    }
  }
  producer.join();
  for (auto& w : workers) w.join();
  progress_line(true);
  return total;
}

bool read_paths_file(const std::string& path, std::vector<std::string>* out, std::string* err) {
  // One path per line, either a JSON string / {"path": "..."} object
  // (NDJSON framing, for Hadoop streaming or Spark pipe()) or plain text.
  std::istream* in = nullptr;
  std::ifstream file;
  if (path == "-") {
    in = &std::cin;
  } else {
    file.open(path);
    if (!file) {
      *err = fmt::format("{}: cannot open", path);
      return false;
    }
    in = &file;
  }
  std::string line;
  int lineno = 0;
  while (std::getline(*in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line[0] == '"' || line[0] == '{') {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_string()) out->push_back(j.get<std::string>());
      else if (j.is_object() && j.contains("path") && j["path"].is_string()) out->push_back(j["path"].get<std::string>());
      else {
        *err = fmt::format("{}:{}: expected a JSON string or {{\"path\": ...}}", path, lineno);
        return false;
      }
    } else {
      out->push_back(line);
    }
  }
  return true;
}

constexpr const char* kScanHelp = R"(Usage: ndrscan scan [OPTIONS] PATH...

Analyse many bounces: mbox files (mboxo/mboxrd, LF or CRLF), maildirs,
directory trees of .eml/.txt files (recursive), gzip-compressed files, and
a concatenated mbox stream on standard input ("-"). Prints a summary table;
records go where --jsonl / --csv say.

Output
  --jsonl FILE          one JSON record per failed or delayed recipient
                        ("-" = stdout; the summary then goes to stderr)
  --csv FILE            the same as CSV (columns in docs/bulk.md)
  --summary-json FILE   the summary as JSON (mergeable across shards)
  --report FILE.html    a self-contained HTML report with charts
  --top N               rows per breakdown in the summary (default 10)
  --errors              also print each failed message on stderr

Input
  --all-files           in directories, read every file (default: skip dot
                        files and names that are not mail, e.g. .json, .md)
  --paths-from FILE     read input paths from FILE ("-" = stdin), one per
                        line, plain or NDJSON ("path" or {"path": "path"})
  --max-size BYTES      skip (and count) messages larger than this

Run
  -j, --jobs N          worker threads (default: all cores)
  --no-progress         no progress bar (shown on stderr when it is a tty)

Site and data: --profile, --onprem, --domain, --knowledge, --geoip-db,
--no-geoip, --no-config as for ndrscan itself; config.toml's [scan] table
sets defaults for --jobs, --top, --no-progress and --errors.

Exit status: 0 all analysed, 1 some inputs or messages failed (listed),
2 usage error, 130 interrupted (the partial summary is printed).
)";

}  // namespace

int scan_main(int argc, char** argv, const char* argv0) {
  Settings s;
  std::vector<std::string> paths;
  KnowledgeOptions kopts;
  std::string knowledge_dir;
  bool help = false, no_progress = false, no_geoip = false, all_files = false;
  bool no_config = false;
  std::set<std::string> given;  // long options on the command line (config.toml fills the rest)
  po::options_description desc;
  desc.add_options()("help,h", po::bool_switch(&help))("jobs,j", po::value<int>(&s.jobs))(
      "jsonl", po::value<std::string>(&s.jsonl))("csv", po::value<std::string>(&s.csv))(
      "summary-json", po::value<std::string>(&s.summary_json))("report", po::value<std::string>(&s.report))(
      "top", po::value<std::size_t>(&s.top))("errors", po::bool_switch(&s.print_errors))(
      "paths-from", po::value<std::string>(&s.paths_from))("max-size", po::value<std::size_t>(&s.max_size))(
      "no-progress", po::bool_switch(&no_progress))("profile", po::value<std::string>(&kopts.profile_path))(
      "onprem", po::value<std::vector<std::string>>(&kopts.onprem)->composing())(
      "domain", po::value<std::vector<std::string>>(&kopts.domains)->composing())(
      "knowledge", po::value<std::string>(&knowledge_dir))(
      "geoip-db", po::value<std::vector<std::string>>(&kopts.geoip_dbs)->composing())(
      "no-geoip", po::bool_switch(&no_geoip))("no-config", po::bool_switch(&no_config))(
      "all-files", po::bool_switch(&all_files))(  // was in --help but not parsed
      "path", po::value<std::vector<std::string>>(&paths));
  po::positional_options_description pos;
  pos.add("path", -1);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(desc).positional(pos).run(), vm);
    po::notify(vm);
    for (const auto& [name, value] : vm)
      if (!value.defaulted()) given.insert(name);
  } catch (const po::error& e) {
    fmt::print(stderr, "ndrscan: error: {} (see ndrscan scan --help)\n", e.what());
    return kExitUsage;
  }
  if (help) {
    fmt::print("{}", kScanHelp);
    return kExitOk;
  }
  std::string err;
  // Configuration files (docs/config.md): what the flags left unset.
  if (!no_config) {
    cli::Config cfg;
    if (!cli::load_config(cli::config_dirs(), &cfg, &err)) {
      fmt::print(stderr, "ndrscan: error: {}\n", err);
      return kExitUsage;
    }
    cli::apply_site_config(cfg, given, &knowledge_dir, &kopts.profile_path, &kopts.onprem, &kopts.domains,
                           &kopts.geoip_dbs, &no_geoip, &s.max_size);
    if (cfg.jobs && !given.count("jobs")) s.jobs = *cfg.jobs;
    if (cfg.top && !given.count("top")) s.top = *cfg.top;
    if (cfg.no_progress && !given.count("no-progress")) no_progress = *cfg.no_progress;
    if (cfg.errors && !given.count("errors")) s.print_errors = *cfg.errors;
  }
  s.progress = !no_progress;
  kopts.geoip_auto = !no_geoip;
  if (!s.paths_from.empty() && !read_paths_file(s.paths_from, &paths, &err)) {
    fmt::print(stderr, "ndrscan: error: {}\n", err);
    return kExitUsage;
  }
  if (paths.empty()) {
    fmt::print(stderr, "ndrscan: error: scan needs at least one PATH (or --paths-from; \"-\" reads an mbox stream "
                       "from stdin)\n");
    return kExitUsage;
  }
  Knowledge knowledge;
  std::string kdir = find_knowledge_dir(knowledge_dir, argv0);
  if (kdir.empty()) {
    fmt::print(stderr, "ndrscan: error: knowledge data not found (install it, or pass --knowledge DIR)\n");
    return kExitUsage;
  }
  if (!load_knowledge(kdir, kopts, &knowledge, &err)) {
    fmt::print(stderr, "ndrscan: error: {}\n", err);
    return kExitUsage;
  }

  std::vector<InputFile> files;
  std::vector<ErrorItem> walk_errors;
  std::uint64_t skipped = 0;
  collect_inputs(paths, all_files, &files, &walk_errors, &skipped);

  auto open_out = [&](const std::string& p) -> std::FILE* {
    if (p.empty()) return nullptr;
    if (p == "-") return stdout;
    std::FILE* f = std::fopen(p.c_str(), "wb");
    if (!f) fmt::print(stderr, "ndrscan: error: {}: cannot write: {}\n", p, std::strerror(errno));
    return f;
  };
  std::FILE* jsonl = open_out(s.jsonl);
  std::FILE* csv = open_out(s.csv);
  if ((!s.jsonl.empty() && !jsonl) || (!s.csv.empty() && !csv)) return kExitUsage;
  bool records_on_stdout = jsonl == stdout || csv == stdout;

  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);

  Engine engine(s, knowledge, files);
  Summary total;
  for (auto& e : walk_errors) total.add_error(e);
  total.skipped = skipped;
  total.merge(engine.run(jsonl, csv));
  bool interrupted = g_interrupted.load();
  if (jsonl && jsonl != stdout) std::fclose(jsonl);
  if (csv && csv != stdout) std::fclose(csv);
  std::fflush(stdout);

  std::string table = render_summary(total, s.top, interrupted);
  fmt::print(records_on_stdout ? stderr : stdout, "{}", table);
  if (!s.summary_json.empty()) {
    std::ofstream out(s.summary_json);
    out << total.to_json() << "\n";
    if (!out) fmt::print(stderr, "ndrscan: error: {}: cannot write\n", s.summary_json);
  }
  if (!s.report.empty() && !write_html_report(total, s.report, &err))
    fmt::print(stderr, "ndrscan: error: {}\n", err);
  if (interrupted) return kExitInterrupted;
  return total.error_count ? kExitSomeFailed : kExitOk;
}

int summary_main(int argc, char** argv) {
  // ndrscan summary merge [--json] FILE...
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] != "merge") {
    fmt::print(stderr, "usage: ndrscan summary merge [--json] [--top N] SUMMARY.json...\n");
    return kExitUsage;
  }
  bool json = false;
  std::size_t top = 10;
  Summary total;
  int n = 0;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--json") {
      json = true;
      continue;
    }
    if (args[i] == "--top" && i + 1 < args.size()) {
      top = std::stoul(args[++i]);
      continue;
    }
    std::ifstream in(args[i]);
    if (!in) {
      fmt::print(stderr, "ndrscan: error: {}: cannot open\n", args[i]);
      return kExitSomeFailed;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Summary part;
    std::string err;
    if (!Summary::from_json(text, &part, &err)) {
      fmt::print(stderr, "ndrscan: error: {}: {}\n", args[i], err);
      return kExitSomeFailed;
    }
    total.merge(part);
    ++n;
  }
  if (n == 0) {
    fmt::print(stderr, "usage: ndrscan summary merge [--json] [--top N] SUMMARY.json...\n");
    return kExitUsage;
  }
  if (json) fmt::print("{}\n", total.to_json());
  else fmt::print("{}", render_summary(total, top));
  return kExitOk;
}

}  // namespace ndrscan::bulk
