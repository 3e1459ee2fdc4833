// Organising a meet-up beyond creating it (protocol/README.md, "Meetups"): who may see who is
// coming (meetups.attendees) and manage it (can_manage in meetups.list), a reason given with a
// cancellation, and how a one-off is announced.

#include "meetup_fixture.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace carecircle::test;
using namespace std::chrono_literals;

namespace {

using MeetupOrganising = meetup_fixture;

TEST_F(MeetupOrganising, OrganiserAndModeratorsSeeWhoIsComingInWaitlistOrder) {
    const auto c = public_group_with_people();
    auto olive = connect(c.olive);
    const auto id = create_meetup(olive, library_meetup(c.group, 2));
    const std::string date = "2027-02-03T16:00";
    auto ben = connect(c.ben);
    auto amy = connect(c.amy);
    auto dev = connect(c.dev);
    auto cara = connect(c.cara);
    EXPECT_EQ(str(at_path(rsvp(ben, id, date, "going"), "result.rsvp.status")), "going");
    EXPECT_EQ(str(at_path(rsvp(amy, id, date, "going"), "result.rsvp.status")), "going");
    EXPECT_EQ(str(at_path(rsvp(dev, id, date, "going"), "result.rsvp.status")), "waitlisted");
    EXPECT_EQ(str(at_path(rsvp(cara, id, date, "going"), "result.rsvp.status")), "waitlisted");

    auto mona = connect(c.mona);
    for (auto* who : {&olive, &mona, &admin_ws()}) {
        const auto reply = attendees(*who, id, date);
        ASSERT_EQ(error_code_of(reply), "ok") << reply;
        const auto& result = reply.at("result");
        EXPECT_EQ(names(result.at("going")), (std::vector<std::string>{"Ben Carer", "Amy Carer"}));
        EXPECT_EQ(names(result.at("waitlisted")),
                  (std::vector<std::string>{"Dev Carer", "Cara Carer"}));
        EXPECT_EQ(num(result.at("going_count")), 2);
        EXPECT_EQ(num(result.at("waitlisted_count")), 2);
        EXPECT_EQ(str(result.at("occurrence")), date);
    }

    // Members see counts and their own answer in meetups.list, not other people's names; nor
    // does an organiser of the group whose meet-up it is not.
    auto oscar = connect(c.oscar);
    EXPECT_EQ(error_code_of(attendees(amy, id, date)), "forbidden");
    EXPECT_EQ(error_code_of(attendees(oscar, id, date)), "forbidden");
    const auto stranger = register_user("stranger");
    auto outsider = connect(stranger);
    EXPECT_EQ(error_code_of(attendees(outsider, id, date)), "forbidden");

    EXPECT_EQ(error_code_of(attendees(olive, id, "2027-02-04T16:00")), "not_found");
    EXPECT_EQ(error_code_of(attendees(olive, id + 1000, date)), "not_found");
    EXPECT_EQ(error_code_of(olive.request("meetups.attendees", {{"meetup", id}})), "bad_request");
}

TEST_F(MeetupOrganising, PrivateGroupsMeetupsStayHiddenFromOutsiders) {
    const auto c = public_group_with_people("private");
    auto olive = connect(c.olive);
    const auto id = create_meetup(olive, fortnightly_catch_up(c.group));
    const auto stranger = register_user("stranger");
    auto outsider = connect(stranger);
    EXPECT_EQ(error_code_of(attendees(outsider, id, "2027-01-13T16:00")), "not_found");
    EXPECT_EQ(error_code_of(outsider.request("meetups.edit", {{"meetup", id}, {"title", "Mine"}})),
              "not_found");
    auto amy = connect(c.amy);
    EXPECT_EQ(error_code_of(attendees(amy, id, "2027-01-13T16:00")), "forbidden");
    EXPECT_EQ(error_code_of(attendees(olive, id, "2027-01-13T16:00")), "ok");
}

TEST_F(MeetupOrganising, TheListSaysWhoMayManageEachMeetupAndWhatTheEditFormNeeds) {
    const auto c = public_group_with_people();
    auto olive = connect(c.olive);
    const auto id = create_meetup(olive, library_meetup(c.group, 12));
    auto first_of = [&](ws_client& ws) {
        return occurrence_at(occurrences(ws, c.group), id, "2027-03-03T16:00");
    };
    auto mona = connect(c.mona);
    auto oscar = connect(c.oscar);
    auto amy = connect(c.amy);
    const auto stranger = register_user("stranger");
    auto outsider = connect(stranger);
    EXPECT_EQ(first_of(olive).at("can_manage"), json::value(true));
    EXPECT_EQ(first_of(mona).at("can_manage"), json::value(true));
    EXPECT_EQ(first_of(admin_ws()).at("can_manage"), json::value(true));
    EXPECT_EQ(first_of(oscar).at("can_manage"), json::value(false));
    EXPECT_EQ(first_of(amy).at("can_manage"), json::value(false));
    EXPECT_EQ(first_of(outsider).at("can_manage"), json::value(false));

    // An organiser who is made a plain member no longer manages what they made.
    set_role(c.group, c.olive, "member");
    EXPECT_EQ(first_of(olive).at("can_manage"), json::value(false));

    const auto o = first_of(amy);
    EXPECT_EQ(str(o.at("series_start")), "2027-02-03T16:00");
    EXPECT_EQ(num(o.at("duration_minutes")), 60);
    EXPECT_EQ(num(at_path(o, "repeat.every_weeks")), 4);
    EXPECT_EQ(num(at_path(o, "repeat.count")), 6);
    EXPECT_TRUE(o.at("cancel_reason").is_null());
}

TEST_F(MeetupOrganising, ACancellationsReasonReachesTheListTheChatTheEventAndTheFeed) {
    const auto c = public_group_with_people();
    auto olive = connect(c.olive);
    auto amy = connect(c.amy);
    const auto id = create_meetup(olive, fortnightly_catch_up(c.group));

    const std::string reason = "Olive is on leave; back on the 10th, promise";
    EXPECT_EQ(error_code_of(olive.request("meetups.cancel", {{"meetup", id},
                                                             {"occurrence", "2027-01-27T16:00"},
                                                             {"reason", "  " + reason + " "}})),
              "ok");
    const auto event = amy.next_event("meetup.cancelled");
    EXPECT_EQ(str(event.at("reason")), reason);
    EXPECT_EQ(
        str(occurrence_at(occurrences(amy, c.group), id, "2027-01-27T16:00").at("cancel_reason")),
        reason);
    EXPECT_TRUE(occurrence_at(occurrences(amy, c.group), id, "2027-02-10T16:00")
                    .at("cancel_reason")
                    .is_null());
    EXPECT_EQ(last_message(amy, c.group),
              "Cancelled: \xE2\x80\x9C"
              "Fortnightly online catch-up\xE2\x80\x9D on Wed 27 Jan 2027 "
              "at 16:00. Reason: " +
                  reason);

    const auto feed_path = "/api/groups/" + std::to_string(c.group) + "/meetups.ics";
    auto unfolded = [](std::string body) {
        for (auto at = body.find("\r\n "); at != std::string::npos; at = body.find("\r\n ")) {
            body.erase(at, 3);
        }
        return body;
    };
    auto feed = unfolded(http(port(), "GET", feed_path).body);
    EXPECT_NE(feed.find("\\n\\nCancelled on Wed 27 Jan 2027 at 16:00: Olive is on leave\\; back "
                        "on the 10th\\, promise"),
              std::string::npos)
        << feed;
    EXPECT_EQ(feed.find("STATUS:CANCELLED"), std::string::npos) << "the series goes on";

    // The whole series, without a reason and then one that needs escaping.
    EXPECT_EQ(error_code_of(olive.request(
                  "meetups.cancel", {{"meetup", id}, {"reason", "The library, sadly; shut"}})),
              "ok");
    EXPECT_EQ(str(amy.next_event("meetup.cancelled").at("reason")), "The library, sadly; shut");
    feed = unfolded(http(port(), "GET", feed_path).body);
    EXPECT_NE(feed.find("\r\nSTATUS:CANCELLED\r\n"), std::string::npos) << feed;
    EXPECT_NE(feed.find("\r\nDESCRIPTION:Cancelled: The library\\, sadly\\; shut\\n\\nBring a "
                        "cuppa."),
              std::string::npos)
        << feed;
    EXPECT_EQ(
        str(occurrence_at(occurrences(amy, c.group), id, "2027-02-10T16:00").at("cancel_reason")),
        "The library, sadly; shut");
}

TEST_F(MeetupOrganising, ACancellationReasonIsShortPlainText) {
    const auto c = public_group_with_people();
    auto olive = connect(c.olive);
    const auto id = create_meetup(olive, fortnightly_catch_up(c.group));
    auto cancel = [&](json::value reason) {
        return error_code_of(olive.request(
            "meetups.cancel",
            {{"meetup", id}, {"occurrence", "2027-01-13T16:00"}, {"reason", std::move(reason)}}));
    };
    EXPECT_EQ(cancel(json::string(std::string(501, 'x'))), "bad_request");
    EXPECT_EQ(cancel("Flooded\nagain"), "bad_request");
    EXPECT_EQ(cancel(42), "bad_request");
    // 500 characters of two octets each are still 500 characters.
    std::string accents;
    for (int i = 0; i < 500; ++i) {
        accents += "\xC3\xA9";
    }
    EXPECT_EQ(cancel(json::string(accents)), "ok");
    auto amy = connect(c.amy);
    EXPECT_EQ(
        str(occurrence_at(occurrences(amy, c.group), id, "2027-01-13T16:00").at("cancel_reason")),
        accents);
}

TEST_F(MeetupOrganising, AOneOffIsAnnouncedOnItsDayNotAsTheFirstOfASeries) {
    const auto c = public_group_with_people();
    auto olive = connect(c.olive);
    auto one_off = library_meetup(c.group, 8);
    one_off["repeat"] = nullptr;
    one_off["start"] = "2027-12-11T14:00";
    create_meetup(olive, one_off);
    EXPECT_EQ(last_message(olive, c.group),
              "New meet-up: \xE2\x80\x9CNottingham in-person meet-up\xE2\x80\x9D on Sat 11 Dec "
              "2027 at 14:00 (Europe/London), at Nottingham Central Library, Angel Row. 8 places.");
    create_meetup(olive, fortnightly_catch_up(c.group));
    EXPECT_EQ(last_message(olive, c.group),
              "New meet-up: \xE2\x80\x9C"
              "Fortnightly online catch-up\xE2\x80\x9D, every 2 weeks "
              "on Wednesday at 16:00 (Europe/London), from Wed 13 Jan 2027, online.");
}

} // namespace
