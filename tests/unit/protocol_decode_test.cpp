#include "carecircle/protocol/encode.hpp"
#include "carecircle/protocol/requests.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

using namespace carecircle;
using namespace carecircle::protocol;

namespace {

envelope decode_ok(std::string_view frame) {
    auto decoded = decode_envelope(frame);
    EXPECT_TRUE(std::holds_alternative<envelope>(decoded)) << frame;
    return std::get<envelope>(std::move(decoded));
}

envelope_failure decode_bad(std::string_view frame) {
    auto decoded = decode_envelope(frame);
    EXPECT_TRUE(std::holds_alternative<envelope_failure>(decoded)) << frame;
    return std::get<envelope_failure>(std::move(decoded));
}

} // namespace

TEST(EnvelopeDecoding, KeepsIntegerAndStringIdsAsSent) {
    EXPECT_EQ(decode_ok(R"({"id":7,"type":"groups.list"})").id, boost::json::value(7));
    EXPECT_EQ(decode_ok(R"({"id":"abc","type":"groups.list"})").id, boost::json::value("abc"));
}

TEST(EnvelopeDecoding, SeparatesParamsFromIdAndType) {
    auto request = decode_ok(R"({"id":1,"type":"messages.send","group":3,"text":"hi"})");
    EXPECT_EQ(request.type, "messages.send");
    EXPECT_FALSE(request.params.contains("id"));
    EXPECT_FALSE(request.params.contains("type"));
    EXPECT_EQ(request.params.at("group"), 3);
}

TEST(EnvelopeDecoding, MalformedJsonHasNoId) {
    auto failure = decode_bad(R"({"id":1,"type":)");
    EXPECT_TRUE(failure.id.is_null());
    EXPECT_EQ(failure.problem.code, error_code::bad_request);
}

TEST(EnvelopeDecoding, MissingTypeEchoesTheId) {
    auto failure = decode_bad(R"({"id":42})");
    EXPECT_EQ(failure.id, boost::json::value(42));
    EXPECT_EQ(failure.problem.code, error_code::bad_request);
}

TEST(EnvelopeDecoding, RefusesNonObjectsAndDeepNesting) {
    decode_bad("[1,2,3]");
    decode_bad("\"text\"");
    std::string deep(10000, '[');
    deep += std::string(10000, ']');
    decode_bad(deep);
}

TEST(EnvelopeDecoding, RefusesInvalidUtf8) {
    decode_bad("{\"id\":1,\"type\":\"messages.send\",\"text\":\"\xff\xfe\"}");
}

TEST(MessageSendDecoding, AcceptsTextUpTo4000CodePointsAfterTrimming) {
    std::string emoji;
    for (int i = 0; i < 4000; ++i) {
        emoji += "\xF0\x9F\x98\x80"; // U+1F600, four bytes, one code point
    }
    boost::json::object params{{"group", 1}, {"text", emoji}};
    messages_send request;
    EXPECT_FALSE(decode(params, request));
    EXPECT_EQ(request.text, emoji);

    params["text"] = emoji + "\xF0\x9F\x98\x80";
    EXPECT_TRUE(decode(params, request));

    params["text"] = "   \n ";
    EXPECT_TRUE(decode(params, request));
}

TEST(MessageSendDecoding, KeepsHostileTextExactly) {
    const std::string hostile = "<script>alert(1)</script>'; DROP TABLE messages; --";
    boost::json::object params{{"group", 1}, {"text", hostile}};
    messages_send request;
    EXPECT_FALSE(decode(params, request));
    EXPECT_EQ(request.text, hostile);
}

TEST(MessageSendDecoding, RefusesWrongTypesAndSystemKind) {
    messages_send request;
    EXPECT_TRUE(decode(boost::json::object{{"group", "1"}, {"text", "hi"}}, request));
    EXPECT_TRUE(decode(boost::json::object{{"group", 1}, {"text", 5}}, request));
    EXPECT_TRUE(
        decode(boost::json::object{{"group", 1}, {"text", "hi"}, {"kind", "system"}}, request));
    EXPECT_TRUE(decode(boost::json::object{{"group", -4}, {"text", "hi"}}, request));
    auto huge = boost::json::parse(R"({"group":99999999999999999999999,"text":"hi"})");
    EXPECT_TRUE(decode(huge.as_object(), request));
}

TEST(HistoryDecoding, DefaultsAndBounds) {
    messages_history request;
    EXPECT_FALSE(decode(boost::json::object{{"group", 2}}, request));
    EXPECT_EQ(request.limit, 50);
    EXPECT_FALSE(request.before);
    EXPECT_TRUE(decode(boost::json::object{{"group", 2}, {"limit", 0}}, request));
    EXPECT_TRUE(decode(boost::json::object{{"group", 2}, {"limit", 101}}, request));
    EXPECT_TRUE(decode(boost::json::object{{"group", 2}, {"before", 5}, {"after", 1}}, request));
    EXPECT_FALSE(decode(boost::json::object{{"group", 2}, {"after", 10}, {"limit", 100}}, request));
    EXPECT_EQ(request.after, Seq{10});
}

TEST(ReplyEncoding, ErrorRepliesCarryCodeAndRetryAfter) {
    auto problem = make_error(error_code::rate_limited, "slow down");
    problem.retry_after_ms = 250;
    auto reply = boost::json::parse(encode_error_reply(boost::json::value("x"), problem));
    EXPECT_EQ(reply.at("id"), "x");
    EXPECT_EQ(reply.at("ok"), false);
    EXPECT_EQ(reply.at("error").at("code"), "rate_limited");
    EXPECT_EQ(reply.at("error").at("retry_after_ms"), 250);
}

TEST(ReplyEncoding, DeletedMessagesHaveEmptyText) {
    Message message;
    message.id = MessageId{1};
    message.group = GroupId{2};
    message.seq = Seq{3};
    message.text = "secret";
    message.deleted = true;
    message.created_at = timestamp{std::chrono::milliseconds{1797004800123}};
    auto json = to_json(message);
    EXPECT_EQ(json.at("text"), "");
    EXPECT_EQ(json.at("deleted"), true);
    EXPECT_EQ(json.at("created_at"), "2026-12-11T16:00:00.123Z");
}

TEST(Timestamps, ReadBackWhatTheServerWrites) {
    const auto at = parse_timestamp("2026-12-11T16:00:00.250Z");
    ASSERT_TRUE(at);
    EXPECT_EQ(format_timestamp(*at), "2026-12-11T16:00:00.250Z");
    EXPECT_EQ(format_timestamp(*parse_timestamp("2027-03-28T01:30:00Z")),
              "2027-03-28T01:30:00.000Z");
    EXPECT_FALSE(parse_timestamp("2027-02-30T10:00:00Z"));
    EXPECT_FALSE(parse_timestamp("tomorrow"));
    EXPECT_FALSE(parse_timestamp("2026-12-11T16:00:00.000Z trailing"));
}

TEST(ModerationDecoding, MuteNeedsATimeAndBanMayBeForGood) {
    groups_mute mute;
    EXPECT_TRUE(decode(boost::json::object{{"group", 1}, {"user", 2}}, mute));
    EXPECT_FALSE(decode(
        boost::json::object{{"group", 1}, {"user", 2}, {"until", "2030-01-01T00:00:00.000Z"}},
        mute));
    groups_ban ban;
    EXPECT_FALSE(decode(boost::json::object{{"group", 1}, {"user", 2}, {"reason", "spam"}}, ban));
    EXPECT_FALSE(ban.until);
    EXPECT_EQ(ban.reason, "spam");
    reports_resolve resolve;
    EXPECT_TRUE(decode(boost::json::object{{"report", 1}, {"action", "ignore"}}, resolve));
    EXPECT_FALSE(decode(boost::json::object{{"report", 1}, {"action", "delete_message"}}, resolve));
    EXPECT_TRUE(resolve.delete_message);
}

TEST(Timestamps, MalformedSecondsAreRefusedNotMisread) {
    // Found by fuzzing: the date library read these seconds as NaN.
    EXPECT_FALSE(parse_timestamp("2027-01-01T0:00000:.000Z"));
    EXPECT_FALSE(parse_timestamp("2027-01-01T00:00:0a.000Z"));
}

TEST(RetentionDecoding, DaysAreWholeAndInRangeOrNullForGood) {
    groups_set_retention req;
    EXPECT_FALSE(decode(boost::json::object{{"group", 1}, {"retention_days", 90}}, req));
    ASSERT_TRUE(req.retention);
    EXPECT_EQ(req.retention->count(), 90);
    EXPECT_FALSE(decode(boost::json::object{{"group", 1}, {"retention_days", nullptr}}, req));
    EXPECT_FALSE(req.retention);
    // Required, so that a forgotten field never silently means "keep for good".
    EXPECT_TRUE(decode(boost::json::object{{"group", 1}}, req));
    for (const boost::json::value& bad : {boost::json::value(0), boost::json::value(3651),
                                          boost::json::value("90"), boost::json::value(9.5)}) {
        EXPECT_TRUE(decode(boost::json::object{{"group", 1}, {"retention_days", bad}}, req))
            << boost::json::serialize(bad);
    }

    groups_create create;
    const boost::json::object group{
        {"name", "Derby"}, {"region", "East Midlands"}, {"visibility", "public"}};
    EXPECT_FALSE(decode(group, create));
    EXPECT_FALSE(create.retention);
    auto keeping = group;
    keeping["retention_days"] = 365;
    EXPECT_FALSE(decode(keeping, create));
    EXPECT_EQ(create.retention->count(), 365);
}

TEST(ReplyEncoding, GroupsSayHowLongTheyKeepMessagesEvenToOutsiders) {
    Group group;
    group.id = GroupId{1};
    group.retention = std::chrono::days{30};
    EXPECT_EQ(to_json(group, false).at("retention_days").as_int64(), 30);
    group.retention.reset();
    EXPECT_TRUE(to_json(group, true).at("retention_days").is_null());
}
