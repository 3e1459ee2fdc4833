#include "carecircle/storage/users.hpp"

#include "carecircle/storage/time_codec.hpp"

#include <SQLiteCpp/Statement.h>

namespace carecircle::storage {
namespace {

User read_user(SQLite::Statement& row) {
    return User{UserId{row.getColumn(0).getInt64()}, row.getColumn(1).getString(),
                row.getColumn(2).getString(),
                parse_site_role(row.getColumn(3).getString()).value_or(site_role::member)};
}

} // namespace

User insert_user(SQLite::Database& db, const std::string& username, const std::string& display_name,
                 const std::string& password_hash, site_role role, timestamp created_at) {
    SQLite::Statement taken(db, "SELECT 1 FROM users WHERE username = ?");
    taken.bind(1, username);
    if (taken.executeStep()) {
        throw username_taken();
    }
    SQLite::Statement insert(db, "INSERT INTO users (username, display_name, password_hash, "
                                 "role, created_at) VALUES (?, ?, ?, ?, ?)");
    insert.bind(1, username);
    insert.bind(2, display_name);
    insert.bind(3, password_hash);
    insert.bind(4, std::string(to_string(role)));
    insert.bind(5, to_db(created_at));
    insert.exec();
    return User{UserId{db.getLastInsertRowid()}, username, display_name, role};
}

std::optional<user_record> find_user_by_username(SQLite::Database& db,
                                                 const std::string& username) {
    SQLite::Statement query(db, "SELECT id, username, display_name, role, password_hash "
                                "FROM users WHERE username = ?");
    query.bind(1, username);
    if (!query.executeStep()) {
        return std::nullopt;
    }
    return user_record{read_user(query), query.getColumn(4).getString()};
}

std::vector<User> load_users(SQLite::Database& db) {
    SQLite::Statement query(db, "SELECT id, username, display_name, role FROM users");
    std::vector<User> users;
    while (query.executeStep()) {
        users.push_back(read_user(query));
    }
    return users;
}

void set_site_role(SQLite::Database& db, UserId user, site_role role) {
    SQLite::Statement update(db, "UPDATE users SET role = ? WHERE id = ?");
    update.bind(1, std::string(to_string(role)));
    update.bind(2, user.value);
    update.exec();
}

void insert_session(SQLite::Database& db, const std::string& token_hash, UserId user,
                    timestamp created_at) {
    SQLite::Statement insert(
        db, "INSERT INTO sessions (token_hash, user_id, created_at) VALUES (?, ?, ?)");
    insert.bind(1, token_hash.data(), static_cast<int>(token_hash.size()));
    insert.bind(2, user.value);
    insert.bind(3, to_db(created_at));
    insert.exec();
}

void delete_session(SQLite::Database& db, const std::string& token_hash) {
    SQLite::Statement remove(db, "DELETE FROM sessions WHERE token_hash = ?");
    remove.bind(1, token_hash.data(), static_cast<int>(token_hash.size()));
    remove.exec();
}

std::vector<session_record> load_sessions(SQLite::Database& db) {
    SQLite::Statement query(db, "SELECT token_hash, user_id FROM sessions");
    std::vector<session_record> sessions;
    while (query.executeStep()) {
        const auto hash = query.getColumn(0);
        sessions.push_back(session_record{std::string(static_cast<const char*>(hash.getBlob()),
                                                      static_cast<std::size_t>(hash.getBytes())),
                                          UserId{query.getColumn(1).getInt64()}});
    }
    return sessions;
}

} // namespace carecircle::storage
