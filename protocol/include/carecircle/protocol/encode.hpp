#pragma once

#include "carecircle/protocol/errors.hpp"
#include "carecircle/protocol/types.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <span>
#include <string>
#include <string_view>

namespace carecircle::protocol {

boost::json::object to_json(const User& user);
boost::json::object to_json(const Author& author);
boost::json::object to_json(const Membership& membership);
boost::json::object to_json(const Message& message);
// Non-members of a private group see only its name, region and description (section 3).
boost::json::object to_json(const Group& group, bool show_details);
boost::json::object to_json(const error& problem);
// A pinned message: `{"message":Message,"pinned_by":User,"pinned_at":T}`.
boost::json::object pin_to_json(const Message& message, const User& pinned_by, timestamp pinned_at);
// What a group list shows of a group's latest message: `{"id","seq","author":User,"excerpt",
// "created_at","deleted"}`, with the start of the text only.
boost::json::object last_message_to_json(const Message& message, const User& author);

// `{"id":ID,"ok":true,"result":{...}}`
std::string encode_reply(const boost::json::value& id, boost::json::object result);
// The reply to messages.history built from messages encoded beforehand (each the serialized
// `to_json` of a Message): the bytes encode_reply gives for the same page, without building
// and encoding every message again for every reader.
// `pinned` likewise holds the group's pins, each the serialized `pin_to_json`.
std::string encode_history_reply(const boost::json::value& id,
                                 std::span<const std::string_view> messages, bool has_more,
                                 std::span<const std::string_view> pinned);
// `{"id":ID,"ok":false,"error":{...}}`
std::string encode_error_reply(const boost::json::value& id, const error& problem);
// `{"event":NAME, ...fields}`
std::string encode_event(std::string_view name, boost::json::object fields);
// `{"error":{"code":C,"message":M}}`, the body of an HTTP error.
std::string encode_http_error(const error& problem);

} // namespace carecircle::protocol
