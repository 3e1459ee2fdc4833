// Clients that open connections and never finish a request (slowloris) or never send a byte:
// they must neither keep others out nor hold their sockets past the handshake timeout.

#include "raw_socket.hpp"
#include "server_test.hpp"

#include <gtest/gtest.h>
#include <vector>

using namespace carecircle::test;

namespace {

constexpr auto handshake_timeout = 2s;

class Slowloris : public server_test {
protected:
    // The password queue is made long enough to take the whole burst of registrations below:
    // here the answers must be slow, not refused.
    server_options options() const override {
        return with_admin({"--handshake-timeout-seconds", "2", "--password-queue", "128"});
    }
};

} // namespace

TEST_F(Slowloris, UnfinishedRequestsNeitherBlockOthersNorOutstayTheHandshakeTimeout) {
    const auto opened = std::chrono::steady_clock::now();
    std::vector<raw_socket> partial_headers;
    std::vector<raw_socket> partial_request_line;
    std::vector<raw_socket> silent;
    for (int i = 0; i < 25; ++i) {
        partial_headers.emplace_back(port());
        ASSERT_TRUE(partial_headers.back().send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a"));
    }
    for (int i = 0; i < 15; ++i) {
        partial_request_line.emplace_back(port());
        ASSERT_TRUE(partial_request_line.back().send("POST /api/regi"));
    }
    for (int i = 0; i < 10; ++i)
        silent.emplace_back(port());

    // Meanwhile everyone else registers and chats as usual.
    const auto group = create_group("Nottingham");
    ws_client amy_ws = member_of(group, "amy");
    ws_client bob_ws = member_of(group, "bob");
    send(amy_ws, group, "the doors are open");
    EXPECT_EQ(str(at_path(bob_ws.next_event("message.created"), "message.text")),
              "the doors are open");
    amy_ws.next_event("message.created"); // her own, echoed

    // Trickling bytes does not buy more time: the whole request must arrive within the timeout.
    for (auto& socket : partial_headers)
        socket.send("b");

    const auto deadline = opened + handshake_timeout + 3s;
    auto left = [&] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
    };
    for (auto* crowd : {&partial_headers, &partial_request_line, &silent}) {
        for (std::size_t i = 0; i < crowd->size(); ++i) {
            std::string received;
            EXPECT_TRUE((*crowd)[i].closed_by_server(std::max(left(), 1ms), &received))
                << "connection " << i << " is still open after the handshake timeout";
            EXPECT_EQ(received, "") << "a timed-out request should get no answer";
        }
    }
    // The WebSockets are past the handshake: they stay.
    send(bob_ws, group, "still talking");
    EXPECT_EQ(str(at_path(amy_ws.next_event("message.created"), "message.text")), "still talking");
}

TEST_F(Slowloris, ServerClosesASilentConnectionNoSoonerThanTheTimeout) {
    const auto opened = std::chrono::steady_clock::now();
    raw_socket silent(port());
    ASSERT_TRUE(silent.closed_by_server(handshake_timeout + 3s));
    // Closed by the timeout, not at once: a slow but honest client has its full time.
    EXPECT_GE(std::chrono::steady_clock::now() - opened, handshake_timeout - 100ms);
}

TEST_F(Slowloris, AnswersThatTakeLongerThanTheTimeoutAreStillDelivered) {
    // Passwords are hashed one at a time, so the last of a burst of registrations waits for
    // all the others, which on a machine like CI's takes longer than the 2 s allowed to send
    // a request. That timeout is about the client's sending; the server's own slowness must
    // not swallow the answer.
    constexpr int burst = 100;
    std::vector<raw_socket> clients;
    for (int i = 0; i < burst; ++i) {
        clients.emplace_back(port());
        const std::string body = R"({"username":"carer)" + std::to_string(i) +
                                 R"(","password":"a long password","display_name":"Carer"})";
        ASSERT_TRUE(
            clients.back().send("POST /api/register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                                "application/json\r\nContent-Length: " +
                                std::to_string(body.size()) + "\r\n\r\n" + body));
    }
    const auto started = std::chrono::steady_clock::now();
    int answered = 0;
    for (auto& client : clients)
        if (client.exchange("", 30s).rfind("HTTP/1.1 201", 0) == 0)
            ++answered;
    EXPECT_EQ(answered, burst) << "after "
                               << std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::steady_clock::now() - started)
                                      .count()
                               << " ms";
}
