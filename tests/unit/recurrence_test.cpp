// Meet-up series expanded with the tz database (server/src/recurrence.hpp), across the two UK
// clock changes of 2027: forward on Sunday 28 March at 01:00 UTC, back on Sunday 31 October at
// 01:00 UTC.
#include "calendar/recurrence.hpp"
#include "local_time_literals.hpp"

#include <gtest/gtest.h>

using namespace carecircle;
using namespace carecircle::server;
using carecircle::test_support::at;
using carecircle::test_support::day;

namespace {

Meetup series(std::string_view start, std::optional<meetup_repeat> repeat,
              std::string timezone = "Europe/London") {
    Meetup m;
    m.id = MeetupId{1};
    m.group = GroupId{1};
    m.title = "Fortnightly online catch-up";
    m.start = at(start);
    m.timezone = std::move(timezone);
    m.duration = std::chrono::minutes{60};
    m.repeat = repeat;
    return m;
}

meetup_repeat every(int weeks) {
    return meetup_repeat{weeks, std::nullopt, std::nullopt};
}

std::string utc(timestamp t) {
    return format_timestamp(t);
}

const occurrence* find(const std::vector<occurrence>& all, std::string_view local_start) {
    for (const auto& o : all) {
        if (format_local_minutes(o.local_start) == local_start) {
            return &o;
        }
    }
    return nullptr;
}

} // namespace

TEST(Recurrence, FortnightlyWednesdayStaysAtFourPmLocalAllYear) {
    // Wednesday 13 January 2027, every two weeks.
    const auto m = series("2027-01-13T16:00", every(2));
    const auto all = expand(m, day("2027-01-01"), day("2027-12-31"));

    ASSERT_EQ(all.size(), 26u); // 13 Jan, 27 Jan, ... 29 Dec
    EXPECT_EQ(format_local_minutes(all.front().local_start), "2027-01-13T16:00");
    EXPECT_EQ(format_local_minutes(all.back().local_start), "2027-12-29T16:00");
    for (const auto& o : all) {
        const auto local = format_local_minutes(o.local_start);
        EXPECT_EQ(local.substr(11), "16:00") << local;
        EXPECT_EQ(date::weekday{date::floor<date::days>(o.local_start)}, date::Wednesday) << local;
        EXPECT_EQ(o.ends_at - o.starts_at, std::chrono::minutes{60}) << local;
    }
}

TEST(Recurrence, UtcStartMovesAnHourEarlierInSummerAndBackInWinter) {
    const auto m = series("2027-01-13T16:00", every(2));
    const auto all = expand(m, day("2027-01-01"), day("2027-12-31"));

    // Winter (GMT): 16:00 local is 16:00Z.
    ASSERT_NE(find(all, "2027-01-13T16:00"), nullptr);
    EXPECT_EQ(utc(find(all, "2027-01-13T16:00")->starts_at), "2027-01-13T16:00:00.000Z");
    // The last one before the spring change, and the first after it (BST: 15:00Z).
    ASSERT_NE(find(all, "2027-03-24T16:00"), nullptr);
    EXPECT_EQ(utc(find(all, "2027-03-24T16:00")->starts_at), "2027-03-24T16:00:00.000Z");
    ASSERT_NE(find(all, "2027-04-07T16:00"), nullptr);
    EXPECT_EQ(utc(find(all, "2027-04-07T16:00")->starts_at), "2027-04-07T15:00:00.000Z");
    EXPECT_EQ(utc(find(all, "2027-04-07T16:00")->ends_at), "2027-04-07T16:00:00.000Z");
    // The last one before the autumn change, and the first after it (GMT again).
    ASSERT_NE(find(all, "2027-10-20T16:00"), nullptr);
    EXPECT_EQ(utc(find(all, "2027-10-20T16:00")->starts_at), "2027-10-20T15:00:00.000Z");
    ASSERT_NE(find(all, "2027-11-03T16:00"), nullptr);
    EXPECT_EQ(utc(find(all, "2027-11-03T16:00")->starts_at), "2027-11-03T16:00:00.000Z");
}

TEST(Recurrence, EveryIntervalFromOneToFourWeeks) {
    for (int weeks = 1; weeks <= 4; ++weeks) {
        const auto m = series("2027-01-13T16:00", every(weeks));
        const auto all = expand(m, day("2027-01-13"), day("2027-03-09"));
        // 55 days after the start: occurrences at 0, 7w, 14w ... days.
        EXPECT_EQ(all.size(), static_cast<std::size_t>(55 / (7 * weeks) + 1)) << weeks;
        for (std::size_t i = 1; i < all.size(); ++i) {
            EXPECT_EQ(date::floor<date::days>(all[i].local_start) -
                          date::floor<date::days>(all[i - 1].local_start),
                      date::days{7 * weeks});
        }
    }
}

TEST(Recurrence, AWindowInTheMiddleStartsAtTheNextOccurrence) {
    const auto m = series("2027-01-13T16:00", every(2));
    const auto all = expand(m, day("2027-01-14"), day("2027-02-10"));
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(format_local_minutes(all[0].local_start), "2027-01-27T16:00");
    EXPECT_EQ(format_local_minutes(all[1].local_start), "2027-02-10T16:00"); // `to` is included
    EXPECT_TRUE(expand(m, day("2026-01-01"), day("2027-01-12")).empty());
    EXPECT_TRUE(expand(m, day("2027-02-01"), day("2027-01-01")).empty());
}

TEST(Recurrence, CountEndsTheSeries) {
    auto rule = every(2);
    rule.count = 3;
    const auto m = series("2027-01-13T16:00", rule);
    const auto all = expand(m, day("2027-01-01"), day("2028-12-31"));
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(format_local_minutes(all.back().local_start), "2027-02-10T16:00");
    EXPECT_EQ(last_occurrence(m), at("2027-02-10T16:00"));
    EXPECT_TRUE(is_occurrence(m, at("2027-02-10T16:00")));
    EXPECT_FALSE(is_occurrence(m, at("2027-02-24T16:00")));
}

TEST(Recurrence, UntilIsAnInclusiveLocalDate) {
    auto rule = every(2);
    rule.until = day("2027-02-10"); // an occurrence's own date
    auto m = series("2027-01-13T16:00", rule);
    EXPECT_EQ(expand(m, day("2027-01-01"), day("2027-12-31")).size(), 3u);
    EXPECT_EQ(last_occurrence(m), at("2027-02-10T16:00"));

    m.repeat->until = day("2027-02-09");
    EXPECT_EQ(expand(m, day("2027-01-01"), day("2027-12-31")).size(), 2u);
    EXPECT_EQ(last_occurrence(m), at("2027-01-27T16:00"));

    m.repeat->until = std::nullopt;
    EXPECT_EQ(last_occurrence(m), std::nullopt);
}

TEST(Recurrence, OneOffHasOneOccurrence) {
    const auto m = series("2027-06-16T16:00", std::nullopt);
    const auto all = expand(m, day("2027-01-01"), day("2027-12-31"));
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(utc(all[0].starts_at), "2027-06-16T15:00:00.000Z");
    EXPECT_TRUE(expand(m, day("2027-06-17"), day("2027-12-31")).empty());
    EXPECT_TRUE(is_occurrence(m, at("2027-06-16T16:00")));
    EXPECT_FALSE(is_occurrence(m, at("2027-06-23T16:00")));
    EXPECT_EQ(last_occurrence(m), at("2027-06-16T16:00"));
}

TEST(Recurrence, OccurrenceIdentityIsTheExactLocalStart) {
    const auto m = series("2027-01-13T16:00", every(2));
    EXPECT_TRUE(is_occurrence(m, at("2027-01-13T16:00")));
    EXPECT_TRUE(is_occurrence(m, at("2027-04-07T16:00")));  // summer: same local time
    EXPECT_FALSE(is_occurrence(m, at("2027-04-07T15:00"))); // the UTC time is not its name
    EXPECT_FALSE(is_occurrence(m, at("2027-01-20T16:00"))); // the week in between
    EXPECT_FALSE(is_occurrence(m, at("2026-12-30T16:00"))); // before the start
}

// A series that meets at 01:30 on Sundays runs into the missing hour in March and the doubled
// hour in October. RFC 5545 section 3.3.5 decides, as calendar programs do.
TEST(Recurrence, SkippedLocalTimeUsesTheOffsetBeforeTheGap) {
    const auto m = series("2027-03-21T01:30", every(1));
    const auto all = expand(m, day("2027-03-21"), day("2027-04-04"));
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(utc(all[0].starts_at), "2027-03-21T01:30:00.000Z"); // GMT
    // 01:30 does not exist on 28 March: it is read as 01:30 GMT, which is 02:30 BST.
    EXPECT_EQ(format_local_minutes(all[1].local_start), "2027-03-28T01:30");
    EXPECT_EQ(utc(all[1].starts_at), "2027-03-28T01:30:00.000Z");
    EXPECT_EQ(utc(all[2].starts_at), "2027-04-04T00:30:00.000Z"); // BST
}

TEST(Recurrence, RepeatedLocalTimeIsTheFirstOfTheTwo) {
    const auto m = series("2027-10-24T01:30", every(1));
    const auto all = expand(m, day("2027-10-24"), day("2027-11-07"));
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(utc(all[0].starts_at), "2027-10-24T00:30:00.000Z"); // BST
    // 01:30 happens twice on 31 October: the first time, still BST.
    EXPECT_EQ(format_local_minutes(all[1].local_start), "2027-10-31T01:30");
    EXPECT_EQ(utc(all[1].starts_at), "2027-10-31T00:30:00.000Z");
    EXPECT_EQ(utc(all[2].starts_at), "2027-11-07T01:30:00.000Z"); // GMT
}

TEST(Recurrence, ANewSeriesMayNotStartAtATimeTheClocksSkipOrRepeat) {
    const auto skipped = check_series(series("2027-03-28T01:30", every(1)));
    ASSERT_TRUE(skipped.has_value());
    EXPECT_EQ(skipped->code, error_code::bad_request);
    EXPECT_NE(skipped->message.find("does not exist"), std::string::npos) << skipped->message;

    const auto repeated = check_series(series("2027-10-31T01:30", std::nullopt));
    ASSERT_TRUE(repeated.has_value());
    EXPECT_EQ(repeated->code, error_code::bad_request);
    EXPECT_NE(repeated->message.find("twice"), std::string::npos) << repeated->message;

    // The hours either side are fine.
    EXPECT_FALSE(check_series(series("2027-03-28T00:59", std::nullopt)));
    EXPECT_FALSE(check_series(series("2027-03-28T02:00", std::nullopt)));
    EXPECT_FALSE(check_series(series("2027-10-31T00:59", std::nullopt)));
    EXPECT_FALSE(check_series(series("2027-10-31T02:00", std::nullopt)));
}

TEST(Recurrence, UnknownTimeZoneIsABadRequest) {
    const auto problem = check_series(series("2027-01-13T16:00", every(2), "Mars/Olympus_Mons"));
    ASSERT_TRUE(problem.has_value());
    EXPECT_EQ(problem->code, error_code::bad_request);
    EXPECT_EQ(find_time_zone("Mars/Olympus_Mons"), nullptr);
    EXPECT_NE(find_time_zone("Europe/London"), nullptr);
    EXPECT_THROW(expand(series("2027-01-13T16:00", every(2), "Nowhere/Special"), day("2027-01-01"),
                        day("2027-02-01")),
                 std::runtime_error);
}

TEST(Recurrence, OtherZonesFollowTheirOwnRules) {
    // New York moves its clocks on 14 March 2027, two weeks before the UK.
    const auto m = series("2027-03-08T09:00", every(1), "America/New_York");
    EXPECT_FALSE(check_series(m));
    const auto all = expand(m, day("2027-03-01"), day("2027-03-31"));
    ASSERT_GE(all.size(), 2u);
    EXPECT_EQ(utc(all[0].starts_at), "2027-03-08T14:00:00.000Z"); // EST
    EXPECT_EQ(utc(all[1].starts_at), "2027-03-15T13:00:00.000Z"); // EDT
}

TEST(Recurrence, ImpossibleDatesAndTimesDoNotParse) {
    EXPECT_FALSE(parse_local_minutes("2027-02-30T16:00"));
    EXPECT_FALSE(parse_local_minutes("2027-02-29T16:00")); // not a leap year
    EXPECT_TRUE(parse_local_minutes("2028-02-29T16:00"));
    EXPECT_FALSE(parse_local_minutes("2027-13-01T16:00"));
    EXPECT_FALSE(parse_local_minutes("2027-01-13T24:00"));
    EXPECT_FALSE(parse_local_minutes("2027-01-13T16:60"));
    EXPECT_FALSE(parse_local_minutes("2027-1-13T16:00"));
    EXPECT_FALSE(parse_local_minutes("2027-01-13 16:00"));
    EXPECT_FALSE(parse_local_minutes("2027-01-13T16:00:00"));
    EXPECT_FALSE(parse_local_minutes("2027-01-13T16:00Z"));
    EXPECT_FALSE(parse_local_date("2027-04-31"));
    EXPECT_EQ(format_local_minutes(at("2027-01-13T06:05")), "2027-01-13T06:05");
}

TEST(Recurrence, LocalDateIsTheDateInTheZone) {
    const auto* london = find_time_zone("Europe/London");
    ASSERT_NE(london, nullptr);
    // 23:30Z on 30 June is already 1 July in London (BST).
    const timestamp late{date::sys_days{day("2027-06-30")} + std::chrono::hours{23} +
                         std::chrono::minutes{30}};
    EXPECT_EQ(local_date(*london, late), day("2027-07-01"));
}
