// Moderating a group: join requests, roles, removal, bans, mutes and the moderation log
// (PROTOCOL.md section 3 "Groups"; protocol/README.md "Groups" and "Moderation log").

#include "moderation_fixture.hpp"

#include <gtest/gtest.h>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

using namespace carecircle::test;

namespace {

class Moderation : public moderation_test {};

constexpr std::int64_t nobody = 987654; // a user id no account has

json::object membership(std::string_view role, std::string_view status) {
    return {{"role", role}, {"status", status}};
}

json::object online_meetup(std::int64_t group) {
    return {{"group", group},
            {"title", "Coffee and a chat"},
            {"kind", "online"},
            {"url", "https://meet.example.org/coffee"},
            {"start", "2027-01-13T16:00"},
            {"duration_minutes", 60}};
}

} // namespace

// --- join requests -------------------------------------------------------------------------

TEST_F(Moderation, ModeratorsSeeAJoinRequestLiveAndInTheList) {
    const auto c = make_circle("Nottingham homecare workers");
    const auto mona = register_user("mona", "Mona Moderator");
    add_member(c.group, mona);
    set_role(c.group, mona, "moderator");
    add_member(c.group, site_moderator()); // a site moderator who is an ordinary member here
    auto mona_ws = connect(mona);
    auto site_mod_ws = connect(site_moderator());
    auto organiser = connect(c.organiser);
    auto amy = connect(c.amy);
    drain(admin_ws()); // the requests made while building the group

    const auto pat = register_user("pat", "Pat Newcomer");
    auto pat_ws = connect(pat);
    EXPECT_EQ(join(pat_ws, c.group), membership("member", "pending"));

    for (auto* ws : {&admin_ws(), &mona_ws, &site_mod_ws}) {
        const auto event = ws->next_event("membership.requested");
        EXPECT_EQ(event.at("group"), json::value(c.group)) << event;
        EXPECT_EQ(event.at("user"), json::value(pat.user)) << event;
    }
    EXPECT_TRUE(organiser.no_event("membership.requested", 300ms));
    EXPECT_TRUE(amy.no_event("membership.requested", 0ms));
    EXPECT_TRUE(pat_ws.no_event("membership.requested", 0ms));

    const auto requests =
        at_path(mona_ws.call("groups.requests", {{"group", c.group}}), "requests").as_array();
    ASSERT_EQ(requests.size(), 1u) << requests;
    EXPECT_EQ(requests[0].at("user"), json::value(pat.user));
    EXPECT_TRUE(is_timestamp(requests[0].at("requested_at"))) << requests[0];
}

TEST_F(Moderation, ApprovedPersonIsToldAndJoinsTheConversation) {
    const auto group = create_group("Nottingham homecare workers", "private");
    send(admin_ws(), group, "Welcome, new starters");
    const auto pat = register_user("pat", "Pat Newcomer");
    auto pat_ws = connect(pat);
    join(pat_ws, group);

    EXPECT_EQ(admin_ws().call("groups.approve", {{"group", group}, {"user", pat.id()}}),
              json::object{});
    const auto approved = pat_ws.next_event("membership.approved");
    EXPECT_EQ(approved.at("group"), json::value(group)) << approved;

    EXPECT_EQ(listed_group(pat_ws, group).at("my_membership"),
              json::value(membership("member", "active")));
    EXPECT_EQ(role_of(group, pat.id()), "member");
    EXPECT_TRUE(pending_requests(group).empty());
    const auto earlier = history(pat_ws, group);
    ASSERT_EQ(earlier.size(), 1u);
    EXPECT_EQ(str(earlier[0].at("text")), "Welcome, new starters");

    const auto later = send(admin_ws(), group, "Hello Pat");
    EXPECT_EQ(pat_ws.next_event("message.created").at("message"), json::value(later));
}

TEST_F(Moderation, RejectedPersonIsToldAndMayAskAgain) {
    const auto group = create_group("Nottingham homecare workers", "private");
    send(admin_ws(), group, "Members only");
    const auto pat = register_user("pat", "Pat Newcomer");
    auto pat_ws = connect(pat);
    join(pat_ws, group);
    admin_ws().next_event("membership.requested"); // the first request

    EXPECT_EQ(admin_ws().call("groups.reject", {{"group", group}, {"user", pat.id()}}),
              json::object{});
    const auto rejected = pat_ws.next_event("membership.rejected");
    EXPECT_EQ(rejected.at("group"), json::value(group)) << rejected;

    EXPECT_TRUE(listed_group(pat_ws, group).at("my_membership").is_null());
    const auto read = pat_ws.request("messages.history", {{"group", group}});
    EXPECT_EQ(error_code_of(read), "forbidden") << read;
    EXPECT_FALSE(mentions(read, "Members only"));
    EXPECT_TRUE(pending_requests(group).empty());
    EXPECT_EQ(member_count(group), 1u);

    // A rejection is not a ban.
    EXPECT_EQ(join(pat_ws, group), membership("member", "pending"));
    EXPECT_EQ(at_path(admin_ws().next_event("membership.requested"), "user"),
              json::value(pat.user));
}

TEST_F(Moderation, DecidingARequestNobodyMadeIsNotFoundAndChangesNothing) {
    const auto c = make_circle("Nottingham homecare workers");
    const auto pat = register_user("pat");
    const auto sam = register_user("sam");
    auto pat_ws = connect(pat);
    join(pat_ws, c.group);
    const auto log_size = log_entries(c.group).size();

    for (const auto* op : {"groups.approve", "groups.reject"}) {
        for (const auto user : {c.amy.id(), sam.id(), nobody}) {
            const auto reply = admin_ws().request(op, {{"group", c.group}, {"user", user}});
            EXPECT_EQ(error_code_of(reply), "not_found") << op << " user " << user << ": " << reply;
        }
    }
    EXPECT_EQ(role_of(c.group, c.amy.id()), "member") << "rejecting an active member removed her";
    EXPECT_EQ(role_of(c.group, sam.id()), std::nullopt);
    const auto requests = pending_requests(c.group);
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(at_path(requests[0], "user.id"), json::value(pat.id()));
    EXPECT_EQ(log_entries(c.group).size(), log_size);
}

// --- roles ---------------------------------------------------------------------------------

TEST_F(Moderation, PromotedOrganiserCanPostAnnouncements) {
    const auto group = create_group("Nottingham");
    const auto amy = register_user("amy", "Amy Carer");
    auto ws = connect(amy);
    join(ws, group);
    const json::object announcement{
        {"group", group}, {"text", "Meet-up moved to 5pm"}, {"kind", "announcement"}};
    EXPECT_EQ(error_code_of(ws.request("messages.send", announcement)), "forbidden");

    EXPECT_EQ(admin_ws().call("groups.set_role",
                              {{"group", group}, {"user", amy.id()}, {"role", "organiser"}}),
              json::object{});
    const auto changed = ws.next_event("membership.role_changed");
    EXPECT_EQ(changed.at("group"), json::value(group)) << changed;
    EXPECT_EQ(changed.at("role"), json::value("organiser")) << changed;
    EXPECT_EQ(role_of(group, amy.id()), "organiser");
    EXPECT_EQ(listed_group(ws, group).at("my_membership"),
              json::value(membership("organiser", "active")));

    const auto posted = at_path(ws.call("messages.send", announcement), "message");
    EXPECT_EQ(posted.at("kind"), json::value("announcement"));
    EXPECT_EQ(posted.at("seq"), json::value(1)) << "the refused announcement created nothing";

    set_role(group, amy, "member");
    EXPECT_EQ(at_path(ws.next_event("membership.role_changed"), "role"), json::value("member"));
    EXPECT_EQ(error_code_of(ws.request("messages.send", announcement)), "forbidden");
}

TEST_F(Moderation, PromotedModeratorCanModerate) {
    const auto c = make_circle("Nottingham homecare workers");
    auto amy = connect(c.amy);
    EXPECT_EQ(error_code_of(amy.request("moderation.log", {{"group", c.group}})), "forbidden");
    set_role(c.group, c.amy, "moderator");
    EXPECT_EQ(at_path(amy.next_event("membership.role_changed"), "role"), json::value("moderator"));
    EXPECT_EQ(error_code_of(amy.request("moderation.log", {{"group", c.group}})), "ok");
    EXPECT_EQ(
        amy.call("groups.mute", {{"group", c.group}, {"user", c.ben.id()}, {"until", iso_in(1h)}}),
        json::object{});
    EXPECT_FALSE(can_send(c.ben, c.group));
}

TEST_F(Moderation, RoleNameThatDoesNotExistIsABadRequest) {
    const auto c = make_circle("Nottingham homecare workers");
    const auto log_size = log_entries(c.group).size();
    const json::array roles{"owner", "admin", "superuser", "", 2, nullptr};
    for (const auto& role : roles) {
        const auto reply = admin_ws().request(
            "groups.set_role", {{"group", c.group}, {"user", c.amy.id()}, {"role", role}});
        EXPECT_EQ(error_code_of(reply), "bad_request") << "role " << role << ": " << reply;
    }
    EXPECT_EQ(error_code_of(admin_ws().request("groups.set_role",
                                               {{"group", c.group}, {"user", c.amy.id()}})),
              "bad_request")
        << "no role at all";
    EXPECT_EQ(role_of(c.group, c.amy.id()), "member");
    EXPECT_EQ(log_entries(c.group).size(), log_size);
}

TEST_F(Moderation, SetRoleNeedsAnActiveMemberOfTheGroup) {
    const auto c = make_circle("Nottingham homecare workers");
    const auto pat = register_user("pat");
    const auto sam = register_user("sam");
    auto pat_ws = connect(pat);
    join(pat_ws, c.group);
    const auto log_size = log_entries(c.group).size();

    const auto outsider = admin_ws().request(
        "groups.set_role", {{"group", c.group}, {"user", sam.id()}, {"role", "organiser"}});
    EXPECT_EQ(error_code_of(outsider), "not_found") << outsider;
    const auto unknown = admin_ws().request(
        "groups.set_role", {{"group", c.group}, {"user", nobody}, {"role", "organiser"}});
    EXPECT_EQ(error_code_of(unknown), "not_found") << unknown;
    const auto waiting = admin_ws().request(
        "groups.set_role", {{"group", c.group}, {"user", pat.id()}, {"role", "moderator"}});
    EXPECT_EQ(error_code_of(waiting), "conflict") << "approve first: " << waiting;

    EXPECT_EQ(role_of(c.group, sam.id()), std::nullopt);
    EXPECT_EQ(role_of(c.group, pat.id()), std::nullopt);
    EXPECT_EQ(pending_requests(c.group).size(), 1u);
    EXPECT_EQ(listed_group(pat_ws, c.group).at("my_membership"),
              json::value(membership("member", "pending")));
    EXPECT_EQ(log_entries(c.group).size(), log_size);
}

TEST_F(Moderation, LastModeratorCannotDemoteOrRemoveThemselves) {
    const auto group = create_group("Nottingham");
    auto& site_admin = admin_ws();
    const auto demote_self = site_admin.request(
        "groups.set_role", {{"group", group}, {"user", admin().id()}, {"role", "member"}});
    EXPECT_EQ(error_code_of(demote_self), "conflict") << demote_self;
    EXPECT_EQ(role_of(group, admin().id()), "moderator");

    // With a second moderator the site admin may step down; then Mona is the last one.
    const auto mona = register_user("mona", "Mona Moderator");
    add_member(group, mona);
    set_role(group, mona, "moderator");
    EXPECT_EQ(site_admin.call("groups.set_role",
                              {{"group", group}, {"user", admin().id()}, {"role", "member"}}),
              json::object{});
    EXPECT_EQ(role_of(group, admin().id()), "member");

    auto mona_ws = connect(mona);
    const auto step_down = mona_ws.request(
        "groups.set_role", {{"group", group}, {"user", mona.id()}, {"role", "organiser"}});
    EXPECT_EQ(error_code_of(step_down), "conflict") << step_down;
    const auto leave = mona_ws.request("groups.leave", {{"group", group}});
    EXPECT_EQ(error_code_of(leave), "conflict") << leave;
    for (const auto* op : {"groups.remove", "groups.ban"}) {
        const auto reply = mona_ws.request(op, {{"group", group}, {"user", mona.id()}});
        EXPECT_EQ(error_code_of(reply), "bad_request") << op << " on oneself: " << reply;
    }
    // Nor may anyone else, a site admin included, take the group's last moderator away.
    const auto demote_mona = site_admin.request(
        "groups.set_role", {{"group", group}, {"user", mona.id()}, {"role", "member"}});
    EXPECT_EQ(error_code_of(demote_mona), "conflict") << demote_mona;
    for (const auto* op : {"groups.remove", "groups.ban"}) {
        const auto reply = site_admin.request(op, {{"group", group}, {"user", mona.id()}});
        EXPECT_EQ(error_code_of(reply), "conflict") << op << " of the last moderator: " << reply;
    }
    EXPECT_EQ(role_of(group, mona.id()), "moderator");
    EXPECT_TRUE(can_send(mona, group));
}

TEST_F(Moderation, SiteAdminWhoIsTheLastModeratorCannotLeave) {
    const auto group = create_group("Nottingham");
    const auto amy = register_user("amy");
    add_member(group, amy);
    const auto reply = admin_ws().request("groups.leave", {{"group", group}});
    EXPECT_EQ(error_code_of(reply), "conflict") << reply;
    EXPECT_EQ(role_of(group, admin().id()), "moderator");
}

// --- removal -------------------------------------------------------------------------------

TEST_F(Moderation, RemovedMembersOpenConnectionsHearNothingMoreFromTheGroup) {
    const auto c = make_circle("Nottingham homecare workers");
    auto phone = connect(c.amy);
    auto laptop = connect(c.amy);
    auto ben = connect(c.ben);
    const auto before = send(admin_ws(), c.group, "Rota for next week is up");
    for (auto* ws : {&phone, &laptop, &ben})
        ws->next_event("message.created");

    EXPECT_EQ(admin_ws().call("groups.remove", {{"group", c.group}, {"user", c.amy.id()}}),
              json::object{});
    for (auto* ws : {&phone, &laptop}) {
        EXPECT_EQ(ws->next_event("membership.removed"),
                  (json::object{{"event", "membership.removed"},
                                {"group", c.group},
                                {"reason", ""},
                                {"banned", false},
                                {"until", nullptr}}));
        drain(*ws);
    }

    // The group carries on: a message, a deletion, a meet-up, a mute, a report.
    send(admin_ws(), c.group, "Amy has moved to another area");
    admin_ws().call("messages.delete", {{"group", c.group}, {"message", before.at("id")}});
    admin_ws().call("meetups.create", online_meetup(c.group));
    const auto bens = send(ben, c.group, "Good luck Amy");
    ben.call("messages.report",
             {{"group", c.group}, {"message", bens.at("id")}, {"reason", "testing reports"}});
    admin_ws().call("groups.mute",
                    {{"group", c.group}, {"user", c.organiser.id()}, {"until", iso_in(1h)}});
    // Ben, still a member, has heard all of it by now; Amy would have too.
    ben.next_event("message.deleted");
    ben.next_event("meetup.created");
    for (int i = 0; i < 3; ++i)
        ben.next_event("message.created");
    for (auto* ws : {&phone, &laptop}) {
        const auto heard = ws->next_message(300ms);
        EXPECT_FALSE(heard) << "after removal: " << *heard;
        EXPECT_TRUE(ws->is_open());
    }

    // Nor can she read the private group any more.
    const std::vector<std::pair<std::string, json::object>> reads = {
        {"messages.history", {{"group", c.group}}},
        {"groups.members", {{"group", c.group}}},
        {"meetups.list", {{"group", c.group}, {"from", "2027-01-01"}, {"to", "2027-01-31"}}},
        {"messages.send", {{"group", c.group}, {"text", "still here?"}}},
        {"messages.mark_read", {{"group", c.group}, {"seq", 1}}},
    };
    for (const auto& [type, params] : reads) {
        const auto reply = phone.request(type, params);
        EXPECT_EQ(error_code_of(reply), "forbidden") << type << ": " << reply;
        EXPECT_FALSE(mentions(reply, "Good luck")) << reply;
        EXPECT_FALSE(mentions(reply, "Coffee and a chat")) << reply;
    }
    EXPECT_TRUE(listed_group(phone, c.group).at("my_membership").is_null());
    EXPECT_EQ(role_of(c.group, c.amy.id()), std::nullopt);
    // Coming back to a private group means asking again.
    EXPECT_EQ(join(phone, c.group), membership("member", "pending"));
}

TEST_F(Moderation, RemovedMembersCalendarsDropThePrivateGroupsMeetups) {
    const auto c = make_circle("Nottingham homecare workers");
    admin_ws().call("meetups.create", online_meetup(c.group));
    auto amy = connect(c.amy);
    const auto personal_feed = str(at_path(amy.call("calendar.key"), "url"));
    const auto key = personal_feed.substr(personal_feed.find("key=") + 4);
    const auto group_feed = "/api/groups/" + std::to_string(c.group) + "/meetups.ics";
    ASSERT_NE(http(port(), "GET", personal_feed).body.find("Coffee and a chat"), std::string::npos);
    ASSERT_EQ(http(port(), "GET", group_feed, std::nullopt, bearer(c.amy.token)).status, 200u);

    admin_ws().call("groups.remove", {{"group", c.group}, {"user", c.amy.id()}});

    const auto personal = http(port(), "GET", personal_feed);
    EXPECT_EQ(personal.status, 200u) << personal.body;
    EXPECT_EQ(personal.body.find("Coffee and a chat"), std::string::npos) << personal.body;
    for (const auto& [how, target, headers] :
         std::vector<std::tuple<const char*, std::string, header_list>>{
             {"by token", group_feed, bearer(c.amy.token)},
             {"by key", group_feed + "?key=" + key, {}}}) {
        const auto feed = http(port(), "GET", target, std::nullopt, headers);
        EXPECT_EQ(feed.status, 403u) << how << ": " << feed.body;
        EXPECT_EQ(feed.body.find("Coffee and a chat"), std::string::npos) << feed.body;
    }
}

TEST_F(Moderation, RemovedMemberHearsNothingFromTheGroupsMeetupWaitlist) {
    const auto group = create_group("Nottingham");
    const auto amy = register_user("amy", "Amy Carer");
    const auto ben = register_user("ben", "Ben Carer");
    auto amy_ws = connect(amy);
    auto ben_ws = connect(ben);
    join(amy_ws, group);
    join(ben_ws, group);
    const auto meetup =
        num(at_path(admin_ws().call("meetups.create", {{"group", group},
                                                       {"title", "Supper club"},
                                                       {"kind", "in_person"},
                                                       {"location", "The Bell Inn"},
                                                       {"start", "2027-01-15T19:00"},
                                                       {"duration_minutes", 120},
                                                       {"capacity", 1}}),
                    "meetup.id"));
    const json::object going{
        {"meetup", meetup}, {"occurrence", "2027-01-15T19:00"}, {"status", "going"}};
    ben_ws.call("meetups.rsvp", going);
    EXPECT_EQ(at_path(amy_ws.call("meetups.rsvp", going), "rsvp.status"),
              json::value("waitlisted"));

    admin_ws().call("groups.remove", {{"group", group}, {"user", amy.id()}});
    amy_ws.next_event("membership.removed");
    drain(amy_ws);

    // Ben gives up his place; whatever becomes of Amy's, the group no longer talks to her.
    json::object not_going = going;
    not_going["status"] = "not_going";
    ben_ws.call("meetups.rsvp", not_going);
    ben_ws.next_event("meetup.updated");
    const auto heard = amy_ws.next_message(300ms);
    EXPECT_FALSE(heard) << "after removal: " << *heard;
}

TEST_F(Moderation, RemovingSomeoneNotInTheGroupIsNotFoundAndChangesNothing) {
    const auto c = make_circle("Nottingham homecare workers");
    const auto sam = register_user("sam");
    const auto other_group = create_group("Worcestershire");
    add_member(other_group, sam);
    const auto members = member_count(c.group);
    const auto log_size = log_entries(c.group).size();

    for (const auto user : {sam.id(), nobody}) {
        const auto reply =
            admin_ws().request("groups.remove", {{"group", c.group}, {"user", user}});
        EXPECT_EQ(error_code_of(reply), "not_found") << "user " << user << ": " << reply;
    }
    const auto self =
        admin_ws().request("groups.remove", {{"group", c.group}, {"user", admin().id()}});
    EXPECT_EQ(error_code_of(self), "bad_request") << self;
    const auto no_group =
        admin_ws().request("groups.remove", {{"group", nobody}, {"user", c.amy.id()}});
    EXPECT_EQ(error_code_of(no_group), "not_found") << no_group;

    EXPECT_EQ(member_count(c.group), members);
    EXPECT_EQ(role_of(other_group, sam.id()), "member");
    EXPECT_EQ(log_entries(c.group).size(), log_size);
}

// --- bans ----------------------------------------------------------------------------------

TEST_F(Moderation, BannedMemberIsTakenOutAndCannotRejoin) {
    const auto c = make_circle("Nottingham homecare workers");
    auto ben = connect(c.ben);
    auto amy = connect(c.amy);
    const auto until = iso_in(24h);

    EXPECT_EQ(admin_ws().call("groups.ban", {{"group", c.group},
                                             {"user", c.ben.id()},
                                             {"reason", "Shared a client's address"},
                                             {"until", until}}),
              json::object{});
    EXPECT_EQ(ben.next_event("membership.removed").at("group"), json::value(c.group));
    drain(ben);

    send(admin_ws(), c.group, "Please keep client details out of the chat");
    amy.next_event("message.created");
    const auto heard = ben.next_message(300ms);
    EXPECT_FALSE(heard) << "after the ban: " << *heard;

    const auto rejoin = ben.request("groups.join", {{"group", c.group}});
    EXPECT_EQ(error_code_of(rejoin), "forbidden") << rejoin;
    EXPECT_TRUE(mentions(at_path(rejoin, "error.message"), until))
        << "the ban's end is in the message: " << rejoin;
    const auto read = ben.request("messages.history", {{"group", c.group}});
    EXPECT_EQ(error_code_of(read), "forbidden") << read;
    EXPECT_FALSE(mentions(read, "client details"));

    EXPECT_EQ(role_of(c.group, c.ben.id()), std::nullopt);
    EXPECT_TRUE(pending_requests(c.group).empty()) << "a refused join asks nothing";
    EXPECT_TRUE(listed_group(ben, c.group).at("my_membership").is_null());
}

TEST_F(Moderation, BanForGoodLastsUntilUnbanned) {
    const auto group = create_group("Nottingham");
    const auto ben = register_user("ben");
    auto ws = connect(ben);
    join(ws, group);
    EXPECT_EQ(admin_ws().call("groups.ban", {{"group", group}, {"user", ben.id()}}),
              json::object{});
    const auto refused = ws.request("groups.join", {{"group", group}});
    EXPECT_EQ(error_code_of(refused), "forbidden") << refused;
    EXPECT_EQ(error_code_of(ws.request("messages.send", {{"group", group}, {"text", "let me in"}})),
              "forbidden");

    EXPECT_EQ(admin_ws().call("groups.unban", {{"group", group}, {"user", ben.id()}}),
              json::object{});
    EXPECT_EQ(join(ws, group), membership("member", "active"));
    EXPECT_EQ(role_of(group, ben.id()), "member");
}

TEST_F(Moderation, UnbanningSomeoneWhoIsNotBannedIsNotFound) {
    const auto group = create_group("Nottingham");
    const auto ben = register_user("ben");
    add_member(group, ben);
    const auto log_size = log_entries(group).size();
    for (const auto user : {ben.id(), nobody}) {
        const auto reply = admin_ws().request("groups.unban", {{"group", group}, {"user", user}});
        EXPECT_EQ(error_code_of(reply), "not_found") << "user " << user << ": " << reply;
    }
    EXPECT_EQ(role_of(group, ben.id()), "member");
    EXPECT_EQ(log_entries(group).size(), log_size);
}

TEST_F(Moderation, BanExpiresByItself) {
    const auto group = create_group("Nottingham");
    const auto ben = register_user("ben");
    auto ws = connect(ben);
    join(ws, group);
    const auto until = std::chrono::system_clock::now() + 1500ms;
    admin_ws().call("groups.ban", {{"group", group}, {"user", ben.id()}, {"until", iso(until)}});
    EXPECT_EQ(error_code_of(ws.request("groups.join", {{"group", group}})), "forbidden");

    std::this_thread::sleep_until(until + 100ms);
    const auto rejoin = ws.request("groups.join", {{"group", group}});
    EXPECT_EQ(error_code_of(rejoin), "ok") << rejoin;
    EXPECT_EQ(role_of(group, ben.id()), "member");
}

TEST_F(Moderation, BanningSomeoneWhoAlreadyLeftKeepsThemOut) {
    const auto group = create_group("Nottingham");
    const auto ben = register_user("ben");
    auto ws = connect(ben);
    join(ws, group);
    ws.call("groups.leave", {{"group", group}});

    EXPECT_EQ(
        admin_ws().call("groups.ban", {{"group", group}, {"user", ben.id()}, {"reason", "Spam"}}),
        json::object{});
    const auto rejoin = ws.request("groups.join", {{"group", group}});
    EXPECT_EQ(error_code_of(rejoin), "forbidden") << rejoin;
    EXPECT_EQ(role_of(group, ben.id()), std::nullopt);
    const auto entries = log_entries(group);
    ASSERT_FALSE(entries.empty());
    EXPECT_EQ(entries[0].at("action"), json::value("ban"));
    EXPECT_EQ(at_path(entries[0], "target.id"), json::value(ben.id()));
}

TEST_F(Moderation, BanRefusesYourselfUnknownPeopleAndTimesInThePast) {
    const auto c = make_circle("Nottingham homecare workers");
    const auto log_size = log_entries(c.group).size();
    const std::vector<std::tuple<const char*, json::object, const char*>> cases = {
        {"yourself", {{"group", c.group}, {"user", admin().id()}}, "bad_request"},
        {"an unknown user", {{"group", c.group}, {"user", nobody}}, "not_found"},
        {"an unknown group", {{"group", nobody}, {"user", c.ben.id()}}, "not_found"},
        {"until in the past",
         {{"group", c.group}, {"user", c.ben.id()}, {"until", iso_in(-1min)}},
         "bad_request"},
        {"until that is not a time",
         {{"group", c.group}, {"user", c.ben.id()}, {"until", "next Tuesday"}},
         "bad_request"},
        {"a reason over 500 characters",
         {{"group", c.group}, {"user", c.ben.id()}, {"reason", std::string(501, 'x')}},
         "bad_request"},
    };
    for (const auto& [why, params, code] : cases) {
        const auto reply = admin_ws().request("groups.ban", params);
        EXPECT_EQ(error_code_of(reply), code) << why << ": " << reply;
    }
    EXPECT_EQ(role_of(c.group, c.ben.id()), "member");
    EXPECT_EQ(role_of(c.group, admin().id()), "moderator");
    EXPECT_EQ(log_entries(c.group).size(), log_size);
}

// --- mutes ---------------------------------------------------------------------------------

TEST_F(Moderation, MutedMemberCanReadButNotSend) {
    const auto c = make_circle("Nottingham homecare workers");
    auto amy = connect(c.amy);
    auto ben = connect(c.ben);
    const auto until = iso_in(10min);

    EXPECT_EQ(admin_ws().call("groups.mute",
                              {{"group", c.group}, {"user", c.amy.id()}, {"until", until}}),
              json::object{});
    EXPECT_EQ(
        amy.next_event("membership.muted"),
        (json::object{
            {"event", "membership.muted"}, {"group", c.group}, {"until", until}, {"reason", ""}}));

    const auto refused = amy.request("messages.send", {{"group", c.group}, {"text", "But why?"}});
    EXPECT_EQ(error_code_of(refused), "forbidden") << refused;
    const auto refused_announcement = amy.request(
        "messages.send", {{"group", c.group}, {"text", "But why?"}, {"kind", "announcement"}});
    EXPECT_EQ(error_code_of(refused_announcement), "forbidden") << refused_announcement;

    // She still hears the group and reads its history.
    const auto bens = send(ben, c.group, "Shift swap anyone?");
    EXPECT_EQ(amy.next_event("message.created").at("message"), json::value(bens));
    const auto read = history(amy, c.group);
    ASSERT_EQ(read.size(), 1u) << "the refused send created nothing";
    EXPECT_EQ(str(read[0].at("text")), "Shift swap anyone?");

    json::object muted_membership = membership("member", "active");
    muted_membership["muted_until"] = until;
    muted_membership["mute_reason"] = "";
    EXPECT_EQ(listed_group(amy, c.group).at("my_membership"), json::value(muted_membership));
    EXPECT_EQ(listed_group(ben, c.group).at("my_membership"),
              json::value(membership("member", "active")))
        << "only the muted person's membership carries muted_until";
    EXPECT_EQ(role_of(c.group, c.amy.id()), "member") << "a mute does not remove";
}

TEST_F(Moderation, MuteExpiresByItself) {
    const auto group = create_group("Nottingham");
    const auto amy = register_user("amy");
    auto ws = connect(amy);
    join(ws, group);
    const auto until = std::chrono::system_clock::now() + 1500ms;
    admin_ws().call("groups.mute", {{"group", group}, {"user", amy.id()}, {"until", iso(until)}});
    EXPECT_EQ(error_code_of(ws.request("messages.send", {{"group", group}, {"text", "hello?"}})),
              "forbidden");
    EXPECT_EQ(str(at_path(listed_group(ws, group), "my_membership.muted_until")), iso(until));

    std::this_thread::sleep_until(until + 100ms);
    EXPECT_EQ(send(ws, group, "back again").at("seq"), json::value(1));
    EXPECT_EQ(listed_group(ws, group).at("my_membership"),
              json::value(membership("member", "active")));
}

TEST_F(Moderation, MuteWithATimeInThePastLiftsItAndIsLoggedAsUnmute) {
    const auto group = create_group("Nottingham");
    const auto amy = register_user("amy");
    auto ws = connect(amy);
    join(ws, group);
    const auto until = iso_in(1h);
    admin_ws().call("groups.mute", {{"group", group}, {"user", amy.id()}, {"until", until}});
    EXPECT_EQ(at_path(ws.next_event("membership.muted"), "until"), json::value(until));
    EXPECT_EQ(error_code_of(ws.request("messages.send", {{"group", group}, {"text", "hello?"}})),
              "forbidden");

    EXPECT_EQ(admin_ws().call("groups.mute",
                              {{"group", group}, {"user", amy.id()}, {"until", iso_in(-1min)}}),
              json::object{});
    const auto lifted = ws.next_event("membership.muted");
    EXPECT_TRUE(lifted.at("until").is_null()) << lifted;
    EXPECT_EQ(send(ws, group, "thanks").at("seq"), json::value(1));

    const auto entries = log_entries(group);
    ASSERT_EQ(entries.size(), 2u) << entries;
    EXPECT_EQ(entries[0].at("action"), json::value("unmute"));
    EXPECT_TRUE(entries[0].at("until").is_null()) << entries[0];
    EXPECT_EQ(entries[1].at("action"), json::value("mute"));
    EXPECT_EQ(entries[1].at("until"), json::value(until));
}

TEST_F(Moderation, MuteCannotBeShakenOffByLeavingAndRejoining) {
    const auto group = create_group("Nottingham");
    const auto amy = register_user("amy");
    auto ws = connect(amy);
    join(ws, group);
    const auto until = iso_in(1h);
    admin_ws().call("groups.mute", {{"group", group}, {"user", amy.id()}, {"until", until}});

    ws.call("groups.leave", {{"group", group}});
    EXPECT_EQ(join(ws, group), membership("member", "active"));
    const auto reply = ws.request("messages.send", {{"group", group}, {"text", "I'm back!"}});
    EXPECT_EQ(error_code_of(reply), "forbidden")
        << "the mute lasts until " << until << ": " << reply;
    EXPECT_EQ(str(at_path(listed_group(ws, group), "my_membership.muted_until")), until);
}

TEST_F(Moderation, MuteRefusesYourselfPeopleNotInTheGroupAndAMissingTime) {
    const auto c = make_circle("Nottingham homecare workers");
    const auto sam = register_user("sam");
    const auto log_size = log_entries(c.group).size();
    const auto until = iso_in(1h);
    const std::vector<std::tuple<const char*, json::object, const char*>> cases = {
        {"yourself", {{"group", c.group}, {"user", admin().id()}, {"until", until}}, "bad_request"},
        {"a non-member", {{"group", c.group}, {"user", sam.id()}, {"until", until}}, "not_found"},
        {"an unknown user", {{"group", c.group}, {"user", nobody}, {"until", until}}, "not_found"},
        {"no until", {{"group", c.group}, {"user", c.amy.id()}}, "bad_request"},
        {"until that is not a time",
         {{"group", c.group}, {"user", c.amy.id()}, {"until", "2027-13-45"}},
         "bad_request"},
    };
    for (const auto& [why, params, code] : cases) {
        const auto reply = admin_ws().request("groups.mute", params);
        EXPECT_EQ(error_code_of(reply), code) << why << ": " << reply;
    }
    EXPECT_TRUE(can_send(c.amy, c.group));
    EXPECT_TRUE(can_send(admin(), c.group));
    EXPECT_EQ(log_entries(c.group).size(), log_size);
}

TEST_F(Moderation, BansAndMutesOutlastARestart) {
    const auto group = create_group("Nottingham");
    const auto amy = register_user("amy");
    const auto ben = register_user("ben");
    add_member(group, amy);
    add_member(group, ben);
    const auto until = iso_in(1h);
    admin_ws().call("groups.mute", {{"group", group}, {"user", amy.id()}, {"until", until}});
    admin_ws().call("groups.ban", {{"group", group}, {"user", ben.id()}, {"reason", "Spam"}});

    admin_ws().close(); // so the shutdown has no open socket to wait for
    server().restart();

    ws_client amy_ws(port(), amy.token);
    EXPECT_EQ(error_code_of(amy_ws.request("messages.send", {{"group", group}, {"text", "hi"}})),
              "forbidden");
    EXPECT_EQ(str(at_path(listed_group(amy_ws, group), "my_membership.muted_until")), until);
    ws_client ben_ws(port(), ben.token);
    EXPECT_EQ(error_code_of(ben_ws.request("groups.join", {{"group", group}})), "forbidden");
    ws_client moderator(port(), admin().token);
    const auto entries =
        at_path(moderator.call("moderation.log", {{"group", group}}), "entries").as_array();
    ASSERT_EQ(entries.size(), 2u) << entries;
    EXPECT_EQ(entries[0].at("action"), json::value("ban"));
    EXPECT_EQ(entries[0].at("reason"), json::value("Spam"));
    EXPECT_EQ(entries[1].at("action"), json::value("mute"));
}

// --- the moderation log --------------------------------------------------------------------

TEST_F(Moderation, LogRecordsEveryActionWithWhoWhomReasonAndUntil) {
    const auto group = create_group("Nottingham homecare workers", "private");
    const auto amy = register_user("amy", "Amy Carer");
    const auto ben = register_user("ben", "Ben Carer");
    const auto pat = register_user("pat", "Pat Newcomer");
    const auto quin = register_user("quin", "Quin Hopeful");
    auto& site_admin = admin_ws();
    auto amy_ws = connect(amy);

    add_member(group, amy);
    add_member(group, pat);
    auto quin_ws = connect(quin);
    join(quin_ws, group);
    site_admin.call("groups.reject", {{"group", group}, {"user", quin.id()}});
    set_role(group, amy, "organiser");
    site_admin.call("groups.remove", {{"group", group}, {"user", pat.id()}});
    add_member(group, ben);
    const auto ban_until = iso_in(7 * 24h);
    site_admin.call("groups.ban", {{"group", group},
                                   {"user", ben.id()},
                                   {"reason", "Shared a client's address"},
                                   {"until", ban_until}});
    site_admin.call("groups.unban", {{"group", group}, {"user", ben.id()}});
    const auto mute_until = iso_in(2h);
    site_admin.call("groups.mute", {{"group", group}, {"user", amy.id()}, {"until", mute_until}});
    site_admin.call("groups.mute", {{"group", group}, {"user", amy.id()}, {"until", iso_in(-1s)}});
    const auto first = send(amy_ws, group, "Anyone know a good hoist supplier?");
    const auto second = send(amy_ws, group, "Oops, wrong group");
    site_admin.call("messages.delete", {{"group", group}, {"message", first.at("id")}});
    // Deleting one's own message is not a moderation action, so it is not logged.
    amy_ws.call("messages.delete", {{"group", group}, {"message", second.at("id")}});
    const auto reported = send(site_admin, group, "Reminder: rota changes on Friday");
    const auto report = at_path(
        amy_ws.call("messages.report",
                    {{"group", group}, {"message", reported.at("id")}, {"reason", "Wrong date"}}),
        "report.id");
    site_admin.call("reports.resolve", {{"report", report}, {"action", "dismiss"}});

    struct expected {
        const char* action;
        const account* target;
        json::value reason; // null: not checked
        json::value until;
        json::value message;
    };
    const std::vector<expected> newest_first = {
        {"resolve", &admin(), "dismiss", nullptr, reported.at("id")},
        {"delete", &amy, nullptr, nullptr, first.at("id")},
        {"unmute", &amy, nullptr, nullptr, nullptr},
        {"mute", &amy, nullptr, json::value(mute_until), nullptr},
        {"unban", &ben, nullptr, nullptr, nullptr},
        {"ban", &ben, "Shared a client's address", json::value(ban_until), nullptr},
        {"approve", &ben, nullptr, nullptr, nullptr},
        {"remove", &pat, nullptr, nullptr, nullptr},
        {"set_role", &amy, "organiser", nullptr, nullptr},
        {"reject", &quin, nullptr, nullptr, nullptr},
        {"approve", &pat, nullptr, nullptr, nullptr},
        {"approve", &amy, nullptr, nullptr, nullptr},
    };
    const auto entries = log_entries(group);
    ASSERT_EQ(entries.size(), newest_first.size()) << entries;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& e = entries[i].as_object();
        const auto& want = newest_first[i];
        SCOPED_TRACE(std::to_string(i) + ": " + json::serialize(e));
        EXPECT_EQ(e.at("action"), json::value(want.action));
        EXPECT_EQ(e.at("actor"), json::value(admin().user));
        EXPECT_EQ(e.at("target"), json::value(want.target->user));
        EXPECT_EQ(e.at("message"), want.message);
        if (!want.reason.is_null())
            EXPECT_EQ(e.at("reason"), want.reason);
        else
            EXPECT_TRUE(e.at("reason").is_string());
        EXPECT_EQ(e.at("until"), want.until);
        EXPECT_TRUE(is_timestamp(e.at("created_at")));
        EXPECT_TRUE(e.at("id").is_int64());
        if (i > 0) {
            EXPECT_LT(num(e.at("id")), num(entries[i - 1].at("id")));
            EXPECT_LE(str(e.at("created_at")), str(entries[i - 1].at("created_at")));
        }
    }

    // Paging back: `before` is an entry id.
    const auto page =
        at_path(site_admin.call("moderation.log", {{"group", group}, {"limit", 5}}), "entries")
            .as_array();
    ASSERT_EQ(page.size(), 5u);
    const auto older = at_path(site_admin.call("moderation.log", {{"group", group},
                                                                  {"before", page.back().at("id")},
                                                                  {"limit", 100}}),
                               "entries")
                           .as_array();
    ASSERT_EQ(older.size(), entries.size() - 5) << older;
    EXPECT_EQ(older[0], entries[5]);
    EXPECT_EQ(older.back(), entries.back());
}

TEST_F(Moderation, LogIsKeptPerGroupAndRefusesABadLimit) {
    const auto here = create_group("Nottingham");
    const auto there = create_group("Worcestershire");
    const auto amy = register_user("amy");
    add_member(here, amy);
    add_member(there, amy);
    admin_ws().call("groups.mute", {{"group", there}, {"user", amy.id()}, {"until", iso_in(1h)}});
    EXPECT_TRUE(log_entries(here).empty());
    EXPECT_EQ(log_entries(there).size(), 1u);
    for (const auto limit : {0, 101, -1}) {
        const auto reply =
            admin_ws().request("moderation.log", {{"group", there}, {"limit", limit}});
        EXPECT_EQ(error_code_of(reply), "bad_request") << "limit " << limit << ": " << reply;
    }
    EXPECT_EQ(error_code_of(admin_ws().request("moderation.log", {{"group", nobody}})),
              "not_found");
}
