// meetups.edit (protocol/README.md, "Meetups"): who may change a meet-up, that a change is
// checked as a new one would be, that everyone who answered hears of a new time or place, and
// that fewer places send the latest to answer back to the front of the waitlist.

#include "meetup_fixture.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace carecircle::test;
using namespace std::chrono_literals;

namespace {

using MeetupEditing = meetup_fixture;

json::object edit(ws_client& ws, std::int64_t meetup, json::object changes) {
    changes["meetup"] = meetup;
    return ws.request("meetups.edit", std::move(changes));
}

TEST_F(MeetupEditing, MovingAMeetupTellsEveryoneWhoAnsweredAndTheirAnswersFollow) {
    const auto c = public_group_with_people();
    auto olive = connect(c.olive);
    auto amy = connect(c.amy);
    auto ben = connect(c.ben);
    auto cara = connect(c.cara);
    const auto id = create_meetup(olive, fortnightly_catch_up(c.group));
    rsvp(amy, id, "2027-01-13T16:00", "going");
    rsvp(ben, id, "2027-01-27T16:00", "going");
    rsvp(cara, id, "2027-01-13T16:00", "not_going");
    olive.call("meetups.cancel", {{"meetup", id}, {"occurrence", "2027-02-10T16:00"}});

    const auto reply = edit(olive, id,
                            {{"start", "2027-01-14T17:30"},
                             {"kind", "in_person"},
                             {"location", "Bromley House Library"},
                             {"url", nullptr}});
    ASSERT_EQ(error_code_of(reply), "ok") << reply;
    EXPECT_EQ(str(at_path(reply, "result.meetup.start")), "2027-01-14T17:30");
    EXPECT_EQ(str(at_path(reply, "result.meetup.location")), "Bromley House Library");

    for (auto* told : {&amy, &ben}) {
        const auto moved = told->next_event("meetup.moved");
        EXPECT_EQ(num(moved.at("meetup")), id);
        EXPECT_EQ(str(at_path(moved, "series.start")), "2027-01-14T17:30");
        EXPECT_EQ(str(at_path(moved, "series.kind")), "in_person");
        EXPECT_EQ(moved.at("changes"), (json::array{"time", "place"}));
    }
    EXPECT_TRUE(cara.no_event("meetup.moved", 300ms)) << "she said she can't go";
    const auto edited = cara.next_event("meetup.edited");
    EXPECT_EQ(str(at_path(edited, "series.location")), "Bromley House Library");
    EXPECT_EQ(last_message(cara, c.group),
              "Changed: \xE2\x80\x9C"
              "Fortnightly online catch-up\xE2\x80\x9D is now every 2 "
              "weeks on Thursday at 17:30 (Europe/London), from Thu 14 Jan 2027, at Bromley House "
              "Library.");

    // The answers and the cancelled date moved with the series.
    const auto listed = occurrences(amy, c.group);
    EXPECT_EQ(str(occurrence_at(listed, id, "2027-01-14T17:30").at("my_rsvp")), "going");
    EXPECT_EQ(num(occurrence_at(listed, id, "2027-01-28T17:30").at("going")), 1);
    EXPECT_EQ(occurrence_at(listed, id, "2027-02-11T17:30").at("cancelled"), json::value(true));
    EXPECT_EQ(occurrence_at(listed, id, "2027-02-25T17:30").at("cancelled"), json::value(false));
    EXPECT_EQ(str(occurrence_at(listed, id, "2027-01-14T17:30").at("kind")), "in_person");
    EXPECT_EQ(str(at_path(attendees(olive, id, "2027-01-28T17:30"), "result.going")
                      .as_array()
                      .front()
                      .at("display_name")),
              "Ben Carer");
}

TEST_F(MeetupEditing, ATitleOrDescriptionChangeIsNotAnnouncedAsAMove) {
    const auto c = public_group_with_people();
    auto olive = connect(c.olive);
    auto amy = connect(c.amy);
    const auto id = create_meetup(olive, fortnightly_catch_up(c.group));
    rsvp(amy, id, "2027-01-13T16:00", "going");
    const auto before = last_message(amy, c.group);
    ASSERT_EQ(error_code_of(edit(olive, id, {{"title", "Cuppa and a chat"}, {"description", ""}})),
              "ok");
    const auto edited = amy.next_event("meetup.edited");
    EXPECT_EQ(edited.at("changes"), (json::array{"title", "description"}));
    EXPECT_TRUE(amy.no_event("meetup.moved", 300ms));
    EXPECT_EQ(last_message(amy, c.group), before) << "no chat message for a new title";
    EXPECT_EQ(str(occurrence_at(occurrences(amy, c.group), id, "2027-01-13T16:00").at("title")),
              "Cuppa and a chat");
}

TEST_F(MeetupEditing, FewerPlacesSendTheLatestToAnswerToTheFrontOfTheWaitlist) {
    const auto c = public_group_with_people();
    auto olive = connect(c.olive);
    const auto id = create_meetup(olive, library_meetup(c.group, 3));
    const std::string date = "2027-02-03T16:00";
    auto amy = connect(c.amy);
    auto ben = connect(c.ben);
    auto cara = connect(c.cara);
    auto dev = connect(c.dev);
    for (auto* who : {&amy, &ben, &cara, &dev}) {
        rsvp(*who, id, date, "going");
    }

    ASSERT_EQ(error_code_of(edit(olive, id, {{"capacity", 1}})), "ok");
    const auto to_ben = ben.next_event("meetup.demoted");
    EXPECT_EQ(str(to_ben.at("occurrence")), date);
    EXPECT_EQ(num(to_ben.at("position")), 1);
    EXPECT_EQ(num(cara.next_event("meetup.demoted").at("position")), 2);
    EXPECT_TRUE(amy.no_event("meetup.demoted", 200ms));
    EXPECT_TRUE(dev.no_event("meetup.demoted", 200ms)) << "already waiting";
    EXPECT_TRUE(amy.no_event("meetup.moved", 100ms)) << "the places changed, not the time";

    const auto who = at_path(attendees(olive, id, date), "result");
    EXPECT_EQ(names(who.at("going")), std::vector<std::string>{"Amy Carer"});
    EXPECT_EQ(names(who.at("waitlisted")),
              (std::vector<std::string>{"Ben Carer", "Cara Carer", "Dev Carer"}));
    const auto mine = occurrence_at(occurrences(dev, c.group), id, date);
    EXPECT_EQ(num(mine.at("my_position")), 3);
    EXPECT_EQ(num(mine.at("going")), 1);
    EXPECT_EQ(num(mine.at("waitlisted")), 3);

    // More places again: the first waiting take them, and are told.
    ASSERT_EQ(error_code_of(edit(olive, id, {{"capacity", 2}})), "ok");
    EXPECT_EQ(str(ben.next_event("meetup.promoted").at("occurrence")), date);
    EXPECT_TRUE(cara.no_event("meetup.promoted", 200ms));
    const auto lifted = edit(olive, id, {{"capacity", nullptr}});
    ASSERT_EQ(error_code_of(lifted), "ok");
    EXPECT_TRUE(at_path(lifted, "result.meetup.capacity").is_null());
    cara.next_event("meetup.promoted");
    dev.next_event("meetup.promoted");
    EXPECT_EQ(num(occurrence_at(occurrences(dev, c.group), id, date).at("going")), 4);
}

TEST_F(MeetupEditing, OnlyTheOrganiserAndModeratorsMayEdit) {
    const auto c = public_group_with_people();
    auto olive = connect(c.olive);
    const auto id = create_meetup(olive, fortnightly_catch_up(c.group));
    auto amy = connect(c.amy);
    auto oscar = connect(c.oscar);
    auto mona = connect(c.mona);
    const auto stranger = register_user("stranger");
    auto outsider = connect(stranger);
    EXPECT_EQ(error_code_of(edit(amy, id, {{"title", "Mine now"}})), "forbidden");
    EXPECT_EQ(error_code_of(edit(oscar, id, {{"title", "Mine now"}})), "forbidden");
    EXPECT_EQ(error_code_of(edit(outsider, id, {{"title", "Mine now"}})), "forbidden");
    EXPECT_EQ(error_code_of(edit(mona, id, {{"title", "By Mona"}})), "ok");
    EXPECT_EQ(error_code_of(edit(admin_ws(), id, {{"title", "By the admin"}})), "ok");
    EXPECT_EQ(error_code_of(edit(olive, id + 1000, {{"title", "Nothing"}})), "not_found");
}

TEST_F(MeetupEditing, AnEditIsCheckedLikeANewMeetup) {
    const auto c = public_group_with_people();
    auto olive = connect(c.olive);
    const auto id = create_meetup(olive, fortnightly_catch_up(c.group));
    auto refused = [&](json::object changes) {
        return error_code_of(edit(olive, id, std::move(changes)));
    };
    EXPECT_EQ(refused({}), "bad_request") << "nothing to change";
    EXPECT_EQ(refused({{"title", "   "}}), "bad_request");
    EXPECT_EQ(refused({{"kind", "in_person"}}), "bad_request") << "in person needs a venue";
    EXPECT_EQ(refused({{"duration_minutes", 0}}), "bad_request");
    EXPECT_EQ(refused({{"capacity", 0}}), "bad_request");
    EXPECT_EQ(refused({{"url", "javascript:alert(1)"}}), "bad_request");
    EXPECT_EQ(refused({{"start", "2027-03-28T01:30"}}), "bad_request") << "the clocks skip it";
    EXPECT_EQ(refused({{"repeat", {{"every_weeks", 5}}}}), "bad_request");
    EXPECT_EQ(refused({{"timezone", "Mars/Olympus_Mons"}}), "bad_request");
    EXPECT_EQ(refused({{"start", "2027-01-13T16:00"}}), "ok") << "no change is no error";
    auto amy = connect(c.amy);
    EXPECT_EQ(str(occurrence_at(occurrences(amy, c.group), id, "2027-01-13T16:00").at("title")),
              "Fortnightly online catch-up");

    olive.call("meetups.cancel", {{"meetup", id}});
    EXPECT_EQ(refused({{"title", "Back on"}}), "conflict");
}

} // namespace
