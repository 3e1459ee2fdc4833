#include "carecircle/protocol/requests.hpp"
#include "handlers/request_context.hpp"

namespace carecircle::server {
namespace {

const handler_table& handlers() {
    static const handler_table table = [] {
        handler_table t;
        add_group_handlers(t);
        add_group_settings_handlers(t);
        add_message_handlers(t);
        add_join_request_handlers(t);
        add_member_handlers(t);
        add_message_moderation_handlers(t);
        add_pin_handlers(t);
        add_report_handlers(t);
        add_moderation_log_handlers(t);
        add_meetup_handlers(t);
        return t;
    }();
    return table;
}

} // namespace

void dispatch(application& app, const std::shared_ptr<connection>& conn, UserId user_id,
              std::string_view frame) {
    auto decoded = protocol::decode_envelope(frame, app.opts.max_json_depth);
    if (auto* failure = std::get_if<protocol::envelope_failure>(&decoded)) {
        app.stats.count_error(to_string(failure->problem.code));
        conn->reply(make_frame(protocol::encode_error_reply(failure->id, failure->problem)));
        return;
    }
    auto& request = std::get<protocol::envelope>(decoded);
    auto user = app.hub.find_user(user_id);
    if (!user) {
        conn->close(1008);
        return;
    }
    auto handler = handlers().find(request.type);
    request_context context{&app, conn, std::move(*user), std::move(request.id),
                            handler == handlers().end() ? std::string_view("unknown")
                                                        : handler->first};
    if (handler == handlers().end()) {
        context.fail(error_code::bad_request, "unknown type: " + request.type);
        return;
    }
    // Refused before any work: the connection and everyone else's requests carry on.
    if (auto wait = app.limits.take_request(reinterpret_cast<std::uintptr_t>(conn.get()),
                                            context.user.id, handler->second.cost)) {
        auto problem =
            make_error(error_code::rate_limited, handler->second.cost == request_cost::send
                                                     ? "you are sending too fast"
                                                     : "too many requests; wait a moment");
        problem.retry_after_ms = wait->count();
        return context.fail(problem);
    }
    try {
        handler->second.run(context, request.params);
    } catch (const std::exception&) {
        context.fail(error_code::internal, "the request could not be completed");
    }
}

} // namespace carecircle::server
