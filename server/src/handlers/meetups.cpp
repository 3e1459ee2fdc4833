// The "Meetups" operations of PROTOCOL.md section 3: decode, check permission, do, reply.
//
// Meet-ups are not kept in the hub, so an operation on an existing meetup first reads it on the
// read pool (to learn its group and check permission) and then writes in the writer, which
// checks again inside its transaction what may have changed meanwhile (a cancellation).
#include "carecircle/storage/meetups.hpp"

#include "calendar/meetup_listing.hpp"
#include "calendar/recurrence.hpp"
#include "carecircle/protocol/meetup_requests.hpp"
#include "carecircle/storage/messages.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "crypto/security.hpp"
#include "handlers/meetup_announcements.hpp"
#include "handlers/meetup_support.hpp"
#include "handlers/request_context.hpp"

#include <set>

namespace carecircle::server {
namespace json = boost::json;
namespace {

void meetups_create(const request_context& ctx, protocol::meetups_create req) {
    if (auto problem =
            check_group_role(ctx.app->hub.access(req.group, ctx.user), group_role::organiser)) {
        return ctx.fail(*problem);
    }
    Meetup meetup;
    meetup.group = req.group;
    meetup.title = std::move(req.title);
    meetup.description = std::move(req.description);
    meetup.kind = req.kind;
    meetup.location = std::move(req.location);
    meetup.url = std::move(req.url);
    meetup.start = req.start;
    meetup.timezone = std::move(req.timezone);
    meetup.duration = req.duration;
    meetup.repeat = req.repeat;
    meetup.capacity = req.capacity;
    if (auto problem = check_series(meetup)) {
        return ctx.fail(*problem);
    }

    struct outcome {
        Meetup meetup;
        Message message;
    };
    auto done = std::make_shared<outcome>();
    auto note = system_message(ctx, meetup.group, created_text(meetup));
    commit(
        ctx, "could not create the meetup",
        [meetup, note, done, by = ctx.user.id](SQLite::Database& db) {
            done->meetup = storage::insert_meetup(db, meetup, by, note.created_at);
            done->message = storage::append_message(db, note).message;
        },
        [ctx, done] {
            publish_message(ctx, done->message);
            ctx.app->hub.publish(audience::members_of(done->meetup.group),
                                 make_frame(protocol::encode_event(
                                     "meetup.created", {{"group", done->meetup.group.value},
                                                        {"meetup", done->meetup.id.value},
                                                        {"title", done->meetup.title}})));
            ctx.reply({{"meetup", protocol::to_json(done->meetup)}});
        });
}

void meetups_list(const request_context& ctx, protocol::meetups_list req) {
    if (auto problem = check_can_read(ctx.app->hub.access(req.group, ctx.user))) {
        return ctx.fail(*problem);
    }
    // Without dates: from today (in the UK, whose service this is) to eight weeks on.
    const auto* home = find_time_zone(protocol::default_time_zone);
    const auto now = storage::now();
    const auto from = req.from ? *req.from
                      : home   ? local_date(*home, now)
                               : date::year_month_day{date::floor<date::days>(now)};
    const auto to =
        req.to
            ? *req.to
            : date::year_month_day{date::sys_days{from} + date::days{protocol::default_list_days}};
    const auto span = (date::sys_days{to} - date::sys_days{from}).count();
    if (span < 0) {
        return ctx.fail(error_code::bad_request, "to must not be before from");
    }
    if (span >= protocol::max_list_days) {
        return ctx.fail(error_code::bad_request, "from and to may span at most 732 days");
    }

    read(ctx, "meetups could not be read",
         [ctx, group = req.group, from, to](SQLite::Database& db) {
             const auto records = storage::load_group_meetups(db, group);
             auto listing =
                 list_meetups(records, storage::load_rsvp_counts(db, group, from, to),
                              storage::load_user_rsvps(db, group, ctx.user.id, from, to), from, to);
             const auto access = ctx.app->hub.access(group, ctx.user);
             std::set<MeetupId> managed;
             for (const auto& record : records) {
                 if (!check_can_manage(ctx, record, access)) {
                     managed.insert(record.meetup.id);
                 }
             }
             json::array out;
             out.reserve(listing.size());
             for (auto& item : listing) {
                 item.can_manage = managed.contains(item.meetup);
                 out.push_back(protocol::to_json(item));
             }
             ctx.reply({{"occurrences", std::move(out)}});
         });
}

} // namespace

std::vector<storage::promotion> withdraw_from_meetups(SQLite::Database& db, GroupId group,
                                                      UserId user) {
    const auto now = storage::now();
    // From yesterday (UTC): an occurrence later today in any zone is still to come.
    const date::year_month_day from{date::floor<date::days>(now) - date::days{1}};
    return storage::withdraw_rsvps(db, group, user, from, now);
}

void notify_promotions(const hub& hub, GroupId group,
                       const std::vector<storage::promotion>& promotions) {
    for (const auto& p : promotions) {
        hub.publish(audience::person(p.user),
                    make_frame(protocol::encode_event(
                        "meetup.promoted", {{"meetup", p.meetup.value},
                                            {"occurrence", format_local_minutes(p.occurrence)},
                                            {"group", group.value},
                                            {"title", p.title}})));
    }
}

namespace {

void submit_rsvp(const request_context& ctx, const protocol::meetups_rsvp& req,
                 const storage::meetup_record& record) {
    auto change = std::make_shared<storage::rsvp_change>();
    commit(
        ctx, "could not save the answer",
        [req, change, user = ctx.user.id, capacity = record.meetup.capacity](SQLite::Database& db) {
            // A cancellation may have committed since the meetup was read.
            const auto current = storage::find_meetup(db, req.meetup);
            if (!current || current->meetup.cancelled ||
                storage::occurrence_cancelled(db, req.meetup, req.occurrence)) {
                throw refusal(make_error(error_code::conflict, "this meetup is cancelled"));
            }
            *change = storage::set_rsvp(db, req.meetup, req.occurrence, user, req.status, capacity,
                                        storage::now());
        },
        [ctx, req, change, group = record.meetup.group, title = record.meetup.title] {
            const auto occurrence = format_local_minutes(req.occurrence);
            auto& hub = ctx.app->hub;
            for (const auto user : change->promoted) {
                hub.publish(audience::person(user),
                            make_frame(protocol::encode_event("meetup.promoted",
                                                              {{"meetup", req.meetup.value},
                                                               {"occurrence", occurrence},
                                                               {"group", group.value},
                                                               {"title", title}})));
            }
            hub.publish(audience::members_of(group),
                        make_frame(protocol::encode_event("meetup.updated",
                                                          {{"group", group.value},
                                                           {"meetup", req.meetup.value},
                                                           {"occurrence", occurrence},
                                                           {"going", change->going},
                                                           {"waitlisted", change->waitlisted}})));
            json::object rsvp{{"status", to_string(change->status)}};
            if (change->position) {
                rsvp["position"] = *change->position;
            }
            ctx.reply({{"rsvp", std::move(rsvp)}});
        });
}

void meetups_rsvp(const request_context& ctx, protocol::meetups_rsvp req) {
    read(ctx, "could not read the meetup", [ctx, req](SQLite::Database& db) {
        const auto record = storage::find_meetup(db, req.meetup);
        group_access access;
        if (auto problem = check_visible(ctx, record, access)) {
            return ctx.fail(*problem);
        }
        if (auto problem = check_active_member(access)) {
            return ctx.fail(*problem);
        }
        if (!is_occurrence(record->meetup, req.occurrence)) {
            return ctx.fail(error_code::not_found, "the meetup has no such occurrence");
        }
        if (record->meetup.cancelled || is_cancelled(*record, req.occurrence)) {
            return ctx.fail(error_code::conflict, "this meetup is cancelled");
        }
        submit_rsvp(ctx, req, *record);
    });
}

void submit_cancel(const request_context& ctx, const protocol::meetups_cancel& req,
                   const storage::meetup_record& record) {
    struct outcome {
        bool changed = false;
        Message message;
    };
    auto done = std::make_shared<outcome>();
    auto note = system_message(ctx, record.meetup.group,
                               cancelled_text(record.meetup, req.occurrence, req.reason));
    commit(
        ctx, "could not cancel the meetup",
        [req, note, done, by = ctx.user.id](SQLite::Database& db) {
            const auto current = storage::find_meetup(db, req.meetup);
            if (!current || current->meetup.cancelled) {
                return; // the whole series is cancelled already: nothing more to do
            }
            done->changed =
                req.occurrence
                    ? storage::cancel_occurrence(db, req.meetup, *req.occurrence, by, req.reason,
                                                 note.created_at)
                    : storage::cancel_series(db, req.meetup, req.reason, note.created_at);
            if (done->changed) {
                done->message = storage::append_message(db, note).message;
            }
        },
        [ctx, req, done, group = record.meetup.group] {
            if (done->changed) {
                publish_message(ctx, done->message);
                json::object event{{"group", group.value}, {"meetup", req.meetup.value}};
                event["occurrence"] = req.occurrence
                                          ? json::value(format_local_minutes(*req.occurrence))
                                          : json::value(nullptr);
                event["reason"] = req.reason ? json::value(*req.reason) : json::value(nullptr);
                ctx.app->hub.publish(
                    audience::members_of(group),
                    make_frame(protocol::encode_event("meetup.cancelled", std::move(event))));
            }
            ctx.reply({});
        });
}

void meetups_cancel(const request_context& ctx, protocol::meetups_cancel req) {
    read(ctx, "could not read the meetup", [ctx, req = std::move(req)](SQLite::Database& db) {
        const auto record = storage::find_meetup(db, req.meetup);
        group_access access;
        if (auto problem = check_visible(ctx, record, access)) {
            return ctx.fail(*problem);
        }
        if (auto problem = check_group_role(access, group_role::organiser)) {
            return ctx.fail(*problem);
        }
        if (req.occurrence && !is_occurrence(record->meetup, *req.occurrence)) {
            return ctx.fail(error_code::not_found, "the meetup has no such occurrence");
        }
        submit_cancel(ctx, req, *record);
    });
}

void calendar_key(const request_context& ctx, protocol::calendar_key req) {
    auto key = std::make_shared<std::string>();
    commit(
        ctx, "could not make a calendar key",
        [key, secret = ctx.app->secret, fresh = new_token(), rotate = req.rotate,
         user = ctx.user.id](SQLite::Database& db) {
            if (const auto nonce = rotate ? std::nullopt : storage::calendar_key_nonce(db, user)) {
                *key = derive_token(secret, *nonce);
                return;
            }
            *key = derive_token(secret, fresh);
            storage::store_calendar_key(db, user, fresh, *key, rotate, storage::now());
        },
        [ctx, key] {
            ctx.reply({{"url", "/api/calendar.ics?key=" + *key}});
        });
}

} // namespace

void add_meetup_handlers(handler_table& table) {
    add(table, "meetups.create", meetups_create, request_cost::create);
    add(table, "meetups.list", meetups_list);
    add(table, "meetups.rsvp", meetups_rsvp);
    add(table, "meetups.cancel", meetups_cancel);
    add(table, "calendar.key", calendar_key, request_cost::create);
    add_meetup_organising_handlers(table);
}

} // namespace carecircle::server
