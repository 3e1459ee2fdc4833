#include "carecircle/storage/database.hpp"
#include "carecircle/storage/token_digest.hpp"

#include <SQLiteCpp/Transaction.h>
#include <array>
#include <sqlite3.h>
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
    // 3: meet-ups: series, cancelled occurrences, RSVPs with their queue, reminders sent and
    // personal calendar feed keys. Occurrences are named by their local start 'YYYY-MM-DDTHH:MM'.
    std::string_view{R"sql(
CREATE TABLE meetups (
    id               INTEGER PRIMARY KEY,
    group_id         INTEGER NOT NULL REFERENCES regional_groups (id) ON DELETE CASCADE,
    title            TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    kind             TEXT    NOT NULL CHECK (kind IN ('online', 'in_person')),
    location         TEXT,
    url              TEXT,
    local_start      TEXT    NOT NULL,
    timezone         TEXT    NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
    every_weeks      INTEGER CHECK (every_weeks BETWEEN 1 AND 4),
    repeat_count     INTEGER CHECK (repeat_count BETWEEN 1 AND 100),
    repeat_until     TEXT,
    capacity         INTEGER CHECK (capacity > 0),
    cancelled        INTEGER NOT NULL DEFAULT 0,
    created_by       INTEGER NOT NULL REFERENCES users (id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX meetups_by_group ON meetups (group_id);

CREATE TABLE meetup_cancellations (
    meetup_id    INTEGER NOT NULL REFERENCES meetups (id) ON DELETE CASCADE,
    occurrence   TEXT    NOT NULL,
    cancelled_by INTEGER NOT NULL REFERENCES users (id),
    cancelled_at INTEGER NOT NULL,
    PRIMARY KEY (meetup_id, occurrence)
) WITHOUT ROWID;

CREATE TABLE meetup_rsvps (
    meetup_id  INTEGER NOT NULL REFERENCES meetups (id) ON DELETE CASCADE,
    occurrence TEXT    NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status     TEXT    NOT NULL CHECK (status IN ('going', 'waitlisted', 'not_going')),
    queued     INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (meetup_id, occurrence, user_id)
) WITHOUT ROWID;
CREATE INDEX meetup_rsvps_by_queue ON meetup_rsvps (meetup_id, occurrence, status, queued);

CREATE TABLE meetup_reminders (
    meetup_id  INTEGER NOT NULL REFERENCES meetups (id) ON DELETE CASCADE,
    occurrence TEXT    NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sent_at    INTEGER NOT NULL,
    PRIMARY KEY (meetup_id, occurrence, user_id)
) WITHOUT ROWID;

CREATE TABLE calendar_keys (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    feed_key   TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
)sql"},
    // 4: mutes in a table of their own, so leaving and rejoining does not lift one.
    std::string_view{R"sql(
CREATE TABLE mutes (
    group_id INTEGER NOT NULL REFERENCES regional_groups (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    until    INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
INSERT INTO mutes (group_id, user_id, until)
    SELECT group_id, user_id, muted_until FROM memberships WHERE muted_until IS NOT NULL;
ALTER TABLE memberships DROP COLUMN muted_until;
)sql"},
    // 5: per-group message retention, in days; NULL keeps messages for good.
    std::string_view{R"sql(
ALTER TABLE regional_groups ADD COLUMN retention_days INTEGER
    CHECK (retention_days BETWEEN 1 AND 3650);
)sql"},
    // 6: calendar feed keys kept as a nonce and a digest (see store_calendar_key), no longer in
    // the clear. A key issued before stays valid by its digest, so subscribed calendars go on.
    std::string_view{R"sql(
CREATE TABLE calendar_feeds (
    user_id       INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    nonce         TEXT,
    key_digest    BLOB UNIQUE,
    legacy_digest BLOB UNIQUE,
    created_at    INTEGER NOT NULL
);
INSERT INTO calendar_feeds (user_id, legacy_digest, created_at)
    SELECT user_id, token_digest(feed_key), created_at FROM calendar_keys;
DROP TABLE calendar_keys;
)sql"},
    // 7: pinned messages: when and by whom, on the message itself, so deleting or expiring the
    // message takes its pin with it.
    std::string_view{R"sql(
ALTER TABLE messages ADD COLUMN pinned_at INTEGER;
ALTER TABLE messages ADD COLUMN pinned_by INTEGER REFERENCES users (id);
CREATE INDEX messages_pinned ON messages (group_id, pinned_at) WHERE pinned_at IS NOT NULL;
)sql"},
    // 8: what a moderator told a muted person, and the start of each message a moderator
    // deleted, kept in the log because deletion wipes the message's text.
    std::string_view{R"sql(
ALTER TABLE mutes ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE moderation_log ADD COLUMN message_excerpt TEXT;
)sql"},
    // 9: a cancellation may say why: for the whole series, or for one date of it.
    std::string_view{R"sql(
ALTER TABLE meetups ADD COLUMN cancel_reason TEXT;
ALTER TABLE meetup_cancellations ADD COLUMN reason TEXT;
)sql"},
    // Later migrations are appended here, one entry each.
};

// token_digest(text) in SQL, for migrations that stop keeping a token in the clear.
void sql_token_digest(sqlite3_context* context, int /*count*/, sqlite3_value** values) {
    const auto* text = sqlite3_value_text(values[0]);
    if (text == nullptr) {
        sqlite3_result_null(context);
        return;
    }
    const auto digest = token_digest({reinterpret_cast<const char*>(text),
                                      static_cast<std::size_t>(sqlite3_value_bytes(values[0]))});
    sqlite3_result_blob(context, digest.data(), static_cast<int>(digest.size()), SQLITE_TRANSIENT);
}

} // namespace

int schema_version(SQLite::Database& db) {
    return db.execAndGet("PRAGMA user_version").getInt();
}

int latest_schema_version() {
    return static_cast<int>(migrations.size());
}

void migrate(SQLite::Database& db) {
    migrate(db, latest_schema_version());
}

void migrate(SQLite::Database& db, int version) {
    db.createFunction("token_digest", 1, true, nullptr, sql_token_digest);
    for (int current = schema_version(db); current < version; ++current) {
        SQLite::Transaction transaction(db);
        db.exec(std::string(migrations.at(static_cast<std::size_t>(current))));
        db.exec("PRAGMA user_version = " + std::to_string(current + 1));
        transaction.commit();
    }
}

} // namespace carecircle::storage
