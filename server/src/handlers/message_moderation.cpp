// Deleting a message (PROTOCOL.md section 3, "Messages"): its author may, and so may the group's
// moderators, whose deletions of others' messages go to the moderation log.
#include "carecircle/protocol/requests.hpp"
#include "carecircle/storage/messages.hpp"
#include "handlers/moderation_support.hpp"

namespace carecircle::server {
namespace {

void messages_delete(const request_context& ctx, protocol::messages_delete req) {
    const auto access = ctx.app->hub.access(req.group, ctx.user);
    if (auto problem = check_can_read(access)) {
        return ctx.fail(*problem);
    }
    read(ctx, "the message could not be read",
         [ctx, req = std::move(req), access](SQLite::Database& db) {
             const auto message = storage::find_message(db, req.message);
             if (!message || message->group != req.group) {
                 return ctx.fail(error_code::not_found, "no such message in this group");
             }
             const bool author = message->author.id == ctx.user.id && access.active_member();
             const bool moderator = !check_group_role(access, group_role::moderator);
             if (!author && !moderator) {
                 return ctx.fail(error_code::forbidden,
                                 "only the author or a moderator may delete it");
             }
             if (message->deleted) {
                 return ctx.reply({});
             }
             std::optional<storage::log_entry> entry;
             if (!author) {
                 entry = deletion_log_of(ctx, *message, "delete");
                 entry->reason = req.reason;
             }
             commit_then_reply(
                 ctx,
                 [id = message->id, entry](SQLite::Database& write) {
                     storage::mark_message_deleted(write, id);
                     if (entry) {
                         storage::append_log(write, *entry);
                     }
                 },
                 [ctx, message = *message, entry] {
                     publish_deleted(ctx, message);
                     if (entry) {
                         tell_author_of_deletion(ctx, message, *entry, entry->reason);
                     }
                 });
         });
}

} // namespace

void add_message_moderation_handlers(handler_table& table) {
    add(table, "messages.delete", messages_delete);
}

} // namespace carecircle::server
