#include "calendar/meetup_listing.hpp"

#include "calendar/recurrence.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

namespace carecircle::server {

bool is_cancelled(const storage::meetup_record& record, local_minutes occurrence) {
    return std::binary_search(record.cancelled_occurrences.begin(),
                              record.cancelled_occurrences.end(), occurrence);
}

std::optional<std::string> cancel_reason(const storage::meetup_record& record,
                                         local_minutes occurrence) {
    if (record.meetup.cancelled && record.cancel_reason) {
        return record.cancel_reason;
    }
    if (auto it = record.occurrence_reasons.find(occurrence);
        it != record.occurrence_reasons.end()) {
        return it->second;
    }
    return std::nullopt;
}

std::vector<MeetupOccurrence> list_meetups(const std::vector<storage::meetup_record>& records,
                                           const std::vector<storage::occurrence_counts>& counts,
                                           const std::vector<storage::user_rsvp>& mine,
                                           date::year_month_day from, date::year_month_day to) {
    using occurrence_key = std::pair<MeetupId, local_minutes>;
    std::map<occurrence_key, const storage::occurrence_counts*> counts_of;
    for (const auto& c : counts) {
        counts_of[{c.meetup, c.occurrence}] = &c;
    }
    std::map<occurrence_key, const storage::user_rsvp*> answer_of;
    for (const auto& r : mine) {
        answer_of[{r.meetup, r.occurrence}] = &r;
    }

    std::vector<MeetupOccurrence> occurrences;
    for (const auto& record : records) {
        const auto& m = record.meetup;
        if (find_time_zone(m.timezone) == nullptr) {
            continue; // a zone the tz database has dropped since: nothing to place
        }
        for (const auto& o : expand(m, from, to)) {
            MeetupOccurrence item;
            item.meetup = m.id;
            item.group = m.group;
            item.title = m.title;
            item.description = m.description;
            item.kind = m.kind;
            item.location = m.location;
            item.url = m.url;
            item.local_start = o.local_start;
            item.starts_at = o.starts_at;
            item.ends_at = o.ends_at;
            item.timezone = m.timezone;
            item.capacity = m.capacity;
            item.cancelled = m.cancelled || is_cancelled(record, o.local_start);
            item.cancel_reason = cancel_reason(record, o.local_start);
            item.series_start = m.start;
            item.duration = m.duration;
            item.repeat = m.repeat;
            if (auto c = counts_of.find({m.id, o.local_start}); c != counts_of.end()) {
                item.going = c->second->going;
                item.waitlisted = c->second->waitlisted;
            }
            if (auto r = answer_of.find({m.id, o.local_start}); r != answer_of.end()) {
                item.my_rsvp = r->second->status;
                item.my_position = r->second->position;
            }
            occurrences.push_back(std::move(item));
        }
    }
    std::stable_sort(occurrences.begin(), occurrences.end(),
                     [](const MeetupOccurrence& a, const MeetupOccurrence& b) {
                         return std::tie(a.starts_at, a.meetup) < std::tie(b.starts_at, b.meetup);
                     });
    return occurrences;
}

} // namespace carecircle::server
