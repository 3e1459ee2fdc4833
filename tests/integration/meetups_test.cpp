// Meet-ups: creating, listing, RSVPs with a waitlist, cancelling, permissions, reminders and the
// calendar feeds (PROTOCOL.md section 3 "Meetups" and section 2's .ics lines). The feeds are
// also read by a real iCalendar parser (Python's icalendar, with dateutil for the rules), whose
// expansion must match meetups.list.

#include "server_test.hpp"

#include <chrono>
#include <cstdio>
#include <date/date.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace carecircle::test;

namespace {

class Meetups : public server_test {
protected:
    // A public group whose moderator is the site admin, with an organiser and two members.
    struct cast {
        std::int64_t group = 0;
        account organiser;
        account amy;
        account ben;
    };

    cast public_group_with_people(std::string_view name = "Nottingham") {
        cast c;
        c.group = create_group(name, "public");
        c.organiser = register_user("olive", "Olive Organiser");
        c.amy = register_user("amy", "Amy Carer");
        c.ben = register_user("ben", "Ben Carer");
        for (const auto* who : {&c.organiser, &c.amy, &c.ben}) {
            auto ws = connect(*who);
            join(ws, c.group);
        }
        set_role(c.group, c.organiser, "organiser");
        return c;
    }

    void set_role(std::int64_t group, const account& who, std::string_view role) {
        admin_ws().call("groups.set_role", {{"group", group}, {"user", who.id()}, {"role", role}});
    }
};

json::object fortnightly_catch_up(std::int64_t group) {
    return {{"group", group},
            {"title", "Fortnightly online catch-up"},
            {"description", "Bring a cuppa. We go round and say how the fortnight went."},
            {"kind", "online"},
            {"url", "https://meet.example.org/notts-catch-up"},
            {"start", "2027-01-13T16:00"},
            {"timezone", "Europe/London"},
            {"duration_minutes", 60},
            {"repeat", {{"every_weeks", 2}}}};
}

json::object library_meetup(std::int64_t group, std::int64_t capacity) {
    return {{"group", group},
            {"title", "Nottingham in-person meet-up"},
            {"description", "Snacks provided."},
            {"kind", "in_person"},
            {"location", "Nottingham Central Library, Angel Row"},
            {"start", "2027-02-03T16:00"},
            {"duration_minutes", 60},
            {"repeat", {{"every_weeks", 4}, {"count", 6}}},
            {"capacity", capacity}};
}

json::object with(json::object o, std::string_view key, json::value v) {
    o[key] = std::move(v);
    return o;
}

std::int64_t create_meetup(ws_client& ws, const json::object& params) {
    return num(at_path(ws.call("meetups.create", params), "meetup.id"));
}

json::array occurrences(ws_client& ws, std::int64_t group, std::string_view from = "2027-01-01",
                        std::string_view to = "2027-12-31") {
    return at_path(ws.call("meetups.list", {{"group", group}, {"from", from}, {"to", to}}),
                   "occurrences")
        .as_array();
}

const json::object& occurrence_at(const json::array& all, std::int64_t meetup,
                                  std::string_view local_start) {
    for (const auto& o : all) {
        if (num(o.at("meetup")) == meetup && str(o.at("local_start")) == local_start) {
            return o.as_object();
        }
    }
    throw std::runtime_error("no occurrence " + std::string(local_start) + " of meetup " +
                             std::to_string(meetup) + " in " + json::serialize(all));
}

json::object rsvp(ws_client& ws, std::int64_t meetup, std::string_view occurrence,
                  std::string_view status) {
    return ws.request("meetups.rsvp",
                      {{"meetup", meetup}, {"occurrence", occurrence}, {"status", status}});
}

// The physical lines of a feed, each without its CRLF; an unterminated last line is kept as is.
std::vector<std::string> feed_lines(const std::string& body) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < body.size()) {
        const auto end = body.find("\r\n", start);
        if (end == std::string::npos) {
            lines.push_back(body.substr(start));
            break;
        }
        lines.push_back(body.substr(start, end - start));
        start = end + 2;
    }
    return lines;
}

std::string unfold(const std::string& body) {
    std::string out;
    for (std::size_t i = 0; i < body.size(); ++i) {
        if (body.compare(i, 3, "\r\n ") == 0) {
            i += 2;
            continue;
        }
        out += body[i];
    }
    return out;
}

bool has_line(const std::string& body, const std::string& line) {
    const auto lines = feed_lines(unfold(body));
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

// Checks the framing RFC 5545 asks for: CRLF only, no line over 75 octets.
void expect_rfc5545_framing(const std::string& body) {
    ASSERT_GE(body.size(), 2u);
    EXPECT_EQ(body.substr(body.size() - 2), "\r\n");
    for (std::size_t i = 0; i < body.size(); ++i) {
        if (body[i] == '\n') {
            ASSERT_TRUE(i > 0 && body[i - 1] == '\r') << "bare LF at octet " << i;
        }
    }
    for (const auto& line : feed_lines(body)) {
        EXPECT_LE(line.size(), 75u) << line;
    }
    EXPECT_EQ(body.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
}

// --- the real parser ------------------------------------------------------------------------

// Expands every VEVENT of a feed with Python's icalendar and dateutil between two local dates
// and prints one JSON object per occurrence. The UTC instant is computed with the feed's own
// VTIMEZONE, so that is checked too.
constexpr const char* expand_script = R"py(
import datetime, json, sys
from icalendar import Calendar
from dateutil.rrule import rrule, WEEKLY

cal = Calendar.from_ical(open(sys.argv[1], 'rb').read())
low = datetime.datetime.fromisoformat(sys.argv[2] + 'T00:00')
high = datetime.datetime.fromisoformat(sys.argv[3] + 'T23:59')
zones = {str(tz['TZID']): tz.to_tz() for tz in cal.walk('VTIMEZONE')}
out = []
for event in cal.walk('VEVENT'):
    if str(event.get('STATUS', '')) == 'CANCELLED':
        continue
    dtstart = event['DTSTART']
    zone = zones[str(dtstart.params['TZID'])]
    first = dtstart.dt.replace(tzinfo=None)
    duration = event['DURATION'].dt
    rule = event.get('RRULE')
    if rule:
        assert rule['FREQ'][0] == 'WEEKLY'
        args = dict(freq=WEEKLY, dtstart=first, interval=int(rule.get('INTERVAL', [1])[0]))
        if 'COUNT' in rule:
            args['count'] = int(rule['COUNT'][0])
        if 'UNTIL' in rule:
            args['until'] = rule['UNTIL'][0].astimezone(zone).replace(tzinfo=None)
        starts = rrule(**args).between(low, high, inc=True)
    else:
        starts = [first] if low <= first <= high else []
    excluded = set()
    exdates = event.get('EXDATE')
    if exdates is not None:
        for group in (exdates if isinstance(exdates, list) else [exdates]):
            for d in group.dts:
                excluded.add(d.dt.replace(tzinfo=None))
    for start in starts:
        if start in excluded:
            continue
        begins = zone.localize(start).astimezone(datetime.timezone.utc)
        ends = begins + duration
        out.append({
            'uid': str(event['UID']),
            'summary': str(event['SUMMARY']),
            'location': str(event.get('LOCATION', '')),
            'url': str(event.get('URL', '')),
            'local_start': start.strftime('%Y-%m-%dT%H:%M'),
            'starts_at': begins.strftime('%Y-%m-%dT%H:%M:%S.000Z'),
            'ends_at': ends.strftime('%Y-%m-%dT%H:%M:%S.000Z'),
        })
print(json.dumps(out))
)py";

// The system Python, which Debian's python3-icalendar serves (a python3 earlier on the PATH
// may lack it).
std::string python() {
    return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

bool icalendar_available() {
    const auto command = python() + " -c 'import icalendar, dateutil' >/dev/null 2>&1";
    return std::system(command.c_str()) == 0;
}

std::filesystem::path temp_file(std::string_view stem, const std::string& contents) {
    std::random_device seed;
    const auto path = std::filesystem::temp_directory_path() /
                      (std::string(stem) + "-" + std::to_string(seed()) + ".tmp");
    std::ofstream(path, std::ios::binary) << contents;
    return path;
}

json::array parse_with_icalendar(const std::string& feed, std::string_view from,
                                 std::string_view to) {
    const auto feed_path = temp_file("carecircle-feed", feed);
    const auto script_path = temp_file("carecircle-expand", expand_script);
    const auto command = python() + " " + script_path.string() + " " + feed_path.string() + " " +
                         std::string(from) + " " + std::string(to) + " 2>&1";
    std::string output;
    if (FILE* pipe = popen(command.c_str(), "r")) {
        char buffer[4096];
        std::size_t n = 0;
        while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) {
            output.append(buffer, n);
        }
        pclose(pipe);
    }
    std::filesystem::remove(feed_path);
    std::filesystem::remove(script_path);
    try {
        return json::parse(output).as_array();
    } catch (const std::exception&) {
        throw std::runtime_error("the iCalendar parser failed:\n" + output + "\non the feed:\n" +
                                 feed);
    }
}

// "meetup-12-1764...@carecircle" -> 12
std::int64_t meetup_of_uid(const std::string& uid) {
    const auto first = uid.find('-');
    const auto second = uid.find('-', first + 1);
    return std::stoll(uid.substr(first + 1, second - first - 1));
}

} // namespace

// --- creating and listing ----------------------------------------------------------------------

TEST_F(Meetups, OrganiserSchedulesAFortnightlyCatchUpThatMembersSee) {
    const auto c = public_group_with_people();
    auto olive = connect(c.organiser);
    auto amy = connect(c.amy);

    const auto result = olive.call("meetups.create", fortnightly_catch_up(c.group));
    const auto& meetup = at_path(result, "meetup").as_object();
    EXPECT_TRUE(meetup.at("id").is_int64());
    EXPECT_EQ(num(meetup.at("group")), c.group);
    EXPECT_EQ(str(meetup.at("title")), "Fortnightly online catch-up");
    EXPECT_EQ(str(meetup.at("kind")), "online");
    EXPECT_EQ(str(meetup.at("url")), "https://meet.example.org/notts-catch-up");
    EXPECT_EQ(str(meetup.at("start")), "2027-01-13T16:00");
    EXPECT_EQ(str(meetup.at("timezone")), "Europe/London");
    EXPECT_EQ(num(meetup.at("duration_minutes")), 60);
    EXPECT_EQ(meetup.at("repeat"), json::value({{"every_weeks", 2}}));
    EXPECT_TRUE(meetup.at("capacity").is_null());
    EXPECT_EQ(meetup.at("cancelled"), json::value(false));

    const auto created = amy.next_event("meetup.created");
    EXPECT_EQ(num(created.at("meetup")), num(meetup.at("id")));
    // The group hears of it in the conversation too, as a system message with the next seq.
    const auto note = amy.next_event("message.created");
    EXPECT_EQ(str(at_path(note, "message.kind")), "system");
    EXPECT_EQ(num(at_path(note, "message.seq")), 1);
    EXPECT_NE(str(at_path(note, "message.text")).find("Fortnightly online catch-up"),
              std::string::npos);

    const auto all = occurrences(amy, c.group);
    ASSERT_EQ(all.size(), 26u); // 13 Jan to 29 Dec 2027
    for (const auto& o : all) {
        EXPECT_EQ(str(o.at("local_start")).substr(11), "16:00") << o;
        EXPECT_EQ(str(o.at("timezone")), "Europe/London");
        EXPECT_EQ(str(o.at("title")), "Fortnightly online catch-up");
        EXPECT_EQ(num(o.at("going")), 0);
        EXPECT_TRUE(o.at("my_rsvp").is_null());
        EXPECT_EQ(o.at("cancelled"), json::value(false));
    }
}

TEST_F(Meetups, LocalTimeStaysAtFourAcrossBothClockChangesOf2027) {
    const auto c = public_group_with_people();
    auto olive = connect(c.organiser);
    const auto id = create_meetup(olive, fortnightly_catch_up(c.group));
    const auto all = occurrences(olive, c.group);

    const std::vector<std::pair<const char*, const char*>> expected = {
        {"2027-01-13T16:00", "2027-01-13T16:00:00.000Z"}, // GMT
        {"2027-03-24T16:00", "2027-03-24T16:00:00.000Z"}, // last before 28 March
        {"2027-04-07T16:00", "2027-04-07T15:00:00.000Z"}, // BST
        {"2027-10-20T16:00", "2027-10-20T15:00:00.000Z"}, // last before 31 October
        {"2027-11-03T16:00", "2027-11-03T16:00:00.000Z"}, // GMT again
    };
    for (const auto& [local, utc] : expected) {
        const auto& o = occurrence_at(all, id, local);
        EXPECT_EQ(str(o.at("starts_at")), utc) << local;
    }
    EXPECT_EQ(str(occurrence_at(all, id, "2027-04-07T16:00").at("ends_at")),
              "2027-04-07T16:00:00.000Z");
    // Ascending by start.
    for (std::size_t i = 1; i < all.size(); ++i) {
        EXPECT_LT(str(all[i - 1].at("starts_at")), str(all[i].at("starts_at")));
    }
}

TEST_F(Meetups, ListIsAscendingAcrossSeriesAndHonoursTheDates) {
    const auto c = public_group_with_people();
    auto olive = connect(c.organiser);
    const auto catch_up = create_meetup(olive, fortnightly_catch_up(c.group));
    const auto library = create_meetup(olive, library_meetup(c.group, 20));

    const auto feb = occurrences(olive, c.group, "2027-02-01", "2027-02-28");
    std::vector<std::pair<std::int64_t, std::string>> seen;
    for (const auto& o : feb) {
        seen.emplace_back(num(o.at("meetup")), str(o.at("local_start")));
    }
    const std::vector<std::pair<std::int64_t, std::string>> want = {
        {library, "2027-02-03T16:00"},
        {catch_up, "2027-02-10T16:00"},
        {catch_up, "2027-02-24T16:00"},
    };
    EXPECT_EQ(seen, want);
    const auto& place = occurrence_at(feb, library, "2027-02-03T16:00");
    EXPECT_EQ(str(place.at("kind")), "in_person");
    EXPECT_EQ(str(place.at("location")), "Nottingham Central Library, Angel Row");
    EXPECT_EQ(num(place.at("capacity")), 20);

    // Six four-weekly meetings from 3 Feb: the last is on 23 Jun.
    std::vector<std::string> library_dates;
    for (const auto& o : occurrences(olive, c.group)) {
        if (num(o.at("meetup")) == library) {
            library_dates.push_back(str(o.at("local_start")));
        }
    }
    EXPECT_EQ(library_dates.size(), 6u);
    EXPECT_EQ(library_dates.back(), "2027-06-23T16:00");
}

TEST_F(Meetups, ListDefaultsToTheNextEightWeeks) {
    const auto c = public_group_with_people();
    auto olive = connect(c.organiser);
    const auto today = date::floor<date::days>(std::chrono::system_clock::now());
    const auto start = date::format("%F", today + date::days{2}) + "T12:00";
    create_meetup(olive, with(with(fortnightly_catch_up(c.group), "start", json::string(start)),
                              "repeat", {{"every_weeks", 1}}));
    const auto all =
        at_path(olive.call("meetups.list", {{"group", c.group}}), "occurrences").as_array();
    ASSERT_EQ(all.size(), 8u) << all; // day 2, 9, ... 51 of the 56 days
    EXPECT_EQ(str(all.front().at("local_start")), start);
}

TEST_F(Meetups, OnlyOrganisersAndModeratorsCreate) {
    const auto c = public_group_with_people();
    auto amy = connect(c.amy);
    EXPECT_EQ(error_code_of(amy.request("meetups.create", fortnightly_catch_up(c.group))),
              "forbidden");
    const auto stranger = register_user("stranger");
    auto ws = connect(stranger);
    EXPECT_EQ(error_code_of(ws.request("meetups.create", fortnightly_catch_up(c.group))),
              "forbidden");
    EXPECT_EQ(error_code_of(ws.request("meetups.create", fortnightly_catch_up(c.group + 100))),
              "not_found");
    // Anyone may read a public group's meetups.
    EXPECT_EQ(error_code_of(ws.request("meetups.list", {{"group", c.group}})), "ok");
    // The group's moderator (the site admin made it) may.
    EXPECT_EQ(error_code_of(admin_ws().request("meetups.create", fortnightly_catch_up(c.group))),
              "ok");
    EXPECT_EQ(occurrences(amy, c.group).size(), 26u);
}

TEST_F(Meetups, BadInputIsRefusedAndLeavesNothingBehind) {
    const auto c = public_group_with_people();
    auto olive = connect(c.organiser);
    const auto base = fortnightly_catch_up(c.group);
    const std::vector<std::pair<const char*, json::object>> cases = {
        {"30 February", with(base, "start", "2027-02-30T16:00")},
        {"unknown time zone", with(base, "timezone", "Europe/Atlantis")},
        {"01:30 on the spring-forward night", with(base, "start", "2027-03-28T01:30")},
        {"01:30 on the autumn night", with(base, "start", "2027-10-31T01:30")},
        {"every 5 weeks", with(base, "repeat", {{"every_weeks", 5}})},
        {"every 0 weeks", with(base, "repeat", {{"every_weeks", 0}})},
        {"count over 100", with(base, "repeat", {{"every_weeks", 2}, {"count", 101}})},
        {"negative capacity", with(base, "capacity", -5)},
        {"in person without a place", with(base, "kind", "in_person")},
        {"no title", with(base, "title", "")},
        {"no duration", with(base, "duration_minutes", nullptr)},
    };
    for (const auto& [name, params] : cases) {
        const auto reply = olive.request("meetups.create", params);
        EXPECT_EQ(error_code_of(reply), "bad_request") << name << ": " << reply;
    }
    EXPECT_TRUE(occurrences(olive, c.group, "2027-01-01", "2028-12-31").empty());
    EXPECT_EQ(num(listed_group(olive, c.group).at("last_seq")), 0) << "no system message either";
    EXPECT_EQ(
        error_code_of(olive.request(
            "meetups.list", {{"group", c.group}, {"from", "2027-03-01"}, {"to", "2027-02-01"}})),
        "bad_request");
}

// --- RSVPs, the waitlist and promotion --------------------------------------------------------

TEST_F(Meetups, FullMeetupWaitlistsAndPromotesTheFirstWaiting) {
    const auto c = public_group_with_people();
    const auto cat = register_user("cat", "Cat Carer");
    auto olive = connect(c.organiser);
    auto amy = connect(c.amy);
    auto ben = connect(c.ben);
    auto cat_ws = connect(cat);
    join(cat_ws, c.group);
    const auto id = create_meetup(olive, library_meetup(c.group, 2));
    const std::string first = "2027-02-03T16:00";

    EXPECT_EQ(at_path(result_of(rsvp(olive, id, first, "going")), "rsvp.status"),
              json::value("going"));
    EXPECT_EQ(at_path(result_of(rsvp(amy, id, first, "going")), "rsvp.status"),
              json::value("going"));
    const auto waiting = result_of(rsvp(ben, id, first, "going"));
    EXPECT_EQ(str(at_path(waiting, "rsvp.status")), "waitlisted");
    EXPECT_EQ(num(at_path(waiting, "rsvp.position")), 1);
    EXPECT_EQ(num(at_path(result_of(rsvp(cat_ws, id, first, "going")), "rsvp.position")), 2);

    auto listed = occurrence_at(occurrences(ben, c.group), id, first);
    EXPECT_EQ(num(listed.at("going")), 2);
    EXPECT_EQ(num(listed.at("waitlisted")), 2);
    EXPECT_EQ(str(listed.at("my_rsvp")), "waitlisted");
    EXPECT_EQ(num(listed.at("capacity")), 2);

    // Amy can't go after all: Ben, first in the queue, is promoted and told.
    EXPECT_EQ(str(at_path(result_of(rsvp(amy, id, first, "not_going")), "rsvp.status")),
              "not_going");
    const auto promoted = ben.next_event("meetup.promoted");
    EXPECT_EQ(num(promoted.at("meetup")), id);
    EXPECT_EQ(str(promoted.at("occurrence")), first);
    EXPECT_TRUE(cat_ws.no_event("meetup.promoted", 300ms));

    listed = occurrence_at(occurrences(ben, c.group), id, first);
    EXPECT_EQ(str(listed.at("my_rsvp")), "going");
    EXPECT_EQ(num(listed.at("going")), 2);
    EXPECT_EQ(num(listed.at("waitlisted")), 1);
    EXPECT_EQ(str(occurrence_at(occurrences(amy, c.group), id, first).at("my_rsvp")), "not_going");
    EXPECT_EQ(num(occurrence_at(occurrences(cat_ws, c.group), id, first).at("my_position")), 1);
    // Other occurrences of the series have their own places.
    EXPECT_EQ(num(occurrence_at(occurrences(ben, c.group), id, "2027-03-03T16:00").at("going")), 0);
}

TEST_F(Meetups, RsvpNeedsAMemberAndAnOccurrenceOfTheSeries) {
    const auto c = public_group_with_people();
    auto olive = connect(c.organiser);
    auto amy = connect(c.amy);
    const auto id = create_meetup(olive, fortnightly_catch_up(c.group));
    const auto stranger = register_user("stranger");
    auto outsider = connect(stranger);

    EXPECT_EQ(error_code_of(rsvp(outsider, id, "2027-01-13T16:00", "going")), "forbidden");
    EXPECT_EQ(error_code_of(rsvp(amy, id, "2027-01-20T16:00", "going")), "not_found")
        << "the week in between";
    EXPECT_EQ(error_code_of(rsvp(amy, id, "2027-01-13T15:00", "going")), "not_found");
    EXPECT_EQ(error_code_of(rsvp(amy, id, "2026-12-30T16:00", "going")), "not_found");
    EXPECT_EQ(error_code_of(rsvp(amy, id, "2027-02-30T16:00", "going")), "bad_request");
    EXPECT_EQ(error_code_of(rsvp(amy, id, "2027-01-13T16:00", "waitlisted")), "bad_request");
    EXPECT_EQ(error_code_of(rsvp(amy, id, "2027-01-13T16:00", "maybe")), "bad_request");
    EXPECT_EQ(error_code_of(rsvp(amy, id + 1000, "2027-01-13T16:00", "going")), "not_found");
    EXPECT_EQ(error_code_of(rsvp(amy, id, "2027-01-13T16:00", "going")), "ok");
}

TEST_F(Meetups, TwoMembersRacingForTheLastPlaceNeverBothGetIt) {
    const auto c = public_group_with_people();
    auto olive = connect(c.organiser);
    const auto id = create_meetup(
        olive, with(library_meetup(c.group, 1), "repeat", {{"every_weeks", 1}, {"count", 20}}));
    ws_client amy(port(), c.amy.token);
    ws_client ben(port(), c.ben.token);
    const auto first = date::local_days{date::year{2027} / 2 / 3};
    for (int week = 0; week < 20; ++week) {
        const auto occurrence = date::format("%F", first + date::days{7 * week}) + "T16:00";
        json::object a_reply;
        json::object b_reply;
        std::thread a([&] { a_reply = rsvp(amy, id, occurrence, "going"); });
        std::thread b([&] { b_reply = rsvp(ben, id, occurrence, "going"); });
        a.join();
        b.join();
        std::multiset<std::string> statuses{str(at_path(result_of(a_reply), "rsvp.status")),
                                            str(at_path(result_of(b_reply), "rsvp.status"))};
        EXPECT_EQ(statuses, (std::multiset<std::string>{"going", "waitlisted"})) << occurrence;
    }
    for (const auto& o : occurrences(olive, c.group)) {
        EXPECT_EQ(num(o.at("going")), 1) << o;
        EXPECT_EQ(num(o.at("waitlisted")), 1) << o;
    }
}

TEST_F(Meetups, ManyRacingForFewPlacesGetDistinctQueuePositions) {
    const auto c = public_group_with_people();
    auto olive = connect(c.organiser);
    const auto id = create_meetup(olive, library_meetup(c.group, 3));
    std::vector<ws_client> people;
    for (int i = 0; i < 8; ++i) {
        const auto who = register_user("racer" + std::to_string(i));
        people.emplace_back(port(), who.token);
        join(people.back(), c.group);
    }
    std::vector<json::object> replies(people.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < people.size(); ++i) {
        threads.emplace_back(
            [&, i] { replies[i] = rsvp(people[i], id, "2027-02-03T16:00", "going"); });
    }
    for (auto& t : threads) {
        t.join();
    }
    int going = 0;
    std::set<std::int64_t> positions;
    for (const auto& reply : replies) {
        const auto result = result_of(reply);
        const auto& r = at_path(result, "rsvp").as_object();
        if (str(r.at("status")) == "going") {
            ++going;
        } else {
            EXPECT_EQ(str(r.at("status")), "waitlisted");
            positions.insert(num(r.at("position")));
        }
    }
    EXPECT_EQ(going, 3);
    EXPECT_EQ(positions, (std::set<std::int64_t>{1, 2, 3, 4, 5}));
}

// --- cancelling ---------------------------------------------------------------------------------

TEST_F(Meetups, OrganiserCancelsOneOccurrenceThenTheSeries) {
    const auto c = public_group_with_people();
    auto olive = connect(c.organiser);
    auto amy = connect(c.amy);
    const auto id = create_meetup(olive, fortnightly_catch_up(c.group));
    amy.next_event("message.created");
    send(amy, c.group, "Can't wait");
    amy.next_event("message.created"); // her own

    EXPECT_EQ(error_code_of(amy.request("meetups.cancel",
                                        {{"meetup", id}, {"occurrence", "2027-12-29T16:00"}})),
              "forbidden");
    EXPECT_EQ(error_code_of(olive.request("meetups.cancel",
                                          {{"meetup", id}, {"occurrence", "2027-12-23T16:00"}})),
              "not_found");

    olive.call("meetups.cancel", {{"meetup", id}, {"occurrence", "2027-12-29T16:00"}});
    const auto cancelled = amy.next_event("meetup.cancelled");
    EXPECT_EQ(num(cancelled.at("meetup")), id);
    EXPECT_EQ(str(cancelled.at("occurrence")), "2027-12-29T16:00");
    const auto note = amy.next_event("message.created");
    EXPECT_EQ(str(at_path(note, "message.kind")), "system");
    EXPECT_NE(str(at_path(note, "message.text")).find("29 Dec 2027"), std::string::npos);

    auto all = occurrences(amy, c.group);
    EXPECT_EQ(occurrence_at(all, id, "2027-12-29T16:00").at("cancelled"), json::value(true));
    EXPECT_EQ(occurrence_at(all, id, "2027-12-15T16:00").at("cancelled"), json::value(false));
    EXPECT_EQ(error_code_of(rsvp(amy, id, "2027-12-29T16:00", "going")), "conflict");
    // Cancelling again changes nothing and says nothing.
    olive.call("meetups.cancel", {{"meetup", id}, {"occurrence", "2027-12-29T16:00"}});
    EXPECT_TRUE(amy.no_event("meetup.cancelled", 300ms));

    olive.call("meetups.cancel", {{"meetup", id}});
    EXPECT_TRUE(amy.next_event("meetup.cancelled").at("occurrence").is_null());
    all = occurrences(amy, c.group);
    EXPECT_EQ(all.size(), 26u) << "a cancelled series stays listed";
    for (const auto& o : all) {
        EXPECT_EQ(o.at("cancelled"), json::value(true)) << o;
    }
    EXPECT_EQ(error_code_of(rsvp(amy, id, "2027-12-15T16:00", "going")), "conflict");

    // The conversation's seq stays gapless over every kind of message.
    const auto history =
        at_path(amy.call("messages.history", {{"group", c.group}}), "messages").as_array();
    ASSERT_EQ(history.size(), 4u);
    const std::vector<std::string> kinds = {"system", "text", "system", "system"};
    for (std::size_t i = 0; i < history.size(); ++i) {
        EXPECT_EQ(num(history[i].at("seq")), static_cast<std::int64_t>(i + 1));
        EXPECT_EQ(str(history[i].at("kind")), kinds[i]);
    }
}

// --- private groups ---------------------------------------------------------------------------

TEST_F(Meetups, PrivateGroupsMeetupsAreInvisibleToOutsiders) {
    const auto group = create_group("Nottingham homecare workers", "private");
    const auto id = create_meetup(admin_ws(), fortnightly_catch_up(group));
    const auto member = register_user("member");
    const auto stranger = register_user("stranger");
    auto m = connect(member);
    auto s = connect(stranger);
    join(m, group);
    admin_ws().call("groups.approve", {{"group", group}, {"user", member.id()}});
    m.next_event("membership.approved");

    EXPECT_EQ(error_code_of(s.request("meetups.list", {{"group", group}})), "forbidden");
    EXPECT_EQ(error_code_of(rsvp(s, id, "2027-01-13T16:00", "going")), "not_found");
    EXPECT_EQ(error_code_of(s.request("meetups.cancel", {{"meetup", id}})), "not_found");
    EXPECT_EQ(occurrences(m, group).size(), 26u);
    EXPECT_EQ(error_code_of(rsvp(m, id, "2027-01-13T16:00", "going")), "ok");

    const auto target = "/api/groups/" + std::to_string(group) + "/meetups.ics";
    EXPECT_EQ(http(port(), "GET", target).status, 401u);
    EXPECT_EQ(http(port(), "GET", target, std::nullopt, bearer(stranger.token)).status, 403u);
    const auto feed = http(port(), "GET", target, std::nullopt, bearer(member.token));
    EXPECT_EQ(feed.status, 200u);
    EXPECT_NE(feed.body.find("Fortnightly online catch-up"), std::string::npos);
    // Calendar programs cannot send tokens: the calendar key works on the group's feed too.
    const auto member_key = str(at_path(m.call("calendar.key"), "url")).substr(22);
    EXPECT_EQ(http(port(), "GET", target + "?key=" + member_key).status, 200u);
    // The outsider's key opens nothing, and their personal feed holds nothing of it.
    const auto url = str(at_path(s.call("calendar.key"), "url"));
    EXPECT_EQ(http(port(), "GET", target + "?key=" + url.substr(22)).status, 403u);
    const auto personal = http(port(), "GET", url);
    EXPECT_EQ(personal.status, 200u);
    EXPECT_EQ(personal.body.find("BEGIN:VEVENT"), std::string::npos);
}

// --- feeds
// ----------------------------------------------------------------------------------------

TEST_F(Meetups, PublicGroupFeedIsOpenToAnyoneAndFollowsRfc5545) {
    const auto c = public_group_with_people();
    auto olive = connect(c.organiser);
    const auto id = create_meetup(olive, fortnightly_catch_up(c.group));
    olive.call("meetups.cancel", {{"meetup", id}, {"occurrence", "2027-12-29T16:00"}});

    const auto feed =
        http(port(), "GET", "/api/groups/" + std::to_string(c.group) + "/meetups.ics");
    ASSERT_EQ(feed.status, 200u) << feed.body;
    EXPECT_EQ(feed.header("Content-Type"), "text/calendar; charset=utf-8");
    expect_rfc5545_framing(feed.body);
    EXPECT_TRUE(has_line(feed.body, "BEGIN:VTIMEZONE"));
    EXPECT_TRUE(has_line(feed.body, "TZID:Europe/London"));
    EXPECT_TRUE(has_line(feed.body, "DTSTART;TZID=Europe/London:20270113T160000"));
    EXPECT_TRUE(has_line(feed.body, "RRULE:FREQ=WEEKLY;INTERVAL=2"));
    EXPECT_TRUE(has_line(feed.body, "DURATION:PT1H"));
    EXPECT_TRUE(has_line(feed.body, "EXDATE;TZID=Europe/London:20271229T160000"));
    EXPECT_TRUE(has_line(feed.body, "SUMMARY:Fortnightly online catch-up"));
    EXPECT_TRUE(has_line(feed.body, "URL:https://meet.example.org/notts-catch-up"));

    // The UID is stable from one fetch to the next.
    const auto again =
        http(port(), "GET", "/api/groups/" + std::to_string(c.group) + "/meetups.ics");
    auto uid_of = [](const std::string& body) {
        const auto start = body.find("\r\nUID:") + 6;
        return body.substr(start, body.find("\r\n", start) - start);
    };
    EXPECT_EQ(uid_of(feed.body), uid_of(again.body));

    EXPECT_EQ(http(port(), "GET", "/api/groups/999999/meetups.ics").status, 404u);
    EXPECT_EQ(http(port(), "GET", "/api/groups/abc/meetups.ics").status, 404u);
}

TEST_F(Meetups, CalendarKeyIsStableUntilRotatedAndUnknownKeysAreRefused) {
    const auto c = public_group_with_people();
    auto amy = connect(c.amy);
    const auto url = str(at_path(amy.call("calendar.key"), "url"));
    EXPECT_EQ(url.rfind("/api/calendar.ics?key=", 0), 0u) << url;
    EXPECT_EQ(str(at_path(amy.call("calendar.key"), "url")), url);
    EXPECT_EQ(http(port(), "GET", url).status, 200u);

    EXPECT_EQ(http(port(), "GET", "/api/calendar.ics").status, 401u);
    EXPECT_EQ(http(port(), "GET", "/api/calendar.ics?key=not-a-key").status, 401u);

    const auto rotated = str(at_path(amy.call("calendar.key", {{"rotate", true}}), "url"));
    EXPECT_NE(rotated, url);
    EXPECT_EQ(http(port(), "GET", url).status, 401u);
    EXPECT_EQ(http(port(), "GET", rotated).status, 200u);
}

TEST_F(Meetups, FeedsReadByARealParserMatchTheList) {
    if (!icalendar_available()) {
        GTEST_SKIP() << "Python's icalendar is not installed (deploy/install-deps.sh --with-tests)";
    }
    const auto c = public_group_with_people();
    const auto other_group = create_group("Derby", "public");
    auto olive = connect(c.organiser);
    auto amy = connect(c.amy);
    join(amy, other_group);

    const auto catch_up = create_meetup(olive, fortnightly_catch_up(c.group));
    const auto library = create_meetup(olive, library_meetup(c.group, 20));
    // Text that needs escaping and folding: commas, semicolons, a line break, a long title with
    // characters of two, three and four octets.
    const auto tricky = create_meetup(
        olive, json::object{{"group", c.group},
                            {"title", "Caf\xC3\xA9 chat \xE2\x80\x94 carers, friends; all welcome "
                                      "\xF0\x9F\x98\x80 for a long and friendly natter"},
                            {"description", "Line one, with a comma;\nline two \\ backslash."},
                            {"kind", "in_person"},
                            {"location", "Bromley House Library, Angel Row; first floor"},
                            {"start", "2027-03-01T10:30"},
                            {"duration_minutes", 90},
                            {"repeat", {{"every_weeks", 1}, {"until", "2027-05-31"}}}});
    const auto derby = create_meetup(
        admin_ws(), with(with(fortnightly_catch_up(other_group), "start", "2027-03-21T01:30"),
                         "repeat", {{"every_weeks", 1}, {"count", 3}}));
    const auto one_off = create_meetup(olive, with(library_meetup(c.group, 5), "repeat", nullptr));
    olive.call("meetups.cancel", {{"meetup", catch_up}, {"occurrence", "2027-12-29T16:00"}});
    olive.call("meetups.cancel", {{"meetup", tricky}, {"occurrence", "2027-04-05T10:30"}});
    olive.call("meetups.cancel", {{"meetup", library}, {"occurrence", "2027-03-03T16:00"}});
    olive.call("meetups.cancel", {{"meetup", one_off}});

    const std::string from = "2027-01-01";
    const std::string to = "2027-12-31";
    // What meetups.list says will happen, keyed by (meetup, local_start).
    std::map<std::pair<std::int64_t, std::string>, json::object> listed;
    for (const auto group : {c.group, other_group}) {
        for (const auto& o : occurrences(amy, group, from, to)) {
            if (o.at("cancelled") == json::value(false)) {
                listed[{num(o.at("meetup")), str(o.at("local_start"))}] = o.as_object();
            }
        }
    }
    ASSERT_FALSE(listed.empty());

    auto check_feed = [&](const std::string& feed, const std::set<std::int64_t>& meetups) {
        expect_rfc5545_framing(feed);
        const auto parsed = parse_with_icalendar(feed, from, to);
        std::set<std::pair<std::int64_t, std::string>> seen;
        for (const auto& item : parsed) {
            const auto meetup = meetup_of_uid(str(item.at("uid")));
            const std::pair<std::int64_t, std::string> key{meetup, str(item.at("local_start"))};
            EXPECT_TRUE(seen.insert(key).second) << "twice in the feed: " << item;
            const auto it = listed.find(key);
            ASSERT_NE(it, listed.end()) << "in the feed but not listed: " << item;
            EXPECT_EQ(str(item.at("starts_at")), str(it->second.at("starts_at"))) << item;
            EXPECT_EQ(str(item.at("ends_at")), str(it->second.at("ends_at"))) << item;
            EXPECT_EQ(str(item.at("summary")), str(it->second.at("title"))) << item;
        }
        std::size_t expected = 0;
        for (const auto& [key, o] : listed) {
            if (meetups.contains(key.first)) {
                ++expected;
                EXPECT_TRUE(seen.contains(key)) << "listed but not in the feed: " << o;
            }
        }
        EXPECT_EQ(seen.size(), expected);
    };

    const auto group_feed =
        http(port(), "GET", "/api/groups/" + std::to_string(c.group) + "/meetups.ics");
    ASSERT_EQ(group_feed.status, 200u);
    check_feed(group_feed.body, {catch_up, library, tricky});
    // A cancelled meetup stays in the feed, marked so, for calendars that copied it.
    const auto one_off_at = group_feed.body.find("UID:meetup-" + std::to_string(one_off) + "-");
    ASSERT_NE(one_off_at, std::string::npos);
    const auto one_off_event = group_feed.body.substr(
        one_off_at, group_feed.body.find("END:VEVENT", one_off_at) - one_off_at);
    EXPECT_TRUE(has_line(one_off_event, "STATUS:CANCELLED")) << one_off_event;

    const auto url = str(at_path(amy.call("calendar.key"), "url"));
    const auto personal = http(port(), "GET", url);
    ASSERT_EQ(personal.status, 200u);
    check_feed(personal.body, {catch_up, library, tricky, derby});

    // The Derby series meets at 01:30 on Sundays across the spring change: on 28 March 01:30
    // does not exist, and app and calendar agree it means 01:30 GMT (02:30 BST).
    const auto& gap = listed.at({derby, "2027-03-28T01:30"});
    EXPECT_EQ(str(gap.at("starts_at")), "2027-03-28T01:30:00.000Z");
}

// --- reminders ----------------------------------------------------------------------------------

class MeetupReminders : public Meetups {
protected:
    server_options options() const override {
        return with_admin({"--reminder-check-seconds", "1", "--reminder-lead-minutes", "120"});
    }
};

TEST_F(MeetupReminders, GoingMembersAreRemindedOnceEvenAcrossARestart) {
    const auto c = public_group_with_people();
    auto olive = connect(c.organiser);
    auto amy = connect(c.amy);
    auto ben = connect(c.ben);
    // Forty minutes from now, in UTC so the test needs no time zone arithmetic of its own.
    const auto soon = date::floor<std::chrono::minutes>(std::chrono::system_clock::now()) +
                      std::chrono::minutes{40};
    const auto start = date::format("%FT%H:%M", soon);
    const auto id = create_meetup(
        olive, with(with(with(fortnightly_catch_up(c.group), "start", json::string(start)),
                         "timezone", "UTC"),
                    "repeat", nullptr));
    EXPECT_EQ(error_code_of(rsvp(amy, id, start, "going")), "ok");
    EXPECT_EQ(error_code_of(rsvp(ben, id, start, "not_going")), "ok");

    const auto reminder = amy.next_event("meetup.reminder", 10s);
    EXPECT_EQ(num(reminder.at("meetup")), id);
    EXPECT_EQ(str(reminder.at("occurrence")), start);
    EXPECT_EQ(str(reminder.at("starts_at")), start + ":00.000Z");
    EXPECT_TRUE(ben.no_event("meetup.reminder", 2500ms)) << "only those going are reminded";
    EXPECT_TRUE(amy.no_event("meetup.reminder", 1500ms)) << "once";

    amy.close();
    ben.close();
    olive.close();
    server().restart();
    ws_client again(port(), c.amy.token);
    EXPECT_TRUE(again.no_event("meetup.reminder", 3s)) << "not again after a restart";
}
