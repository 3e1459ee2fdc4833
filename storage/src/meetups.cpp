#include "carecircle/storage/meetups.hpp"

#include "carecircle/storage/time_codec.hpp"
#include "carecircle/storage/token_digest.hpp"

#include <SQLiteCpp/Statement.h>
#include <map>
#include <stdexcept>

namespace carecircle::storage {
namespace {

constexpr std::string_view meetup_columns =
    "SELECT id, group_id, title, description, kind, location, url, local_start, timezone, "
    "duration_minutes, every_weeks, repeat_count, repeat_until, capacity, cancelled, created_by, "
    "created_at, updated_at, cancel_reason FROM meetups ";

std::optional<std::string> optional_text(SQLite::Statement& row, int column) {
    const auto value = row.getColumn(column);
    if (value.isNull()) {
        return std::nullopt;
    }
    return value.getString();
}

std::optional<std::int64_t> optional_integer(SQLite::Statement& row, int column) {
    const auto value = row.getColumn(column);
    if (value.isNull()) {
        return std::nullopt;
    }
    return value.getInt64();
}

local_minutes occurrence_from_db(const std::string& text) {
    auto at = parse_local_minutes(text);
    if (!at) {
        throw std::runtime_error("malformed occurrence in the database: " + text);
    }
    return *at;
}

meetup_record read_meetup(SQLite::Statement& row) {
    meetup_record record;
    auto& m = record.meetup;
    m.id = MeetupId{row.getColumn(0).getInt64()};
    m.group = GroupId{row.getColumn(1).getInt64()};
    m.title = row.getColumn(2).getString();
    m.description = row.getColumn(3).getString();
    m.kind = parse_meetup_kind(row.getColumn(4).getString()).value_or(meetup_kind::online);
    m.location = optional_text(row, 5);
    m.url = optional_text(row, 6);
    m.start = occurrence_from_db(row.getColumn(7).getString());
    m.timezone = row.getColumn(8).getString();
    m.duration = std::chrono::minutes{row.getColumn(9).getInt64()};
    if (const auto every = optional_integer(row, 10)) {
        meetup_repeat rule;
        rule.every_weeks = static_cast<int>(*every);
        if (const auto count = optional_integer(row, 11)) {
            rule.count = static_cast<int>(*count);
        }
        if (const auto until = optional_text(row, 12)) {
            rule.until = parse_local_date(*until);
        }
        m.repeat = rule;
    }
    m.capacity = optional_integer(row, 13);
    m.cancelled = row.getColumn(14).getInt() != 0;
    record.created_by = UserId{row.getColumn(15).getInt64()};
    record.created_at = timestamp_from_db(row.getColumn(16).getInt64());
    record.updated_at = timestamp_from_db(row.getColumn(17).getInt64());
    record.cancel_reason = optional_text(row, 18);
    return record;
}

// Fills in the cancelled occurrences of every record with one query over their id range.
void attach_cancellations(SQLite::Database& db, std::vector<meetup_record>& records) {
    if (records.empty()) {
        return;
    }
    std::map<MeetupId, meetup_record*> by_id;
    for (auto& record : records) {
        by_id[record.meetup.id] = &record;
    }
    SQLite::Statement query(db, "SELECT meetup_id, occurrence, reason FROM meetup_cancellations "
                                "WHERE meetup_id BETWEEN ? AND ? ORDER BY meetup_id, occurrence");
    query.bind(1, by_id.begin()->first.value);
    query.bind(2, by_id.rbegin()->first.value);
    while (query.executeStep()) {
        auto it = by_id.find(MeetupId{query.getColumn(0).getInt64()});
        if (it != by_id.end()) {
            const auto occurrence = occurrence_from_db(query.getColumn(1).getString());
            it->second->cancelled_occurrences.push_back(occurrence);
            if (auto reason = optional_text(query, 2)) {
                it->second->occurrence_reasons.emplace(occurrence, std::move(*reason));
            }
        }
    }
}

std::vector<meetup_record> load_where(SQLite::Database& db, const std::string& where,
                                      std::optional<std::int64_t> parameter) {
    SQLite::Statement query(db, std::string(meetup_columns) + where);
    if (parameter) {
        query.bind(1, *parameter);
    }
    std::vector<meetup_record> records;
    while (query.executeStep()) {
        records.push_back(read_meetup(query));
    }
    attach_cancellations(db, records);
    return records;
}

// The half-open text range of occurrences on local dates from..to: 'YYYY-MM-DD' sorts before
// every 'YYYY-MM-DDTHH:MM' of that day, and the day after `to` after all of them.
std::pair<std::string, std::string> date_range(date::year_month_day from, date::year_month_day to) {
    const date::year_month_day after{date::sys_days{to} + date::days{1}};
    return {format_local_date(from), format_local_date(after)};
}

std::int64_t count_status(SQLite::Database& db, MeetupId id, const std::string& occurrence,
                          rsvp_status status) {
    SQLite::Statement query(db, "SELECT COUNT(*) FROM meetup_rsvps WHERE meetup_id = ? AND "
                                "occurrence = ? AND status = ?");
    query.bind(1, id.value);
    query.bind(2, occurrence);
    query.bind(3, std::string(to_string(status)));
    query.executeStep();
    return query.getColumn(0).getInt64();
}

std::int64_t waitlist_position(SQLite::Database& db, MeetupId id, const std::string& occurrence,
                               std::int64_t queued) {
    SQLite::Statement query(db, "SELECT COUNT(*) FROM meetup_rsvps WHERE meetup_id = ? AND "
                                "occurrence = ? AND status = 'waitlisted' AND queued <= ?");
    query.bind(1, id.value);
    query.bind(2, occurrence);
    query.bind(3, queued);
    query.executeStep();
    return query.getColumn(0).getInt64();
}

void put_rsvp(SQLite::Database& db, MeetupId id, const std::string& occurrence, UserId user,
              rsvp_status status, std::int64_t queued, timestamp at) {
    SQLite::Statement upsert(
        db, "INSERT INTO meetup_rsvps (meetup_id, occurrence, user_id, status, queued, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (meetup_id, occurrence, user_id) "
            "DO UPDATE SET status = excluded.status, queued = excluded.queued, "
            "updated_at = excluded.updated_at");
    upsert.bind(1, id.value);
    upsert.bind(2, occurrence);
    upsert.bind(3, user.value);
    upsert.bind(4, std::string(to_string(status)));
    upsert.bind(5, queued);
    upsert.bind(6, to_db(at));
    upsert.exec();
}

} // namespace

Meetup insert_meetup(SQLite::Database& db, Meetup m, UserId created_by, timestamp at) {
    SQLite::Statement insert(
        db, "INSERT INTO meetups (group_id, title, description, kind, location, url, "
            "local_start, timezone, duration_minutes, every_weeks, repeat_count, repeat_until, "
            "capacity, cancelled, created_by, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)");
    insert.bind(1, m.group.value);
    insert.bind(2, m.title);
    insert.bind(3, m.description);
    insert.bind(4, std::string(to_string(m.kind)));
    if (m.location) {
        insert.bind(5, *m.location);
    }
    if (m.url) {
        insert.bind(6, *m.url);
    }
    insert.bind(7, format_local_minutes(m.start));
    insert.bind(8, m.timezone);
    insert.bind(9, static_cast<std::int64_t>(m.duration.count()));
    if (m.repeat) {
        insert.bind(10, m.repeat->every_weeks);
        if (m.repeat->count) {
            insert.bind(11, *m.repeat->count);
        }
        if (m.repeat->until) {
            insert.bind(12, format_local_date(*m.repeat->until));
        }
    }
    if (m.capacity) {
        insert.bind(13, *m.capacity);
    }
    insert.bind(14, created_by.value);
    insert.bind(15, to_db(at));
    insert.bind(16, to_db(at));
    insert.exec();
    m.id = MeetupId{db.getLastInsertRowid()};
    m.cancelled = false;
    return m;
}

std::optional<meetup_record> find_meetup(SQLite::Database& db, MeetupId id) {
    auto records = load_where(db, "WHERE id = ?", id.value);
    if (records.empty()) {
        return std::nullopt;
    }
    return std::move(records.front());
}

std::vector<meetup_record> load_group_meetups(SQLite::Database& db, GroupId group) {
    return load_where(db, "WHERE group_id = ? ORDER BY id", group.value);
}

std::vector<meetup_record> load_live_meetups(SQLite::Database& db) {
    return load_where(db, "WHERE cancelled = 0 ORDER BY id", std::nullopt);
}

bool cancel_series(SQLite::Database& db, MeetupId id, const std::optional<std::string>& reason,
                   timestamp at) {
    SQLite::Statement update(db, "UPDATE meetups SET cancelled = 1, cancel_reason = ?, "
                                 "updated_at = ? WHERE id = ? AND cancelled = 0");
    if (reason) {
        update.bind(1, *reason);
    }
    update.bind(2, to_db(at));
    update.bind(3, id.value);
    return update.exec() == 1;
}

bool cancel_occurrence(SQLite::Database& db, MeetupId id, local_minutes occurrence, UserId by,
                       const std::optional<std::string>& reason, timestamp at) {
    SQLite::Statement insert(db, "INSERT OR IGNORE INTO meetup_cancellations (meetup_id, "
                                 "occurrence, cancelled_by, cancelled_at, reason) "
                                 "VALUES (?, ?, ?, ?, ?)");
    insert.bind(1, id.value);
    insert.bind(2, format_local_minutes(occurrence));
    insert.bind(3, by.value);
    insert.bind(4, to_db(at));
    if (reason) {
        insert.bind(5, *reason);
    }
    if (insert.exec() != 1) {
        return false;
    }
    SQLite::Statement touch(db, "UPDATE meetups SET updated_at = ? WHERE id = ?");
    touch.bind(1, to_db(at));
    touch.bind(2, id.value);
    touch.exec();
    return true;
}

bool occurrence_cancelled(SQLite::Database& db, MeetupId id, local_minutes occurrence) {
    SQLite::Statement query(
        db, "SELECT 1 FROM meetup_cancellations WHERE meetup_id = ? AND occurrence = ?");
    query.bind(1, id.value);
    query.bind(2, format_local_minutes(occurrence));
    return query.executeStep();
}

rsvp_change set_rsvp(SQLite::Database& db, MeetupId id, local_minutes occurrence, UserId user,
                     rsvp_status wanted, std::optional<std::int64_t> capacity, timestamp at) {
    const std::string key = format_local_minutes(occurrence);

    std::optional<rsvp_status> current;
    std::int64_t queued = 0;
    {
        SQLite::Statement query(db, "SELECT status, queued FROM meetup_rsvps WHERE meetup_id = ? "
                                    "AND occurrence = ? AND user_id = ?");
        query.bind(1, id.value);
        query.bind(2, key);
        query.bind(3, user.value);
        if (query.executeStep()) {
            current = parse_rsvp_status(query.getColumn(0).getString());
            queued = query.getColumn(1).getInt64();
        }
    }

    rsvp_change change;
    if (wanted == rsvp_status::going) {
        if (current == rsvp_status::going || current == rsvp_status::waitlisted) {
            change.status = *current; // asking again keeps one's place
        } else {
            const auto going = count_status(db, id, key, rsvp_status::going);
            const auto waiting = count_status(db, id, key, rsvp_status::waitlisted);
            const bool place_free = !capacity || (going < *capacity && waiting == 0);
            change.status = place_free ? rsvp_status::going : rsvp_status::waitlisted;
            SQLite::Statement next(db, "SELECT COALESCE(MAX(queued), 0) + 1 FROM meetup_rsvps "
                                       "WHERE meetup_id = ? AND occurrence = ?");
            next.bind(1, id.value);
            next.bind(2, key);
            next.executeStep();
            queued = next.getColumn(0).getInt64();
            put_rsvp(db, id, key, user, change.status, queued, at);
        }
    } else {
        change.status = rsvp_status::not_going;
        if (current != rsvp_status::not_going) {
            put_rsvp(db, id, key, user, rsvp_status::not_going, queued, at);
        }
        if (current == rsvp_status::going && capacity) {
            // First come, first served: the longest waiting takes the free place.
            auto going = count_status(db, id, key, rsvp_status::going);
            SQLite::Statement first(db, "SELECT user_id FROM meetup_rsvps WHERE meetup_id = ? "
                                        "AND occurrence = ? AND status = 'waitlisted' "
                                        "ORDER BY queued LIMIT 1");
            SQLite::Statement promote(db, "UPDATE meetup_rsvps SET status = 'going', "
                                          "updated_at = ? WHERE meetup_id = ? AND "
                                          "occurrence = ? AND user_id = ?");
            while (going < *capacity) {
                first.reset();
                first.bind(1, id.value);
                first.bind(2, key);
                if (!first.executeStep()) {
                    break;
                }
                const UserId next{first.getColumn(0).getInt64()};
                first.reset();
                promote.reset();
                promote.bind(1, to_db(at));
                promote.bind(2, id.value);
                promote.bind(3, key);
                promote.bind(4, next.value);
                promote.exec();
                change.promoted.push_back(next);
                ++going;
            }
        }
    }
    if (change.status == rsvp_status::waitlisted) {
        change.position = waitlist_position(db, id, key, queued);
    }
    change.going = count_status(db, id, key, rsvp_status::going);
    change.waitlisted = count_status(db, id, key, rsvp_status::waitlisted);
    return change;
}

std::vector<occurrence_counts> load_rsvp_counts(SQLite::Database& db, GroupId group,
                                                date::year_month_day from,
                                                date::year_month_day to) {
    const auto [low, high] = date_range(from, to);
    SQLite::Statement query(db, "SELECT r.meetup_id, r.occurrence, "
                                "SUM(r.status = 'going'), SUM(r.status = 'waitlisted') "
                                "FROM meetup_rsvps r JOIN meetups m ON m.id = r.meetup_id "
                                "WHERE m.group_id = ? AND r.occurrence >= ? AND r.occurrence < ? "
                                "GROUP BY r.meetup_id, r.occurrence");
    query.bind(1, group.value);
    query.bind(2, low);
    query.bind(3, high);
    std::vector<occurrence_counts> counts;
    while (query.executeStep()) {
        counts.push_back(occurrence_counts{MeetupId{query.getColumn(0).getInt64()},
                                           occurrence_from_db(query.getColumn(1).getString()),
                                           query.getColumn(2).getInt64(),
                                           query.getColumn(3).getInt64()});
    }
    return counts;
}

std::vector<user_rsvp> load_user_rsvps(SQLite::Database& db, GroupId group, UserId user,
                                       date::year_month_day from, date::year_month_day to) {
    const auto [low, high] = date_range(from, to);
    SQLite::Statement query(
        db, "SELECT r.meetup_id, r.occurrence, r.status, "
            "(SELECT COUNT(*) FROM meetup_rsvps w WHERE w.meetup_id = r.meetup_id AND "
            "w.occurrence = r.occurrence AND w.status = 'waitlisted' AND w.queued <= r.queued) "
            "FROM meetup_rsvps r JOIN meetups m ON m.id = r.meetup_id "
            "WHERE m.group_id = ? AND r.user_id = ? AND r.occurrence >= ? AND r.occurrence < ?");
    query.bind(1, group.value);
    query.bind(2, user.value);
    query.bind(3, low);
    query.bind(4, high);
    std::vector<user_rsvp> rsvps;
    while (query.executeStep()) {
        user_rsvp r;
        r.meetup = MeetupId{query.getColumn(0).getInt64()};
        r.occurrence = occurrence_from_db(query.getColumn(1).getString());
        r.status =
            parse_rsvp_status(query.getColumn(2).getString()).value_or(rsvp_status::not_going);
        if (r.status == rsvp_status::waitlisted) {
            r.position = query.getColumn(3).getInt64();
        }
        rsvps.push_back(r);
    }
    return rsvps;
}

std::vector<promotion> withdraw_rsvps(SQLite::Database& db, GroupId group, UserId user,
                                      date::year_month_day from, timestamp at) {
    // Recurrence reaches at most a couple of years ahead (count <= 100 fortnights, or until).
    const auto to = date::year_month_day{date::sys_days{from} + date::days{5 * 366}};
    std::vector<promotion> promotions;
    for (const auto& held : load_user_rsvps(db, group, user, from, to)) {
        if (held.status == rsvp_status::not_going) {
            continue;
        }
        const auto meetup = find_meetup(db, held.meetup);
        if (!meetup) {
            continue;
        }
        const auto change = set_rsvp(db, held.meetup, held.occurrence, user, rsvp_status::not_going,
                                     meetup->meetup.capacity, at);
        for (const auto promoted : change.promoted) {
            promotions.push_back(
                promotion{held.meetup, held.occurrence, promoted, meetup->meetup.title});
        }
    }
    return promotions;
}

std::vector<UserId> load_going(SQLite::Database& db, MeetupId id, local_minutes occurrence) {
    SQLite::Statement query(db, "SELECT user_id FROM meetup_rsvps WHERE meetup_id = ? AND "
                                "occurrence = ? AND status = 'going' ORDER BY queued");
    query.bind(1, id.value);
    query.bind(2, format_local_minutes(occurrence));
    std::vector<UserId> users;
    while (query.executeStep()) {
        users.push_back(UserId{query.getColumn(0).getInt64()});
    }
    return users;
}

bool claim_reminder(SQLite::Database& db, MeetupId id, local_minutes occurrence, UserId user,
                    timestamp at) {
    SQLite::Statement insert(db, "INSERT OR IGNORE INTO meetup_reminders (meetup_id, occurrence, "
                                 "user_id, sent_at) VALUES (?, ?, ?, ?)");
    insert.bind(1, id.value);
    insert.bind(2, format_local_minutes(occurrence));
    insert.bind(3, user.value);
    insert.bind(4, to_db(at));
    return insert.exec() == 1;
}

std::optional<std::string> calendar_key_nonce(SQLite::Database& db, UserId user) {
    SQLite::Statement query(db, "SELECT nonce FROM calendar_feeds WHERE user_id = ? AND "
                                "nonce IS NOT NULL");
    query.bind(1, user.value);
    if (!query.executeStep()) {
        return std::nullopt;
    }
    return query.getColumn(0).getString();
}

void store_calendar_key(SQLite::Database& db, UserId user, const std::string& nonce,
                        std::string_view key, bool rotate, timestamp at) {
    SQLite::Statement upsert(
        db, "INSERT INTO calendar_feeds (user_id, nonce, key_digest, created_at) "
            "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (user_id) DO UPDATE SET nonce = excluded.nonce, "
            "key_digest = excluded.key_digest, created_at = excluded.created_at, "
            "legacy_digest = CASE WHEN ?5 THEN NULL ELSE legacy_digest END");
    const auto digest = token_digest(key);
    upsert.bind(1, user.value);
    upsert.bind(2, nonce);
    upsert.bind(3, digest.data(), static_cast<int>(digest.size()));
    upsert.bind(4, to_db(at));
    upsert.bind(5, rotate ? 1 : 0);
    upsert.exec();
}

std::optional<UserId> user_for_calendar_key(SQLite::Database& db, std::string_view key) {
    SQLite::Statement query(db, "SELECT user_id FROM calendar_feeds "
                                "WHERE key_digest = ?1 OR legacy_digest = ?1");
    const auto digest = token_digest(key);
    query.bind(1, digest.data(), static_cast<int>(digest.size()));
    if (!query.executeStep()) {
        return std::nullopt;
    }
    return UserId{query.getColumn(0).getInt64()};
}

} // namespace carecircle::storage
