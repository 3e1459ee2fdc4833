#pragma once

#include <filesystem>
#include <string>

namespace carecircle::server {

struct demo_account {
    std::string username;
    std::string password;
    bool created = false; // false when the demo data was already there
};

// Fills a database with a few regional groups, a welcome conversation and one demo account
// (a site admin), so a newcomer has something to look at. Running it again changes nothing.
demo_account seed_demo_data(const std::filesystem::path& database);

} // namespace carecircle::server
