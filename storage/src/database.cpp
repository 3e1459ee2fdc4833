#include "carecircle/storage/database.hpp"

#include <SQLiteCpp/Backup.h>

namespace carecircle::storage {

SQLite::Database open_database(const std::filesystem::path& path, access mode,
                               const open_options& options) {
    if (mode == access::read_write && path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path());
    }
    const int flags = mode == access::read_write
                          ? SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX
                          : SQLite::OPEN_READONLY | SQLite::OPEN_FULLMUTEX;
    SQLite::Database db(path.string(), flags, 5000, options.vfs);
    db.exec("PRAGMA foreign_keys = ON");
    if (mode == access::read_write) {
        db.exec("PRAGMA journal_mode = WAL");
        // With WAL, NORMAL keeps the database consistent after a crash; a power cut may lose the
        // last transactions. FULL makes every acknowledged commit durable, which is the promise
        // PROTOCOL.md makes for acknowledged writes, so FULL is the default here.
        db.exec(options.synchronous == sync_mode::full ? "PRAGMA synchronous = FULL"
                                                       : "PRAGMA synchronous = NORMAL");
        migrate(db);
    }
    return db;
}

database_stats read_stats(SQLite::Database& db) {
    database_stats stats;
    stats.users = db.execAndGet("SELECT COUNT(*) FROM users").getInt64();
    stats.groups = db.execAndGet("SELECT COUNT(*) FROM regional_groups").getInt64();
    stats.messages = db.execAndGet("SELECT COUNT(*) FROM messages").getInt64();
    stats.meetups = db.execAndGet("SELECT COUNT(*) FROM meetups").getInt64();
    stats.bytes = db.execAndGet("PRAGMA page_count").getInt64() *
                  db.execAndGet("PRAGMA page_size").getInt64();
    return stats;
}

void backup(const std::filesystem::path& from, const std::filesystem::path& to) {
    SQLite::Database source(from.string(), SQLite::OPEN_READONLY, 5000);
    SQLite::Database target(to.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    SQLite::Backup copy(target, source);
    copy.executeStep(); // -1: every page in one step, so the copy is one consistent snapshot
}

int probe_writable(SQLite::Database& db) {
    db.exec("CREATE TEMP TABLE IF NOT EXISTS readiness_probe (x)");
    db.exec("INSERT INTO readiness_probe VALUES (1)");
    db.exec("DELETE FROM readiness_probe");
    return schema_version(db);
}

} // namespace carecircle::storage
