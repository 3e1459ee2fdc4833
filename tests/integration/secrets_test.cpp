// Passwords, tokens and message text never rest in the clear: not in the database files
// and not in the log (docs/security.md, "Accounts, passwords and tokens").

#include "server_test.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <array>
#include <cctype>
#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <openssl/evp.h>
#include <set>
#include <string>

using namespace carecircle::test;

namespace {

class Secrets : public server_test {
protected:
    server_options options() const override { return with_admin({"--log-level", "debug"}); }
};

std::string sha256(std::string_view text) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr);
    return std::string(reinterpret_cast<const char*>(digest.data()), length);
}

std::string upper(std::string s) {
    for (auto& c : s)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// Every byte of every file in the server's directory: the database, and its WAL if any.
std::string every_stored_byte(const std::filesystem::path& directory) {
    std::string all;
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
        std::ifstream in(entry.path(), std::ios::binary);
        all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return all;
}

} // namespace

TEST_F(Secrets, DatabaseHoldsOnlyAnArgon2idHashAndTokenDigests) {
    const auto registered = register_user("rita");
    const auto signed_in = login(port(), "rita", password_for("rita"));
    const auto password = password_for("rita");

    // On disk while the server runs (database and WAL), and again after it has stopped.
    for (const bool running : {true, false}) {
        if (!running) {
            ASSERT_EQ(server().stop(), 0);
        }
        const auto bytes = every_stored_byte(server().directory());
        ASSERT_NE(bytes.find("rita"), std::string::npos) << "the account is in the files read";
        EXPECT_EQ(bytes.find(password), std::string::npos) << "the password is stored in clear";
        for (const auto& token : {registered.token, signed_in.token}) {
            EXPECT_EQ(bytes.find(token), std::string::npos) << "a token is stored in clear";
            EXPECT_EQ(bytes.find(upper(token)), std::string::npos) << "a token is stored in clear";
        }
    }

    SQLite::Database db(server().db_path().string(), SQLite::OPEN_READONLY);
    SQLite::Statement user(db, "SELECT id, password_hash FROM users WHERE username = 'rita'");
    ASSERT_TRUE(user.executeStep());
    const auto id = user.getColumn(0).getInt64();
    EXPECT_EQ(user.getColumn(1).getString().rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u)
        << user.getColumn(1).getString();

    std::set<std::string> stored_digests;
    SQLite::Statement sessions(db, "SELECT token_hash FROM sessions WHERE user_id = ?");
    sessions.bind(1, id);
    while (sessions.executeStep()) {
        const auto column = sessions.getColumn(0);
        stored_digests.emplace(static_cast<const char*>(column.getBlob()),
                               static_cast<std::size_t>(column.getBytes()));
    }
    EXPECT_EQ(stored_digests,
              (std::set<std::string>{sha256(registered.token), sha256(signed_in.token)}))
        << "each session is kept as the SHA-256 digest of its token, and only that";
}

TEST_F(Secrets, LogHoldsNoPasswordTokenOrMessageText) {
    const auto group = create_group("Mansfield");
    const auto sam = register_user("sam");
    const auto again = login(port(), "sam", password_for("sam"));
    const std::string wrong_password = "not-sams-password-5521";
    EXPECT_EQ(http(port(), "POST", "/api/login",
                   json::object{{"username", "sam"}, {"password", wrong_password}})
                  .status,
              401u);
    const std::string text = "my client's key safe code is 4471 marmalade";
    {
        ws_client ws(port(), again.token);
        join(ws, group);
        send(ws, group, text);
        ws.send_text(R"({"id":9,"type":"messages.send","group":)" + std::to_string(group) +
                     R"(,"text":42})"); // a refused request is logged too
        ws.wait_reply(9);
    }
    ASSERT_EQ(http(port(), "POST", "/api/logout", std::nullopt, bearer(sam.token)).status, 204u);
    ASSERT_EQ(server().stop(), 0); // the whole log has been read once the server has exited

    const auto log = server().output();
    ASSERT_NE(log.find("ws.open"), std::string::npos) << "the debug log was captured: " << log;
    EXPECT_EQ(log.find(password_for("sam")), std::string::npos) << log;
    EXPECT_EQ(log.find(wrong_password), std::string::npos) << log;
    EXPECT_EQ(log.find(admin_password), std::string::npos) << log;
    for (const auto& token : {sam.token, again.token, admin().token})
        EXPECT_EQ(log.find(token), std::string::npos) << log;
    EXPECT_EQ(log.find("marmalade"), std::string::npos) << log;
}

// A token keeps failing after logout in every place that takes one, and after a restart
// (the session row is gone from the database, not just from memory).
TEST_F(Secrets, ReplayedTokenAfterLogoutIsRefusedEverywhereAndAfterARestart) {
    const auto group = create_group("Retford", "private");
    const auto tia = register_user("tia");
    {
        ws_client ws(port(), tia.token);
        EXPECT_EQ(str(at_path(ws.call("groups.join", {{"group", group}}), "membership.status")),
                  "pending");
    }
    ASSERT_EQ(http(port(), "POST", "/api/logout", std::nullopt, bearer(tia.token)).status, 204u);

    const std::string feed = "/api/groups/" + std::to_string(group) + "/meetups.ics";
    for (int round = 0; round < 2; ++round) {
        SCOPED_TRACE(round == 0 ? "after logout" : "after a restart");
        EXPECT_EQ(http(port(), "GET", "/api/me", std::nullopt, bearer(tia.token)).status, 401u);
        EXPECT_EQ(
            http(port(), "GET", "/api/me", std::nullopt, {{"Cookie", "cc_session=" + tia.token}})
                .status,
            401u);
        EXPECT_EQ(http(port(), "POST", "/api/logout", std::nullopt, bearer(tia.token)).status,
                  401u);
        EXPECT_EQ(try_upgrade(port(), token_auth(tia.token)).status, 401u);
        EXPECT_EQ(try_upgrade(port(), cookie_auth(tia.token)).status, 401u);
        EXPECT_EQ(http(port(), "GET", feed, std::nullopt, bearer(tia.token)).status, 401u);
        if (round == 0)
            server().restart();
    }
    // The account itself is fine: signing in again gives a token that works.
    const auto back = login(port(), "tia", password_for("tia"));
    EXPECT_EQ(http(port(), "GET", "/api/me", std::nullopt, bearer(back.token)).status, 200u);
}

// Logout answers 204 only once the session row is gone from disk. When the delete fails the
// answer is 500 and the token keeps working, so the client can sign out again instead of
// believing a token is dead that a restart would bring back.
TEST_F(Secrets, LogoutThatCannotDeleteTheSessionSaysSoAndTheTokenIsRefusedOnlyOnceItIsGone) {
    const auto uma = register_user("uma");
    ASSERT_EQ(server().stop(), 0);
    {
        SQLite::Database db(server().db_path().string(), SQLite::OPEN_READWRITE);
        db.exec("CREATE TRIGGER sessions_stay BEFORE DELETE ON sessions "
                "BEGIN SELECT RAISE(ABORT, 'the disk refuses'); END");
    }
    server().start();

    const auto refused = http(port(), "POST", "/api/logout", std::nullopt, bearer(uma.token));
    EXPECT_EQ(refused.status, 500u) << refused.body;
    EXPECT_EQ(refused.error_code(), "internal");
    EXPECT_EQ(http(port(), "GET", "/api/me", std::nullopt, bearer(uma.token)).status, 200u);

    ASSERT_EQ(server().stop(), 0);
    {
        SQLite::Database db(server().db_path().string(), SQLite::OPEN_READWRITE);
        db.exec("DROP TRIGGER sessions_stay");
    }
    server().start();
    EXPECT_EQ(http(port(), "GET", "/api/me", std::nullopt, bearer(uma.token)).status, 200u)
        << "the failed logout left the session on disk, and said so";
    ASSERT_EQ(http(port(), "POST", "/api/logout", std::nullopt, bearer(uma.token)).status, 204u);
    server().restart();
    EXPECT_EQ(http(port(), "GET", "/api/me", std::nullopt, bearer(uma.token)).status, 401u);
    EXPECT_EQ(try_upgrade(port(), token_auth(uma.token)).status, 401u);
}

// A calendar address is derived from the server's secret, which lives in a file of its own:
// the database never holds the key, and the address stays the same across a restart.
TEST_F(Secrets, CalendarKeysAreDerivedNotStoredAndSurviveARestart) {
    const auto una = register_user("una");
    const auto url_of = [&] {
        ws_client ws(port(), una.token);
        return str(at_path(ws.call("calendar.key", json::object{}), "url"));
    };
    const auto url = url_of();
    const auto key = url.substr(url.find("key=") + 4);
    ASSERT_EQ(key.size(), 64u) << url;

    const auto secret_file = server().directory() / "cc.db.secret";
    ASSERT_TRUE(std::filesystem::exists(secret_file));
    EXPECT_EQ(std::filesystem::status(secret_file).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

    server().restart();
    EXPECT_EQ(url_of(), url) << "a subscribed calendar keeps its address across a restart";
    EXPECT_EQ(http(port(), "GET", url).status, 200u);

    ASSERT_EQ(server().stop(), 0);
    std::string database_bytes;
    for (const auto& entry : std::filesystem::directory_iterator(server().directory())) {
        if (entry.path() != secret_file) {
            std::ifstream in(entry.path(), std::ios::binary);
            database_bytes.append(std::istreambuf_iterator<char>(in), {});
        }
    }
    EXPECT_EQ(database_bytes.find(key), std::string::npos) << "the key is stored in clear";
    EXPECT_EQ(database_bytes.find(upper(key)), std::string::npos);
}
