// What a sysadmin relies on: metrics, readiness, configuration precedence and online backups.

#include "server_test.hpp"

#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/wait.h>

using namespace carecircle::test;

namespace {

class Operations : public server_test {};

int exit_code(int status) {
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path) << text;
    return path.string();
}

// Runs a shell command and returns its exit code, with its output kept for the failure message.
int run(const std::string& command, std::string& output) {
    output.clear();
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) {
        return -1;
    }
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
        output += buffer;
    }
    return exit_code(::pclose(pipe));
}

} // namespace

TEST_F(Operations, MetricsPassPromtoolAndCountWhatHappened) {
    const auto group = create_group("Nottingham");
    const auto amy = register_user("amy", "Amy Pond");
    ws_client ws = connect(amy);
    join(ws, group);
    send(ws, group, "first");
    send(ws, group, "second");
    ws.request("messages.send", {{"group", 999999}, {"text", "nowhere"}});

    const auto response = http(port(), "GET", "/metrics");
    ASSERT_EQ(response.status, 200u);
    EXPECT_NE(response.header("Content-Type").find("text/plain"), std::string::npos);
    const auto& body = response.body;
    EXPECT_NE(body.find("carecircle_messages_sent_total 2\n"), std::string::npos) << body;
    EXPECT_NE(body.find("carecircle_connections_open 2\n"), std::string::npos) << body;
    EXPECT_NE(body.find("carecircle_errors_total{code=\"not_found\"} 1\n"), std::string::npos)
        << body;
    EXPECT_NE(body.find("carecircle_request_duration_seconds_count{op=\"messages.send\"} 3\n"),
              std::string::npos)
        << body;

    std::string output;
    const auto file = write_file(server().directory() / "metrics.txt", body);
    ASSERT_EQ(run("promtool check metrics < " + file, output), 0) << output;
}

TEST_F(Operations, ReadyzSaysReadyWhenTheDatabaseTakesWrites) {
    const auto response = http(port(), "GET", "/readyz");
    ASSERT_EQ(response.status, 200u) << response.body;
    EXPECT_EQ(response.json().at("status"), "ready");
    EXPECT_EQ(response.json().at("database_writable"), true);
}

TEST_F(Operations, FlagsBeatEnvironmentWhichBeatsTheConfigFile) {
    const auto config = write_file(server().directory() / "carecircle.conf",
                                   "send-rate = 4\nsend-burst = 5\nlog-level = warn\n");
    ::setenv("CARECIRCLE_SEND_BURST", "7", 1);
    ::setenv("CARECIRCLE_SEND_RATE", "6", 1);
    const auto [status, output] =
        server().run_tool({"serve", "--config", config, "--send-rate", "3", "--print-config"}, "");
    ::unsetenv("CARECIRCLE_SEND_BURST");
    ::unsetenv("CARECIRCLE_SEND_RATE");
    ASSERT_EQ(exit_code(status), 0) << output;
    EXPECT_NE(output.find("send-rate = 3\n"), std::string::npos) << output;
    EXPECT_NE(output.find("send-burst = 7\n"), std::string::npos) << output;
    EXPECT_NE(output.find("log-level = warn\n"), std::string::npos) << output;
}

TEST_F(Operations, PrintConfigHidesTheMetricsToken) {
    const auto [status, output] =
        server().run_tool({"serve", "--metrics-token", "s3cret-token-value", "--print-config"}, "");
    ASSERT_EQ(exit_code(status), 0) << output;
    EXPECT_EQ(output.find("s3cret-token-value"), std::string::npos) << output;
    EXPECT_NE(output.find("metrics-token = (set, hidden)"), std::string::npos) << output;
}

TEST_F(Operations, UnknownConfigKeyIsRefusedWithItsName) {
    const auto config =
        write_file(server().directory() / "typo.conf", "send-rate = 4\nsend-rat = 5\n");
    const auto [status, output] = server().run_tool({"serve", "--config", config}, "");
    EXPECT_NE(exit_code(status), 0);
    EXPECT_NE(output.find("send-rat"), std::string::npos) << output;
}

TEST_F(Operations, BackupOfALiveDatabaseHoldsEveryAcknowledgedMessage) {
    const auto group = create_group("Nottingham");
    const auto amy = register_user("amy", "Amy Pond");
    ws_client ws = connect(amy);
    join(ws, group);
    for (int i = 0; i < 20; ++i) {
        send(ws, group, "message " + std::to_string(i));
    }
    const auto copy = (server().directory() / "backup.db").string();
    const auto [status, output] =
        server().run_tool({"backup", "--db", server().db_path().string(), "--to", copy}, "");
    ASSERT_EQ(exit_code(status), 0) << output;

    std::string count;
    ASSERT_EQ(run("sqlite3 " + copy +
                      " 'SELECT COUNT(*), MAX(seq) FROM messages WHERE group_id = " +
                      std::to_string(group) + "'",
                  count),
              0)
        << count;
    EXPECT_EQ(count, "20|20\n");
}

TEST_F(Operations, AdminSetRoleMakesASiteModeratorWhoCanCreateGroups) {
    const auto amy = register_user("amy", "Amy Pond");
    const auto [status, output] =
        server().run_tool({"admin", "set-role", "--db", server().db_path().string(), "--username",
                           "AMY", "--role", "moderator"},
                          "");
    ASSERT_EQ(exit_code(status), 0) << output;
    server().restart();
    const auto me = http(port(), "GET", "/api/me", std::nullopt, bearer(amy.token));
    EXPECT_EQ(me.json().at("user").at("role"), "moderator");
    ws_client ws(port(), amy.token);
    const auto reply = ws.request(
        "groups.create", {{"name", "Derby"}, {"region", "Derbyshire"}, {"visibility", "public"}});
    EXPECT_EQ(reply.at("ok"), true) << reply;
}

TEST_F(Operations, AdminStatsCountsWhatTheDatabaseHolds) {
    const auto group = create_group("Nottingham");
    const auto amy = register_user("amy", "Amy Pond");
    ws_client ws = connect(amy);
    join(ws, group);
    send(ws, group, "hello");
    const auto [status, output] =
        server().run_tool({"admin", "stats", "--db", server().db_path().string()}, "");
    ASSERT_EQ(exit_code(status), 0) << output;
    EXPECT_NE(output.find("users: 2\n"), std::string::npos) << output;
    EXPECT_NE(output.find("groups: 1\n"), std::string::npos) << output;
    EXPECT_NE(output.find("messages: 1\n"), std::string::npos) << output;
}

namespace {

class BehindProxy : public server_test {
protected:
    server_options options() const override { return with_admin({"--trust-proxy", "true"}); }
};

const header_list forwarded_https{{"X-Forwarded-Proto", "https"},
                                  {"X-Forwarded-For", "203.0.113.7"}};

} // namespace

TEST_F(BehindProxy, SessionCookieIsSecureWhenTheProxySaysHttps) {
    const auto response = http(
        port(), "POST", "/api/register",
        json::value{{"username", "amy"}, {"password", "a long password"}, {"display_name", "Amy"}},
        forwarded_https);
    ASSERT_EQ(response.status, 201u) << response.body;
    EXPECT_NE(response.header("Set-Cookie").find("; Secure"), std::string::npos);
}

TEST_F(Operations, ForwardedHeadersAreIgnoredUnlessTheProxyIsTrusted) {
    const auto response = http(
        port(), "POST", "/api/register",
        json::value{{"username", "amy"}, {"password", "a long password"}, {"display_name", "Amy"}},
        forwarded_https);
    ASSERT_EQ(response.status, 201u) << response.body;
    EXPECT_EQ(response.header("Set-Cookie").find("Secure"), std::string::npos);
}

TEST_F(BehindProxy, MetricsAreRefusedToClientsOutsideTheProxy) {
    const auto response = http(port(), "GET", "/metrics", std::nullopt, forwarded_https);
    EXPECT_EQ(response.status, 403u);
    EXPECT_EQ(http(port(), "GET", "/metrics").status, 200u);
}

TEST_F(Operations, EveryAnswerCarriesTheSecurityHeaders) {
    for (const auto* target : {"/", "/healthz", "/api/me", "/no-such-file"}) {
        const auto response = http(port(), "GET", target);
        const auto csp = response.header("Content-Security-Policy");
        EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << target;
        EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << target;
        EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << target;
        EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << target;
        EXPECT_EQ(response.header("X-Content-Type-Options"), "nosniff") << target;
        EXPECT_EQ(response.header("Referrer-Policy"), "no-referrer") << target;
    }
}

TEST_F(Operations, VersionIsPrinted) {
    const auto [status, output] = server().run_tool({"--version"}, "");
    EXPECT_EQ(exit_code(status), 0);
    EXPECT_EQ(output.rfind("carecircle ", 0), 0u) << output;
}
