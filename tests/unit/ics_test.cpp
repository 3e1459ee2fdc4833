// The iCalendar writer (server/src/ics.hpp) against RFC 5545: escaping, folding, line ends,
// RRULE, EXDATE and VTIMEZONE.
#include "calendar/ics.hpp"

#include <algorithm>
#include <gtest/gtest.h>

using namespace carecircle;
using namespace carecircle::server;

namespace {

local_minutes at(std::string_view text) {
    return *parse_local_minutes(text);
}

// The physical lines of an iCalendar text, each without its CRLF.
std::vector<std::string> physical_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find("\r\n", start);
        if (end == std::string::npos) {
            lines.push_back(text.substr(start)); // not CRLF-terminated: the caller will notice
            break;
        }
        lines.push_back(text.substr(start, end - start));
        start = end + 2;
    }
    return lines;
}

// Undoes folding: a CRLF followed by one space joins two physical lines.
std::string unfold(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 3, "\r\n ") == 0) {
            i += 2;
            continue;
        }
        out += text[i];
    }
    return out;
}

bool continuation_byte(char c) {
    return (static_cast<unsigned char>(c) & 0xc0) == 0x80;
}

bool contains_line(const std::string& text, const std::string& line) {
    const auto lines = physical_lines(unfold(text));
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

ics::event fortnightly() {
    ics::event e;
    e.uid = "meetup-7-1764000000000@carecircle";
    e.stamp = timestamp{date::sys_days{date::year{2026} / 11 / 25} + std::chrono::hours{12}};
    e.zone = date::locate_zone("Europe/London");
    e.start = at("2027-01-13T16:00");
    e.duration = std::chrono::minutes{60};
    e.every_weeks = 2;
    e.summary = "Fortnightly online catch-up";
    e.description = "Bring a cuppa; we talk about the week, one at a time.";
    e.location = "Online";
    e.url = "https://meet.example.org/carecircle?room=notts,east";
    e.last_year = 2027;
    return e;
}

} // namespace

TEST(Ics, EscapesBackslashSemicolonCommaAndNewlines) {
    EXPECT_EQ(ics::escape_text("Tea; biscuits, and a chat"), "Tea\\; biscuits\\, and a chat");
    EXPECT_EQ(ics::escape_text("C:\\care\\notes"), "C:\\\\care\\\\notes");
    EXPECT_EQ(ics::escape_text("line one\nline two"), "line one\\nline two");
    EXPECT_EQ(ics::escape_text("line one\r\nline two\rthree"), "line one\\nline two\\nthree");
    EXPECT_EQ(ics::escape_text("colons: are fine \"quoted\" too"),
              "colons: are fine \"quoted\" too");
    EXPECT_EQ(ics::escape_text(std::string("bell\x07 gone\ttab kept")), "bell gone\ttab kept");
    EXPECT_EQ(ics::escape_text("Caf\xC3\xA9 \xF0\x9F\x98\x80"), "Caf\xC3\xA9 \xF0\x9F\x98\x80");
}

TEST(Ics, ShortLinesAreNotFolded) {
    const std::string line(75, 'x');
    EXPECT_EQ(ics::fold(line), line + "\r\n");
    EXPECT_EQ(ics::fold(""), "\r\n");
}

TEST(Ics, LongLinesFoldAt75OctetsWithALeadingSpace) {
    const std::string line = "DESCRIPTION:" + std::string(300, 'a');
    const auto folded = ics::fold(line);
    const auto lines = physical_lines(folded);
    ASSERT_GT(lines.size(), 1u);
    EXPECT_EQ(lines[0].size(), 75u);
    for (std::size_t i = 1; i < lines.size(); ++i) {
        EXPECT_EQ(lines[i].front(), ' ');
        EXPECT_LE(lines[i].size(), 75u);
    }
    EXPECT_EQ(lines[1].size(), 75u); // a space and 74 octets of content
    EXPECT_EQ(unfold(folded), line + "\r\n");
}

TEST(Ics, FoldingNeverSplitsAUtf8Character) {
    // Two-, three- and four-byte characters at every alignment against the 75-octet limit.
    for (const std::string unit : {"\xC3\xA9", "\xE2\x80\x9C", "\xF0\x9F\x98\x80"}) {
        for (std::size_t prefix = 0; prefix < 4; ++prefix) {
            std::string line = "SUMMARY:" + std::string(prefix, 'p');
            for (int i = 0; i < 60; ++i) {
                line += unit;
            }
            const auto folded = ics::fold(line);
            for (const auto& physical : physical_lines(folded)) {
                EXPECT_LE(physical.size(), 75u);
                const std::string_view content =
                    physical.front() == ' ' ? std::string_view(physical).substr(1) : physical;
                ASSERT_FALSE(content.empty());
                EXPECT_FALSE(continuation_byte(content.front()))
                    << "a line starts inside a character";
            }
            EXPECT_EQ(unfold(folded), line + "\r\n");
        }
    }
}

TEST(Ics, FormatsDateTimesAndOffsets) {
    EXPECT_EQ(ics::local_date_time(at("2026-12-11T16:00")), "20261211T160000");
    EXPECT_EQ(ics::utc_date_time(timestamp{date::sys_days{date::year{2027} / 3 / 28} +
                                           std::chrono::hours{1} + std::chrono::milliseconds{999}}),
              "20270328T010000Z");
    EXPECT_EQ(ics::utc_offset(std::chrono::seconds{3600}), "+0100");
    EXPECT_EQ(ics::utc_offset(std::chrono::seconds{0}), "+0000");
    EXPECT_EQ(ics::utc_offset(std::chrono::seconds{-5 * 3600}), "-0500");
    EXPECT_EQ(ics::utc_offset(std::chrono::seconds{5 * 3600 + 30 * 60}), "+0530");
    EXPECT_EQ(ics::utc_offset(std::chrono::seconds{-75}), "-000115");
}

TEST(Ics, CalendarUsesCrlfEverywhere) {
    ics::calendar cal{"Nottingham meet-ups", {fortnightly()}};
    const auto text = ics::write(cal);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n') {
            ASSERT_GT(i, 0u);
            EXPECT_EQ(text[i - 1], '\r') << "a bare LF at octet " << i;
        }
        if (text[i] == '\r') {
            ASSERT_LT(i + 1, text.size());
            EXPECT_EQ(text[i + 1], '\n') << "a bare CR at octet " << i;
        }
    }
    ASSERT_GE(text.size(), 2u);
    EXPECT_EQ(text.substr(text.size() - 2), "\r\n");
    for (const auto& line : physical_lines(text)) {
        EXPECT_LE(line.size(), 75u) << line;
    }
    EXPECT_EQ(text.rfind("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 0), 0u);
    EXPECT_TRUE(contains_line(text, "END:VCALENDAR"));
    EXPECT_TRUE(contains_line(text, "X-WR-CALNAME:Nottingham meet-ups"));
}

TEST(Ics, FortnightlySeriesIsOneEventWithAWeeklyRule) {
    auto e = fortnightly();
    ics::calendar cal{"Nottingham meet-ups", {e}};
    const auto text = ics::write(cal);

    EXPECT_TRUE(contains_line(text, "BEGIN:VEVENT"));
    EXPECT_TRUE(contains_line(text, "UID:meetup-7-1764000000000@carecircle"));
    EXPECT_TRUE(contains_line(text, "DTSTAMP:20261125T120000Z"));
    EXPECT_TRUE(contains_line(text, "DTSTART;TZID=Europe/London:20270113T160000"));
    EXPECT_TRUE(contains_line(text, "DURATION:PT1H"));
    EXPECT_TRUE(contains_line(text, "RRULE:FREQ=WEEKLY;INTERVAL=2"));
    EXPECT_TRUE(contains_line(text, "SUMMARY:Fortnightly online catch-up"));
    EXPECT_TRUE(contains_line(
        text, "DESCRIPTION:Bring a cuppa\\; we talk about the week\\, one at a time."));
    EXPECT_TRUE(contains_line(text, "LOCATION:Online"));
    // A URI is not TEXT: its comma stays as it is.
    EXPECT_TRUE(contains_line(text, "URL:https://meet.example.org/carecircle?room=notts,east"));
    std::size_t events = 0;
    for (auto pos = text.find("BEGIN:VEVENT"); pos != std::string::npos;
         pos = text.find("BEGIN:VEVENT", pos + 1)) {
        ++events;
    }
    EXPECT_EQ(events, 1u);
}

TEST(Ics, CountUntilAndExdates) {
    auto counted = fortnightly();
    counted.count = 10;
    counted.exdates = {at("2027-02-24T16:00"), at("2027-04-07T16:00")};
    auto until = fortnightly();
    until.uid = "meetup-8-1764000000000@carecircle";
    until.until = timestamp{date::sys_days{date::year{2027} / 6 / 30} + std::chrono::hours{15}};
    auto one_off = fortnightly();
    one_off.uid = "meetup-9-1764000000000@carecircle";
    one_off.every_weeks.reset();
    one_off.duration = std::chrono::minutes{90};
    ics::calendar cal{"Feed", {counted, until, one_off}};
    const auto text = ics::write(cal);

    EXPECT_TRUE(contains_line(text, "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=10"));
    EXPECT_TRUE(contains_line(text, "EXDATE;TZID=Europe/London:20270224T160000"));
    EXPECT_TRUE(contains_line(text, "EXDATE;TZID=Europe/London:20270407T160000"));
    EXPECT_TRUE(contains_line(text, "RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20270630T150000Z"));
    EXPECT_TRUE(contains_line(text, "DURATION:PT1H30M"));
    // The one-off has no rule: exactly two RRULEs in the feed.
    const auto unfolded = unfold(text);
    std::size_t rules = 0;
    for (auto pos = unfolded.find("\r\nRRULE:"); pos != std::string::npos;
         pos = unfolded.find("\r\nRRULE:", pos + 1)) {
        ++rules;
    }
    EXPECT_EQ(rules, 2u);
    // One VTIMEZONE for the zone all three use.
    EXPECT_EQ(unfolded.find("BEGIN:VTIMEZONE"), unfolded.rfind("BEGIN:VTIMEZONE"));
}

TEST(Ics, LongTitlesAreFoldedInsideTheEvent) {
    auto e = fortnightly();
    e.summary = "Nottingham in-person meet-up at the Central Library, Angel Row \xE2\x80\x94 "
                "snacks provided, \xE2\x80\x9C"
                "everyone welcome\xE2\x80\x9D";
    const auto text = ics::write(ics::calendar{"Feed", {e}});
    for (const auto& line : physical_lines(text)) {
        EXPECT_LE(line.size(), 75u);
    }
    EXPECT_TRUE(contains_line(text, "SUMMARY:" + ics::escape_text(e.summary)));
}

TEST(Ics, VtimezoneCarriesTheYearsTransitionsFromTheTzDatabase) {
    const auto text = ics::vtimezone(*date::locate_zone("Europe/London"), 2027, 2027);
    const std::string unfolded = unfold(text);
    EXPECT_EQ(unfolded.rfind("BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n", 0), 0u);
    // In force on 1 January 2027: GMT since 25 October 2026 02:00 BST.
    EXPECT_NE(unfolded.find("BEGIN:STANDARD\r\nDTSTART:20261025T020000\r\nTZOFFSETFROM:+0100\r\n"
                            "TZOFFSETTO:+0000\r\nTZNAME:GMT\r\nEND:STANDARD\r\n"),
              std::string::npos)
        << text;
    // 28 March 2027, 01:00 GMT: clocks forward.
    EXPECT_NE(unfolded.find("BEGIN:DAYLIGHT\r\nDTSTART:20270328T010000\r\nTZOFFSETFROM:+0000\r\n"
                            "TZOFFSETTO:+0100\r\nTZNAME:BST\r\nEND:DAYLIGHT\r\n"),
              std::string::npos)
        << text;
    // 31 October 2027, 02:00 BST: clocks back.
    EXPECT_NE(unfolded.find("BEGIN:STANDARD\r\nDTSTART:20271031T020000\r\nTZOFFSETFROM:+0100\r\n"
                            "TZOFFSETTO:+0000\r\nTZNAME:GMT\r\nEND:STANDARD\r\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(unfolded.find("2028"), std::string::npos) << "nothing beyond the years asked for";
    EXPECT_EQ(unfolded.substr(unfolded.size() - 15), "END:VTIMEZONE\r\n");
}

TEST(Ics, ZoneWithoutChangesGetsOneObservance) {
    const auto text = ics::vtimezone(*date::locate_zone("UTC"), 2027, 2028);
    EXPECT_NE(text.find("BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0000\r\n"
                        "TZOFFSETTO:+0000\r\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("DAYLIGHT"), std::string::npos);
}
