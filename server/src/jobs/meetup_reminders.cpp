#include "jobs/meetup_reminders.hpp"

#include "calendar/recurrence.hpp"
#include "carecircle/protocol/encode.hpp"
#include "carecircle/storage/meetups.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "jobs/periodic.hpp"

#include <algorithm>
#include <memory>
#include <vector>

namespace carecircle::server {
namespace {

struct due_reminder {
    GroupId group;
    MeetupId meetup;
    std::string title;
    std::optional<std::string> location;
    std::optional<std::string> url;
    local_minutes occurrence;
    timestamp starts_at;
    UserId user;
};

// Occurrences that start in (now, now + lead], with the active members going to each.
std::vector<due_reminder> find_due(SQLite::Database& db, const hub& hub, timestamp now,
                                   std::chrono::minutes lead) {
    std::vector<due_reminder> due;
    for (const auto& record : storage::load_live_meetups(db)) {
        const auto& m = record.meetup;
        const auto* zone = find_time_zone(m.timezone);
        if (zone == nullptr) {
            continue;
        }
        // A day either side covers any offset between the zone and UTC.
        const date::year_month_day from{date::sys_days{local_date(*zone, now)} - date::days{1}};
        const date::year_month_day to{date::sys_days{local_date(*zone, now + lead)} +
                                      date::days{1}};
        for (const auto& o : expand(m, from, to)) {
            if (o.starts_at <= now || o.starts_at > now + lead ||
                std::binary_search(record.cancelled_occurrences.begin(),
                                   record.cancelled_occurrences.end(), o.local_start)) {
                continue;
            }
            for (const auto user : storage::load_going(db, m.id, o.local_start)) {
                const auto who = hub.find_user(user);
                if (who && hub.access(m.group, *who).active_member()) {
                    due.push_back(due_reminder{m.group, m.id, m.title, m.location, m.url,
                                               o.local_start, o.starts_at, user});
                }
            }
        }
    }
    return due;
}

void send(const hub& hub, const due_reminder& r) {
    boost::json::object event{{"group", r.group.value},
                              {"meetup", r.meetup.value},
                              {"occurrence", format_local_minutes(r.occurrence)},
                              {"title", r.title},
                              {"starts_at", format_timestamp(r.starts_at)}};
    event["location"] = r.location ? boost::json::value(*r.location) : nullptr;
    event["url"] = r.url ? boost::json::value(*r.url) : nullptr;
    hub.publish(audience::person(r.user),
                make_frame(protocol::encode_event("meetup.reminder", std::move(event))));
}

// One sweep: find on the read pool, claim in the writer, send after the commit. Two sweeps that
// overlap cannot both send one reminder: only the first claim of it succeeds.
void sweep(application& app) {
    const auto now = storage::now();
    const auto lead = app.opts.reminder_lead;
    app.reads.submit([&app, now, lead](SQLite::Database& db) {
        std::vector<due_reminder> due;
        try {
            due = find_due(db, app.hub, now, lead);
        } catch (const std::exception&) {
            return; // the next sweep tries again
        }
        if (due.empty()) {
            return;
        }
        auto claimed = std::make_shared<std::vector<due_reminder>>();
        app.writer.submit(
            [due = std::move(due), claimed, now](SQLite::Database& writer_db) {
                for (const auto& r : due) {
                    if (storage::claim_reminder(writer_db, r.meetup, r.occurrence, r.user, now)) {
                        claimed->push_back(r);
                    }
                }
            },
            [&app, claimed](const std::exception_ptr& failure) {
                if (failure) {
                    return;
                }
                for (const auto& r : *claimed) {
                    send(app.hub, r);
                }
            });
    });
}

} // namespace

void start_meetup_reminders(application& app) {
    if (app.opts.reminder_lead <= std::chrono::minutes{0}) {
        return;
    }
    run_periodically(app.ioc, std::chrono::seconds{1}, app.opts.reminder_interval,
                     [&app] { sweep(app); });
}

} // namespace carecircle::server
