// Reporting a message and acting on reports: messages.report, reports.list, reports.resolve
// (PROTOCOL.md section 3 "Messages"; protocol/README.md "Messages" and the report.created event).

#include "moderation_fixture.hpp"

#include <gtest/gtest.h>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

using namespace carecircle::test;

namespace {

class Reports : public moderation_test {
protected:
    // A private circle where Ben posted something Amy reports.
    struct reported {
        circle c;
        json::object message;
        std::int64_t report = 0;
    };

    reported circle_with_a_report(std::string_view reason = "Names a client") {
        reported r;
        r.c = make_circle("Nottingham homecare workers");
        auto ben = connect(r.c.ben);
        r.message = send(ben, r.c.group, "Mr P in flat 3 refused his meds again");
        r.report = report(r.c.amy, r.c.group, r.message.at("id"), reason);
        return r;
    }

    std::int64_t report(const account& who, std::int64_t group, const json::value& message,
                        std::string_view reason) {
        auto ws = connect(who);
        return num(at_path(ws.call("messages.report",
                                   {{"group", group}, {"message", message}, {"reason", reason}}),
                           "report.id"));
    }
};

} // namespace

TEST_F(Reports, MemberReportsAMessageAndTheModeratorsAreTold) {
    const auto c = make_circle("Nottingham homecare workers");
    const auto mona = register_user("mona", "Mona Moderator");
    add_member(c.group, mona);
    set_role(c.group, mona, "moderator");
    auto mona_ws = connect(mona);
    auto amy = connect(c.amy);
    auto ben = connect(c.ben);
    auto organiser = connect(c.organiser);
    const auto message = send(ben, c.group, "Mr P in flat 3 refused his meds again");

    const auto result =
        amy.call("messages.report",
                 {{"group", c.group}, {"message", message.at("id")}, {"reason", "Names a client"}});
    const auto& id = at_path(result, "report.id");
    EXPECT_TRUE(id.is_int64()) << result;

    for (auto* ws : {&admin_ws(), &mona_ws}) {
        EXPECT_EQ(ws->next_event("report.created"),
                  (json::object{{"event", "report.created"}, {"group", c.group}, {"report", id}}));
    }
    EXPECT_TRUE(ben.no_event("report.created", 300ms)) << "the author is not told who reported";
    EXPECT_TRUE(organiser.no_event("report.created", 0ms));
    EXPECT_TRUE(amy.no_event("report.created", 0ms));
}

TEST_F(Reports, ModeratorSeesOpenReportsWithTheMessageAndTheReporter) {
    const auto r = circle_with_a_report();
    const auto reports = open_reports(r.c.group);
    ASSERT_EQ(reports.size(), 1u) << reports;
    const auto& listed = reports[0].as_object();
    EXPECT_EQ(num(listed.at("id")), r.report);
    EXPECT_EQ(listed.at("message"), json::value(r.message));
    EXPECT_EQ(listed.at("reporter"), json::value(r.c.amy.user));
    EXPECT_EQ(listed.at("reason"), json::value("Names a client"));
    EXPECT_TRUE(is_timestamp(listed.at("created_at"))) << listed;
}

TEST_F(Reports, ReportNeedsAReasonAndAMessageOfThisGroup) {
    const auto c = make_circle("Nottingham homecare workers");
    const auto other = create_group("Worcestershire");
    const auto elsewhere = send(admin_ws(), other, "Hello Worcestershire");
    const auto message = send(admin_ws(), c.group, "Hello Nottingham");
    auto amy = connect(c.amy);
    add_member(other, c.amy);

    const std::vector<std::tuple<const char*, json::object, const char*>> cases = {
        {"no reason", {{"group", c.group}, {"message", message.at("id")}}, "bad_request"},
        {"an empty reason",
         {{"group", c.group}, {"message", message.at("id")}, {"reason", ""}},
         "bad_request"},
        {"a blank reason",
         {{"group", c.group}, {"message", message.at("id")}, {"reason", "  \n "}},
         "bad_request"},
        {"a reason over 500 characters",
         {{"group", c.group}, {"message", message.at("id")}, {"reason", std::string(501, 'x')}},
         "bad_request"},
        {"a message of another group",
         {{"group", c.group}, {"message", elsewhere.at("id")}, {"reason", "Spam"}},
         "not_found"},
        {"a message that does not exist",
         {{"group", c.group}, {"message", 987654}, {"reason", "Spam"}},
         "not_found"},
    };
    for (const auto& [why, params, code] : cases) {
        const auto reply = amy.request("messages.report", params);
        EXPECT_EQ(error_code_of(reply), code) << why << ": " << reply;
    }
    EXPECT_TRUE(open_reports(c.group).empty());
    EXPECT_TRUE(open_reports(other).empty());
    EXPECT_TRUE(admin_ws().no_event("report.created", 200ms));
}

TEST_F(Reports, OnlyActiveMembersMayReport) {
    const auto c = make_circle("Nottingham homecare workers");
    const auto open_group = create_group("Nottingham", "public");
    const auto in_private = send(admin_ws(), c.group, "Members only");
    const auto in_public = send(admin_ws(), open_group, "Everyone welcome");
    const auto sam = register_user("sam");
    const auto pat = register_user("pat");
    auto sam_ws = connect(sam);
    auto pat_ws = connect(pat);
    join(pat_ws, c.group);

    for (auto* ws : {&sam_ws, &pat_ws}) {
        const auto reply = ws->request(
            "messages.report",
            {{"group", c.group}, {"message", in_private.at("id")}, {"reason", "Curious"}});
        EXPECT_EQ(error_code_of(reply), "forbidden") << reply;
    }
    const auto outsider = sam_ws.request(
        "messages.report",
        {{"group", open_group}, {"message", in_public.at("id")}, {"reason", "Curious"}});
    EXPECT_EQ(error_code_of(outsider), "forbidden") << "a public group's outsider: " << outsider;
    EXPECT_TRUE(open_reports(c.group).empty());
    EXPECT_TRUE(open_reports(open_group).empty());
}

TEST_F(Reports, OnlyModeratorsSeeReports) {
    const auto r = circle_with_a_report("Names a client at flat 3");
    const auto sam = register_user("sam");
    for (const auto* who : {&r.c.amy, &r.c.ben, &r.c.organiser, &sam}) {
        auto ws = connect(*who);
        const auto reply = ws.request("reports.list", {{"group", r.c.group}});
        EXPECT_EQ(error_code_of(reply), "forbidden") << who->username << ": " << reply;
        EXPECT_FALSE(mentions(reply, "flat 3")) << reply;
    }
    EXPECT_EQ(open_reports(r.c.group).size(), 1u);
}

TEST_F(Reports, DismissingAReportKeepsTheMessage) {
    const auto r = circle_with_a_report();
    auto ben = connect(r.c.ben);

    EXPECT_EQ(admin_ws().call("reports.resolve", {{"report", r.report}, {"action", "dismiss"}}),
              json::object{});
    EXPECT_TRUE(open_reports(r.c.group).empty());
    EXPECT_EQ(history(ben, r.c.group).at(0), json::value(r.message));
    EXPECT_TRUE(ben.no_event("message.deleted", 300ms));

    const auto entry = log_entries(r.c.group).at(0);
    EXPECT_EQ(entry.at("action"), json::value("resolve")) << entry;
    EXPECT_EQ(entry.at("reason"), json::value("dismiss")) << entry;
    EXPECT_EQ(entry.at("actor"), json::value(admin().user)) << entry;
    EXPECT_EQ(entry.at("message"), r.message.at("id")) << entry;
}

TEST_F(Reports, ResolvingByDeletingRemovesTheMessageForEveryone) {
    const auto r = circle_with_a_report();
    const auto second_report = report(r.c.organiser, r.c.group, r.message.at("id"), "Not okay");
    auto ben = connect(r.c.ben);
    auto amy = connect(r.c.amy);
    const auto other_message = send(ben, r.c.group, "Sorry, I should not have said that");
    const auto other_report = report(r.c.amy, r.c.group, other_message.at("id"), "Still names him");

    EXPECT_EQ(
        admin_ws().call("reports.resolve", {{"report", r.report}, {"action", "delete_message"}}),
        json::object{});
    const json::object deleted{{"event", "message.deleted"},
                               {"group", r.c.group},
                               {"message", r.message.at("id")},
                               {"seq", r.message.at("seq")}};
    EXPECT_EQ(ben.next_event("message.deleted"), deleted);
    EXPECT_EQ(amy.next_event("message.deleted"), deleted);

    const auto stored = history(amy, r.c.group);
    EXPECT_EQ(stored.at(0).at("deleted"), json::value(true));
    EXPECT_EQ(stored.at(0).at("text"), json::value(""));
    EXPECT_EQ(stored.at(1), json::value(other_message));

    // The other report of the same message is closed with it; the other message's stays open.
    const auto open_after = open_reports(r.c.group);
    ASSERT_EQ(open_after.size(), 1u) << open_after;
    EXPECT_EQ(num(open_after[0].at("id")), other_report);
    const auto again =
        admin_ws().request("reports.resolve", {{"report", second_report}, {"action", "dismiss"}});
    EXPECT_EQ(error_code_of(again), "conflict") << again;

    const auto entry = log_entries(r.c.group).at(0);
    EXPECT_EQ(entry.at("action"), json::value("resolve")) << entry;
    EXPECT_EQ(entry.at("reason"), json::value("delete_message")) << entry;
    EXPECT_EQ(entry.at("target"), json::value(r.c.ben.user)) << entry;
    EXPECT_EQ(entry.at("message"), r.message.at("id")) << entry;
}

TEST_F(Reports, ModeratorOfAnotherGroupCannotResolve) {
    const auto r = circle_with_a_report();
    const auto other = create_group("Worcestershire");
    const auto mona = register_user("mona", "Mona Moderator");
    add_member(other, mona);
    set_role(other, mona, "moderator");
    auto mona_ws = connect(mona);

    for (const auto* action : {"dismiss", "delete_message"}) {
        const auto reply =
            mona_ws.request("reports.resolve", {{"report", r.report}, {"action", action}});
        EXPECT_EQ(error_code_of(reply), "forbidden") << action << ": " << reply;
        EXPECT_FALSE(mentions(reply, "flat 3")) << reply;
    }
    const auto listed = mona_ws.request("reports.list", {{"group", r.c.group}});
    EXPECT_EQ(error_code_of(listed), "forbidden") << listed;
    EXPECT_EQ(open_reports(r.c.group).size(), 1u);
    auto ben = connect(r.c.ben);
    EXPECT_EQ(history(ben, r.c.group).at(0), json::value(r.message));
}

TEST_F(Reports, MembersCannotResolveReports) {
    const auto r = circle_with_a_report();
    for (const auto* who : {&r.c.amy, &r.c.ben, &r.c.organiser}) {
        auto ws = connect(*who);
        const auto reply =
            ws.request("reports.resolve", {{"report", r.report}, {"action", "delete_message"}});
        EXPECT_EQ(error_code_of(reply), "forbidden") << who->username << ": " << reply;
    }
    EXPECT_EQ(open_reports(r.c.group).size(), 1u);
    EXPECT_EQ(open_reports(r.c.group).at(0).at("message"), json::value(r.message));
}

TEST_F(Reports, ResolvingTwiceIsAConflict) {
    const auto r = circle_with_a_report();
    admin_ws().call("reports.resolve", {{"report", r.report}, {"action", "dismiss"}});
    const auto log_size = log_entries(r.c.group).size();
    for (const auto* action : {"dismiss", "delete_message"}) {
        const auto reply =
            admin_ws().request("reports.resolve", {{"report", r.report}, {"action", action}});
        EXPECT_EQ(error_code_of(reply), "conflict") << action << ": " << reply;
    }
    auto ben = connect(r.c.ben);
    EXPECT_EQ(history(ben, r.c.group).at(0), json::value(r.message))
        << "a refused delete_message deleted the message";
    EXPECT_EQ(log_entries(r.c.group).size(), log_size);
}

TEST_F(Reports, UnknownReportOrActionIsRefused) {
    const auto r = circle_with_a_report();
    const auto unknown =
        admin_ws().request("reports.resolve", {{"report", 987654}, {"action", "dismiss"}});
    EXPECT_EQ(error_code_of(unknown), "not_found") << unknown;
    const json::array actions{"ban", "", 1};
    for (const auto& action : actions) {
        const auto reply =
            admin_ws().request("reports.resolve", {{"report", r.report}, {"action", action}});
        EXPECT_EQ(error_code_of(reply), "bad_request") << action << ": " << reply;
    }
    EXPECT_EQ(error_code_of(admin_ws().request("reports.resolve", {{"report", r.report}})),
              "bad_request");
    EXPECT_EQ(open_reports(r.c.group).size(), 1u);
}
