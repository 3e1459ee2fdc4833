// Any frame a client can send goes through decode_envelope and then one decoder per operation:
// none of them may crash, hang or read out of bounds, whatever the bytes.
#include "carecircle/protocol/encode.hpp"
#include "carecircle/protocol/meetup_requests.hpp"
#include "carecircle/protocol/requests.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace carecircle;

namespace {

template <class Request> void decode_as(const boost::json::object& params) {
    Request request;
    if (auto problem = protocol::decode(params, request)) {
        (void)protocol::encode_error_reply(nullptr, *problem);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view frame(reinterpret_cast<const char*>(data), size);
    auto decoded = protocol::decode_envelope(frame);
    auto* request = std::get_if<protocol::envelope>(&decoded);
    if (request == nullptr) {
        return 0;
    }
    const auto& params = request->params;
    decode_as<protocol::groups_create>(params);
    decode_as<protocol::group_ref>(params);
    decode_as<protocol::group_member_ref>(params);
    decode_as<protocol::groups_set_role>(params);
    decode_as<protocol::groups_ban>(params);
    decode_as<protocol::groups_mute>(params);
    decode_as<protocol::groups_remove>(params);
    decode_as<protocol::messages_delete>(params);
    decode_as<protocol::messages_send>(params);
    decode_as<protocol::messages_history>(params);
    decode_as<protocol::messages_mark_read>(params);
    decode_as<protocol::message_ref>(params);
    decode_as<protocol::messages_report>(params);
    decode_as<protocol::reports_resolve>(params);
    decode_as<protocol::moderation_log_query>(params);
    decode_as<protocol::meetups_create>(params);
    decode_as<protocol::meetups_list>(params);
    decode_as<protocol::meetups_rsvp>(params);
    decode_as<protocol::meetups_cancel>(params);
    (void)protocol::encode_reply(request->id, params);
    return 0;
}
