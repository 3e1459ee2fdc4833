#include "carecircle/storage/messages.hpp"

#include "carecircle/storage/time_codec.hpp"

#include <SQLiteCpp/Statement.h>
#include <algorithm>

namespace carecircle::storage {
namespace {

constexpr const char* message_columns =
    "SELECT m.id, m.group_id, m.seq, m.author_id, u.username, u.display_name, m.kind, m.text, "
    "m.created_at, m.deleted FROM messages m JOIN users u ON u.id = m.author_id ";

Message read_message(SQLite::Statement& row) {
    Message m;
    m.id = MessageId{row.getColumn(0).getInt64()};
    m.group = GroupId{row.getColumn(1).getInt64()};
    m.seq = Seq{row.getColumn(2).getInt64()};
    m.author = Author{UserId{row.getColumn(3).getInt64()}, row.getColumn(4).getString(),
                      row.getColumn(5).getString()};
    m.kind = parse_message_kind(row.getColumn(6).getString()).value_or(message_kind::text);
    m.deleted = row.getColumn(9).getInt() != 0;
    if (!m.deleted) {
        m.text = row.getColumn(7).getString();
    }
    m.created_at = timestamp_from_db(row.getColumn(8).getInt64());
    return m;
}

std::optional<Message> find_by_client_id(SQLite::Database& db, UserId author,
                                         const std::string& client_id) {
    SQLite::Statement query(db, std::string(message_columns) +
                                    "WHERE m.author_id = ? AND m.client_id = ?");
    query.bind(1, author.value);
    query.bind(2, client_id);
    if (!query.executeStep()) {
        return std::nullopt;
    }
    return read_message(query);
}

} // namespace

append_result append_message(SQLite::Database& db, const new_message& message) {
    if (message.client_id) {
        if (auto original = find_by_client_id(db, message.author.id, *message.client_id)) {
            return append_result{std::move(*original), true};
        }
    }
    SQLite::Statement next_seq(
        db, "UPDATE regional_groups SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq");
    next_seq.bind(1, message.group.value);
    if (!next_seq.executeStep()) {
        throw std::runtime_error("no such group");
    }
    const Seq seq{next_seq.getColumn(0).getInt64()};
    next_seq.reset();

    SQLite::Statement insert(db, "INSERT INTO messages (group_id, seq, author_id, kind, text, "
                                 "client_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, message.group.value);
    insert.bind(2, seq.value);
    insert.bind(3, message.author.id.value);
    insert.bind(4, std::string(to_string(message.kind)));
    insert.bind(5, message.text);
    if (message.client_id) {
        insert.bind(6, *message.client_id);
    }
    insert.bind(7, to_db(message.created_at));
    insert.exec();

    return append_result{Message{MessageId{db.getLastInsertRowid()}, message.group, seq,
                                 message.author, message.kind, message.text, message.created_at,
                                 false},
                         false};
}

namespace {

// One row more than asked tells whether more lie beyond the page.
constexpr const char* latest_filter =
    "WHERE m.group_id = ? AND m.seq <= ? ORDER BY m.seq DESC LIMIT ?";
constexpr const char* before_filter =
    "WHERE m.group_id = ? AND m.seq < ? ORDER BY m.seq DESC LIMIT ?";
constexpr const char* after_filter =
    "WHERE m.group_id = ? AND m.seq > ? ORDER BY m.seq ASC LIMIT ?";

history_page run_history(SQLite::Statement& query, const history_query& q) {
    // A statement left mid-way would hold its read snapshot and keep WAL checkpoints from
    // finishing, so it is reset however this ends.
    struct reset_after {
        SQLite::Statement& statement;
        ~reset_after() {
            try {
                statement.reset();
                statement.clearBindings();
            } catch (...) {
            }
        }
    } guard{query};
    query.bind(1, q.group.value);
    query.bind(2, q.after ? q.after->value : q.before ? q.before->value : INT64_MAX);
    query.bind(3, q.limit + 1);

    history_page page;
    page.messages.reserve(static_cast<std::size_t>(q.limit) + 1);
    while (query.executeStep()) {
        page.messages.push_back(read_message(query));
    }
    if (static_cast<int>(page.messages.size()) > q.limit) {
        page.has_more = true;
        page.messages.pop_back();
    }
    if (!q.after) {
        std::reverse(page.messages.begin(), page.messages.end());
    }
    return page;
}

} // namespace

history_page read_history(SQLite::Database& db, const history_query& q) {
    const char* filter = q.after ? after_filter : q.before ? before_filter : latest_filter;
    SQLite::Statement query(db, std::string(message_columns) + filter);
    return run_history(query, q);
}

history_reader::history_reader(SQLite::Database& db)
    : db_(db), latest_(db, std::string(message_columns) + latest_filter),
      before_(db, std::string(message_columns) + before_filter),
      after_(db, std::string(message_columns) + after_filter) {}

history_page history_reader::read(const history_query& q) {
    return run_history(q.after ? after_ : q.before ? before_ : latest_, q);
}

std::optional<Message> find_message(SQLite::Database& db, MessageId id) {
    SQLite::Statement query(db, std::string(message_columns) + "WHERE m.id = ?");
    query.bind(1, id.value);
    if (!query.executeStep()) {
        return std::nullopt;
    }
    return read_message(query);
}

void mark_message_deleted(SQLite::Database& db, MessageId id) {
    SQLite::Statement update(
        db, "UPDATE messages SET deleted = 1, text = '', pinned_at = NULL, pinned_by = NULL "
            "WHERE id = ?");
    update.bind(1, id.value);
    update.exec();
}

} // namespace carecircle::storage
