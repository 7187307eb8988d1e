// assets.cc - lookup over the generated table in web_assets.h (build dir).
#include "src/web/assets.h"

#include <array>

#include "web_assets.h"

namespace ndrscan::web {

namespace {

constexpr std::size_t kCount = std::size(assets::kAssets);

const std::array<StaticFile, kCount>& files() {
  static const std::array<StaticFile, kCount> table = [] {
    std::array<StaticFile, kCount> t{};
    for (std::size_t i = 0; i < kCount; ++i) {
      const auto& a = assets::kAssets[i];
      t[i] = StaticFile{a.path, a.content_type, a.etag, a.body};
    }
    return t;
  }();
  return table;
}

}  // namespace

const StaticFile* find_asset(std::string_view path) {
  if (path == "/index.html") path = "/";
  for (const auto& f : files())
    if (f.path == path) return &f;
  return nullptr;
}

const StaticFile& asset(std::size_t i) { return files().at(i); }

std::size_t asset_count() { return kCount; }

}  // namespace ndrscan::web
