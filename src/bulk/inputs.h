// inputs.h - enumerate and read bulk inputs.
//
// PURPOSE
//   Expands command-line paths into the files to read: a directory is
//   walked recursively in name order (maildir cur/new/tmp included), with
//   directory symlink loops detected by (device, inode); hidden files and
//   unreadable entries are reported, never silently dropped. Each file is
//   then read as one of three kinds: an mbox (split into messages), a
//   single message, or a gzip stream of either.
//
// PUBLIC FUNCTIONS
//   collect_inputs()   paths -> files in a deterministic order
//   MappedFile         read-only mmap with page release behind the reader
//   GzipReader         block reads from a .gz file or a plain stream
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "src/bulk/summary.h"

namespace ndrscan::bulk {

struct InputFile {
  std::string path;        ///< "-" for standard input
  std::uint64_t size = 0;  ///< bytes on disk (0 for stdin)
  bool gzip = false;
};

/// collect_inputs - expand `paths`; failures (missing file, loop) go to
/// *errors. Inside directories, files that are not mail by name (dot files,
/// .json, .md, ...) are counted in *skipped unless `all_files`; paths named
/// on the command line are always read.
void collect_inputs(const std::vector<std::string>& paths, bool all_files, std::vector<InputFile>* files,
                    std::vector<ErrorItem>* errors, std::uint64_t* skipped);

/// looks_like_mail_name - .eml/.msg/.txt/.mbox/.gz..., maildir names, or no extension.
bool looks_like_mail_name(const std::string& path);

/// A read-only memory map of one file.
class MappedFile {
 public:
  ~MappedFile();
  /// open - map `path`; false with a reason.
  bool open(const std::string& path, std::string* err);
  std::string_view data() const { return {static_cast<const char*>(base_), size_}; }
  /// release_until - drop pages before `offset` from memory (they were
  /// processed); keeps resident memory bounded on huge files.
  void release_until(std::uint64_t offset);

 private:
  void* base_ = nullptr;
  std::size_t size_ = 0;
  std::uint64_t released_ = 0;
};

/// Sequential block reader over a gzip file, a plain file or stdin
/// (zlib reads uncompressed data transparently).
class StreamReader {
 public:
  ~StreamReader();
  bool open(const std::string& path, std::string* err);
  /// read - append up to `max` bytes to *out; 0 at the end, -1 on error.
  long read(std::string* out, std::size_t max, std::string* err);

 private:
  void* gz_ = nullptr;
};

}  // namespace ndrscan::bulk
