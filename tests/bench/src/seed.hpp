#pragma once

// Fills a group's history straight through CareCircle's storage library while the server is
// stopped: the same append_message the writer runs, in large transactions.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace carecircle::bench {

void append_messages(const std::filesystem::path& db, std::int64_t group,
                     const std::string& author_username, std::size_t count);

} // namespace carecircle::bench
