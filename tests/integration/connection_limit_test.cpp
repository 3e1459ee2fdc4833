// One client address may hold only so many connections (max-connections-per-ip), and a crowd
// of idle connections from one address does not stop the server serving others.

#include "raw_socket.hpp"
#include "server_test.hpp"

#include <cstdlib>
#include <gtest/gtest.h>
#include <vector>

using namespace carecircle::test;

namespace {

constexpr std::string_view healthz = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

bool answers(raw_socket& socket) {
    return socket.exchange(healthz, 5s).rfind("HTTP/1.1 200 OK\r\n", 0) == 0;
}

// The value of an unlabelled metric, or -1 when it is missing.
double metric(const std::string& exposition, const std::string& name) {
    const auto at = exposition.find("\n" + name + " ");
    return at == std::string::npos ? -1 : std::stod(exposition.substr(at + name.size() + 2));
}

class ConnectionLimit : public server_test {
protected:
    server_options options() const override {
        return with_admin({"--max-connections-per-ip", "20"});
    }

    // A connection gives its place back when the server has finished with it, which can be a
    // moment after the client saw it end; wait for a place rather than guess.
    std::optional<ws_client> connect_when_a_place_is_free(const account& who) {
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (std::chrono::steady_clock::now() < deadline) {
            try {
                return connect(who);
            } catch (const std::exception&) {
                std::this_thread::sleep_for(20ms);
            }
        }
        return std::nullopt;
    }
};

class ManyConnections : public server_test {
protected:
    static constexpr int crowd = 1000;

    void SetUp() override {
        // The server inherits this limit; it needs a socket per connection, as does the test.
        open_files_ = raise_open_file_limit(2 * crowd + 256);
        server_test::SetUp();
    }
    server_options options() const override {
        return with_admin({"--max-connections-per-ip", "0"});
    }

    unsigned long open_files_ = 0;
};

} // namespace

TEST_F(ConnectionLimit, OneAddressGetsItsShareAndPlacesComeBackWhenItCloses) {
    std::vector<raw_socket> held;
    for (int i = 0; i < 20; ++i) {
        held.emplace_back(port());
        ASSERT_TRUE(answers(held.back())) << "connection " << i + 1;
    }

    raw_socket over(port());
    std::string received;
    EXPECT_TRUE(over.closed_by_server(5s, &received)) << "the 21st connection was kept";
    EXPECT_EQ(received, "") << "the 21st connection should be closed without an answer";

    for (std::size_t i = 0; i < held.size(); ++i)
        EXPECT_TRUE(answers(held[i])) << "connection " << i + 1 << " stopped working";

    // Another address is not affected by this one's crowd.
    raw_socket elsewhere(port(), "127.0.0.2");
    EXPECT_TRUE(answers(elsewhere));

    // Closing five gives five places back, once the server has seen the closes.
    for (int i = 0; i < 5; ++i)
        held[static_cast<std::size_t>(i)].close();
    std::vector<raw_socket> fresh;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (fresh.size() < 5 && std::chrono::steady_clock::now() < deadline) {
        raw_socket attempt(port());
        if (answers(attempt))
            fresh.push_back(std::move(attempt));
        else
            std::this_thread::sleep_for(20ms);
    }
    ASSERT_EQ(fresh.size(), 5u);
    raw_socket again_over(port());
    EXPECT_TRUE(again_over.closed_by_server(5s)) << "the limit no longer holds after closes";

    // The refusals are counted. /metrics is asked from the second address, as this one is full.
    const auto exposition = elsewhere.exchange("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 5s);
    EXPECT_GE(metric(exposition, "carecircle_connections_refused_total"), 2) << exposition;
}

TEST_F(ConnectionLimit, WebSocketsCountAgainstTheLimitToo) {
    const auto amy = register_user("amy");
    std::vector<ws_client> sockets;
    for (int i = 0; i < 20; ++i) {
        auto socket = connect_when_a_place_is_free(amy);
        ASSERT_TRUE(socket) << "WebSocket " << i + 1 << " was refused";
        sockets.push_back(std::move(*socket));
    }
    // With twenty open, there is no waiting for a place: the next is refused.
    EXPECT_THROW(connect(amy), std::runtime_error);

    sockets.front().close();
    sockets.erase(sockets.begin());
    EXPECT_TRUE(connect_when_a_place_is_free(amy)) << "a closed WebSocket kept its place";
}

TEST_F(ManyConnections, AThousandIdleConnectionsFromOneAddressDoNotStopTheChat) {
    if (open_files_ < 2 * crowd + 64)
        GTEST_SKIP() << "only " << open_files_ << " open files allowed";
    std::vector<raw_socket> idle;
    idle.reserve(crowd);
    for (int i = 0; i < crowd; ++i)
        idle.emplace_back(port());

    const auto group = create_group("Nottingham");
    ws_client amy_ws = member_of(group, "amy");
    ws_client bob_ws = member_of(group, "bob");
    send(amy_ws, group, "still here");
    EXPECT_EQ(str(at_path(bob_ws.next_event("message.created"), "message.text")), "still here");

    // With no limit, the crowd is still being served too.
    EXPECT_TRUE(answers(idle.front()));
    EXPECT_TRUE(answers(idle.back()));
}

TEST_F(ConnectionLimit, SettingIsShownByPrintConfigAndTakenFromTheEnvironment) {
    ::setenv("CARECIRCLE_MAX_CONNECTIONS_PER_IP", "7", 1);
    const auto [status, output] = server().run_tool({"serve", "--print-config"}, "");
    ::unsetenv("CARECIRCLE_MAX_CONNECTIONS_PER_IP");
    EXPECT_EQ(status, 0) << output;
    EXPECT_NE(output.find("max-connections-per-ip = 7\n"), std::string::npos) << output;
}
