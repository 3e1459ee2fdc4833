// What the people moderation acts on are told, and what moderators see of it: reasons given
// with removal, bans, mutes and deletions; who is muted, in the member list; and the start of
// each deleted message in the moderation log (protocol/README.md "Groups", "Reasons" and
// "Moderation log").

#include "moderation_fixture.hpp"

#include <gtest/gtest.h>
#include <string>

using namespace carecircle::test;

namespace {

class ModerationReasons : public moderation_test {
protected:
    // `who`'s entry in the group's member list as `viewer` sees it.
    static json::object member_entry(ws_client& viewer, std::int64_t group, std::int64_t who) {
        const auto members = at_path(viewer.call("groups.members", {{"group", group}}), "members");
        for (const auto& m : members.as_array())
            if (num(at_path(m, "user.id")) == who)
                return m.as_object();
        ADD_FAILURE() << who << " is not in " << members;
        return {};
    }

    // A moderator of the group who is not a site moderator.
    account group_moderator(std::int64_t group) {
        auto mona = register_user("mona", "Mona Moderator");
        add_member(group, mona);
        set_role(group, mona, "moderator");
        return mona;
    }
};

std::string repeated(std::string_view piece, int times) {
    std::string out;
    for (int i = 0; i < times; ++i)
        out += piece;
    return out;
}

} // namespace

// --- who is muted, in the member list ------------------------------------------------------

TEST_F(ModerationReasons, ModeratorsSeeInTheMemberListWhoIsMutedAndUntilWhen) {
    const auto c = make_circle("Nottingham homecare workers");
    const auto mona = group_moderator(c.group);
    auto mona_ws = connect(mona);
    auto ben_ws = connect(c.ben);
    const auto until = iso_in(2h);
    admin_ws().call("groups.mute", {{"group", c.group}, {"user", c.amy.id()}, {"until", until}});

    for (auto* moderator : {&admin_ws(), &mona_ws}) {
        EXPECT_EQ(member_entry(*moderator, c.group, c.amy.id()).at("muted_until"),
                  json::value(until));
        EXPECT_EQ(member_entry(*moderator, c.group, c.ben.id()).at("muted_until"),
                  json::value(nullptr));
    }
    // Members see who is in the group, not who is being disciplined.
    const auto seen_by_ben = member_entry(ben_ws, c.group, c.amy.id());
    EXPECT_FALSE(seen_by_ben.contains("muted_until")) << seen_by_ben;

    admin_ws().call("groups.mute",
                    {{"group", c.group}, {"user", c.amy.id()}, {"until", iso_in(-1min)}});
    EXPECT_EQ(member_entry(mona_ws, c.group, c.amy.id()).at("muted_until"), json::value(nullptr));
}

TEST_F(ModerationReasons, OtherModeratorsHearOfAMuteAndItsEndAsTheyHappen) {
    const auto c = make_circle("Nottingham homecare workers");
    const auto mona = group_moderator(c.group);
    auto mona_ws = connect(mona);
    auto ben_ws = connect(c.ben);
    drain(mona_ws);
    const auto until = iso_in(1h);

    admin_ws().call("groups.mute", {{"group", c.group}, {"user", c.amy.id()}, {"until", until}});
    const auto muted = mona_ws.next_event("member.muted");
    EXPECT_EQ(muted.at("group"), json::value(c.group)) << muted;
    EXPECT_EQ(muted.at("user"), json::value(c.amy.user)) << muted;
    EXPECT_EQ(muted.at("until"), json::value(until)) << muted;

    admin_ws().call("groups.mute",
                    {{"group", c.group}, {"user", c.amy.id()}, {"until", iso_in(-1min)}});
    EXPECT_EQ(mona_ws.next_event("member.muted").at("until"), json::value(nullptr));
    EXPECT_TRUE(ben_ws.no_event("member.muted", 300ms)) << "ordinary members are not told";
}

// --- reasons the person acted on is told ---------------------------------------------------

TEST_F(ModerationReasons, MutedPersonSeesTheReasonLiveAfterAReloadAndAfterARestart) {
    const auto c = make_circle("Nottingham homecare workers");
    auto amy = connect(c.amy);
    const auto until = iso_in(1h);
    const std::string reason = "Please keep residents' names out of the chat";

    admin_ws().call(
        "groups.mute",
        {{"group", c.group}, {"user", c.amy.id()}, {"until", until}, {"reason", reason}});
    const auto event = amy.next_event("membership.muted");
    EXPECT_EQ(event.at("until"), json::value(until)) << event;
    EXPECT_EQ(event.at("reason"), json::value(reason)) << event;
    EXPECT_EQ(at_path(listed_group(amy, c.group), "my_membership.mute_reason"),
              json::value(reason));
    const auto entry = log_entries(c.group).at(0);
    EXPECT_EQ(entry.at("action"), json::value("mute")) << entry;
    EXPECT_EQ(entry.at("reason"), json::value(reason)) << entry;

    amy.close();
    admin_ws().close();
    server().restart();
    ws_client again(port(), c.amy.token);
    const auto membership = at_path(listed_group(again, c.group), "my_membership");
    EXPECT_EQ(at_path(membership, "muted_until"), json::value(until)) << membership;
    EXPECT_EQ(at_path(membership, "mute_reason"), json::value(reason)) << membership;
}

TEST_F(ModerationReasons, RemovedPersonIsToldWhyOnEveryConnection) {
    const auto c = make_circle("Nottingham homecare workers");
    auto phone = connect(c.amy);
    auto laptop = connect(c.amy);
    auto ben = connect(c.ben);
    const std::string reason = "Shared a client's address";

    admin_ws().call("groups.remove",
                    {{"group", c.group}, {"user", c.amy.id()}, {"reason", reason}});
    for (auto* ws : {&phone, &laptop}) {
        const auto removed = ws->next_event("membership.removed");
        EXPECT_EQ(removed.at("group"), json::value(c.group)) << removed;
        EXPECT_EQ(removed.at("reason"), json::value(reason)) << removed;
        EXPECT_EQ(removed.at("banned"), json::value(false)) << removed;
    }
    EXPECT_TRUE(ben.no_event("membership.removed", 300ms));
    const auto entry = log_entries(c.group).at(0);
    EXPECT_EQ(entry.at("action"), json::value("remove")) << entry;
    EXPECT_EQ(entry.at("reason"), json::value(reason)) << entry;
}

TEST_F(ModerationReasons, BannedPersonIsToldWhyAndUntilWhen) {
    const auto c = make_circle("Nottingham homecare workers");
    auto amy = connect(c.amy);
    const auto until = iso_in(24h);

    admin_ws().call("groups.ban", {{"group", c.group},
                                   {"user", c.amy.id()},
                                   {"until", until},
                                   {"reason", "Kept posting adverts"}});
    const auto removed = amy.next_event("membership.removed");
    EXPECT_EQ(removed.at("reason"), json::value("Kept posting adverts")) << removed;
    EXPECT_EQ(removed.at("banned"), json::value(true)) << removed;
    EXPECT_EQ(removed.at("until"), json::value(until)) << removed;
}

TEST_F(ModerationReasons, AuthorIsToldWhichMessageAModeratorDeletedAndWhy) {
    const auto c = make_circle("Nottingham homecare workers");
    auto amy = connect(c.amy);
    auto ben = connect(c.ben);
    const auto message = send(amy, c.group, "Mrs Patel at 14 Elm Road was upset today");
    drain(amy);
    drain(ben);
    const std::string reason = "Names and addresses stay out of the group";

    EXPECT_EQ(
        admin_ws().call("messages.delete",
                        {{"group", c.group}, {"message", message.at("id")}, {"reason", reason}}),
        json::object{});
    const auto told = amy.next_event("message.deleted_by_moderator");
    EXPECT_EQ(told, (json::object{{"event", "message.deleted_by_moderator"},
                                  {"group", c.group},
                                  {"message", message.at("id")},
                                  {"seq", message.at("seq")},
                                  {"excerpt", "Mrs Patel at 14 Elm Road was upset today"},
                                  {"reason", reason}}));
    // The group learns only that the message went.
    EXPECT_EQ(ben.next_event("message.deleted").at("message"), message.at("id"));
    EXPECT_TRUE(ben.no_event("message.deleted_by_moderator", 300ms));

    const auto entry = log_entries(c.group).at(0);
    EXPECT_EQ(entry.at("action"), json::value("delete")) << entry;
    EXPECT_EQ(entry.at("reason"), json::value(reason)) << entry;
}

TEST_F(ModerationReasons, AuthorsDeletingTheirOwnMessagesAreNotToldOff) {
    const auto c = make_circle("Nottingham homecare workers");
    auto amy = connect(c.amy);
    const auto message = send(amy, c.group, "Oops, wrong group");
    const auto log_size = log_entries(c.group).size();

    amy.call("messages.delete",
             {{"group", c.group}, {"message", message.at("id")}, {"reason", "my mistake"}});
    amy.next_event("message.deleted");
    EXPECT_TRUE(amy.no_event("message.deleted_by_moderator", 300ms));
    EXPECT_EQ(log_entries(c.group).size(), log_size);
}

TEST_F(ModerationReasons, ReasonsThatAreTooLongOrBreakTheLineAreRefusedAndNothingHappens) {
    const auto c = make_circle("Nottingham homecare workers");
    auto amy = connect(c.amy);
    const auto message = send(amy, c.group, "Still here");
    const auto log_size = log_entries(c.group).size();
    const auto ok_length = repeated("é", 500);
    const auto too_long = repeated("é", 501);

    for (const auto& reason : {too_long, std::string("two\nlines"), std::string("bell\x07")}) {
        const json::object requests[] = {
            {{"type", "groups.remove"}, {"group", c.group}, {"user", c.amy.id()}},
            {{"type", "groups.ban"}, {"group", c.group}, {"user", c.amy.id()}},
            {{"type", "groups.mute"},
             {"group", c.group},
             {"user", c.amy.id()},
             {"until", iso_in(1h)}},
            {{"type", "messages.delete"}, {"group", c.group}, {"message", message.at("id")}},
        };
        for (auto params : requests) {
            const auto type = str(params.at("type"));
            params.erase("type");
            params["reason"] = reason;
            const auto reply = admin_ws().request(type, params);
            EXPECT_EQ(error_code_of(reply), "bad_request") << type << ": " << reply;
        }
    }
    EXPECT_EQ(log_entries(c.group).size(), log_size);
    EXPECT_TRUE(can_send(c.amy, c.group)) << "still a member, not muted";
    EXPECT_EQ(history(amy, c.group).at(0).at("deleted"), json::value(false));

    admin_ws().call("groups.mute", {{"group", c.group},
                                    {"user", c.amy.id()},
                                    {"until", iso_in(1h)},
                                    {"reason", "  " + ok_length + "  "}});
    EXPECT_EQ(log_entries(c.group).at(0).at("reason"), json::value(ok_length))
        << "500 characters fit, and the spaces around them are trimmed";
}

// --- what the log keeps of a deleted message -----------------------------------------------

TEST_F(ModerationReasons, LogKeepsTheStartOfADeletedMessageAndWhoWroteIt) {
    const auto c = make_circle("Nottingham homecare workers");
    auto amy = connect(c.amy);
    // 79 letters and then emoji, each of them one character of four bytes.
    const auto start = repeated("a", 79);
    const auto long_text = start + repeated("\xF0\x9F\x98\x80", 30);
    const auto message = send(amy, c.group, long_text);

    admin_ws().call("messages.delete", {{"group", c.group}, {"message", message.at("id")}});
    const auto entry = log_entries(c.group).at(0);
    EXPECT_EQ(entry.at("action"), json::value("delete")) << entry;
    EXPECT_EQ(entry.at("target"), json::value(c.amy.user)) << entry;
    EXPECT_EQ(entry.at("message"), message.at("id")) << entry;
    EXPECT_EQ(entry.at("excerpt"), json::value(start + "\xF0\x9F\x98\x80\xE2\x80\xA6"))
        << "the first 80 characters, whole, and an ellipsis";
    EXPECT_EQ(str(history(amy, c.group).at(0).at("text")), "") << "the message itself is gone";

    // Entries about anything else carry no excerpt.
    admin_ws().call("groups.mute",
                    {{"group", c.group}, {"user", c.ben.id()}, {"until", iso_in(1h)}});
    EXPECT_EQ(log_entries(c.group).at(0).at("excerpt"), json::value(nullptr));
}

TEST_F(ModerationReasons, ResolvingAReportByDeletionKeepsTheStartOfTheMessageAndTellsTheAuthor) {
    const auto c = make_circle("Nottingham homecare workers");
    auto amy = connect(c.amy);
    auto ben = connect(c.ben);
    const auto message = send(amy, c.group, "Anyone want a lift to the Queens Medical Centre?");
    const auto report = ben.call("messages.report", {{"group", c.group},
                                                     {"message", message.at("id")},
                                                     {"reason", "Posted in the wrong group"}});
    drain(amy);

    admin_ws().call("reports.resolve",
                    {{"report", at_path(report, "report.id")}, {"action", "delete_message"}});
    const auto entry = log_entries(c.group).at(0);
    EXPECT_EQ(entry.at("action"), json::value("resolve")) << entry;
    EXPECT_EQ(entry.at("reason"), json::value("delete_message")) << entry;
    EXPECT_EQ(entry.at("target"), json::value(c.amy.user)) << entry;
    EXPECT_EQ(entry.at("excerpt"), json::value("Anyone want a lift to the Queens Medical Centre?"));

    const auto told = amy.next_event("message.deleted_by_moderator");
    EXPECT_EQ(told.at("message"), message.at("id")) << told;
    EXPECT_EQ(told.at("reason"), json::value("")) << told;
    EXPECT_FALSE(mentions(told, "Posted in the wrong group")) << "the report stays with moderators";

    // A dismissed report deletes nothing, so there is nothing to quote.
    const auto other = send(amy, c.group, "Second try");
    const auto second =
        ben.call("messages.report",
                 {{"group", c.group}, {"message", other.at("id")}, {"reason", "Still off topic"}});
    admin_ws().call("reports.resolve",
                    {{"report", at_path(second, "report.id")}, {"action", "dismiss"}});
    EXPECT_EQ(log_entries(c.group).at(0).at("excerpt"), json::value(nullptr));
}

TEST_F(ModerationReasons, OnlyModeratorsReadWhatWasDeleted) {
    const auto c = make_circle("Nottingham homecare workers");
    auto amy = connect(c.amy);
    auto ben = connect(c.ben);
    const auto message = send(amy, c.group, "Something best forgotten");
    ben.next_event("message.created");
    admin_ws().call("messages.delete", {{"group", c.group}, {"message", message.at("id")}});

    EXPECT_FALSE(mentions(ben.next_event("message.deleted"), "forgotten"));
    const auto reply = ben.request("moderation.log", {{"group", c.group}});
    EXPECT_EQ(error_code_of(reply), "forbidden") << reply;
    EXPECT_FALSE(mentions(reply, "forgotten")) << reply;
    EXPECT_TRUE(ben.no_event("message.deleted_by_moderator", 300ms));
}
