#pragma once

#include "carecircle/protocol/types.hpp"

#include <SQLiteCpp/Database.h>
#include <optional>
#include <string>
#include <vector>

namespace carecircle::storage {

struct user_record {
    User user;
    std::string password_hash; // Argon2id encoded string
};

// Thrown when a username is taken, so the caller can answer `conflict`.
struct username_taken : std::runtime_error {
    username_taken() : std::runtime_error("username taken") {}
};

User insert_user(SQLite::Database& db, const std::string& username, const std::string& display_name,
                 const std::string& password_hash, site_role role, timestamp created_at);
std::optional<user_record> find_user_by_username(SQLite::Database& db, const std::string& username);
std::vector<User> load_users(SQLite::Database& db);
void set_site_role(SQLite::Database& db, UserId user, site_role role);

struct session_record {
    std::string token_hash; // raw SHA-256 bytes
    UserId user;
};

void insert_session(SQLite::Database& db, const std::string& token_hash, UserId user,
                    timestamp created_at);
void delete_session(SQLite::Database& db, const std::string& token_hash);
std::vector<session_record> load_sessions(SQLite::Database& db);

} // namespace carecircle::storage
