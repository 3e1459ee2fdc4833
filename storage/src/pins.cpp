#include "carecircle/storage/pins.hpp"

#include "carecircle/storage/messages.hpp"
#include "carecircle/storage/time_codec.hpp"

#include <SQLiteCpp/Statement.h>

namespace carecircle::storage {
namespace {

struct pin_columns {
    std::optional<UserId> by;
    std::optional<timestamp> at;
};

pin_columns read_pin_columns(SQLite::Database& db, MessageId message) {
    SQLite::Statement query(db, "SELECT pinned_by, pinned_at FROM messages WHERE id = ?");
    query.bind(1, message.value);
    pin_columns out;
    if (query.executeStep() && !query.getColumn(1).isNull()) {
        out.by = UserId{query.getColumn(0).getInt64()};
        out.at = timestamp_from_db(query.getColumn(1).getInt64());
    }
    return out;
}

std::size_t count_pins(SQLite::Database& db, GroupId group) {
    SQLite::Statement query(
        db, "SELECT COUNT(*) FROM messages WHERE group_id = ? AND pinned_at IS NOT NULL");
    query.bind(1, group.value);
    query.executeStep();
    return static_cast<std::size_t>(query.getColumn(0).getInt64());
}

} // namespace

pin_result pin_message(SQLite::Database& db, GroupId group, MessageId message, UserId by,
                       timestamp at) {
    pin_result result;
    auto found = find_message(db, message);
    if (!found || found->group != group) {
        return result;
    }
    result.pin.message = std::move(*found);
    if (result.pin.message.deleted) {
        result.outcome = pin_outcome::deleted;
        return result;
    }
    if (const auto existing = read_pin_columns(db, message); existing.at) {
        result.outcome = pin_outcome::already_pinned;
        result.pin.pinned_by = *existing.by;
        result.pin.pinned_at = *existing.at;
        return result;
    }
    if (count_pins(db, group) >= max_pins_per_group) {
        result.outcome = pin_outcome::group_full;
        return result;
    }
    SQLite::Statement update(db, "UPDATE messages SET pinned_at = ?, pinned_by = ? WHERE id = ?");
    update.bind(1, to_db(at));
    update.bind(2, by.value);
    update.bind(3, message.value);
    update.exec();
    result.outcome = pin_outcome::pinned;
    result.pin.pinned_by = by;
    result.pin.pinned_at = at;
    return result;
}

unpin_result unpin_message(SQLite::Database& db, GroupId group, MessageId message) {
    unpin_result result;
    result.message = find_message(db, message);
    if (!result.message || result.message->group != group) {
        result.message.reset();
        return result;
    }
    SQLite::Statement update(db, "UPDATE messages SET pinned_at = NULL, pinned_by = NULL "
                                 "WHERE id = ? AND pinned_at IS NOT NULL");
    update.bind(1, message.value);
    result.outcome = update.exec() > 0 ? unpin_outcome::unpinned : unpin_outcome::not_pinned;
    return result;
}

std::vector<pin_record> load_pins(SQLite::Database& db) {
    SQLite::Statement query(db, "SELECT id, pinned_by, pinned_at FROM messages "
                                "WHERE pinned_at IS NOT NULL ORDER BY pinned_at DESC, id DESC");
    std::vector<pin_record> pins;
    while (query.executeStep()) {
        auto message = find_message(db, MessageId{query.getColumn(0).getInt64()});
        if (!message) {
            continue;
        }
        pins.push_back(pin_record{std::move(*message), UserId{query.getColumn(1).getInt64()},
                                  timestamp_from_db(query.getColumn(2).getInt64())});
    }
    return pins;
}

} // namespace carecircle::storage
