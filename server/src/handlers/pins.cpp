// Pinning messages to the top of a group (protocol/README.md, "Pinned messages"): the group's
// organisers and moderators (and site moderators and admins) may, up to
// storage::max_pins_per_group at once. Every pin and unpin goes to the moderation log.
#include "carecircle/storage/pins.hpp"

#include "carecircle/protocol/requests.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "handlers/moderation_support.hpp"

#include <boost/json/parse.hpp>

namespace carecircle::server {
namespace json = boost::json;
namespace {

const std::string group_full = "this group already has " +
                               std::to_string(storage::max_pins_per_group) +
                               " pinned messages: unpin one first";

std::optional<error> check_can_pin(const request_context& ctx, GroupId group) {
    return check_group_role(ctx.app->hub.access(group, ctx.user), group_role::organiser);
}

void messages_pin(const request_context& ctx, protocol::message_ref req) {
    if (auto problem = check_can_pin(ctx, req.group)) {
        return ctx.fail(*problem);
    }
    // Pinning again changes nothing and answers with the pin as it stands.
    if (const auto existing = ctx.app->pins.find(req.group, req.message)) {
        return ctx.reply({{"pin", json::parse(**existing)}});
    }
    if (ctx.app->pins.count(req.group) >= storage::max_pins_per_group) {
        return ctx.fail(error_code::conflict, group_full);
    }
    auto result = std::make_shared<storage::pin_result>();
    auto entry = log_of(ctx, req.group, "pin");
    entry.message = req.message;
    commit(
        ctx, "the message could not be pinned",
        [req, result, entry, by = ctx.user.id](SQLite::Database& db) mutable {
            // Counted again here, where concurrent pins are in order.
            *result = storage::pin_message(db, req.group, req.message, by, storage::now());
            switch (result->outcome) {
            case storage::pin_outcome::not_found:
                throw refusal(make_error(error_code::not_found, "no such message in this group"));
            case storage::pin_outcome::deleted:
                throw refusal(
                    make_error(error_code::conflict, "a deleted message cannot be pinned"));
            case storage::pin_outcome::group_full:
                throw refusal(make_error(error_code::conflict, group_full));
            case storage::pin_outcome::already_pinned:
                return;
            case storage::pin_outcome::pinned:
                entry.target_user = result->pin.message.author.id;
                storage::append_log(db, entry);
                return;
            }
        },
        [ctx, result] {
            const auto& pin = result->pin;
            const auto by = ctx.app->hub.find_user(pin.pinned_by).value_or(ctx.user);
            auto encoded = pinned_messages::encode(pin, by);
            if (result->outcome == storage::pin_outcome::pinned) {
                ctx.app->pins.add(pin.message.group, pin.message.id, encoded);
                ctx.app->hub.publish(audience::members_of(pin.message.group),
                                     make_frame(protocol::encode_event(
                                         "message.pinned", {{"group", pin.message.group.value},
                                                            {"pin", json::parse(*encoded)}})));
            }
            ctx.reply({{"pin", json::parse(*encoded)}});
        });
}

void messages_unpin(const request_context& ctx, protocol::message_ref req) {
    if (auto problem = check_can_pin(ctx, req.group)) {
        return ctx.fail(*problem);
    }
    auto result = std::make_shared<storage::unpin_result>();
    auto entry = log_of(ctx, req.group, "unpin");
    entry.message = req.message;
    commit_then_reply(
        ctx,
        [req, result, entry](SQLite::Database& db) mutable {
            *result = storage::unpin_message(db, req.group, req.message);
            if (result->outcome == storage::unpin_outcome::not_found) {
                throw refusal(make_error(error_code::not_found, "no such message in this group"));
            }
            if (result->outcome == storage::unpin_outcome::unpinned) {
                entry.target_user = result->message->author.id;
                storage::append_log(db, entry);
            }
        },
        [ctx, req, result] {
            // Unpinning what is not pinned succeeds and changes nothing.
            if (result->outcome == storage::unpin_outcome::unpinned) {
                ctx.app->pins.remove(req.group, req.message);
                ctx.app->hub.publish(audience::members_of(req.group),
                                     unpinned_event(req.group, req.message));
            }
        });
}

} // namespace

void add_pin_handlers(handler_table& table) {
    add(table, "messages.pin", messages_pin);
    add(table, "messages.unpin", messages_unpin);
}

} // namespace carecircle::server
