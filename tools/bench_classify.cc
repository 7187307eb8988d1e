// bench_classify.cc - network map benchmark: table load time and hop
// classification rate on one core.
//
// USAGE
//   bench-classify [--hops N] [--runs R] [--knowledge DIR] [CORPUS_DIR]
//
// Loads knowledge/networks (and the Microsoft tables) R times and reports the
// median load time; collects every hop of the .eml files under CORPUS_DIR
// (default: the repository's corpus/), repeats them to N hops, and
// classifies both sides of each hop R times, reporting the median rate.
// The baseline, measured in the same run, is parsing each hop's IP address
// only (util::parse_address): the ratio says what the classifier costs over
// the cheapest possible per-hop work. A benchmark, not a test.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "src/classify/hop_classifier.h"
#include "src/core/analyze.h"
#include "src/util/cidr_table.h"

namespace fs = std::filesystem;
using namespace ndrscan;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 1000000;
  int runs = 5;
  std::string kdir = NDRSCAN_SOURCE_DIR "/knowledge";
  std::string corpus = NDRSCAN_SOURCE_DIR "/corpus";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--hops" && i + 1 < argc) n = std::stoul(argv[++i]);
    else if (a == "--runs" && i + 1 < argc) runs = std::stoi(argv[++i]);
    else if (a == "--knowledge" && i + 1 < argc) kdir = argv[++i];
    else corpus = a;
  }

  // 1. Table load: networks + build, as at start-up.
  std::vector<double> loads;
  std::size_t rules = 0;
  for (int r = 0; r < runs; ++r) {
    auto t0 = Clock::now();
    classify::NetworkTables t;
    std::string err;
    if (!t.load_dir(kdir + "/networks", &err)) {
      fmt::print(stderr, "bench-classify: {}\n", err);
      return 2;
    }
    t.build();
    loads.push_back(seconds_since(t0));
    rules = t.rule_count();
  }

  // 2. Hops from the corpus.
  Knowledge k;
  KnowledgeOptions opts;
  opts.geoip_auto = false;
  std::string err;
  if (!load_knowledge(kdir, opts, &k, &err)) {
    fmt::print(stderr, "bench-classify: {}\n", err);
    return 2;
  }
  std::vector<Hop> sample;
  for (const auto& e : fs::recursive_directory_iterator(corpus)) {
    if (e.path().extension() != ".eml") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    Analysis a;
    if (!analyze_message(ss.str(), k, AnalyzeOptions{}, &a, &err)) continue;
    for (auto& h : a.hops) sample.push_back(h);
    if (a.original)
      for (auto& h : a.original->hops) sample.push_back(h);
  }
  if (sample.empty()) {
    fmt::print(stderr, "bench-classify: no hops found under {}\n", corpus);
    return 2;
  }
  for (auto& h : sample) {
    h.from_network.reset();
    h.by_network.reset();
  }
  std::vector<Hop> hops;
  hops.reserve(n);
  while (hops.size() < n) hops.push_back(sample[hops.size() % sample.size()]);

  classify::HopClassifier c(k.networks, nullptr);
  std::vector<double> rates, base_rates;
  std::size_t matched = 0;
  for (int r = 0; r < runs; ++r) {
    // baseline: the cheapest per-hop work, parsing the two addresses
    auto t0 = Clock::now();
    std::size_t parsed = 0;
    for (const auto& h : hops) {
      if (util::parse_address(h.from_ip)) ++parsed;
      if (util::parse_address(h.by_ip)) ++parsed;
    }
    base_rates.push_back(static_cast<double>(hops.size()) / seconds_since(t0));
    if (parsed == static_cast<std::size_t>(-1)) fmt::print("");  // keep the loop

    auto t1 = Clock::now();
    matched = 0;
    std::vector<int> none;
    for (const auto& h : hops) {
      classify::Verdict f = c.decide(h.from_ip, h.from_rdns, "", h.from_host, 0, none);
      classify::Verdict b = c.decide(h.by_ip, "", h.by_host, "", 0, none);
      matched += (f.provider >= 0) + (b.provider >= 0);
    }
    rates.push_back(static_cast<double>(hops.size()) / seconds_since(t1));
  }
  double rate = median(rates), base = median(base_rates);
  fmt::print("network tables: {} rules, load+build median {:.2f} ms over {} runs (target < 20 ms)\n", rules,
             median(loads) * 1e3, runs);
  fmt::print("hops: {} ({} distinct from {}), both sides classified, {} sides matched a table\n", hops.size(),
             sample.size(), corpus, matched);
  fmt::print("classification: median {:.2f} M hops/s on one core over {} runs (target >= 2 M/s)\n", rate / 1e6, runs);
  fmt::print("baseline (parse two addresses per hop): {:.2f} M hops/s; classifier/baseline = {:.2f}\n", base / 1e6,
             rate / base);
  // With the evidence text made for every side, as the JSON report needs.
  std::vector<double> full;
  std::vector<int> none;
  for (int r = 0; r < runs; ++r) {
    auto t0 = Clock::now();
    std::size_t sink = 0;
    for (const auto& h : hops) {
      NetworkInfo f = c.classify_side(h.from_ip, h.from_rdns, "", h.from_host, none);
      NetworkInfo b = c.classify_side(h.by_ip, "", h.by_host, "", none);
      sink += f.evidence.size() + b.evidence.size();
    }
    full.push_back(static_cast<double>(hops.size()) / seconds_since(t0));
    if (sink == static_cast<std::size_t>(-1)) fmt::print("");
  }
  fmt::print("classification with evidence text: median {:.2f} M hops/s\n", median(full) / 1e6);
  return 0;
}
