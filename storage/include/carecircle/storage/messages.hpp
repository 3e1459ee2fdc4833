#pragma once

#include "carecircle/protocol/types.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <optional>
#include <string>
#include <vector>

namespace carecircle::storage {

struct new_message {
    GroupId group;
    Author author;
    message_kind kind = message_kind::text;
    std::string text;
    std::optional<std::string> client_id;
    timestamp created_at;
};

struct append_result {
    Message message;
    bool duplicate = false; // the client_id was seen before: nothing new was written
};

// Gives the message its group's next seq. Must run inside the writer's transaction so that
// a rolled-back message leaves no gap.
append_result append_message(SQLite::Database& db, const new_message& message);

struct history_query {
    GroupId group;
    std::optional<Seq> before;
    std::optional<Seq> after;
    int limit = 50;
};

struct history_page {
    std::vector<Message> messages; // ascending by seq
    bool has_more = false;
};

history_page read_history(SQLite::Database& db, const history_query& query);

// The history queries of one connection, prepared once and kept: preparing them cost more
// than running them. Use it only on the thread that owns the connection.
class history_reader {
public:
    explicit history_reader(SQLite::Database& db);
    history_page read(const history_query& query);
    const SQLite::Database& database() const { return db_; }

private:
    SQLite::Database& db_;
    SQLite::Statement latest_;
    SQLite::Statement before_;
    SQLite::Statement after_;
};
std::optional<Message> find_message(SQLite::Database& db, MessageId id);
// A deleted message keeps its seq but loses its text, and its pin if it had one.
void mark_message_deleted(SQLite::Database& db, MessageId id);

} // namespace carecircle::storage
