// regex.cc - PCRE2 wrapper.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "src/util/regex.h"

#include <pcre2.h>

namespace ndrscan::util {
namespace {

constexpr uint32_t kMatchLimit = 100000;

/// Per-thread match data and context, created on first use.
struct ThreadState {
  pcre2_match_data* data = pcre2_match_data_create(32, nullptr);
  pcre2_match_context* ctx = [] {
    pcre2_match_context* c = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(c, kMatchLimit);
    pcre2_set_depth_limit(c, 1000);
    return c;
  }();
  ~ThreadState() {
    pcre2_match_data_free(data);
    pcre2_match_context_free(ctx);
  }
};

ThreadState& state() {
  thread_local ThreadState s;
  return s;
}

}  // namespace

void Regex::Free::operator()(pcre2_real_code_8* c) const { pcre2_code_free(c); }

bool Regex::compile(std::string_view pattern, std::string* err, bool caseless) {
  int code = 0;
  PCRE2_SIZE offset = 0;
  uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | (caseless ? PCRE2_CASELESS : 0);
  pcre2_code* c = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), opts, &code, &offset,
                                nullptr);
  if (!c) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(code, msg, sizeof msg);
    *err = std::string(reinterpret_cast<char*>(msg)) + " at offset " + std::to_string(offset);
    return false;
  }
  pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);  // falls back to the interpreter if JIT is unavailable
  code_.reset(c, Free{});
  pattern_.assign(pattern);
  return true;
}

bool Regex::search(std::string_view subject) const {
  if (!code_) return false;
  ThreadState& s = state();
  int rc = pcre2_match(code_.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0, s.data, s.ctx);
  return rc >= 0;
}

}  // namespace ndrscan::util
