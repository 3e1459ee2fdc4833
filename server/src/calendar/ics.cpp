#include "calendar/ics.hpp"

#include <algorithm>
#include <map>

namespace carecircle::server::ics {
namespace {

constexpr std::size_t max_line_octets = 75;
constexpr std::string_view crlf = "\r\n";

bool utf8_continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xc0) == 0x80;
}

std::string digits(long long value, int width) {
    std::string out = std::to_string(value);
    if (static_cast<int>(out.size()) < width) {
        out.insert(0, static_cast<std::size_t>(width) - out.size(), '0');
    }
    return out;
}

std::string date_time(date::local_seconds at) {
    const auto day = date::floor<date::days>(at);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss<std::chrono::seconds> time{at - day};
    return digits(static_cast<int>(ymd.year()), 4) + digits(static_cast<unsigned>(ymd.month()), 2) +
           digits(static_cast<unsigned>(ymd.day()), 2) + 'T' + digits(time.hours().count(), 2) +
           digits(time.minutes().count(), 2) + digits(time.seconds().count(), 2);
}

// A parameter value is quoted when it holds a character that would end it (section 3.2).
std::string param_value(std::string_view value) {
    if (value.find_first_of(":;,") == std::string_view::npos) {
        return std::string(value);
    }
    std::string quoted = "\"";
    for (const char c : value) {
        if (c != '"') {
            quoted += c;
        }
    }
    return quoted + '"';
}

void property(std::string& out, std::string_view name, std::string_view value) {
    std::string line;
    line.reserve(name.size() + 1 + value.size());
    line.append(name).append(":").append(value);
    out += fold(line);
}

void text_property(std::string& out, std::string_view name, std::string_view value) {
    property(out, name, escape_text(value));
}

std::string duration_value(std::chrono::minutes duration) {
    const auto hours = duration.count() / 60;
    const auto minutes = duration.count() % 60;
    std::string out = "PT";
    if (hours > 0) {
        out += std::to_string(hours) + 'H';
    }
    if (minutes > 0 || hours == 0) {
        out += std::to_string(minutes) + 'M';
    }
    return out;
}

void observance(std::string& out, const date::sys_info& info, date::local_seconds starts,
                std::chrono::seconds offset_from) {
    const bool daylight = info.save != std::chrono::minutes{0};
    const std::string_view kind = daylight ? "DAYLIGHT" : "STANDARD";
    property(out, "BEGIN", kind);
    property(out, "DTSTART", date_time(starts));
    property(out, "TZOFFSETFROM", utc_offset(offset_from));
    property(out, "TZOFFSETTO", utc_offset(info.offset));
    text_property(out, "TZNAME", info.abbrev);
    property(out, "END", kind);
}

void vevent(std::string& out, const event& e) {
    const std::string tzid = "TZID=" + param_value(e.zone->name());
    property(out, "BEGIN", "VEVENT");
    property(out, "UID", e.uid);
    property(out, "DTSTAMP", utc_date_time(e.stamp));
    property(out, "LAST-MODIFIED", utc_date_time(e.stamp));
    property(out, "DTSTART;" + tzid, local_date_time(e.start));
    property(out, "DURATION", duration_value(e.duration));
    if (e.every_weeks) {
        std::string rule = "FREQ=WEEKLY;INTERVAL=" + std::to_string(*e.every_weeks);
        if (e.count) {
            rule += ";COUNT=" + std::to_string(*e.count);
        } else if (e.until) {
            rule += ";UNTIL=" + utc_date_time(*e.until);
        }
        property(out, "RRULE", rule);
    }
    for (const auto& excluded : e.exdates) {
        property(out, "EXDATE;" + tzid, local_date_time(excluded));
    }
    if (e.cancelled) {
        property(out, "STATUS", "CANCELLED");
    }
    text_property(out, "SUMMARY", e.summary);
    if (e.location) {
        text_property(out, "LOCATION", *e.location);
    }
    text_property(out, "DESCRIPTION", e.description);
    if (e.url) {
        // URI values are not TEXT: no backslash escaping (section 3.3.13).
        property(out, "URL", *e.url);
    }
    property(out, "END", "VEVENT");
}

} // namespace

std::string escape_text(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case ';':
            out += "\\;";
            break;
        case ',':
            out += "\\,";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\n";
            if (i + 1 < text.size() && text[i + 1] == '\n') {
                ++i; // CRLF is one line break
            }
            break;
        default:
            if ((static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) || c == '\t') {
                out += c;
            }
        }
    }
    return out;
}

std::string fold(std::string_view line) {
    std::string out;
    out.reserve(line.size() + line.size() / 70 * 3 + 2);
    std::size_t limit = max_line_octets;
    while (line.size() > limit) {
        std::size_t cut = limit;
        // Never cut inside a UTF-8 sequence: back up to the byte that starts the character.
        while (cut > 0 && utf8_continuation(line[cut])) {
            --cut;
        }
        if (cut == 0) {
            cut = limit; // not UTF-8 at all; still make progress
        }
        out.append(line.substr(0, cut)).append(crlf).append(" ");
        line.remove_prefix(cut);
        limit = max_line_octets - 1; // the leading space counts
    }
    out.append(line).append(crlf);
    return out;
}

std::string local_date_time(local_minutes at) {
    return date_time(date::local_seconds{at.time_since_epoch()});
}

std::string utc_date_time(timestamp at) {
    const auto seconds = date::floor<std::chrono::seconds>(at);
    return date_time(date::local_seconds{seconds.time_since_epoch()}) + 'Z';
}

std::string utc_offset(std::chrono::seconds offset) {
    const bool negative = offset < std::chrono::seconds{0};
    const long long total = negative ? -offset.count() : offset.count();
    std::string out = negative ? "-" : "+";
    out += digits(total / 3600, 2) + digits(total / 60 % 60, 2);
    if (total % 60 != 0) {
        out += digits(total % 60, 2);
    }
    return out;
}

std::string vtimezone(const date::time_zone& zone, int first_year, int last_year) {
    using namespace std::chrono;
    // Observances before 1970 are history no meet-up needs; a zone whose current rule began
    // earlier (or that never changed, like UTC) gets one observance from 1970 on.
    const date::sys_days floor_day{date::year{1970} / 1 / 1};
    const date::sys_days range_start{date::year{first_year} / 1 / 1};
    const date::sys_days range_end{date::year{last_year + 1} / 1 / 1};

    std::string out;
    property(out, "BEGIN", "VTIMEZONE");
    property(out, "TZID", zone.name());
    property(out, "X-LIC-LOCATION", zone.name());

    auto info = zone.get_info(range_start - date::days{1});
    if (info.begin <= floor_day) {
        observance(out, info, date::local_seconds{floor_day.time_since_epoch()}, info.offset);
    } else {
        const auto before = zone.get_info(info.begin - seconds{1}).offset;
        observance(out, info, date::local_seconds{info.begin.time_since_epoch() + before}, before);
    }
    // A bound on the loop in case a zone's data ever changed offset absurdly often.
    for (int i = 0; i < 4096 && info.end < range_end; ++i) {
        const auto before = info.offset;
        info = zone.get_info(info.end);
        observance(out, info, date::local_seconds{info.begin.time_since_epoch() + before}, before);
    }
    property(out, "END", "VTIMEZONE");
    return out;
}

std::string write(const calendar& cal) {
    std::string out;
    property(out, "BEGIN", "VCALENDAR");
    property(out, "VERSION", "2.0");
    property(out, "PRODID", "-//CareCircle//CareCircle meet-ups//EN");
    property(out, "CALSCALE", "GREGORIAN");
    property(out, "METHOD", "PUBLISH");
    text_property(out, "X-WR-CALNAME", cal.name);
    text_property(out, "NAME", cal.name);
    property(out, "REFRESH-INTERVAL;VALUE=DURATION", "PT1H");
    property(out, "X-PUBLISHED-TTL", "PT1H");

    // One VTIMEZONE per zone, covering every event that uses it, in order of first use.
    std::vector<const date::time_zone*> zones;
    std::map<const date::time_zone*, std::pair<int, int>> years;
    for (const auto& e : cal.events) {
        const int start_year =
            static_cast<int>(date::year_month_day{date::floor<date::days>(e.start)}.year());
        const int last_year = std::max(start_year, e.last_year);
        auto [it, inserted] = years.try_emplace(e.zone, start_year, last_year);
        if (inserted) {
            zones.push_back(e.zone);
        } else {
            it->second.first = std::min(it->second.first, start_year);
            it->second.second = std::max(it->second.second, last_year);
        }
    }
    for (const auto* zone : zones) {
        out += vtimezone(*zone, years[zone].first, years[zone].second);
    }
    for (const auto& e : cal.events) {
        vevent(out, e);
    }
    property(out, "END", "VCALENDAR");
    return out;
}

} // namespace carecircle::server::ics
