// The WebSocket endpoint: authentication, Origin, envelopes and frame rules
// (PROTOCOL.md section 3).

#include "server_test.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace carecircle::test;

namespace {

class WebSocket : public server_test {
protected:
    server_options options() const override { return without_accounts(); }
};

// A groups.list request padded with an extra field to exactly `size` bytes.
std::string padded_request(std::size_t size) {
    const std::string head = R"({"id":1,"type":"groups.list","padding":")";
    const std::string tail = R"("})";
    return head + std::string(size - head.size() - tail.size(), 'x') + tail;
}

void expect_bad_request(const json::object& reply, const json::value& id, std::string_view why) {
    EXPECT_EQ(reply.at("id"), id) << why << ": " << reply;
    ASSERT_TRUE(reply.contains("ok")) << why << ": " << reply;
    EXPECT_EQ(reply.at("ok"), json::value(false)) << why << ": " << reply;
    EXPECT_EQ(error_code_of(reply), "bad_request") << why << ": " << reply;
    ASSERT_TRUE(reply.contains("error") && reply.at("error").is_object()) << why << ": " << reply;
    EXPECT_TRUE(reply.at("error").as_object().contains("message")) << why << ": " << reply;
}

} // namespace

TEST_F(WebSocket, UpgradeWithoutATokenIsRefusedWith401) {
    EXPECT_EQ(try_upgrade(port(), ws_options{}).status, 401u);
    EXPECT_EQ(try_upgrade(port(), token_auth("made-up-token")).status, 401u);
    EXPECT_EQ(try_upgrade(port(), cookie_auth("made-up-token")).status, 401u);
}

TEST_F(WebSocket, HelloGreetsTheUserWithTheProtocolVersion) {
    const auto olga = register_user("olga", "Olga Brown");
    ws_client ws(port(), olga.token);
    const auto& hello = ws.hello();
    EXPECT_EQ(hello.at("event"), json::value("hello"));
    EXPECT_EQ(hello.at("protocol"), json::value(1));
    ASSERT_TRUE(hello.contains("user")) << hello;
    EXPECT_EQ(hello.at("user").as_object(), olga.user);
}

TEST_F(WebSocket, SessionCookieOpensTheSocketToo) {
    const auto pat = register_user("pat");
    ws_client ws(port(), cookie_auth(pat.token));
    EXPECT_EQ(at_path(ws.hello(), "user.id"), json::value(pat.id()));
}

TEST_F(WebSocket, ForeignOriginIsRefusedWith403) {
    const auto quinn = register_user("quinn");
    for (const auto& origin : std::vector<std::string>{
             "http://evil.example", "https://127.0.0.1:" + std::to_string(port()),
             "http://127.0.0.1:" + std::to_string(port() == 1 ? 2 : 1), "null"}) {
        auto options = token_auth(quinn.token);
        options.origin = origin;
        EXPECT_EQ(try_upgrade(port(), options).status, 403u) << "Origin: " << origin;
    }
}

TEST_F(WebSocket, SameOriginIsAccepted) {
    const auto rita = register_user("rita");
    auto options = cookie_auth(rita.token);
    options.origin = "http://127.0.0.1:" + std::to_string(port());
    ws_client ws(port(), options);
    EXPECT_EQ(error_code_of(ws.request("groups.list")), "ok");
}

TEST_F(WebSocket, MalformedJsonGetsBadRequestWithNullIdAndTheSocketStaysUsable) {
    const auto sam = register_user("sam");
    ws_client ws(port(), sam.token);
    for (const auto& frame : std::vector<std::string>{
             "{not json", "", "{\"id\":1,\"type\":\"groups.list\"", "[1,2,3]", "42",
             "\"groups.list\"", "null", "{\"id\":1,\"type\":\"groups.list\"} trailing"}) {
        ASSERT_TRUE(ws.send_text(frame)) << ws.close_description();
        expect_bad_request(ws.wait_reply(nullptr), nullptr, "frame `" + frame + "`");
    }
    EXPECT_EQ(error_code_of(ws.request("groups.list")), "ok");
    EXPECT_TRUE(ws.is_open());
}

TEST_F(WebSocket, MissingOrUnknownTypeGetsBadRequestWithTheId) {
    const auto tom = register_user("tom");
    ws_client ws(port(), tom.token);

    ws.send_json({{"id", 7}});
    expect_bad_request(ws.wait_reply(7), 7, "missing type");

    ws.send_json({{"id", "abc"}, {"type", "groups.explode"}});
    expect_bad_request(ws.wait_reply("abc"), "abc", "unknown type");

    ws.send_json({{"id", 8}, {"type", 42}});
    expect_bad_request(ws.wait_reply(8), 8, "type that is a number");

    ws.send_json({{"id", 9}, {"type", ""}});
    expect_bad_request(ws.wait_reply(9), 9, "empty type");

    EXPECT_EQ(error_code_of(ws.request("groups.list")), "ok");
}

TEST_F(WebSocket, StringAndIntegerIdsAreEchoed) {
    const auto uma = register_user("uma");
    ws_client ws(port(), uma.token);
    ws.send_json({{"id", "req-1"}, {"type", "groups.list"}});
    const auto by_string = ws.wait_reply("req-1");
    EXPECT_EQ(by_string.at("ok"), json::value(true)) << by_string;
    EXPECT_TRUE(by_string.at("result").as_object().contains("groups")) << by_string;

    ws.send_json({{"id", 123456789012}, {"type", "groups.list"}});
    EXPECT_EQ(ws.wait_reply(123456789012).at("ok"), json::value(true));
}

TEST_F(WebSocket, WrongParametersGetBadRequest) {
    const auto vic = register_user("vic");
    ws_client ws(port(), vic.token);
    expect_bad_request(ws.request("groups.join", {{"group", "seven"}}), 1, "group as a string");
    expect_bad_request(ws.request("groups.join"), 2, "group missing");
    expect_bad_request(ws.request("messages.history", {{"group", nullptr}}), 3, "group null");
    expect_bad_request(ws.request("messages.send", {{"group", json::array{1}}, {"text", "hi"}}), 4,
                       "group as an array");
    EXPECT_EQ(error_code_of(ws.request("groups.list")), "ok");
}

TEST_F(WebSocket, FrameOfExactly64KiBIsAnswered) {
    const auto wes = register_user("wes");
    ws_client ws(port(), wes.token);
    ASSERT_TRUE(ws.send_text(padded_request(64 * 1024))) << ws.close_description();
    const auto reply = ws.wait_reply(1);
    EXPECT_TRUE(reply.contains("ok")) << reply;
    EXPECT_TRUE(ws.is_open()) << ws.close_description();
    EXPECT_EQ(error_code_of(ws.request("groups.list")), "ok");
}

TEST_F(WebSocket, FrameOver64KiBClosesWith1009) {
    const auto xia = register_user("xia");
    ws_client ws(port(), xia.token);
    ws.send_text(padded_request(64 * 1024 + 1)); // the server may close before it is all written
    EXPECT_EQ(ws.wait_close(), 1009) << ws.close_description();
    // The server is unharmed.
    ws_client again(port(), xia.token);
    EXPECT_EQ(error_code_of(again.request("groups.list")), "ok");
}

TEST_F(WebSocket, BinaryFrameClosesWith1003) {
    const auto yan = register_user("yan");
    ws_client ws(port(), yan.token);
    ws.send_binary(R"({"id":1,"type":"groups.list"})");
    EXPECT_EQ(ws.wait_close(), 1003) << ws.close_description();
    ws_client again(port(), yan.token);
    EXPECT_EQ(error_code_of(again.request("groups.list")), "ok");
}

TEST_F(WebSocket, RequestsAreAnsweredInTheirOwnIdsWhenPipelined) {
    const auto zoe = register_user("zoe");
    ws_client ws(port(), zoe.token);
    std::vector<json::value> ids;
    for (int i = 0; i < 10; ++i)
        ids.push_back(ws.send_request("groups.list"));
    ws.send_text("{broken");
    for (const auto& id : ids)
        EXPECT_EQ(ws.wait_reply(id).at("ok"), json::value(true)) << "id " << id;
    EXPECT_EQ(error_code_of(ws.wait_reply(nullptr)), "bad_request");
}

// A connection waiting for a message reads its first byte alone, and the rest after it (so
// that an idle connection holds no read buffer): messages that end or break right after that
// byte must still be read whole.
TEST_F(WebSocket, MessagesEndingOrSplitAfterTheirFirstByteAreReadWhole) {
    const auto uma = register_user("uma");
    ws_client ws(port(), uma.token);
    ASSERT_TRUE(ws.send_text("7")) << ws.close_description();
    expect_bad_request(ws.wait_reply(nullptr), nullptr, "a one-byte frame");

    ASSERT_TRUE(ws.send_text_in_fragments({"{", R"("id":3,"type":"groups.list"})"}))
        << ws.close_description();
    EXPECT_EQ(ws.wait_reply(3).at("ok"), json::value(true));

    ASSERT_TRUE(ws.send_ping("between messages")) << ws.close_description();
    ASSERT_TRUE(ws.send_text_in_fragments({"", "{", "", R"("id":4,)", R"("type":"groups.list"})"}))
        << ws.close_description();
    EXPECT_EQ(ws.wait_reply(4).at("ok"), json::value(true));
    EXPECT_EQ(ws.matching_pongs(), 1);
    EXPECT_TRUE(ws.is_open());
}
