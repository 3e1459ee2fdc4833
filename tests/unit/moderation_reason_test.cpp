// What a moderator may write to the person they act on, and the start of a deleted message
// kept in the log (protocol/README.md "Reasons" and "Moderation log").
#include "carecircle/protocol/requests.hpp"
#include "carecircle/protocol/validation.hpp"

#include <gtest/gtest.h>
#include <string>

using namespace carecircle;

namespace {

std::string repeated(std::string_view piece, int times) {
    std::string out;
    for (int i = 0; i < times; ++i) {
        out += piece;
    }
    return out;
}

} // namespace

TEST(Excerpts, KeepShortTextWhole) {
    EXPECT_EQ(validation::excerpt("See you at the library", 80), "See you at the library");
    EXPECT_EQ(validation::excerpt("", 80), "");
    EXPECT_EQ(validation::excerpt(std::string(80, 'a'), 80), std::string(80, 'a'));
}

TEST(Excerpts, CutLongTextAtWholeCharactersAndSaySo) {
    EXPECT_EQ(validation::excerpt(std::string(81, 'a'), 80), std::string(80, 'a') + "\u2026");
    // Two-byte and four-byte characters are never split.
    EXPECT_EQ(validation::excerpt(repeated("\xC3\xA9", 100), 80),
              repeated("\xC3\xA9", 80) + "\u2026");
    EXPECT_EQ(validation::excerpt("ab" + repeated("\xF0\x9F\x98\x80", 3), 3),
              "ab\xF0\x9F\x98\x80\u2026");
}

TEST(ModeratorReasons, AreOptionalTrimmedAndAtMost500Characters) {
    protocol::groups_mute mute;
    const boost::json::object base{
        {"group", 1}, {"user", 2}, {"until", "2026-12-11T16:00:00.000Z"}};
    EXPECT_FALSE(protocol::decode(base, mute));
    EXPECT_EQ(mute.reason, "");

    auto with = [&](std::string reason) {
        auto params = base;
        params["reason"] = reason;
        return params;
    };
    EXPECT_FALSE(protocol::decode(with("  Off topic  "), mute));
    EXPECT_EQ(mute.reason, "Off topic");
    EXPECT_FALSE(protocol::decode(with(repeated("\xC3\xA9", 500)), mute));
    EXPECT_TRUE(protocol::decode(with(repeated("\xC3\xA9", 501)), mute));
}

TEST(ModeratorReasons, RefuseControlCharactersAndLineBreaks) {
    protocol::groups_remove remove;
    protocol::messages_delete deletion;
    protocol::groups_ban ban;
    for (const std::string reason : {"two\nlines", "tab\there", "bell\x07", "c1\xC2\x85"}) {
        EXPECT_TRUE(protocol::decode(
            boost::json::object{{"group", 1}, {"user", 2}, {"reason", reason}}, remove))
            << reason;
        EXPECT_TRUE(protocol::decode(
            boost::json::object{{"group", 1}, {"message", 3}, {"reason", reason}}, deletion))
            << reason;
        EXPECT_TRUE(protocol::decode(
            boost::json::object{{"group", 1}, {"user", 2}, {"reason", reason}}, ban))
            << reason;
    }
    EXPECT_TRUE(
        protocol::decode(boost::json::object{{"group", 1}, {"user", 2}, {"reason", 5}}, remove));
    EXPECT_FALSE(protocol::decode(boost::json::object{{"group", 1}, {"message", 3}}, deletion));
    EXPECT_EQ(deletion.reason, "");
}
