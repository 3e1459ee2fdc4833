// meetups.edit and meetups.attendees (protocol/README.md, "Meetups"): what the organiser of a
// meet-up, and the group's moderators, may do beyond creating and cancelling it.
#include "calendar/recurrence.hpp"
#include "carecircle/protocol/encode.hpp"
#include "carecircle/protocol/meetup_requests.hpp"
#include "carecircle/storage/meetup_changes.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "handlers/meetup_announcements.hpp"
#include "handlers/meetup_support.hpp"

namespace carecircle::server {
namespace json = boost::json;
namespace {

void meetups_attendees(const request_context& ctx, protocol::meetups_attendees req) {
    read(ctx, "could not read who is coming", [ctx, req](SQLite::Database& db) {
        const auto record = storage::find_meetup(db, req.meetup);
        group_access access;
        if (auto problem = check_visible(ctx, record, access)) {
            return ctx.fail(*problem);
        }
        if (auto problem = check_can_manage(ctx, *record, access)) {
            return ctx.fail(*problem);
        }
        if (!is_occurrence(record->meetup, req.occurrence)) {
            return ctx.fail(error_code::not_found, "the meetup has no such occurrence");
        }
        const auto lists = storage::load_attendees(db, req.meetup, req.occurrence);
        auto people = [&](const std::vector<UserId>& ids) {
            json::array out;
            for (const auto id : ids) {
                if (auto user = ctx.app->hub.find_user(id)) {
                    out.push_back(protocol::to_json(*user));
                }
            }
            return out;
        };
        auto going = people(lists.going);
        auto waitlisted = people(lists.waitlisted);
        const auto going_count = going.size();
        const auto waitlisted_count = waitlisted.size();
        ctx.reply({{"meetup", req.meetup.value},
                   {"occurrence", format_local_minutes(req.occurrence)},
                   {"going", std::move(going)},
                   {"waitlisted", std::move(waitlisted)},
                   {"going_count", going_count},
                   {"waitlisted_count", waitlisted_count}});
    });
}

// What an edit changed, in the words of meetup.edited's `changes`.
json::array changes_between(const Meetup& before, const Meetup& after) {
    json::array changes;
    if (before.title != after.title) {
        changes.emplace_back("title");
    }
    if (before.description != after.description) {
        changes.emplace_back("description");
    }
    if (before.start != after.start || before.timezone != after.timezone ||
        before.duration != after.duration || before.repeat != after.repeat) {
        changes.emplace_back("time");
    }
    if (before.kind != after.kind || before.location != after.location || before.url != after.url) {
        changes.emplace_back("place");
    }
    if (before.capacity != after.capacity) {
        changes.emplace_back("capacity");
    }
    return changes;
}

bool contains(const json::array& changes, std::string_view what) {
    return std::find(changes.begin(), changes.end(), json::value(what)) != changes.end();
}

struct edit_outcome {
    std::vector<UserId> answered; // going or waiting before the change, to be told of it
    storage::place_changes places;
    std::optional<Message> message;
};

void publish_edit(const request_context& ctx, const Meetup& after, const json::array& changes,
                  const edit_outcome& done) {
    auto& hub = ctx.app->hub;
    const auto group = after.group;
    if (done.message) {
        publish_message(ctx, *done.message);
    }
    hub.publish(audience::members_of(group),
                make_frame(protocol::encode_event("meetup.edited",
                                                  {{"group", group.value},
                                                   {"meetup", after.id.value},
                                                   {"title", after.title},
                                                   {"changes", changes},
                                                   {"series", protocol::to_json(after)}})));
    if (contains(changes, "time") || contains(changes, "place")) {
        const auto moved = make_frame(
            protocol::encode_event("meetup.moved", {{"group", group.value},
                                                    {"meetup", after.id.value},
                                                    {"title", after.title},
                                                    {"changes", changes},
                                                    {"series", protocol::to_json(after)}}));
        for (const auto user : done.answered) {
            hub.publish(audience::person(user), moved);
        }
    }
    for (const auto& d : done.places.demoted) {
        hub.publish(audience::person(d.user),
                    make_frame(protocol::encode_event(
                        "meetup.demoted", {{"group", group.value},
                                           {"meetup", after.id.value},
                                           {"occurrence", format_local_minutes(d.occurrence)},
                                           {"title", after.title},
                                           {"position", d.position}})));
    }
    std::vector<storage::promotion> promotions;
    for (const auto& [occurrence, user] : done.places.promoted) {
        promotions.push_back({after.id, occurrence, user, after.title});
    }
    notify_promotions(hub, group, promotions);
    for (const auto& [occurrence, counts] : done.places.counts) {
        hub.publish(audience::members_of(group),
                    make_frame(protocol::encode_event(
                        "meetup.updated", {{"group", group.value},
                                           {"meetup", after.id.value},
                                           {"occurrence", format_local_minutes(occurrence)},
                                           {"going", counts.first},
                                           {"waitlisted", counts.second}})));
    }
}

void submit_edit(const request_context& ctx, const Meetup& before, const Meetup& after) {
    const auto changes = changes_between(before, after);
    if (changes.empty()) {
        return ctx.reply({{"meetup", protocol::to_json(after)}});
    }
    const bool moved = contains(changes, "time") || contains(changes, "place");
    const bool retimed = contains(changes, "time");
    auto done = std::make_shared<edit_outcome>();
    std::optional<storage::new_message> note;
    if (moved) {
        note = system_message(ctx, after.group, edited_text(after));
    }
    commit(
        ctx, "could not change the meetup",
        [before, after, note, done, retimed](SQLite::Database& db) {
            const auto current = storage::find_meetup(db, after.id);
            if (!current || current->meetup.cancelled) {
                throw refusal(make_error(error_code::conflict, "this meetup is cancelled"));
            }
            const auto now = storage::now();
            // From yesterday (UTC): a date later today in any zone is still to come.
            const date::year_month_day from{date::floor<date::days>(now) - date::days{1}};
            done->answered = storage::load_answered(db, after.id, from);
            storage::update_meetup(db, after, now);
            if (retimed) {
                storage::shift_occurrences(db, after.id, after.start - before.start);
            }
            if (before.capacity != after.capacity) {
                done->places = storage::fit_places(db, after.id, after.capacity, from, now);
            }
            if (note) {
                done->message = storage::append_message(db, *note).message;
            }
        },
        [ctx, after, changes, done] {
            publish_edit(ctx, after, changes, *done);
            ctx.reply({{"meetup", protocol::to_json(after)}});
        });
}

void meetups_edit(const request_context& ctx, protocol::meetups_edit req) {
    read(ctx, "could not read the meetup", [ctx, req = std::move(req)](SQLite::Database& db) {
        const auto record = storage::find_meetup(db, req.meetup);
        group_access access;
        if (auto problem = check_visible(ctx, record, access)) {
            return ctx.fail(*problem);
        }
        if (auto problem = check_can_manage(ctx, *record, access)) {
            return ctx.fail(*problem);
        }
        if (record->meetup.cancelled) {
            return ctx.fail(error_code::conflict, "this meetup is cancelled");
        }
        Meetup after;
        if (auto problem = protocol::apply_edit(record->meetup, req, after)) {
            return ctx.fail(*problem);
        }
        if (auto problem = check_series(after)) {
            return ctx.fail(*problem);
        }
        submit_edit(ctx, record->meetup, after);
    });
}

} // namespace

void add_meetup_organising_handlers(handler_table& table) {
    add(table, "meetups.attendees", meetups_attendees);
    add(table, "meetups.edit", meetups_edit);
}

} // namespace carecircle::server
