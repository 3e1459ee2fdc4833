// The group list says what is new: each group the caller may read carries its latest message
// (who, the start of it, when), so a worker sees where the talk is without opening every group.

#include "moderation_fixture.hpp"

#include <gtest/gtest.h>

using namespace carecircle::test;

namespace {

class GroupList : public moderation_test {};

std::size_t code_points(std::string_view text) {
    std::size_t n = 0;
    for (const char c : text) {
        n += (static_cast<unsigned char>(c) & 0xc0) != 0x80 ? 1 : 0;
    }
    return n;
}

} // namespace

TEST_F(GroupList, EachGroupShowsItsLatestMessage) {
    const auto busy = create_group("Nottingham");
    const auto quiet = create_group("Lincoln");
    const auto amy = register_user("amy", "Amy Carer");
    auto ws = connect(amy);
    join(ws, busy);
    send(admin_ws(), busy, "Morning all");
    const auto latest = send(ws, busy, "Anyone doing the 7am run\nin Beeston?");

    const auto listed = listed_group(ws, busy);
    const auto& last = listed.at("last_message");
    EXPECT_EQ(last.at("id"), latest.at("id"));
    EXPECT_EQ(last.at("seq"), latest.at("seq"));
    EXPECT_EQ(last.at("created_at"), latest.at("created_at"));
    EXPECT_EQ(last.at("deleted"), json::value(false));
    EXPECT_EQ(str(last.at("excerpt")), "Anyone doing the 7am run in Beeston?");
    EXPECT_EQ(last.at("author"), json::value(amy.user)) << "a User, role included";

    EXPECT_TRUE(listed_group(ws, quiet).at("last_message").is_null());

    // A non-member of a public group may read it, and so sees what was said last.
    auto ben = connect(register_user("ben", "Ben Carer"));
    EXPECT_EQ(at_path(listed_group(ben, busy), "last_message.id"), latest.at("id"));
}

TEST_F(GroupList, ALongMessageIsCutWithoutBreakingACharacter) {
    const auto group = create_group("Nottingham");
    std::string text;
    for (int i = 0; i < 30; ++i) {
        text += "caf\u00e9 \U0001F469\U0001F3FD\u200D\u2695\uFE0F ";
    }
    send(admin_ws(), group, text);
    const auto excerpt = str(at_path(listed_group(admin_ws(), group), "last_message.excerpt"));
    EXPECT_LE(code_points(excerpt), 81u);
    EXPECT_GE(code_points(excerpt), 70u);
    EXPECT_EQ(excerpt.rfind("\u2026"), excerpt.size() - 3) << "ends with an ellipsis";
    EXPECT_EQ(text.rfind(excerpt.substr(0, excerpt.size() - 3), 0), 0u) << "the start of the text";
}

TEST_F(GroupList, APrivateGroupsLatestMessageStaysInside) {
    const auto c = make_circle("Nottingham homecare workers");
    auto amy = connect(c.amy);
    send(amy, c.group, "Mrs K's key safe code changed");
    const auto outsider = register_user("olly", "Olly Outsider");
    auto olly = connect(outsider);

    const auto seen_outside = listed_group(olly, c.group);
    EXPECT_TRUE(seen_outside.at("last_message").is_null());
    EXPECT_FALSE(mentions(seen_outside, "key safe"));
    // A pending request does not open it either.
    join(olly, c.group);
    EXPECT_TRUE(listed_group(olly, c.group).at("last_message").is_null());

    EXPECT_FALSE(listed_group(amy, c.group).at("last_message").is_null());
    auto site = connect(site_moderator());
    EXPECT_FALSE(listed_group(site, c.group).at("last_message").is_null());
}

TEST_F(GroupList, ADeletedLatestMessageShowsAsDeleted) {
    const auto group = create_group("Nottingham");
    const auto message = send(admin_ws(), group, "Wrong group, sorry");
    admin_ws().call("messages.delete", {{"group", group}, {"message", message.at("id")}});
    const auto last = listed_group(admin_ws(), group).at("last_message");
    EXPECT_EQ(last.at("id"), message.at("id"));
    EXPECT_EQ(last.at("deleted"), json::value(true));
    EXPECT_EQ(str(last.at("excerpt")), "");
}

TEST_F(GroupList, TheLatestMessageIsKnownAfterARestart) {
    const auto group = create_group("Nottingham");
    const auto message = send(admin_ws(), group, "See you Thursday");
    server().restart();
    auto ws = connect(admin());
    EXPECT_EQ(str(at_path(listed_group(ws, group), "last_message.excerpt")), "See you Thursday");
    EXPECT_EQ(at_path(listed_group(ws, group), "last_message.id"), message.at("id"));
}

namespace {

// Without a history window nothing is kept for history, but the group list still needs the
// latest message of each group.
class GroupListWithoutWindow : public GroupList {
protected:
    server_options options() const override {
        auto o = GroupList::options();
        o.extra_args.insert(o.extra_args.end(), {"--history-window", "0"});
        return o;
    }
};

} // namespace

TEST_F(GroupListWithoutWindow, TheLatestMessageIsStillShown) {
    const auto group = create_group("Nottingham");
    send(admin_ws(), group, "first");
    EXPECT_EQ(str(at_path(listed_group(admin_ws(), group), "last_message.excerpt")), "first");
    server().restart();
    auto ws = connect(admin());
    send(ws, group, "second");
    EXPECT_EQ(str(at_path(listed_group(ws, group), "last_message.excerpt")), "second");
    EXPECT_EQ(ws.call("messages.history", {{"group", group}}).at("messages").as_array().size(), 2u);
}
