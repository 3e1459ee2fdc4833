#include "carecircle/storage/database.hpp"

#include <SQLiteCpp/Transaction.h>
#include <array>
#include <string_view>

namespace carecircle::storage {
namespace {

// Each entry moves the schema from version i to i + 1. Never edit a released entry: add one.
constexpr std::array migrations{
    // 1: accounts, groups, memberships, messages.
    std::string_view{R"sql(
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('member', 'moderator', 'admin')),
    created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE regional_groups (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    region      TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    visibility  TEXT    NOT NULL CHECK (visibility IN ('public', 'private')),
    last_seq    INTEGER NOT NULL DEFAULT 0,
    created_by  INTEGER REFERENCES users (id),
    created_at  INTEGER NOT NULL
);

CREATE TABLE memberships (
    group_id      INTEGER NOT NULL REFERENCES regional_groups (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role          TEXT    NOT NULL CHECK (role IN ('member', 'organiser', 'moderator')),
    status        TEXT    NOT NULL CHECK (status IN ('active', 'pending')),
    last_read_seq INTEGER NOT NULL DEFAULT 0,
    requested_at  INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX memberships_by_user ON memberships (user_id);

CREATE TABLE messages (
    id         INTEGER PRIMARY KEY,
    group_id   INTEGER NOT NULL REFERENCES regional_groups (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    author_id  INTEGER NOT NULL REFERENCES users (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('text', 'announcement', 'system')),
    text       TEXT    NOT NULL,
    client_id  TEXT,
    deleted    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    UNIQUE (group_id, seq)
);
CREATE UNIQUE INDEX messages_by_client_id ON messages (author_id, client_id)
    WHERE client_id IS NOT NULL;
)sql"},
    // 2: moderation: mutes, bans, reports and the moderation log.
    std::string_view{R"sql(
ALTER TABLE memberships ADD COLUMN muted_until INTEGER;

CREATE TABLE bans (
    group_id   INTEGER NOT NULL REFERENCES regional_groups (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason     TEXT    NOT NULL DEFAULT '',
    until      INTEGER,
    banned_by  INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;

CREATE TABLE reports (
    id          INTEGER PRIMARY KEY,
    group_id    INTEGER NOT NULL REFERENCES regional_groups (id) ON DELETE CASCADE,
    message_id  INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    reporter_id INTEGER NOT NULL REFERENCES users (id),
    reason      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    resolved_at INTEGER,
    resolved_by INTEGER REFERENCES users (id),
    resolution  TEXT CHECK (resolution IN ('dismiss', 'delete_message'))
);
CREATE INDEX reports_open_by_group ON reports (group_id) WHERE resolved_at IS NULL;

CREATE TABLE moderation_log (
    id          INTEGER PRIMARY KEY,
    group_id    INTEGER NOT NULL REFERENCES regional_groups (id) ON DELETE CASCADE,
    actor_id    INTEGER NOT NULL REFERENCES users (id),
    action      TEXT    NOT NULL,
    target_user INTEGER REFERENCES users (id),
    message_id  INTEGER,
    reason      TEXT    NOT NULL DEFAULT '',
    until       INTEGER,
    created_at  INTEGER NOT NULL
);
CREATE INDEX moderation_log_by_group ON moderation_log (group_id, id);
)sql"},
    // Later migrations are appended here, one entry each.
};

} // namespace

int schema_version(SQLite::Database& db) {
    return db.execAndGet("PRAGMA user_version").getInt();
}

void migrate(SQLite::Database& db) {
    for (int version = schema_version(db); version < static_cast<int>(migrations.size());
         ++version) {
        SQLite::Transaction transaction(db);
        db.exec(std::string(migrations[static_cast<std::size_t>(version)]));
        db.exec("PRAGMA user_version = " + std::to_string(version + 1));
        transaction.commit();
    }
}

} // namespace carecircle::storage
