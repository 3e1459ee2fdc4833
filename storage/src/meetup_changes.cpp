#include "carecircle/storage/meetup_changes.hpp"

#include "carecircle/storage/time_codec.hpp"

#include <SQLiteCpp/Statement.h>
#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>

namespace carecircle::storage {
namespace {

local_minutes occurrence_from_db(const std::string& text) {
    auto at = parse_local_minutes(text);
    if (!at) {
        throw std::runtime_error("malformed occurrence in the database: " + text);
    }
    return *at;
}

struct queued_user {
    UserId user;
    std::int64_t queued = 0;
};

std::vector<queued_user> load_status(SQLite::Database& db, MeetupId id,
                                     const std::string& occurrence, std::string_view status) {
    SQLite::Statement query(db, "SELECT user_id, queued FROM meetup_rsvps WHERE meetup_id = ? "
                                "AND occurrence = ? AND status = ? ORDER BY queued, user_id");
    query.bind(1, id.value);
    query.bind(2, occurrence);
    query.bind(3, std::string(status));
    std::vector<queued_user> users;
    while (query.executeStep()) {
        users.push_back({UserId{query.getColumn(0).getInt64()}, query.getColumn(1).getInt64()});
    }
    return users;
}

void set_status(SQLite::Database& db, MeetupId id, const std::string& occurrence, UserId user,
                std::string_view status, std::int64_t queued, timestamp at) {
    SQLite::Statement update(db, "UPDATE meetup_rsvps SET status = ?, queued = ?, updated_at = ? "
                                 "WHERE meetup_id = ? AND occurrence = ? AND user_id = ?");
    update.bind(1, std::string(status));
    update.bind(2, queued);
    update.bind(3, to_db(at));
    update.bind(4, id.value);
    update.bind(5, occurrence);
    update.bind(6, user.value);
    update.exec();
}

std::vector<UserId> users_of(const std::vector<queued_user>& queue) {
    std::vector<UserId> users;
    users.reserve(queue.size());
    for (const auto& q : queue) {
        users.push_back(q.user);
    }
    return users;
}

} // namespace

attendee_lists load_attendees(SQLite::Database& db, MeetupId id, local_minutes occurrence) {
    const auto key = format_local_minutes(occurrence);
    return {users_of(load_status(db, id, key, "going")),
            users_of(load_status(db, id, key, "waitlisted"))};
}

std::vector<UserId> load_answered(SQLite::Database& db, MeetupId id, date::year_month_day from) {
    SQLite::Statement query(db, "SELECT DISTINCT user_id FROM meetup_rsvps WHERE meetup_id = ? "
                                "AND occurrence >= ? AND status IN ('going', 'waitlisted') "
                                "ORDER BY user_id");
    query.bind(1, id.value);
    query.bind(2, format_local_date(from));
    std::vector<UserId> users;
    while (query.executeStep()) {
        users.push_back(UserId{query.getColumn(0).getInt64()});
    }
    return users;
}

void update_meetup(SQLite::Database& db, const Meetup& m, timestamp at) {
    SQLite::Statement update(
        db, "UPDATE meetups SET title = ?, description = ?, kind = ?, location = ?, url = ?, "
            "local_start = ?, timezone = ?, duration_minutes = ?, every_weeks = ?, "
            "repeat_count = ?, repeat_until = ?, capacity = ?, updated_at = ? WHERE id = ?");
    update.bind(1, m.title);
    update.bind(2, m.description);
    update.bind(3, std::string(to_string(m.kind)));
    if (m.location) {
        update.bind(4, *m.location);
    }
    if (m.url) {
        update.bind(5, *m.url);
    }
    update.bind(6, format_local_minutes(m.start));
    update.bind(7, m.timezone);
    update.bind(8, static_cast<std::int64_t>(m.duration.count()));
    if (m.repeat) {
        update.bind(9, m.repeat->every_weeks);
        if (m.repeat->count) {
            update.bind(10, *m.repeat->count);
        }
        if (m.repeat->until) {
            update.bind(11, format_local_date(*m.repeat->until));
        }
    }
    if (m.capacity) {
        update.bind(12, *m.capacity);
    }
    update.bind(13, to_db(at));
    update.bind(14, m.id.value);
    update.exec();
}

void shift_occurrences(SQLite::Database& db, MeetupId id, std::chrono::minutes shift) {
    SQLite::Statement forget(db, "DELETE FROM meetup_reminders WHERE meetup_id = ?");
    forget.bind(1, id.value);
    forget.exec();
    if (shift.count() == 0) {
        return;
    }
    for (const std::string table : {"meetup_rsvps", "meetup_cancellations"}) {
        std::set<local_minutes> dates;
        SQLite::Statement query(db, "SELECT DISTINCT occurrence FROM " + table +
                                        " WHERE meetup_id = ?");
        query.bind(1, id.value);
        while (query.executeStep()) {
            dates.insert(occurrence_from_db(query.getColumn(0).getString()));
        }
        // A date moves onto one that has not moved yet only in the direction of the shift, so
        // going against it never meets a row still waiting to move.
        std::vector<local_minutes> order(dates.begin(), dates.end());
        if (shift.count() > 0) {
            std::reverse(order.begin(), order.end());
        }
        SQLite::Statement move(
            db, "UPDATE " + table + " SET occurrence = ? WHERE meetup_id = ? AND occurrence = ?");
        for (const auto date : order) {
            move.reset();
            move.bind(1, format_local_minutes(date + shift));
            move.bind(2, id.value);
            move.bind(3, format_local_minutes(date));
            move.exec();
        }
    }
}

place_changes fit_places(SQLite::Database& db, MeetupId id, std::optional<std::int64_t> capacity,
                         date::year_month_day from, timestamp at) {
    std::vector<std::string> dates;
    {
        SQLite::Statement query(db, "SELECT DISTINCT occurrence FROM meetup_rsvps WHERE "
                                    "meetup_id = ? AND occurrence >= ? AND status IN "
                                    "('going', 'waitlisted') ORDER BY occurrence");
        query.bind(1, id.value);
        query.bind(2, format_local_date(from));
        while (query.executeStep()) {
            dates.push_back(query.getColumn(0).getString());
        }
    }
    place_changes changes;
    for (const auto& key : dates) {
        const auto occurrence = occurrence_from_db(key);
        auto going = load_status(db, id, key, "going");
        auto waiting = load_status(db, id, key, "waitlisted");
        const auto places =
            capacity ? static_cast<std::size_t>(*capacity) : going.size() + waiting.size();
        bool changed = false;
        if (going.size() > places) {
            // Ahead of everyone already waiting, keeping their own order.
            const auto over = static_cast<std::int64_t>(going.size() - places);
            for (std::size_t i = places; i < going.size(); ++i) {
                const auto position = static_cast<std::int64_t>(i - places) + 1;
                const auto queued = waiting.empty() ? going[i].queued
                                                    : waiting.front().queued - over + position - 1;
                set_status(db, id, key, going[i].user, "waitlisted", queued, at);
                changes.demoted.push_back({occurrence, going[i].user, position});
            }
            changed = true;
        } else {
            for (std::size_t i = 0; i < waiting.size() && going.size() + i < places; ++i) {
                set_status(db, id, key, waiting[i].user, "going", waiting[i].queued, at);
                changes.promoted.emplace_back(occurrence, waiting[i].user);
                changed = true;
            }
        }
        if (changed) {
            const auto total = static_cast<std::int64_t>(going.size() + waiting.size());
            const auto now_going = std::min<std::int64_t>(static_cast<std::int64_t>(places), total);
            changes.counts.emplace_back(occurrence, std::make_pair(now_going, total - now_going));
        }
    }
    return changes;
}

} // namespace carecircle::storage
