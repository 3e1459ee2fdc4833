// Oversized, fragmented, deeply nested and out-of-range input over a real socket
// (PROTOCOL.md: frames of at most 64 KiB, bad requests answered with bad_request and
// the connection kept open).

#include "server_test.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace carecircle::test;

namespace {

class HostileInput : public server_test {};

class HostileInputOverTls : public server_test {
protected:
    server_options options() const override {
        auto opts = with_admin();
        opts.tls = true;
        return opts;
    }
};

constexpr std::size_t frame_limit = 64 * 1024;

std::string repeated(std::string_view piece, std::size_t times) {
    std::string s;
    s.reserve(piece.size() * times);
    for (std::size_t i = 0; i < times; ++i)
        s += piece;
    return s;
}

// A request padded to a megabyte, sixteen times the frame limit.
std::string one_megabyte_request() {
    return R"({"id":1,"type":"groups.list","padding":")" + std::string(1024 * 1024, 'x') + R"("})";
}

// The next reply (events skipped); throws when none arrives.
json::object next_reply(ws_client& ws) {
    while (auto m = ws.next_message()) {
        if (!m->as_object().contains("event"))
            return m->as_object();
    }
    throw std::runtime_error("no reply; " + ws.close_description());
}

} // namespace

TEST_F(HostileInput, OneMegabyteFrameEndsThatConnectionAndOthersCarryOn) {
    const auto ann = register_user("ann");
    const auto bob = register_user("bob");
    ws_client bystander(port(), bob.token);
    ws_client ws(port(), ann.token);
    ws.send_text(one_megabyte_request());
    EXPECT_EQ(ws.wait_close(), 1009) << ws.close_description();
    EXPECT_EQ(error_code_of(bystander.request("groups.list")), "ok");
    ws_client again(port(), ann.token);
    EXPECT_EQ(error_code_of(again.request("groups.list")), "ok");
}

// The server refuses at the frame's header while the client is still pushing the rest of the
// megabyte. Closing a socket with unread bytes would reset the connection, and the client
// would lose the close frame with it; the server reads on and drops them instead, so the
// client reads 1009 every time, not most times.
TEST_F(HostileInput, ClientStillSendingAMegabyteReadsTheCloseFrameEveryTime) {
    const auto ann = register_user("ann");
    const auto request = one_megabyte_request();
    for (int attempt = 1; attempt <= 20; ++attempt) {
        ws_client ws(port(), ann.token);
        EXPECT_TRUE(ws.send_text(request))
            << "attempt " << attempt << ": " << ws.close_description();
        ASSERT_EQ(ws.wait_close(), 1009) << "attempt " << attempt << ": " << ws.close_description();
    }
}

TEST_F(HostileInput, InvalidUtf8AndBinaryFramesAreAnsweredWithTheirCloseCodes) {
    const auto cal = register_user("cal");
    for (int attempt = 1; attempt <= 5; ++attempt) {
        ws_client bad_text(port(), cal.token);
        bad_text.send_text(std::string(R"({"id":1,"type":"groups.list","x":")") +
                           "\xFF\xFE\xC3\x28" + R"("})");
        EXPECT_EQ(bad_text.wait_close(), 1007) << bad_text.close_description();
        ws_client binary(port(), cal.token);
        binary.send_binary(R"({"id":1,"type":"groups.list"})");
        EXPECT_EQ(binary.wait_close(), 1003) << binary.close_description();
    }
}

TEST_F(HostileInputOverTls, ClientStillSendingAMegabyteReadsTheCloseFrameEveryTime) {
    const auto dan = register_user("dan");
    const auto request = one_megabyte_request();
    for (int attempt = 1; attempt <= 20; ++attempt) {
        ws_client ws(address(), token_auth(dan.token));
        EXPECT_TRUE(ws.send_text(request))
            << "attempt " << attempt << ": " << ws.close_description();
        ASSERT_EQ(ws.wait_close(), 1009) << "attempt " << attempt << ": " << ws.close_description();
    }
    ws_client again(address(), token_auth(dan.token));
    EXPECT_EQ(error_code_of(again.request("groups.list")), "ok");
}

TEST_F(HostileInput, FragmentedMessageWithinTheLimitIsAnsweredAsOne) {
    const auto group = create_group("Grantham");
    ws_client ws = member_of(group, "cal");
    const std::string text = repeated("fragment ", 300);
    const std::string frame = json::serialize(
        json::object{{"id", 7}, {"type", "messages.send"}, {"group", group}, {"text", text}});
    const std::string_view whole = frame;
    const std::size_t third = whole.size() / 3;
    ASSERT_TRUE(ws.send_text_in_fragments(
        {whole.substr(0, third), whole.substr(third, third), whole.substr(2 * third)}))
        << ws.close_description();
    const auto reply = ws.wait_reply(7);
    EXPECT_EQ(str(at_path(reply, "result.message.text")), text);
    const auto history = ws.call("messages.history", {{"group", group}});
    ASSERT_EQ(at_path(history, "messages").as_array().size(), 1u);
    EXPECT_EQ(str(at_path(history, "messages").as_array()[0].at("text")), text);
}

TEST_F(HostileInput, FragmentsTogetherOverTheLimitCloseWith1009) {
    const auto dee = register_user("dee");
    ws_client ws(port(), dee.token);
    // Each fragment is far below the limit; only their sum is over it.
    const std::string head = R"({"id":1,"type":"groups.list","padding":")";
    const std::string piece(16 * 1024, 'y');
    std::vector<std::string_view> fragments{head};
    for (std::size_t sent = head.size(); sent <= frame_limit; sent += piece.size())
        fragments.push_back(piece);
    fragments.push_back(R"("})");
    ws.send_text_in_fragments(fragments); // the server may close before the last one
    EXPECT_EQ(ws.wait_close(), 1009) << ws.close_description();
    ws_client again(port(), dee.token);
    EXPECT_EQ(error_code_of(again.request("groups.list")), "ok");
}

TEST_F(HostileInput, TenThousandLevelsOfNestingGetBadRequestAndTheSocketStaysUsable) {
    const auto eve = register_user("eve");
    ws_client ws(port(), eve.token);
    const std::vector<std::string> frames{
        R"({"id":1,"type":"groups.list","deep":)" + repeated("[", 10000) + repeated("]", 10000) +
            "}",
        R"({"id":2,"type":"groups.list","deep":)" + repeated(R"({"a":)", 10000) + "1" +
            repeated("}", 10000) + "}",
    };
    for (const auto& frame : frames) {
        ASSERT_LE(frame.size(), frame_limit);
        ASSERT_TRUE(ws.send_text(frame)) << ws.close_description();
        EXPECT_EQ(error_code_of(next_reply(ws)), "bad_request");
    }
    EXPECT_EQ(error_code_of(ws.request("groups.list")), "ok") << "the connection stays usable";
}

TEST_F(HostileInput, OutOfRangeGroupIdsGetBadRequestOrNotFound) {
    const auto fay = register_user("fay");
    ws_client ws(port(), fay.token);
    const std::vector<std::string> ids{"99999999999999999999",
                                       "-1",
                                       "0",
                                       "1e400",
                                       "-1e400",
                                       "9223372036854775808",
                                       "9223372036854775807",
                                       "-9223372036854775808",
                                       "18446744073709551615",
                                       "1.5",
                                       "1e3"};
    const std::vector<std::string> operations{"messages.send", "messages.history", "groups.join",
                                              "groups.members", "meetups.list"};
    int n = 100;
    for (const auto& operation : operations) {
        for (const auto& id : ids) {
            const int request_id = ++n;
            const std::string frame = R"({"id":)" + std::to_string(request_id) + R"(,"type":")" +
                                      operation + R"(","group":)" + id + R"(,"text":"hi"})";
            ASSERT_TRUE(ws.send_text(frame)) << frame << ": " << ws.close_description();
            // A frame the JSON parser refuses outright is answered with "id":null.
            const auto reply = next_reply(ws);
            EXPECT_TRUE(reply.at("id") == json::value(request_id) || reply.at("id").is_null())
                << json::serialize(reply);
            const auto code = error_code_of(reply);
            EXPECT_TRUE(code == "bad_request" || code == "not_found")
                << frame << " was answered " << json::serialize(reply);
        }
    }
    EXPECT_EQ(error_code_of(ws.request("groups.list")), "ok") << "the connection stays usable";
}
