// What meetups.list shows one person (server/src/calendar/meetup_listing.hpp), assembled from
// series, RSVP counts and the person's own answers without a database or a clock.
#include "calendar/meetup_listing.hpp"
#include "local_time_literals.hpp"

#include <gtest/gtest.h>
#include <stdexcept>

using namespace carecircle;
using namespace carecircle::server;
using carecircle::test_support::at;
using carecircle::test_support::day;

namespace {

// A weekly series in London starting on Wednesday 13 January 2027 at 16:00.
storage::meetup_record weekly_tea(std::int64_t id = 1) {
    storage::meetup_record record;
    record.meetup.id = MeetupId{id};
    record.meetup.group = GroupId{7};
    record.meetup.title = "Tea and a chat";
    record.meetup.start = at("2027-01-13T16:00");
    record.meetup.timezone = "Europe/London";
    record.meetup.repeat = meetup_repeat{1, std::nullopt, std::nullopt};
    record.meetup.capacity = 2;
    return record;
}

storage::meetup_record one_off(std::int64_t id, std::string_view start, std::string timezone) {
    storage::meetup_record record;
    record.meetup.id = MeetupId{id};
    record.meetup.group = GroupId{7};
    record.meetup.title = "Walk";
    record.meetup.kind = meetup_kind::in_person;
    record.meetup.location = "The park gates";
    record.meetup.start = at(start);
    record.meetup.timezone = std::move(timezone);
    return record;
}

std::vector<std::string> local_starts(const std::vector<MeetupOccurrence>& listing) {
    std::vector<std::string> out;
    for (const auto& item : listing) {
        out.push_back(format_local_minutes(item.local_start));
    }
    return out;
}

const MeetupOccurrence& on(const std::vector<MeetupOccurrence>& listing,
                           std::string_view local_start) {
    for (const auto& item : listing) {
        if (format_local_minutes(item.local_start) == local_start) {
            return item;
        }
    }
    throw std::out_of_range("no occurrence at " + std::string(local_start));
}

} // namespace

TEST(MeetupListing, WeeklySeriesShowsEveryOccurrenceInTheSpan) {
    const auto listing = list_meetups({weekly_tea()}, {}, {}, day("2027-01-14"), day("2027-02-03"));
    EXPECT_EQ(
        local_starts(listing),
        (std::vector<std::string>{"2027-01-20T16:00", "2027-01-27T16:00", "2027-02-03T16:00"}));
    const auto& first = listing.front();
    EXPECT_EQ(first.meetup, MeetupId{1});
    EXPECT_EQ(first.group, GroupId{7});
    EXPECT_EQ(first.title, "Tea and a chat");
    EXPECT_EQ(first.timezone, "Europe/London");
    EXPECT_EQ(first.capacity, 2);
    EXPECT_EQ(format_timestamp(first.starts_at), "2027-01-20T16:00:00.000Z");
    EXPECT_EQ(format_timestamp(first.ends_at), "2027-01-20T17:00:00.000Z");
}

TEST(MeetupListing, NobodyHasAnsweredYet) {
    const auto listing = list_meetups({weekly_tea()}, {}, {}, day("2027-01-13"), day("2027-01-13"));
    ASSERT_EQ(listing.size(), 1u);
    EXPECT_EQ(listing[0].going, 0);
    EXPECT_EQ(listing[0].waitlisted, 0);
    EXPECT_FALSE(listing[0].my_rsvp);
    EXPECT_FALSE(listing[0].my_position);
    EXPECT_FALSE(listing[0].cancelled);
}

TEST(MeetupListing, CancelledOccurrenceIsListedAsCancelled) {
    auto record = weekly_tea();
    record.cancelled_occurrences = {at("2027-01-20T16:00")};
    const auto listing = list_meetups({record}, {}, {}, day("2027-01-13"), day("2027-01-27"));
    EXPECT_EQ(
        local_starts(listing),
        (std::vector<std::string>{"2027-01-13T16:00", "2027-01-20T16:00", "2027-01-27T16:00"}));
    EXPECT_FALSE(on(listing, "2027-01-13T16:00").cancelled);
    EXPECT_TRUE(on(listing, "2027-01-20T16:00").cancelled);
    EXPECT_FALSE(on(listing, "2027-01-27T16:00").cancelled);
}

TEST(MeetupListing, CancelledSeriesShowsEveryOccurrenceCancelled) {
    auto record = weekly_tea();
    record.meetup.cancelled = true;
    const auto listing = list_meetups({record}, {}, {}, day("2027-01-13"), day("2027-01-20"));
    ASSERT_EQ(listing.size(), 2u);
    EXPECT_TRUE(listing[0].cancelled);
    EXPECT_TRUE(listing[1].cancelled);
}

TEST(MeetupListing, EveryoneSeesHowManyAreGoingAndWaiting) {
    const std::vector<storage::occurrence_counts> counts{
        {MeetupId{1}, at("2027-01-20T16:00"), 2, 3}};
    const auto listing =
        list_meetups({weekly_tea()}, counts, {}, day("2027-01-13"), day("2027-01-20"));
    EXPECT_EQ(on(listing, "2027-01-13T16:00").going, 0);
    EXPECT_EQ(on(listing, "2027-01-20T16:00").going, 2);
    EXPECT_EQ(on(listing, "2027-01-20T16:00").waitlisted, 3);
}

TEST(MeetupListing, WaitlistedPersonSeesTheirPlaceInLine) {
    const std::vector<storage::user_rsvp> mine{
        {MeetupId{1}, at("2027-01-20T16:00"), rsvp_status::waitlisted, 2}};
    const auto listing =
        list_meetups({weekly_tea()}, {}, mine, day("2027-01-13"), day("2027-01-20"));
    const auto& waiting = on(listing, "2027-01-20T16:00");
    EXPECT_EQ(waiting.my_rsvp, rsvp_status::waitlisted);
    EXPECT_EQ(waiting.my_position, 2);
    EXPECT_FALSE(on(listing, "2027-01-13T16:00").my_rsvp);
}

TEST(MeetupListing, PersonGoingSeesTheirAnswerWithoutAPlaceInLine) {
    const std::vector<storage::user_rsvp> mine{
        {MeetupId{1}, at("2027-01-13T16:00"), rsvp_status::going, std::nullopt}};
    const auto listing =
        list_meetups({weekly_tea()}, {}, mine, day("2027-01-13"), day("2027-01-13"));
    ASSERT_EQ(listing.size(), 1u);
    EXPECT_EQ(listing[0].my_rsvp, rsvp_status::going);
    EXPECT_FALSE(listing[0].my_position);
}

TEST(MeetupListing, AnswersToAnotherSeriesAtTheSameTimeStayWithTheirSeries) {
    auto other = weekly_tea(2);
    const std::vector<storage::occurrence_counts> counts{
        {MeetupId{2}, at("2027-01-13T16:00"), 1, 0}};
    const std::vector<storage::user_rsvp> mine{
        {MeetupId{2}, at("2027-01-13T16:00"), rsvp_status::going, std::nullopt}};
    const auto listing =
        list_meetups({weekly_tea(), other}, counts, mine, day("2027-01-13"), day("2027-01-13"));
    ASSERT_EQ(listing.size(), 2u);
    EXPECT_EQ(listing[0].meetup, MeetupId{1});
    EXPECT_EQ(listing[0].going, 0);
    EXPECT_FALSE(listing[0].my_rsvp);
    EXPECT_EQ(listing[1].meetup, MeetupId{2});
    EXPECT_EQ(listing[1].going, 1);
    EXPECT_EQ(listing[1].my_rsvp, rsvp_status::going);
}

TEST(MeetupListing, OccurrencesOfDifferentSeriesAreInTheOrderTheyHappen) {
    // 10:00 in New York is 15:00 in London: before the 16:00 tea, though listed after it.
    const auto listing =
        list_meetups({weekly_tea(), one_off(2, "2027-01-13T10:00", "America/New_York")}, {}, {},
                     day("2027-01-13"), day("2027-01-13"));
    ASSERT_EQ(listing.size(), 2u);
    EXPECT_EQ(listing[0].meetup, MeetupId{2});
    EXPECT_EQ(listing[0].location, "The park gates");
    EXPECT_EQ(listing[0].kind, meetup_kind::in_person);
    EXPECT_EQ(listing[1].meetup, MeetupId{1});
}

TEST(MeetupListing, SeriesInAZoneTheCalendarNoLongerKnowsIsLeftOut) {
    const auto listing =
        list_meetups({one_off(2, "2027-01-13T10:00", "Mars/Olympus_Mons"), weekly_tea()}, {}, {},
                     day("2027-01-13"), day("2027-01-13"));
    ASSERT_EQ(listing.size(), 1u);
    EXPECT_EQ(listing[0].meetup, MeetupId{1});
}

TEST(MeetupListing, NothingOutsideTheSpanIsListed) {
    const auto listing = list_meetups({weekly_tea()}, {}, {}, day("2026-12-01"), day("2027-01-12"));
    EXPECT_TRUE(listing.empty());
}
