#pragma once

// A GoogleTest fixture that gives each test its own server (own temporary
// directory and database) and a few helpers that read like the protocol.

#include "client.hpp"
#include "server_process.hpp"

#include <cstdint>
#include <gtest/gtest.h>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace carecircle::test {

// The site admin that server_test creates with `carecircle admin create-user`.
inline constexpr std::string_view admin_username = "site_admin";
inline constexpr std::string_view admin_password = "admin-password-123";
inline constexpr std::string_view admin_display_name = "Site Admin";

server_options with_admin(std::vector<std::string> extra_args = {});
server_options without_accounts(std::vector<std::string> extra_args = {});

class server_test : public ::testing::Test {
protected:
    // The options the server starts with; the default has a site admin.
    virtual server_options options() const { return with_admin(); }

    void SetUp() override;
    void TearDown() override;

    server_process& server() { return *server_; }
    unsigned short port() const { return server_->port(); }
    server_address address() const { return server_->address(); }

    // Registers a member over HTTP; the password is derived from the username.
    account register_user(std::string_view username, std::string_view display_name = {});
    static std::string password_for(std::string_view username);

    // The site admin, signed in (once per test), and a WebSocket of theirs.
    const account& admin();
    ws_client& admin_ws();

    ws_client connect(const account& who);

    // groups.create as the site admin; returns the group's id.
    std::int64_t create_group(std::string_view name, std::string_view visibility = "public",
                              std::string_view region = "East Midlands");
    // groups.join; returns the membership object of the result.
    json::object join(ws_client& ws, std::int64_t group);
    // A new member of the public `group`, connected: registered, signed in and joined.
    ws_client member_of(std::int64_t group, std::string_view username);
    // messages.send; returns the message object of the result.
    json::object send(ws_client& ws, std::int64_t group, std::string_view text);
    // The Group object of `group` in `ws`'s groups.list.
    json::object listed_group(ws_client& ws, std::int64_t group);

private:
    std::unique_ptr<server_process> server_;
    std::optional<account> admin_;
    std::optional<ws_client> admin_ws_;
};

} // namespace carecircle::test
