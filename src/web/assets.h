// assets.h - the page's static files, compiled in from web/ (web/embed.cmake).
//
// PUBLIC FUNCTIONS
//   find_asset()   URL path ("/", "/app.js") -> file, or null
//   asset_count()  how many files are embedded
#pragma once

#include <cstddef>
#include <string_view>

namespace ndrscan::web {

struct StaticFile {
  std::string_view path;          ///< URL path
  std::string_view content_type;  ///< with charset for text
  std::string_view etag;          ///< quoted strong validator (content hash)
  std::string_view body;
};

/// find_asset - the embedded file served at `path`; null when none.
const StaticFile* find_asset(std::string_view path);

/// asset - the i-th embedded file (0 <= i < asset_count()).
const StaticFile& asset(std::size_t i);
std::size_t asset_count();

}  // namespace ndrscan::web
