// Encoding replies: the history reply built from messages encoded beforehand must be the very
// bytes of the ordinary reply, whatever the request id holds.

#include "carecircle/protocol/encode.hpp"

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace carecircle;
namespace json = boost::json;

namespace {

Message message(std::int64_t seq, std::string text) {
    return Message{MessageId{100 + seq},
                   GroupId{7},
                   Seq{seq},
                   Author{UserId{3}, "amy", "Amy \"A\" Pond [care]"},
                   message_kind::text,
                   std::move(text),
                   timestamp{std::chrono::milliseconds{1'790'000'000'000 + seq}},
                   false};
}

void expect_same_as_encode_reply(const json::value& id, const std::vector<Message>& messages,
                                 bool has_more, const std::vector<Message>& pinned = {}) {
    std::vector<std::string> encoded;
    json::array as_json;
    for (const auto& m : messages) {
        encoded.push_back(json::serialize(protocol::to_json(m)));
        as_json.push_back(protocol::to_json(m));
    }
    const User pinner{UserId{4}, "rory", "Rory [] Williams", site_role::member};
    std::vector<std::string> pins_encoded;
    json::array pins_json;
    for (const auto& m : pinned) {
        const auto pin = protocol::pin_to_json(m, pinner, m.created_at);
        pins_encoded.push_back(json::serialize(pin));
        pins_json.push_back(pin);
    }
    const std::vector<std::string_view> views(encoded.begin(), encoded.end());
    const std::vector<std::string_view> pin_views(pins_encoded.begin(), pins_encoded.end());
    EXPECT_EQ(protocol::encode_history_reply(id, views, has_more, pin_views),
              protocol::encode_reply(
                  id, {{"messages", as_json}, {"has_more", has_more}, {"pinned", pins_json}}));
}

} // namespace

TEST(EncodeHistoryReply, MatchesTheOrdinaryReply) {
    expect_same_as_encode_reply(1, {}, false);
    expect_same_as_encode_reply(2, {message(1, "hello")}, true);
    expect_same_as_encode_reply(
        3, {message(1, "[] {} \"quoted\""), message(2, "<b>x</b>"), message(3, "ünïcødé 🙂")},
        false);
}

TEST(EncodeHistoryReply, CarriesThePinnedMessagesAfterThePage) {
    expect_same_as_encode_reply(4, {}, false, {message(1, "[]")});
    expect_same_as_encode_reply(5, {message(2, "b"), message(3, "c")}, true,
                                {message(3, "c"), message(1, "first")});
    expect_same_as_encode_reply("[]", {message(1, "a")}, false, {message(1, "a")});
}

TEST(EncodeHistoryReply, AnIdThatLooksLikeTheArrayChangesNothing) {
    expect_same_as_encode_reply("[]", {message(1, "a")}, false);
    expect_same_as_encode_reply(R"("messages":[],"has_more":true})", {message(1, "a")}, true);
    expect_same_as_encode_reply(json::array{json::array{}, "[]"}, {message(2, "b")}, false);
}
