#include "carecircle/protocol/credentials.hpp"

#include <boost/json/parse.hpp>

namespace carecircle::protocol {
namespace json = boost::json;

std::variant<credentials, error> decode_credentials(std::string_view body, credentials_kind kind) {
    boost::system::error_code ec;
    const json::value parsed = json::parse(body, ec);
    if (ec || !parsed.is_object()) {
        return make_error(error_code::bad_request, "the body must be a JSON object");
    }
    const auto& fields = parsed.get_object();
    auto read = [&](std::string_view key, std::string& into) -> std::optional<error> {
        const auto* value = fields.if_contains(key);
        if (value == nullptr || !value->is_string()) {
            return make_error(error_code::bad_request, std::string(key) + " must be a string");
        }
        into.assign(value->get_string().data(), value->get_string().size());
        return std::nullopt;
    };
    credentials out;
    auto problem = read("username", out.username);
    if (!problem) {
        problem = read("password", out.password);
    }
    if (!problem && kind == credentials_kind::registration) {
        problem = read("display_name", out.display_name);
    }
    if (problem) {
        return *problem;
    }
    return out;
}

} // namespace carecircle::protocol
