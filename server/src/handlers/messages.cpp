// The "Messages" operations of PROTOCOL.md section 3.
#include "carecircle/storage/messages.hpp"

#include "carecircle/protocol/requests.hpp"
#include "carecircle/storage/groups.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "handlers/request_context.hpp"

#include <boost/json/serialize.hpp>

namespace carecircle::server {
namespace json = boost::json;
namespace {

std::vector<std::string_view> views_of(const std::vector<pinned_messages::encoded>& pins) {
    std::vector<std::string_view> views;
    views.reserve(pins.size());
    for (const auto& pin : pins) {
        views.emplace_back(*pin);
    }
    return views;
}

void messages_send(const request_context& ctx, protocol::messages_send req) {
    const auto access = ctx.app->hub.access(req.group, ctx.user);
    if (auto problem = check_can_send(access, storage::now())) {
        return ctx.fail(*problem);
    }
    if (req.kind == message_kind::announcement) {
        if (auto problem = check_group_role(access, group_role::organiser)) {
            return ctx.fail(*problem);
        }
    }

    auto result = std::make_shared<storage::append_result>();
    storage::new_message message{req.group,
                                 Author{ctx.user.id, ctx.user.username, ctx.user.display_name},
                                 req.kind,
                                 std::move(req.text),
                                 std::move(req.client_id),
                                 storage::now()};
    // The writer runs its completions inside one send_batch (app/application.cpp), so what
    // this completion sends, with everything else the same commit completes, leaves once per
    // connection rather than once per message.
    commit(
        ctx, "the message could not be saved",
        [message = std::move(message), result](SQLite::Database& db) {
            *result = storage::append_message(db, message);
        },
        [ctx, result] {
            auto encoded = protocol::to_json(result->message);
            if (result->duplicate) {
                return ctx.reply({{"message", std::move(encoded)}});
            }
            ctx.app->hub.message_committed(result->message.group, result->message.seq);
            ctx.app->recent.append(result->message);
            // The sender hears first (as PROTOCOL.md orders it), so it can send its next
            // message while the members' copies are still going out; more messages then wait
            // for each commit, and each member gets more of them per write.
            auto event =
                make_frame(protocol::encode_event("message.created", {{"message", encoded}}));
            ctx.reply({{"message", std::move(encoded)}});
            // Completions run in commit order, so every connection sees seqs in order.
            const auto delivered =
                ctx.app->hub.publish(audience::members_of(result->message.group), event);
            ctx.app->stats.messages_sent.fetch_add(1, std::memory_order_relaxed);
            ctx.app->stats.deliveries.fetch_add(delivered, std::memory_order_relaxed);
        });
}

void messages_history(const request_context& ctx, protocol::messages_history req) {
    if (auto problem = check_can_read(ctx.app->hub.access(req.group, ctx.user))) {
        return ctx.fail(*problem);
    }
    const storage::history_query query{req.group, req.before, req.after, req.limit};
    // Every page carries the group's pins, so a client that catches up learns of them too.
    auto pins = ctx.app->pins.of(req.group);
    if (const auto page = ctx.app->recent.find(query)) {
        std::vector<std::string_view> messages;
        messages.reserve(page->messages.size());
        for (const auto& message : page->messages) {
            messages.emplace_back(*message);
        }
        return ctx.reply_encoded(
            protocol::encode_history_reply(ctx.id, messages, page->has_more, views_of(pins)));
    }
    read(ctx, "history could not be read", [ctx, query, pins](SQLite::Database& db) {
        // A read-pool thread keeps its one connection for life, so the statements prepared on
        // it can stay with the thread.
        thread_local std::unique_ptr<storage::history_reader> reader;
        if (!reader || &reader->database() != &db) {
            reader = std::make_unique<storage::history_reader>(db);
        }
        const auto page = reader->read(query);
        std::vector<std::string> encoded;
        encoded.reserve(page.messages.size());
        for (const auto& message : page.messages) {
            encoded.push_back(json::serialize(protocol::to_json(message)));
        }
        const std::vector<std::string_view> messages(encoded.begin(), encoded.end());
        ctx.reply_encoded(
            protocol::encode_history_reply(ctx.id, messages, page.has_more, views_of(pins)));
    });
}

void messages_mark_read(const request_context& ctx, protocol::messages_mark_read req) {
    if (auto problem = check_active_member(ctx.app->hub.access(req.group, ctx.user))) {
        return ctx.fail(*problem);
    }
    const Seq seq = std::min(req.seq, ctx.app->hub.last_seq(req.group));
    commit(
        ctx, "could not mark the messages read",
        [group = req.group, user = ctx.user.id, seq](SQLite::Database& db) {
            storage::set_last_read(db, group, user, seq);
        },
        [ctx, group = req.group, seq] {
            ctx.app->hub.set_last_read(group, ctx.user.id, seq);
            ctx.reply({});
        });
}

} // namespace

void add_message_handlers(handler_table& table) {
    add(table, "messages.send", messages_send, request_cost::send);
    add(table, "messages.history", messages_history);
    add(table, "messages.mark_read", messages_mark_read);
}

} // namespace carecircle::server
