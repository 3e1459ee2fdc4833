// Who may do what in a group (PROTOCOL.md section 3 "Groups" and "Messages"): group
// moderators, site moderators and admins moderate; organisers, members, muted, pending,
// banned people and outsiders are refused exactly there, and an outsider learns nothing about a
// private group.

#include "moderation_fixture.hpp"

#include <gtest/gtest.h>
#include <string>
#include <utility>
#include <vector>

using namespace carecircle::test;

namespace {

using request_list = std::vector<std::pair<std::string, json::object>>;

class ModerationPermissions : public moderation_test {
protected:
    // A private group with one of each kind of person moderation deals with.
    struct scene {
        circle c;             // the site admin moderates; Olive organises; Amy and Ben are members
        account mia;          // a member, muted
        account pat;          // waiting for approval
        account sam;          // never joined
        account bram;         // banned
        json::object message; // Ben's, reported by Amy
        std::int64_t report = 0;
        std::string muted_until;
        std::size_t log_size = 0;
    };

    scene make_scene() {
        scene s;
        s.c = make_circle("Nottingham homecare workers");
        s.mia = register_user("mia", "Mia Carer");
        s.pat = register_user("pat", "Pat Newcomer");
        s.sam = register_user("sam", "Sam Outsider");
        s.bram = register_user("bram", "Bram Banned");
        add_member(s.c.group, s.mia);
        add_member(s.c.group, s.bram);
        auto pat = connect(s.pat);
        join(pat, s.c.group);
        s.muted_until = iso_in(1h);
        admin_ws().call("groups.mute",
                        {{"group", s.c.group}, {"user", s.mia.id()}, {"until", s.muted_until}});
        admin_ws().call("groups.ban", {{"group", s.c.group}, {"user", s.bram.id()}});
        auto ben = connect(s.c.ben);
        s.message = send(ben, s.c.group, "Mr P in flat 3 refused his meds again");
        auto amy = connect(s.c.amy);
        s.report = num(at_path(amy.call("messages.report", {{"group", s.c.group},
                                                            {"message", s.message.at("id")},
                                                            {"reason", "Names a client"}}),
                               "report.id"));
        s.log_size = log_entries(s.c.group).size();
        return s;
    }

    // Every operation only a group moderator may use, aimed at the scene's people.
    static request_list moderator_actions(const scene& s, std::int64_t actor) {
        const auto group = s.c.group;
        return {
            {"groups.requests", {{"group", group}}},
            {"groups.approve", {{"group", group}, {"user", s.pat.id()}}},
            {"groups.reject", {{"group", group}, {"user", s.pat.id()}}},
            {"groups.set_role", {{"group", group}, {"user", s.c.ben.id()}, {"role", "moderator"}}},
            {"groups.set_role", {{"group", group}, {"user", actor}, {"role", "moderator"}}},
            {"groups.remove", {{"group", group}, {"user", s.c.ben.id()}}},
            {"groups.ban", {{"group", group}, {"user", s.c.ben.id()}, {"reason", "Rude"}}},
            {"groups.unban", {{"group", group}, {"user", s.bram.id()}}},
            {"groups.mute", {{"group", group}, {"user", s.c.ben.id()}, {"until", iso_in(1h)}}},
            {"groups.mute", {{"group", group}, {"user", s.mia.id()}, {"until", iso_in(-1min)}}},
            {"messages.delete", {{"group", group}, {"message", s.message.at("id")}}},
            {"reports.list", {{"group", group}}},
            {"reports.resolve", {{"report", s.report}, {"action", "dismiss"}}},
            {"reports.resolve", {{"report", s.report}, {"action", "delete_message"}}},
            {"moderation.log", {{"group", group}}},
        };
    }

    void expect_every_moderator_action_refused(ws_client& ws, const account& who, const scene& s) {
        for (const auto& [type, params] : moderator_actions(s, who.id())) {
            const auto reply = ws.request(type, params);
            EXPECT_EQ(error_code_of(reply), "forbidden")
                << who.username << " " << type << " " << json::serialize(params) << ": " << reply;
            EXPECT_FALSE(mentions(reply, "flat 3")) << reply;
            EXPECT_FALSE(mentions(reply, "Names a client")) << reply;
        }
    }

    void expect_scene_unchanged(const scene& s) {
        EXPECT_EQ(role_of(s.c.group, s.c.ben.id()), "member");
        EXPECT_EQ(role_of(s.c.group, s.c.amy.id()), "member");
        EXPECT_EQ(role_of(s.c.group, s.c.organiser.id()), "organiser");
        EXPECT_EQ(role_of(s.c.group, s.mia.id()), "member");
        EXPECT_EQ(role_of(s.c.group, s.sam.id()), std::nullopt);
        const auto requests = pending_requests(s.c.group);
        ASSERT_EQ(requests.size(), 1u) << requests;
        EXPECT_EQ(at_path(requests[0], "user.id"), json::value(s.pat.id()));
        EXPECT_EQ(history(admin_ws(), s.c.group).at(0), json::value(s.message));
        EXPECT_EQ(open_reports(s.c.group).size(), 1u);
        EXPECT_EQ(log_entries(s.c.group).size(), s.log_size);
        auto mia = connect(s.mia);
        EXPECT_EQ(str(at_path(listed_group(mia, s.c.group), "my_membership.muted_until")),
                  s.muted_until)
            << "Mia is still muted";
        auto bram = connect(s.bram);
        EXPECT_EQ(error_code_of(bram.request("groups.join", {{"group", s.c.group}})), "forbidden")
            << "Bram is still banned";
        EXPECT_TRUE(can_send(s.c.ben, s.c.group)) << "Ben is not muted";
    }

    std::int64_t create_group_as(ws_client& ws, std::string_view name,
                                 std::string_view visibility) {
        return num(at_path(
            ws.call("groups.create",
                    {{"name", name}, {"region", "East Midlands"}, {"visibility", visibility}}),
            "group.id"));
    }

    // Uses every moderator operation in `group` through `ws`, as `moderator`, and checks that
    // each works and is logged under their name.
    void expect_every_moderator_action_allowed(ws_client& ws, const account& moderator,
                                               std::int64_t group) {
        const auto amy = register_user("amy", "Amy Carer");
        const auto ben = register_user("ben", "Ben Carer");
        const auto pat = register_user("pat", "Pat Newcomer");
        const auto quin = register_user("quin", "Quin Hopeful");
        for (const auto* who : {&amy, &ben, &pat, &quin}) {
            auto joining = connect(*who);
            EXPECT_EQ(str(join(joining, group).at("status")), "pending");
        }
        const auto log_size =
            at_path(ws.call("moderation.log", {{"group", group}}), "entries").as_array().size();

        EXPECT_EQ(
            at_path(ws.call("groups.requests", {{"group", group}}), "requests").as_array().size(),
            4u);
        for (const auto* who : {&amy, &ben, &pat})
            EXPECT_EQ(ws.call("groups.approve", {{"group", group}, {"user", who->id()}}),
                      json::object{});
        EXPECT_EQ(ws.call("groups.reject", {{"group", group}, {"user", quin.id()}}),
                  json::object{});
        EXPECT_EQ(ws.call("groups.set_role",
                          {{"group", group}, {"user", amy.id()}, {"role", "organiser"}}),
                  json::object{});
        EXPECT_EQ(role_of(group, amy.id()), "organiser");

        auto ben_ws = connect(ben);
        auto amy_ws = connect(amy);
        const auto reported = send(ben_ws, group, "Mr P in flat 3 refused his meds again");
        const auto report = at_path(amy_ws.call("messages.report", {{"group", group},
                                                                    {"message", reported.at("id")},
                                                                    {"reason", "Names a client"}}),
                                    "report.id");
        const auto reports =
            at_path(ws.call("reports.list", {{"group", group}}), "reports").as_array();
        ASSERT_EQ(reports.size(), 1u);
        EXPECT_EQ(reports[0].at("message"), json::value(reported));
        EXPECT_EQ(ws.call("reports.resolve", {{"report", report}, {"action", "delete_message"}}),
                  json::object{});
        EXPECT_EQ(at_path(amy_ws.next_event("message.deleted"), "message"), reported.at("id"));
        const auto second = send(ben_ws, group, "Sorry");
        EXPECT_EQ(ws.call("messages.delete", {{"group", group}, {"message", second.at("id")}}),
                  json::object{});

        EXPECT_EQ(
            ws.call("groups.mute", {{"group", group}, {"user", ben.id()}, {"until", iso_in(1h)}}),
            json::object{});
        EXPECT_FALSE(can_send(ben, group));
        EXPECT_EQ(ws.call("groups.remove", {{"group", group}, {"user", pat.id()}}), json::object{});
        EXPECT_EQ(ws.call("groups.ban", {{"group", group}, {"user", ben.id()}, {"reason", "Rude"}}),
                  json::object{});
        EXPECT_EQ(ben_ws.next_event("membership.removed").at("group"), json::value(group));
        EXPECT_EQ(ws.call("groups.unban", {{"group", group}, {"user", ben.id()}}), json::object{});
        EXPECT_EQ(role_of(group, pat.id()), std::nullopt);
        EXPECT_EQ(role_of(group, ben.id()), std::nullopt);

        const auto entries =
            at_path(ws.call("moderation.log", {{"group", group}}), "entries").as_array();
        ASSERT_EQ(entries.size(), log_size + 11) << entries;
        for (std::size_t i = 0; i < 11; ++i)
            EXPECT_EQ(entries[i].at("actor"), json::value(moderator.user)) << entries[i];
    }
};

} // namespace

TEST_F(ModerationPermissions, EveryModeratorActionIsRefusedBelowModerator) {
    const auto s = make_scene();
    for (const auto* who : {&s.c.amy, &s.c.organiser, &s.mia, &s.pat, &s.sam, &s.bram}) {
        auto ws = connect(*who);
        expect_every_moderator_action_refused(ws, *who, s);
    }
    expect_scene_unchanged(s);
}

TEST_F(ModerationPermissions, ModeratorOfOneGroupHasNoPowersInAnother) {
    const auto s = make_scene();
    const auto elsewhere = create_group("Worcestershire");
    const auto mona = register_user("mona", "Mona Moderator");
    add_member(elsewhere, mona);
    set_role(elsewhere, mona, "moderator");
    auto ws = connect(mona);
    expect_every_moderator_action_refused(ws, mona, s);
    expect_scene_unchanged(s);
}

TEST_F(ModerationPermissions, GroupModeratorCanUseEveryModeratorAction) {
    const auto group = create_group("Nottingham homecare workers", "private");
    const auto mona = register_user("mona", "Mona Moderator");
    add_member(group, mona);
    set_role(group, mona, "moderator");
    auto ws = connect(mona);
    expect_every_moderator_action_allowed(ws, mona, group);
}

TEST_F(ModerationPermissions, SiteModeratorModeratesAGroupTheyAreNotIn) {
    const auto group = create_group("Nottingham homecare workers", "private");
    auto ws = connect(site_moderator());
    ASSERT_TRUE(listed_group(ws, group).at("my_membership").is_null());
    expect_every_moderator_action_allowed(ws, site_moderator(), group);
}

TEST_F(ModerationPermissions, SiteAdminModeratesAGroupTheyAreNotIn) {
    auto creator = connect(site_moderator());
    const auto group = create_group_as(creator, "Nottingham homecare workers", "private");
    ASSERT_TRUE(listed_group(admin_ws(), group).at("my_membership").is_null());
    expect_every_moderator_action_allowed(admin_ws(), admin(), group);
}

TEST_F(ModerationPermissions, OrganiserOrganisesButDoesNotModerate) {
    const auto s = make_scene();
    auto ws = connect(s.c.organiser);
    const auto posted = ws.request(
        "messages.send",
        {{"group", s.c.group}, {"text", "Supper club on Friday"}, {"kind", "announcement"}});
    EXPECT_EQ(error_code_of(posted), "ok") << posted;
    const auto meetup = ws.request("meetups.create", {{"group", s.c.group},
                                                      {"title", "Supper club"},
                                                      {"kind", "in_person"},
                                                      {"location", "The Bell Inn"},
                                                      {"start", "2027-01-15T19:00"},
                                                      {"duration_minutes", 120}});
    EXPECT_EQ(error_code_of(meetup), "ok") << meetup;
    const auto own = send(ws, s.c.group, "Posted in the wrong group, sorry");
    EXPECT_EQ(ws.call("messages.delete", {{"group", s.c.group}, {"message", own.at("id")}}),
              json::object{})
        << "anyone may delete their own message";
    const auto log_size = log_entries(s.c.group).size();
    EXPECT_EQ(log_size, s.log_size);

    expect_every_moderator_action_refused(ws, s.c.organiser, s);
    EXPECT_EQ(log_entries(s.c.group).size(), log_size);
}

TEST_F(ModerationPermissions, ReadsAndWritesInAPrivateGroupFollowEachPersonsStanding) {
    const auto s = make_scene();
    const auto welcome = send(admin_ws(), s.c.group, "Welcome, everyone");
    const request_list requests = {
        {"messages.history", {{"group", s.c.group}}},
        {"groups.members", {{"group", s.c.group}}},
        {"meetups.list", {{"group", s.c.group}}},
        {"messages.mark_read", {{"group", s.c.group}, {"seq", 1}}},
        {"messages.report",
         {{"group", s.c.group}, {"message", welcome.at("id")}, {"reason", "Second opinion"}}},
        {"messages.send", {{"group", s.c.group}, {"text", "Hello all"}}},
    };
    struct standing {
        const account* who;
        const char* description;
        std::size_t allowed; // how many of `requests`, counted from the first, succeed
    };
    const std::vector<standing> people = {
        {&s.c.amy, "a member", 6},     {&s.c.organiser, "an organiser", 6},
        {&s.mia, "a muted member", 5}, {&s.pat, "a pending member", 0},
        {&s.sam, "an outsider", 0},    {&s.bram, "a banned person", 0},
    };
    for (const auto& person : people) {
        auto ws = connect(*person.who);
        for (std::size_t i = 0; i < requests.size(); ++i) {
            const auto& [type, params] = requests[i];
            const auto reply = ws.request(type, params);
            EXPECT_EQ(error_code_of(reply), i < person.allowed ? "ok" : "forbidden")
                << person.description << ": " << type << ": " << reply;
            if (i >= person.allowed) {
                EXPECT_FALSE(mentions(reply, "flat 3")) << reply;
                EXPECT_FALSE(mentions(reply, "Ben Carer")) << reply;
            }
        }
    }
}

TEST_F(ModerationPermissions, OutsiderLearnsNothingAboutAPrivateGroup) {
    const auto s = make_scene();
    const auto meetup =
        num(at_path(admin_ws().call("meetups.create", {{"group", s.c.group},
                                                       {"title", "Elm Road carers' supper"},
                                                       {"kind", "in_person"},
                                                       {"location", "14 Elm Road"},
                                                       {"start", "2027-01-15T19:00"},
                                                       {"duration_minutes", 120}}),
                    "meetup.id"));
    auto sam = connect(s.sam);
    drain(sam);

    const auto listed = at_path(sam.call("groups.list"), "groups");
    EXPECT_FALSE(mentions(listed, "Elm Road")) << listed;
    EXPECT_FALSE(mentions(listed, "Ben Carer")) << listed;
    const auto group = listed_group(sam, s.c.group);
    EXPECT_EQ(str(group.at("name")), "Nottingham homecare workers");
    EXPECT_TRUE(group.at("my_membership").is_null()) << group;
    for (const auto* field : {"member_count", "last_seq"}) {
        const auto* v = group.if_contains(field);
        EXPECT_TRUE(!v || v->is_null()) << field << " in " << group;
    }
    EXPECT_EQ(group.at("unread"), json::value(0)) << group;

    const request_list forbidden = {
        {"groups.members", {{"group", s.c.group}}},
        {"messages.history", {{"group", s.c.group}}},
        {"messages.history", {{"group", s.c.group}, {"after", 0}}},
        {"meetups.list", {{"group", s.c.group}, {"from", "2027-01-01"}, {"to", "2027-01-31"}}},
        {"reports.list", {{"group", s.c.group}}},
        {"groups.requests", {{"group", s.c.group}}},
        {"moderation.log", {{"group", s.c.group}}},
        {"messages.report",
         {{"group", s.c.group}, {"message", s.message.at("id")}, {"reason", "Nosy"}}},
        {"messages.delete", {{"group", s.c.group}, {"message", s.message.at("id")}}},
    };
    for (const auto& [type, params] : forbidden) {
        const auto reply = sam.request(type, params);
        EXPECT_EQ(error_code_of(reply), "forbidden") << type << ": " << reply;
        for (const auto* secret : {"flat 3", "Elm Road", "Ben Carer", "Names a client", "Newcomer"})
            EXPECT_FALSE(mentions(reply, secret)) << type << " leaked " << secret << ": " << reply;
    }
    // Meet-up ids say nothing about private groups (protocol/README.md, "Meetups").
    const request_list hidden = {
        {"meetups.rsvp",
         {{"meetup", meetup}, {"occurrence", "2027-01-15T19:00"}, {"status", "going"}}},
        {"meetups.cancel", {{"meetup", meetup}}},
    };
    for (const auto& [type, params] : hidden) {
        const auto reply = sam.request(type, params);
        EXPECT_EQ(error_code_of(reply), "not_found") << type << ": " << reply;
        EXPECT_FALSE(mentions(reply, "Elm Road")) << reply;
    }
    const auto feed =
        http(port(), "GET", "/api/groups/" + std::to_string(s.c.group) + "/meetups.ics",
             std::nullopt, bearer(s.sam.token));
    EXPECT_EQ(feed.status, 403u) << feed.body;
    EXPECT_EQ(feed.body.find("Elm Road"), std::string::npos) << feed.body;

    // Nor does anything the group does reach the outsider's open connection.
    auto amy = connect(s.c.amy);
    send(admin_ws(), s.c.group, "Mrs K at 14 Elm Road needs a second visit");
    admin_ws().call("meetups.cancel", {{"meetup", meetup}});
    const auto quin = register_user("quin");
    auto quin_ws = connect(quin);
    join(quin_ws, s.c.group);
    while (at_path(admin_ws().next_event("membership.requested"), "user.id") !=
           json::value(quin.id())) {
    }
    amy.next_event("meetup.cancelled");
    const auto heard = sam.next_message(300ms);
    EXPECT_FALSE(heard) << *heard;
}
