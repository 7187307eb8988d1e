// inputs.cc - directory walking, mmap, gzip streams.
#include "src/bulk/inputs.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

namespace ndrscan::bulk {
namespace {

bool is_gzip_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  unsigned char magic[2] = {0, 0};
  ssize_t n = ::read(fd, magic, 2);
  ::close(fd);
  return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

struct Walk {
  bool all_files = false;
  std::uint64_t* skipped = nullptr;
};

void walk(const std::string& path, std::set<std::pair<dev_t, ino_t>>* seen, std::vector<InputFile>* files,
          std::vector<ErrorItem>* errors, int depth, const Walk& w) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    errors->push_back({path, -1, fmt::format("cannot open: {}", std::strerror(errno))});
    return;
  }
  if (S_ISDIR(st.st_mode)) {
    if (depth > 64) {
      errors->push_back({path, -1, "directory nesting deeper than 64: skipped"});
      return;
    }
    if (!seen->insert({st.st_dev, st.st_ino}).second) {
      errors->push_back({path, -1, "directory already visited (symlink loop): skipped"});
      return;
    }
    DIR* d = ::opendir(path.c_str());
    if (!d) {
      errors->push_back({path, -1, fmt::format("cannot read directory: {}", std::strerror(errno))});
      return;
    }
    std::vector<std::string> names;
    while (struct dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n == "." || n == "..") continue;
      names.push_back(std::move(n));
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
      std::string child = path + "/" + n;
      struct stat cst {};
      bool dir = ::stat(child.c_str(), &cst) == 0 && S_ISDIR(cst.st_mode);
      if (!dir && !w.all_files && !looks_like_mail_name(child)) {
        ++*w.skipped;
        continue;
      }
      walk(child, seen, files, errors, depth + 1, w);
    }
    return;
  }
  if (!S_ISREG(st.st_mode)) {
    errors->push_back({path, -1, "not a regular file: skipped"});
    return;
  }
  if (::access(path.c_str(), R_OK) != 0) {
    errors->push_back({path, -1, fmt::format("cannot open: {}", std::strerror(errno))});
    return;
  }
  files->push_back({path, static_cast<std::uint64_t>(st.st_size), is_gzip_file(path)});
}

}  // namespace

bool looks_like_mail_name(const std::string& path) {
  std::size_t slash = path.rfind('/');
  std::string name = path.substr(slash == std::string::npos ? 0 : slash + 1);
  std::string parent;
  if (slash != std::string::npos) {
    std::size_t p2 = path.rfind('/', slash - 1);
    parent = path.substr(p2 == std::string::npos ? 0 : p2 + 1, slash - (p2 == std::string::npos ? 0 : p2 + 1));
  }
  if (name.empty() || name[0] == '.') return false;
  if (parent == "cur" || parent == "new" || parent == "tmp") return true;  // maildir
  if (name.find(":2,") != std::string::npos) return true;
  std::size_t dot = name.rfind('.');
  if (dot == std::string::npos) return true;  // mbox files and exports often have no extension
  std::string ext = name.substr(dot + 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const char* const kMail[] = {"eml", "msg", "txt", "mbox", "mbx", "mail", "ndr", "gz", "mboxrd", "mboxo"};
  for (const char* e : kMail)
    if (ext == e) return true;
  return false;
}

void collect_inputs(const std::vector<std::string>& paths, bool all_files, std::vector<InputFile>* files,
                    std::vector<ErrorItem>* errors, std::uint64_t* skipped) {
  std::set<std::pair<dev_t, ino_t>> seen;
  Walk w{all_files, skipped};
  for (const auto& p : paths) {
    if (p == "-") {
      files->push_back({"-", 0, false});
      continue;
    }
    std::string path = p;
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    walk(path, &seen, files, errors, 0, w);
  }
}

MappedFile::~MappedFile() {
  if (base_ && base_ != MAP_FAILED) ::munmap(base_, size_);
}

bool MappedFile::open(const std::string& path, std::string* err) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = fmt::format("cannot open: {}", std::strerror(errno));
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    *err = fmt::format("cannot stat: {}", std::strerror(errno));
    ::close(fd);
    return false;
  }
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ == 0) {
    ::close(fd);
    return true;
  }
  base_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (base_ == MAP_FAILED) {
    base_ = nullptr;
    *err = fmt::format("cannot map: {}", std::strerror(errno));
    return false;
  }
  ::madvise(base_, size_, MADV_SEQUENTIAL);
  return true;
}

void MappedFile::release_until(std::uint64_t offset) {
  if (!base_) return;
  const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  std::uint64_t end = std::min<std::uint64_t>(offset, size_) / page * page;
  if (end <= released_) return;
  ::madvise(static_cast<char*>(base_) + released_, end - released_, MADV_DONTNEED);
  released_ = end;
}

StreamReader::~StreamReader() {
  if (gz_) gzclose(static_cast<gzFile>(gz_));
}

bool StreamReader::open(const std::string& path, std::string* err) {
  gzFile f = path == "-" ? gzdopen(::dup(STDIN_FILENO), "rb") : gzopen(path.c_str(), "rb");
  if (!f) {
    *err = fmt::format("cannot open: {}", std::strerror(errno ? errno : EIO));
    return false;
  }
  gzbuffer(f, 1 << 17);
  gz_ = f;
  return true;
}

long StreamReader::read(std::string* out, std::size_t max, std::string* err) {
  std::size_t old = out->size();
  out->resize(old + max);
  int n = gzread(static_cast<gzFile>(gz_), out->data() + old, static_cast<unsigned>(max));
  if (n < 0) {
    int code = 0;
    const char* msg = gzerror(static_cast<gzFile>(gz_), &code);
    *err = fmt::format("read error: {}", msg ? msg : "unknown");
    out->resize(old);
    return -1;
  }
  out->resize(old + static_cast<std::size_t>(n));
  return n;
}

}  // namespace ndrscan::bulk
