#pragma once

#include <SQLiteCpp/Database.h>
#include <cstdint>
#include <filesystem>
#include <string>

namespace carecircle::storage {

enum class access { read_write, read_only };

// How often a read-write connection waits for the disk. `full` syncs the WAL at every commit,
// so an acknowledged write survives a power cut; `normal` syncs only at checkpoints and exists
// so tests can show what `full` buys.
enum class sync_mode { full, normal };

struct open_options {
    sync_mode synchronous = sync_mode::full;
    // The name of a registered SQLite VFS; empty means SQLite's default. Tests use it to put a
    // power-cut simulator between SQLite and the disk.
    std::string vfs;
};

// Opens the database with the settings every connection needs: WAL, foreign keys, a busy
// timeout. A read-write open creates the file and its folder and applies pending migrations.
SQLite::Database open_database(const std::filesystem::path& path, access mode,
                               const open_options& options = {});

// Brings the schema up to date, keyed on PRAGMA user_version. Safe on an empty file and on
// one that is already current.
void migrate(SQLite::Database& db);
// Only as far as `version`: to build a database as an older release left it, in tests.
void migrate(SQLite::Database& db, int version);

int schema_version(SQLite::Database& db);
// The version migrate() brings a database to.
int latest_schema_version();

// Writes and removes a row of a temporary table, so that a disk that has become read-only or
// full shows up, and returns the schema version. Throws when the write fails.
int probe_writable(SQLite::Database& db);

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
