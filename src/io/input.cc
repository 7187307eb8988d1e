// input.cc - whole-file reads with POSIX I/O.
#include "src/io/input.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ndrscan::io {

bool read_input(const std::string& path, std::size_t max_bytes, std::string* bytes, std::string* error) {
  bytes->clear();
  int fd = STDIN_FILENO;
  if (path != "-") {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      *error = fmt::format("cannot open: {}", std::strerror(errno));
      return false;
    }
    struct stat st {};
    if (::fstat(fd, &st) == 0) {
      if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        *error = "is a directory";
        return false;
      }
      if (S_ISREG(st.st_mode)) {
        if (static_cast<std::size_t>(st.st_size) > max_bytes) {
          ::close(fd);
          *error = fmt::format("larger than the {}-byte limit (--max-size)", max_bytes);
          return false;
        }
        bytes->reserve(static_cast<std::size_t>(st.st_size));
      }
    }
  }
  char buf[1 << 16];
  bool ok = true;
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = fmt::format("read error: {}", std::strerror(errno));
      ok = false;
      break;
    }
    if (n == 0) break;
    if (bytes->size() + static_cast<std::size_t>(n) > max_bytes) {
      *error = fmt::format("larger than the {}-byte limit (--max-size)", max_bytes);
      ok = false;
      break;
    }
    bytes->append(buf, static_cast<std::size_t>(n));
  }
  if (fd != STDIN_FILENO) ::close(fd);
  return ok;
}

}  // namespace ndrscan::io
