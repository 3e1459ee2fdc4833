#pragma once

#include <SQLiteCpp/Database.h>
#include <cstdint>
#include <filesystem>

namespace carecircle::storage {

enum class access { read_write, read_only };

// Opens the database with the settings every connection needs: WAL, foreign keys, a busy
// timeout. A read-write open creates the file and its folder and applies pending migrations.
SQLite::Database open_database(const std::filesystem::path& path, access mode);

// Brings the schema up to date, keyed on PRAGMA user_version. Safe on an empty file and on
// one that is already current.
void migrate(SQLite::Database& db);

int schema_version(SQLite::Database& db);
// The version migrate() brings a database to.
int latest_schema_version();

struct database_stats {
    std::int64_t users = 0;
    std::int64_t groups = 0;
    std::int64_t messages = 0;
    std::int64_t meetups = 0;
    std::int64_t bytes = 0; // the main file's pages, not counting the WAL
};

database_stats read_stats(SQLite::Database& db);

// Consistent copy of a live database through SQLite's online backup API.
void backup(const std::filesystem::path& from, const std::filesystem::path& to);

} // namespace carecircle::storage
