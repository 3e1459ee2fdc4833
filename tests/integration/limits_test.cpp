// The limits an operator can set: request header size, sign-in failures per address, the
// WebSocket idle timeout, JSON nesting and the wait for a close frame, plus the body limit's
// answer.

#include "raw_socket.hpp"
#include "server_test.hpp"

#include <gtest/gtest.h>
#include <vector>

using namespace carecircle::test;

namespace {

class Limits : public server_test {
protected:
    server_options options() const override {
        return with_admin({"--max-header-bytes", "2048", "--max-body-bytes", "1024",
                           "--login-failures-per-address", "3", "--login-window-seconds", "60",
                           "--trust-proxy", "true"});
    }
};

class IdleWebSocket : public server_test {
protected:
    static constexpr auto idle_timeout = 2s;
    server_options options() const override {
        return with_admin({"--ws-idle-timeout-seconds", "2"});
    }
};

// Both far below their defaults (32 levels, 5 seconds), so a setting that is not applied shows.
class ProtocolLimits : public server_test {
protected:
    static constexpr auto close_timeout = 1s;
    server_options options() const override {
        return with_admin({"--max-json-depth", "4", "--close-timeout-seconds", "1"});
    }
};

json::value credentials(std::string_view username, std::string_view password) {
    return json::value{{"username", username}, {"password", password}};
}

// The opcodes of the unmasked frames a server sent, in order; stops at a partial frame.
std::vector<int> frame_opcodes(std::string_view bytes) {
    std::vector<int> opcodes;
    while (bytes.size() >= 2) {
        const auto first = static_cast<unsigned char>(bytes[0]);
        std::size_t length = static_cast<unsigned char>(bytes[1]) & 0x7f;
        std::size_t header = 2;
        if (length == 126 || length == 127) {
            const std::size_t width = length == 126 ? 2 : 8;
            if (bytes.size() < 2 + width)
                break;
            length = 0;
            for (std::size_t i = 0; i < width; ++i)
                length = (length << 8) | static_cast<unsigned char>(bytes[2 + i]);
            header += width;
        }
        if (bytes.size() < header + length)
            break;
        opcodes.push_back(first & 0x0f);
        bytes.remove_prefix(header + length);
    }
    return opcodes;
}

} // namespace

TEST_F(Limits, OversizedHeadersAre413TooLarge) {
    const auto fits =
        http(port(), "GET", "/healthz", std::nullopt, {{"X-Padding", std::string(1000, 'a')}});
    EXPECT_EQ(fits.status, 200u);

    const auto too_big =
        http(port(), "GET", "/healthz", std::nullopt, {{"X-Padding", std::string(3000, 'a')}});
    EXPECT_EQ(too_big.status, 413u) << too_big.body;
    EXPECT_EQ(too_big.error_code(), "too_large") << too_big.body;
    EXPECT_EQ(too_big.header("Connection"), "close");
}

TEST_F(Limits, OversizedBodiesAre413TooLarge) {
    const auto too_big = http(port(), "POST", "/api/register",
                              json::value{{"username", "amy"},
                                          {"password", "a long password"},
                                          {"display_name", std::string(2000, 'A')}});
    EXPECT_EQ(too_big.status, 413u) << too_big.body;
    EXPECT_EQ(too_big.error_code(), "too_large") << too_big.body;
    // Nothing of it was acted on.
    EXPECT_EQ(http(port(), "POST", "/api/login", credentials("amy", "a long password")).status,
              401u);
}

TEST_F(Limits, FailedSignInsFromOneAddressLockThatAddressOnly) {
    register_user("judy");
    const header_list from_outside{{"X-Forwarded-For", "203.0.113.7"}};
    // Three different usernames, so only the per-address count can reach its limit.
    for (const auto* name : {"ann", "ben", "cat"}) {
        const auto res =
            http(port(), "POST", "/api/login", credentials(name, "guess-1234"), from_outside);
        ASSERT_EQ(res.status, 401u) << name << ": " << res.body;
    }
    const auto locked =
        http(port(), "POST", "/api/login", credentials("judy", password_for("judy")), from_outside);
    EXPECT_EQ(locked.status, 429u) << "even the right password waits: " << locked.body;
    EXPECT_EQ(locked.error_code(), "rate_limited");
    const auto retry_after = locked.header("Retry-After");
    ASSERT_FALSE(retry_after.empty()) << "429 needs a Retry-After header";
    ASSERT_EQ(retry_after.find_first_not_of("0123456789"), std::string::npos) << retry_after;
    EXPECT_GT(std::stol(retry_after), 0);
    EXPECT_LE(std::stol(retry_after), 60) << "longer than the configured window";

    // The same person from another address signs in.
    EXPECT_NO_THROW(login(port(), "judy", password_for("judy")));
}

TEST_F(Limits, NewSettingsAreShownByPrintConfig) {
    const auto [status, output] =
        server().run_tool({"serve", "--max-header-bytes", "4096", "--login-failures-per-user", "4",
                           "--login-failures-per-address", "9", "--login-window-seconds", "120",
                           "--ws-idle-timeout-seconds", "45", "--print-config"},
                          "");
    EXPECT_EQ(status, 0) << output;
    for (const auto* line : {"max-header-bytes = 4096\n", "login-failures-per-user = 4\n",
                             "login-failures-per-address = 9\n", "login-window-seconds = 120\n",
                             "ws-idle-timeout-seconds = 45\n"})
        EXPECT_NE(output.find(line), std::string::npos) << line << output;

    const auto [below_floor, refusal] =
        server().run_tool({"serve", "--ws-idle-timeout-seconds", "1", "--print-config"}, "");
    EXPECT_NE(below_floor, 0) << refusal;
}

TEST_F(IdleWebSocket, QuietClientThatAnswersPingsStaysConnected) {
    const auto amy = register_user("amy");
    ws_client ws = connect(amy);
    // Nothing is sent for well past the idle timeout; the client answers the server's pings
    // while it waits, as browsers do.
    EXPECT_TRUE(ws.no_event("message.created", idle_timeout + 1500ms));
    EXPECT_TRUE(ws.is_open()) << ws.close_description();
    EXPECT_EQ(error_code_of(ws.request("groups.list")), "ok");
}

TEST_F(IdleWebSocket, ClientThatNeverAnswersIsPingedThenDropped) {
    const auto amy = register_user("amy");
    raw_socket socket(port());
    ASSERT_TRUE(socket.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port()) +
                            "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer " +
                            amy.token + "\r\n\r\n"));
    const auto opened = std::chrono::steady_clock::now();
    std::string received;
    ASSERT_TRUE(socket.closed_by_server(idle_timeout + 3s, &received))
        << "a client that never answers is still connected";
    EXPECT_GE(std::chrono::steady_clock::now() - opened, idle_timeout - 100ms)
        << "dropped before the idle timeout";

    ASSERT_EQ(received.rfind("HTTP/1.1 101", 0), 0u) << received.substr(0, 200);
    const auto opcodes = frame_opcodes(received.substr(received.find("\r\n\r\n") + 4));
    ASSERT_FALSE(opcodes.empty());
    EXPECT_EQ(opcodes.front(), 0x1) << "the hello event comes first";
    EXPECT_NE(std::find(opcodes.begin(), opcodes.end(), 0x9), opcodes.end())
        << "the server never pinged before dropping the client";
}

TEST_F(ProtocolLimits, NestingBeyondTheSettingIsRefusedAndWithinItIsServed) {
    const auto ben = register_user("ben");
    ws_client ws(port(), ben.token);
    ASSERT_TRUE(ws.send_text(R"({"id":1,"type":"groups.list","extra":[[1]]})"));
    EXPECT_EQ(error_code_of(ws.wait_reply(1)), "ok") << "three levels are within four";
    ASSERT_TRUE(ws.send_text(R"({"id":2,"type":"groups.list","extra":[[[[[[1]]]]]]})"));
    // Too deep to parse, so the server cannot read the id either: the answer carries null.
    EXPECT_EQ(error_code_of(ws.wait_reply(nullptr)), "bad_request")
        << "seven levels are beyond four";
    EXPECT_EQ(error_code_of(ws.request("groups.list")), "ok") << "the connection stays usable";
}

// A client that never answers the server's close frame is dropped once close-timeout-seconds
// have passed, not after the default five.
TEST_F(ProtocolLimits, ACloseFrameLeftUnansweredEndsTheConnectionAfterTheSetting) {
    const auto cat = register_user("cat");
    raw_socket socket(port());
    ASSERT_TRUE(socket.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port()) +
                            "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer " +
                            cat.token + "\r\n\r\n"));
    // A client speaks only once the handshake is answered (RFC 6455, 4.1); the hello event
    // closes it.
    std::string received = socket.receive_until("\"event\":\"hello\"", 5s);
    ASSERT_EQ(received.rfind("HTTP/1.1 101", 0), 0u) << received.substr(0, 200);
    // A masked binary frame (the mask is zero, so the payload reads as sent): WebSocket
    // requests are text, so the server answers with a close frame, 1003.
    const std::string binary_frame{'\x82', '\x81', '\0', '\0', '\0', '\0', 'x'};
    ASSERT_TRUE(socket.send(binary_frame));
    const auto sent = std::chrono::steady_clock::now();
    ASSERT_TRUE(socket.closed_by_server(close_timeout + 2s, &received))
        << "still connected well after close-timeout-seconds";
    EXPECT_GE(std::chrono::steady_clock::now() - sent, close_timeout - 100ms)
        << "dropped without waiting for the client's close frame";

    const auto opcodes = frame_opcodes(received.substr(received.find("\r\n\r\n") + 4));
    ASSERT_FALSE(opcodes.empty());
    EXPECT_EQ(opcodes.back(), 0x8) << "the server's close frame came last";
}
