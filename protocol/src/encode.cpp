#include "carecircle/protocol/encode.hpp"

#include "carecircle/protocol/excerpt.hpp"

#include <boost/json/serialize.hpp>

namespace carecircle::protocol {
namespace json = boost::json;

json::object to_json(const User& user) {
    return {{"id", user.id.value},
            {"username", user.username},
            {"display_name", user.display_name},
            {"role", to_string(user.role)}};
}

json::object to_json(const Author& author) {
    return {{"id", author.id.value},
            {"username", author.username},
            {"display_name", author.display_name}};
}

json::object to_json(const Membership& membership) {
    return {{"role", to_string(membership.role)}, {"status", to_string(membership.status)}};
}

json::object to_json(const Message& message) {
    return {{"id", message.id.value},
            {"group", message.group.value},
            {"seq", message.seq.value},
            {"author", to_json(message.author)},
            {"kind", to_string(message.kind)},
            {"text", message.deleted ? std::string() : message.text},
            {"created_at", format_timestamp(message.created_at)},
            {"deleted", message.deleted}};
}

json::object to_json(const Group& group, bool show_details) {
    json::object out{{"id", group.id.value},
                     {"name", group.name},
                     {"region", group.region},
                     {"description", group.description},
                     {"visibility", to_string(group.visibility)}};
    // Shown to everyone, outsiders included: how long a group keeps what is said in it is part
    // of deciding whether to join.
    out["retention_days"] = group.retention ? json::value(group.retention->count()) : nullptr;
    if (show_details) {
        out["member_count"] = group.member_count;
        out["last_seq"] = group.last_seq.value;
        out["unread"] = group.unread;
    } else {
        out["member_count"] = nullptr;
        out["last_seq"] = nullptr;
        out["unread"] = 0;
    }
    if (group.my_membership) {
        auto membership = to_json(*group.my_membership);
        // Present only while the viewer is muted, so the usual object stays as PROTOCOL.md has it.
        if (group.muted_until) {
            membership["muted_until"] = format_timestamp(*group.muted_until);
            membership["mute_reason"] = group.mute_reason;
        }
        out["my_membership"] = std::move(membership);
    } else {
        out["my_membership"] = nullptr;
    }
    return out;
}

json::object to_json(const error& problem) {
    json::object out{{"code", to_string(problem.code)}, {"message", problem.message}};
    if (problem.retry_after_ms) {
        out["retry_after_ms"] = *problem.retry_after_ms;
    }
    return out;
}

json::object pin_to_json(const Message& message, const User& pinned_by, timestamp pinned_at) {
    return {{"message", to_json(message)},
            {"pinned_by", to_json(pinned_by)},
            {"pinned_at", format_timestamp(pinned_at)}};
}

json::object last_message_to_json(const Message& message, const User& author) {
    return {{"id", message.id.value},
            {"seq", message.seq.value},
            {"author", to_json(author)},
            {"excerpt", message.deleted ? std::string() : excerpt(message.text)},
            {"created_at", format_timestamp(message.created_at)},
            {"deleted", message.deleted}};
}

std::string encode_reply(const json::value& id, json::object result) {
    return json::serialize(json::object{{"id", id}, {"ok", true}, {"result", std::move(result)}});
}

namespace {

void append_joined(std::string& out, std::span<const std::string_view> items) {
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) {
            out.push_back(',');
        }
        out.append(items[i]);
    }
}

} // namespace

std::string encode_history_reply(const json::value& id, std::span<const std::string_view> messages,
                                 bool has_more, std::span<const std::string_view> pinned) {
    // The envelope comes from Boost.JSON with empty arrays; the encoded items go inside them.
    // The result is the last member and holds no string, so its two arrays are the envelope's
    // last two "[]", whatever the request id holds.
    auto envelope = encode_reply(
        id, {{"messages", json::array()}, {"has_more", has_more}, {"pinned", json::array()}});
    const auto pinned_at = envelope.rfind("[]") + 1;
    const auto messages_at = envelope.rfind("[]", pinned_at - 2) + 1;
    std::size_t size = envelope.size() + messages.size() + pinned.size();
    for (const auto message : messages) {
        size += message.size();
    }
    for (const auto pin : pinned) {
        size += pin.size();
    }
    std::string out;
    out.reserve(size);
    out.append(envelope, 0, messages_at);
    append_joined(out, messages);
    out.append(envelope, messages_at, pinned_at - messages_at);
    append_joined(out, pinned);
    out.append(envelope, pinned_at);
    return out;
}

std::string encode_error_reply(const json::value& id, const error& problem) {
    return json::serialize(json::object{{"id", id}, {"ok", false}, {"error", to_json(problem)}});
}

std::string encode_event(std::string_view name, json::object fields) {
    json::object out;
    out.reserve(fields.size() + 1);
    out["event"] = name;
    for (auto& field : fields) {
        out[field.key()] = std::move(field.value());
    }
    return json::serialize(out);
}

std::string encode_http_error(const error& problem) {
    return json::serialize(json::object{{"error", to_json(problem)}});
}

} // namespace carecircle::protocol
