// Meet-up requests as the wire sends them (protocol/meetup_requests.hpp) and the meet-up repository
// (storage/meetups.hpp): capacity, the waitlist's order and promotion.
#include "carecircle/protocol/meetup_requests.hpp"
#include "carecircle/storage/database.hpp"
#include "carecircle/storage/groups.hpp"
#include "carecircle/storage/meetups.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "carecircle/storage/users.hpp"
#include "scratch_directory.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

using namespace carecircle;
namespace json = boost::json;

namespace {

json::object params(std::string_view text) {
    return json::parse(text).as_object();
}

json::object fortnightly() {
    return params(R"({"group":1,"title":"Fortnightly online catch-up","kind":"online",
        "url":"https://meet.example.org/notts","start":"2027-01-13T16:00","duration_minutes":60,
        "repeat":{"every_weeks":2}})");
}

std::optional<error> create(json::object p) {
    protocol::meetups_create req;
    return protocol::decode(p, req);
}

json::object with(json::object p, std::string_view key, json::value value) {
    p[key] = std::move(value);
    return p;
}

local_minutes at(std::string_view text) {
    return *parse_local_minutes(text);
}

} // namespace

TEST(MeetupDecoding, FortnightlyOnlineCatchUp) {
    protocol::meetups_create req;
    ASSERT_FALSE(protocol::decode(fortnightly(), req));
    EXPECT_EQ(req.group, GroupId{1});
    EXPECT_EQ(req.title, "Fortnightly online catch-up");
    EXPECT_EQ(req.kind, meetup_kind::online);
    EXPECT_EQ(req.url, "https://meet.example.org/notts");
    EXPECT_EQ(format_local_minutes(req.start), "2027-01-13T16:00");
    EXPECT_EQ(req.timezone, "Europe/London"); // the default
    EXPECT_EQ(req.duration, std::chrono::minutes{60});
    ASSERT_TRUE(req.repeat);
    EXPECT_EQ(req.repeat->every_weeks, 2);
    EXPECT_FALSE(req.capacity);
}

TEST(MeetupDecoding, InPersonMeetupWithPlaces) {
    protocol::meetups_create req;
    ASSERT_FALSE(protocol::decode(
        params(R"({"group":1,"title":"Nottingham in-person meet-up","kind":"in_person",
            "location":"Nottingham Central Library, Angel Row","start":"2027-02-03T16:00",
            "duration_minutes":60,"capacity":20,"repeat":null})"),
        req));
    EXPECT_EQ(req.location, "Nottingham Central Library, Angel Row");
    EXPECT_EQ(req.capacity, 20);
    EXPECT_FALSE(req.repeat);
}

TEST(MeetupDecoding, RefusesBadInput) {
    const std::vector<std::pair<const char*, json::object>> cases = {
        {"impossible date", with(fortnightly(), "start", "2027-02-30T16:00")},
        {"no such hour", with(fortnightly(), "start", "2027-01-13T25:00")},
        {"seconds", with(fortnightly(), "start", "2027-01-13T16:00:00")},
        {"every 0 weeks", with(fortnightly(), "repeat", params(R"({"every_weeks":0})"))},
        {"every 5 weeks", with(fortnightly(), "repeat", params(R"({"every_weeks":5})"))},
        {"repeat without interval", with(fortnightly(), "repeat", json::object{})},
        {"repeat not an object", with(fortnightly(), "repeat", 2)},
        {"count over 100",
         with(fortnightly(), "repeat", params(R"({"every_weeks":2,"count":101})"))},
        {"count zero", with(fortnightly(), "repeat", params(R"({"every_weeks":2,"count":0})"))},
        {"count and until", with(fortnightly(), "repeat",
                                 params(R"({"every_weeks":2,"count":3,"until":"2027-06-30"})"))},
        {"until before start",
         with(fortnightly(), "repeat", params(R"({"every_weeks":2,"until":"2027-01-12"})"))},
        {"impossible until",
         with(fortnightly(), "repeat", params(R"({"every_weeks":2,"until":"2027-06-31"})"))},
        {"negative capacity", with(fortnightly(), "capacity", -1)},
        {"zero capacity", with(fortnightly(), "capacity", 0)},
        {"capacity not a number", with(fortnightly(), "capacity", "20")},
        {"unknown kind", with(fortnightly(), "kind", "hybrid")},
        {"in person without location", with(fortnightly(), "kind", "in_person")},
        {"in person with blank location",
         with(with(fortnightly(), "kind", "in_person"), "location", "   ")},
        {"empty title", with(fortnightly(), "title", "  ")},
        {"title with a control character", with(fortnightly(), "title", "Tea\x01time")},
        {"title too long", with(fortnightly(), "title", json::string(std::string(121, 't')))},
        {"javascript url", with(fortnightly(), "url", "javascript:alert(1)")},
        {"relative url", with(fortnightly(), "url", "/meet")},
        {"zero duration", with(fortnightly(), "duration_minutes", 0)},
        {"duration over a day", with(fortnightly(), "duration_minutes", 1441)},
        {"time zone with dots", with(fortnightly(), "timezone", "../../etc/passwd")},
        {"time zone not a string", with(fortnightly(), "timezone", 1)},
        {"no start",
         [] {
             auto p = fortnightly();
             p.erase("start");
             return p;
         }()},
    };
    for (const auto& [name, p] : cases) {
        const auto problem = create(p);
        ASSERT_TRUE(problem.has_value()) << name;
        EXPECT_EQ(problem->code, error_code::bad_request) << name;
    }
}

TEST(MeetupDecoding, ListRsvpAndCancel) {
    protocol::meetups_list list;
    ASSERT_FALSE(protocol::decode(params(R"({"group":4})"), list));
    EXPECT_FALSE(list.from);
    ASSERT_FALSE(
        protocol::decode(params(R"({"group":4,"from":"2027-01-01","to":"2027-12-31"})"), list));
    EXPECT_EQ(format_local_date(*list.to), "2027-12-31");
    EXPECT_TRUE(protocol::decode(params(R"({"group":4,"from":"2027-02-30"})"), list));
    EXPECT_TRUE(
        protocol::decode(params(R"({"group":4,"from":"2027-03-01","to":"2027-02-01"})"), list));
    EXPECT_TRUE(
        protocol::decode(params(R"({"group":4,"from":"2027-01-01","to":"2030-01-01"})"), list));

    protocol::meetups_rsvp rsvp;
    ASSERT_FALSE(protocol::decode(
        params(R"({"meetup":3,"occurrence":"2027-01-27T16:00","status":"going"})"), rsvp));
    EXPECT_EQ(rsvp.status, rsvp_status::going);
    EXPECT_TRUE(protocol::decode(
        params(R"({"meetup":3,"occurrence":"2027-01-27T16:00","status":"waitlisted"})"), rsvp));
    EXPECT_TRUE(protocol::decode(
        params(R"({"meetup":3,"occurrence":"2027-01-27","status":"going"})"), rsvp));

    protocol::meetups_cancel cancel;
    ASSERT_FALSE(protocol::decode(params(R"({"meetup":3})"), cancel));
    EXPECT_FALSE(cancel.occurrence);
    ASSERT_FALSE(
        protocol::decode(params(R"({"meetup":3,"occurrence":"2027-12-22T16:00"})"), cancel));
    EXPECT_EQ(format_local_minutes(*cancel.occurrence), "2027-12-22T16:00");
}

TEST(MeetupEncoding, MeetupHasEveryFieldOfTheProtocol) {
    Meetup m;
    m.id = MeetupId{3};
    m.group = GroupId{1};
    m.title = "Fortnightly online catch-up";
    m.start = at("2027-01-13T16:00");
    m.repeat = meetup_repeat{2, 10, std::nullopt};
    const auto out = protocol::to_json(m);
    for (const auto* key :
         {"id", "group", "title", "description", "kind", "location", "url", "start", "timezone",
          "duration_minutes", "repeat", "capacity", "cancelled"}) {
        EXPECT_TRUE(out.contains(key)) << key;
    }
    EXPECT_EQ(out.at("start"), "2027-01-13T16:00");
    EXPECT_EQ(out.at("repeat"), params(R"({"every_weeks":2,"count":10})"));
    EXPECT_TRUE(out.at("capacity").is_null());
}

namespace {

class MeetupStorage : public ::testing::Test {
protected:
    void SetUp() override {
        db_.emplace(storage::open_database(dir_ / "test.db", storage::access::read_write));
        for (const auto* name : {"ann", "ben", "cat", "dev", "eve"}) {
            users_.push_back(
                storage::insert_user(*db_, name, name, "hash", site_role::member, storage::now())
                    .id);
        }
        group_ = storage::insert_group(*db_, "Nottingham", "East Midlands", "",
                                       group_visibility::public_group, users_[0], storage::now())
                     .id;
        Meetup m;
        m.group = group_;
        m.title = "Nottingham in-person meet-up";
        m.kind = meetup_kind::in_person;
        m.location = "Nottingham Central Library, Angel Row";
        m.start = at("2027-02-03T16:00");
        m.repeat = meetup_repeat{2, std::nullopt, std::nullopt};
        m.capacity = 2;
        meetup_ = storage::insert_meetup(*db_, m, users_[0], storage::now());
    }

    storage::rsvp_change rsvp(std::size_t user, rsvp_status status,
                              std::string_view occurrence = "2027-02-03T16:00") {
        return storage::set_rsvp(*db_, meetup_.id, at(occurrence), users_[user], status,
                                 meetup_.capacity, storage::now());
    }

    carecircle::test::scratch_directory dir_{"meetups"};
    std::optional<SQLite::Database> db_;
    std::vector<UserId> users_;
    GroupId group_;
    Meetup meetup_;
};

} // namespace

TEST_F(MeetupStorage, StoresAndReadsASeriesBack) {
    const auto found = storage::find_meetup(*db_, meetup_.id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->meetup.title, meetup_.title);
    EXPECT_EQ(found->meetup.location, meetup_.location);
    EXPECT_EQ(found->meetup.start, meetup_.start);
    EXPECT_EQ(found->meetup.repeat, meetup_.repeat);
    EXPECT_EQ(found->meetup.capacity, 2);
    EXPECT_FALSE(found->meetup.cancelled);
    EXPECT_EQ(storage::load_group_meetups(*db_, group_).size(), 1u);
    EXPECT_FALSE(storage::find_meetup(*db_, MeetupId{meetup_.id.value + 1}));
}

TEST_F(MeetupStorage, FullOccurrenceWaitlistsInArrivalOrder) {
    EXPECT_EQ(rsvp(0, rsvp_status::going).status, rsvp_status::going);
    EXPECT_EQ(rsvp(1, rsvp_status::going).status, rsvp_status::going);
    const auto third = rsvp(2, rsvp_status::going);
    EXPECT_EQ(third.status, rsvp_status::waitlisted);
    EXPECT_EQ(third.position, 1);
    const auto fourth = rsvp(3, rsvp_status::going);
    EXPECT_EQ(fourth.position, 2);
    EXPECT_EQ(fourth.going, 2);
    EXPECT_EQ(fourth.waitlisted, 2);
    // Asking again keeps one's place.
    EXPECT_EQ(rsvp(2, rsvp_status::going).position, 1);
    // Another occurrence has its own places.
    EXPECT_EQ(rsvp(3, rsvp_status::going, "2027-02-17T16:00").status, rsvp_status::going);
}

TEST_F(MeetupStorage, DroppingOutPromotesTheFirstWaiting) {
    rsvp(0, rsvp_status::going);
    rsvp(1, rsvp_status::going);
    rsvp(2, rsvp_status::going);
    rsvp(3, rsvp_status::going);
    const auto change = rsvp(0, rsvp_status::not_going);
    EXPECT_EQ(change.status, rsvp_status::not_going);
    ASSERT_EQ(change.promoted.size(), 1u);
    EXPECT_EQ(change.promoted[0], users_[2]);
    EXPECT_EQ(change.going, 2);
    EXPECT_EQ(change.waitlisted, 1);
    // The next in line moved up.
    EXPECT_EQ(rsvp(3, rsvp_status::going).position, 1);
    // Coming back goes to the back of the queue.
    EXPECT_EQ(rsvp(0, rsvp_status::going).position, 2);
}

TEST_F(MeetupStorage, LeavingTheWaitlistPromotesNobody) {
    rsvp(0, rsvp_status::going);
    rsvp(1, rsvp_status::going);
    rsvp(2, rsvp_status::going);
    rsvp(3, rsvp_status::going);
    const auto change = rsvp(2, rsvp_status::not_going);
    EXPECT_TRUE(change.promoted.empty());
    EXPECT_EQ(change.waitlisted, 1);
    EXPECT_EQ(rsvp(3, rsvp_status::going).position, 1);
}

TEST_F(MeetupStorage, ListsCountsAndOnesOwnAnswer) {
    rsvp(0, rsvp_status::going);
    rsvp(1, rsvp_status::going);
    rsvp(2, rsvp_status::going);
    rsvp(4, rsvp_status::not_going);
    const auto from = *parse_local_date("2027-02-01");
    const auto to = *parse_local_date("2027-02-28");
    const auto counts = storage::load_rsvp_counts(*db_, group_, from, to);
    ASSERT_EQ(counts.size(), 1u);
    EXPECT_EQ(counts[0].going, 2);
    EXPECT_EQ(counts[0].waitlisted, 1);
    const auto mine = storage::load_user_rsvps(*db_, group_, users_[2], from, to);
    ASSERT_EQ(mine.size(), 1u);
    EXPECT_EQ(mine[0].status, rsvp_status::waitlisted);
    EXPECT_EQ(mine[0].position, 1);
    EXPECT_TRUE(
        storage::load_rsvp_counts(*db_, group_, *parse_local_date("2027-02-04"), to).empty());
    EXPECT_EQ(storage::load_going(*db_, meetup_.id, at("2027-02-03T16:00")).size(), 2u);
}

TEST_F(MeetupStorage, CancellingTwiceChangesNothingTheSecondTime) {
    EXPECT_TRUE(storage::cancel_occurrence(*db_, meetup_.id, at("2027-02-17T16:00"), users_[0],
                                           "The library is closed", storage::now()));
    EXPECT_FALSE(storage::cancel_occurrence(*db_, meetup_.id, at("2027-02-17T16:00"), users_[0],
                                            "Another reason", storage::now()));
    EXPECT_TRUE(storage::occurrence_cancelled(*db_, meetup_.id, at("2027-02-17T16:00")));
    EXPECT_FALSE(storage::occurrence_cancelled(*db_, meetup_.id, at("2027-02-03T16:00")));
    const auto one_date = storage::find_meetup(*db_, meetup_.id);
    EXPECT_EQ(one_date->cancelled_occurrences, std::vector<local_minutes>{at("2027-02-17T16:00")});
    EXPECT_EQ(one_date->occurrence_reasons.at(at("2027-02-17T16:00")), "The library is closed");
    EXPECT_FALSE(one_date->cancel_reason);
    EXPECT_TRUE(storage::cancel_series(*db_, meetup_.id, std::nullopt, storage::now()));
    EXPECT_FALSE(storage::cancel_series(*db_, meetup_.id, "Too late", storage::now()));
    const auto all = storage::find_meetup(*db_, meetup_.id);
    EXPECT_TRUE(all->meetup.cancelled);
    EXPECT_FALSE(all->cancel_reason) << "the second cancellation changes nothing";
    EXPECT_TRUE(storage::load_live_meetups(*db_).empty());
}

TEST_F(MeetupStorage, ARemindersIsClaimedOnce) {
    EXPECT_TRUE(storage::claim_reminder(*db_, meetup_.id, at("2027-02-03T16:00"), users_[1],
                                        storage::now()));
    EXPECT_FALSE(storage::claim_reminder(*db_, meetup_.id, at("2027-02-03T16:00"), users_[1],
                                         storage::now()));
    EXPECT_TRUE(storage::claim_reminder(*db_, meetup_.id, at("2027-02-03T16:00"), users_[2],
                                        storage::now()));
}

TEST_F(MeetupStorage, CalendarKeyIsStableUntilRotated) {
    EXPECT_FALSE(storage::calendar_key_nonce(*db_, users_[0]));
    storage::store_calendar_key(*db_, users_[0], "nonce-one", "key-one", false, storage::now());
    EXPECT_EQ(storage::calendar_key_nonce(*db_, users_[0]), "nonce-one");
    EXPECT_EQ(storage::user_for_calendar_key(*db_, "key-one"), users_[0]);
    EXPECT_FALSE(storage::user_for_calendar_key(*db_, "key-on"));

    storage::store_calendar_key(*db_, users_[0], "nonce-two", "key-two", true, storage::now());
    EXPECT_EQ(storage::calendar_key_nonce(*db_, users_[0]), "nonce-two");
    EXPECT_FALSE(storage::user_for_calendar_key(*db_, "key-one"));
    EXPECT_EQ(storage::user_for_calendar_key(*db_, "key-two"), users_[0]);
    EXPECT_FALSE(storage::calendar_key_nonce(*db_, users_[1]));
}

TEST_F(MeetupStorage, TheDatabaseKeepsNoCalendarKeyInTheClear) {
    storage::store_calendar_key(*db_, users_[0], "nonce-one", "the-secret-feed-key", false,
                                storage::now());
    SQLite::Statement rows(*db_, "SELECT * FROM calendar_feeds");
    int cells = 0;
    while (rows.executeStep()) {
        for (int column = 0; column < rows.getColumnCount(); ++column, ++cells) {
            EXPECT_EQ(rows.getColumn(column).getString().find("the-secret-feed-key"),
                      std::string::npos);
        }
    }
    EXPECT_GT(cells, 0);
}

// Version 6 stopped keeping keys in the clear: a calendar subscribed before the upgrade
// still opens, until its owner asks for a new key.
TEST(CalendarKeyUpgrade, AKeyIssuedBeforeDigestsKeepsWorkingUntilRotated) {
    const carecircle::test::scratch_directory dir{"calendar-upgrade"};
    SQLite::Database db(dir / "old.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    storage::migrate(db, 5);
    db.exec("INSERT INTO users (id, username, display_name, password_hash, role, "
            "created_at) VALUES (7, 'ann', 'Ann', 'hash', 'member', 0)");
    db.exec("INSERT INTO calendar_keys (user_id, feed_key, created_at) "
            "VALUES (7, 'an-old-key-in-the-clear', 0)");
    storage::migrate(db);

    const UserId ann{7};
    EXPECT_EQ(storage::user_for_calendar_key(db, "an-old-key-in-the-clear"), ann);
    EXPECT_FALSE(storage::calendar_key_nonce(db, ann));
    EXPECT_EQ(
        db.execAndGet("SELECT count(*) FROM sqlite_schema WHERE name = 'calendar_keys'").getInt(),
        0);

    // Asked again, calendar.key gives a derived key; the old address still opens the feed.
    storage::store_calendar_key(db, ann, "nonce", "a-derived-key", false, storage::now());
    EXPECT_EQ(storage::user_for_calendar_key(db, "an-old-key-in-the-clear"), ann);
    EXPECT_EQ(storage::user_for_calendar_key(db, "a-derived-key"), ann);

    storage::store_calendar_key(db, ann, "nonce-2", "a-rotated-key", true, storage::now());
    EXPECT_FALSE(storage::user_for_calendar_key(db, "an-old-key-in-the-clear"));
    EXPECT_FALSE(storage::user_for_calendar_key(db, "a-derived-key"));
    EXPECT_EQ(storage::user_for_calendar_key(db, "a-rotated-key"), ann);
}
