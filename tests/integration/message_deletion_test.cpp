// Deleting a message: by its author or a group moderator; history keeps its seq; every member
// sees it go (PROTOCOL.md section 3 "Messages").

#include "moderation_fixture.hpp"

#include <gtest/gtest.h>
#include <string>
#include <utility>
#include <vector>

using namespace carecircle::test;

namespace {

class MessageDeletion : public moderation_test {};

json::object deleted_event(std::int64_t group, const json::object& message) {
    return {{"event", "message.deleted"},
            {"group", group},
            {"message", message.at("id")},
            {"seq", message.at("seq")}};
}

} // namespace

TEST_F(MessageDeletion, AuthorDeletesTheirOwnMessageAndEveryoneSeesItGo) {
    const auto group = create_group("Nottingham");
    const auto amy = register_user("amy", "Amy Carer");
    const auto ben = register_user("ben", "Ben Carer");
    auto amy_ws = connect(amy);
    auto ben_ws = connect(ben);
    join(amy_ws, group);
    join(ben_ws, group);
    const auto regretted = send(amy_ws, group, "Mrs K at 14 Elm Road is a nightmare");
    const auto kept = send(ben_ws, group, "Long day, everyone?");

    EXPECT_EQ(amy_ws.call("messages.delete", {{"group", group}, {"message", regretted.at("id")}}),
              json::object{});
    for (auto* ws : {&amy_ws, &ben_ws, &admin_ws()})
        EXPECT_EQ(ws->next_event("message.deleted"), deleted_event(group, regretted));

    const auto stored = history(ben_ws, group);
    ASSERT_EQ(stored.size(), 2u) << stored;
    json::object tombstone = regretted;
    tombstone["deleted"] = true;
    tombstone["text"] = "";
    EXPECT_EQ(stored[0], json::value(tombstone)) << "the seq, author and time stay";
    EXPECT_EQ(stored[1], json::value(kept));
    EXPECT_FALSE(mentions(stored, "Elm Road"));
    EXPECT_EQ(send(ben_ws, group, "next").at("seq"), json::value(3)) << "no seq is reused";

    // Deleting one's own message is not a moderation action.
    EXPECT_TRUE(log_entries(group).empty());

    // Deleting it again changes nothing and announces nothing.
    EXPECT_EQ(amy_ws.call("messages.delete", {{"group", group}, {"message", regretted.at("id")}}),
              json::object{});
    EXPECT_TRUE(ben_ws.no_event("message.deleted", 300ms));
}

TEST_F(MessageDeletion, ModeratorDeletesSomeoneElsesMessageAndItIsLogged) {
    const auto c = make_circle("Nottingham homecare workers");
    const auto mona = register_user("mona", "Mona Moderator");
    add_member(c.group, mona);
    set_role(c.group, mona, "moderator");
    auto mona_ws = connect(mona);
    auto amy_ws = connect(c.amy);
    auto ben_ws = connect(c.ben);
    const auto message = send(amy_ws, c.group, "Selling my old uniform, DM me");

    EXPECT_EQ(mona_ws.call("messages.delete", {{"group", c.group}, {"message", message.at("id")}}),
              json::object{});
    for (auto* ws : {&amy_ws, &ben_ws, &mona_ws})
        EXPECT_EQ(ws->next_event("message.deleted"), deleted_event(c.group, message));
    const auto stored = history(amy_ws, c.group);
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].at("deleted"), json::value(true));
    EXPECT_EQ(stored[0].at("text"), json::value(""));

    const auto entry = log_entries(c.group).at(0);
    EXPECT_EQ(entry.at("action"), json::value("delete")) << entry;
    EXPECT_EQ(entry.at("actor"), json::value(mona.user)) << entry;
    EXPECT_EQ(entry.at("target"), json::value(c.amy.user)) << entry;
    EXPECT_EQ(entry.at("message"), message.at("id")) << entry;
}

TEST_F(MessageDeletion, OtherPeopleCannotDeleteAMessage) {
    const auto c = make_circle("Nottingham", "public");
    const auto sam = register_user("sam");
    auto amy_ws = connect(c.amy);
    const auto message = send(amy_ws, c.group, "Does anyone cover Beeston on Sundays?");

    for (const auto* who : {&c.ben, &c.organiser, &sam}) {
        auto ws = connect(*who);
        const auto reply =
            ws.request("messages.delete", {{"group", c.group}, {"message", message.at("id")}});
        EXPECT_EQ(error_code_of(reply), "forbidden") << who->username << ": " << reply;
    }
    EXPECT_TRUE(amy_ws.no_event("message.deleted", 300ms));
    const auto stored = history(amy_ws, c.group);
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0], json::value(message));
}

TEST_F(MessageDeletion, MessageOfAnotherGroupIsNotFound) {
    const auto here = create_group("Nottingham");
    const auto there = create_group("Worcestershire");
    ws_client ws = member_of(here, "amy");
    join(ws, there);
    const auto here_message = send(ws, here, "Hello Nottingham");
    const auto there_message = send(ws, there, "Hello Worcestershire");

    // Neither the group's moderator nor the message's own author can reach it through another
    // group.
    for (auto* who : {&admin_ws(), &ws}) {
        const auto reply =
            who->request("messages.delete", {{"group", here}, {"message", there_message.at("id")}});
        EXPECT_EQ(error_code_of(reply), "not_found") << reply;
    }
    const auto unknown =
        admin_ws().request("messages.delete", {{"group", here}, {"message", 987654}});
    EXPECT_EQ(error_code_of(unknown), "not_found") << unknown;
    const auto no_group = admin_ws().request(
        "messages.delete", {{"group", 987654}, {"message", here_message.at("id")}});
    EXPECT_EQ(error_code_of(no_group), "not_found") << no_group;

    EXPECT_TRUE(ws.no_event("message.deleted", 300ms));
    EXPECT_EQ(history(ws, there).at(0), json::value(there_message));
    EXPECT_EQ(history(ws, here).at(0), json::value(here_message));
    EXPECT_TRUE(log_entries(here).empty());
}

TEST_F(MessageDeletion, DeleteWithWrongParametersIsABadRequest) {
    const auto group = create_group("Nottingham");
    const auto message = send(admin_ws(), group, "Welcome");
    const std::vector<std::pair<const char*, json::object>> cases = {
        {"no message", {{"group", group}}},
        {"no group", {{"message", message.at("id")}}},
        {"message as a string", {{"group", group}, {"message", "1"}}},
    };
    for (const auto& [why, params] : cases)
        EXPECT_EQ(error_code_of(admin_ws().request("messages.delete", params)), "bad_request")
            << why;
    EXPECT_EQ(history(admin_ws(), group).at(0), json::value(message));
}
