#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace carecircle::server {

// Makes `file` (and its folders) holding what `contents` returns, readable by the owner only from
// the first byte, and synced to disk. An existing file is left as it is and `contents` is not
// called: of two servers starting on one folder, one makes the file and both read it. Throws
// when the file can neither be made nor written (a half-written file is removed).
void create_owner_only_file(const std::filesystem::path& file,
                            const std::function<std::string()>& contents);

} // namespace carecircle::server
