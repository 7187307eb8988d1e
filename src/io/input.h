// input.h - read one input (file or stdin) into memory, with a size cap.
//
// PURPOSE
//   The only place that touches the file system for message input, so
//   errors are worded once: "cannot open: No such file or directory",
//   "is a directory", "larger than N bytes".
//
// PUBLIC FUNCTIONS
//   read_input()  path or "-" -> bytes
#pragma once

#include <cstddef>
#include <string>

namespace ndrscan::io {

/// read_input - read `path` ("-" is stdin) whole; false with a one-line
/// reason (without the path) in *error.
bool read_input(const std::string& path, std::size_t max_bytes, std::string* bytes, std::string* error);

}  // namespace ndrscan::io
