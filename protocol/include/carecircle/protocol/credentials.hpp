#pragma once

#include "carecircle/protocol/errors.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace carecircle::protocol {

// The body of POST /api/register and /api/login (PROTOCOL.md section 2), as sent: the rules
// for each field are checked by the caller with `validation`.
struct credentials {
    std::string username;
    std::string password;
    std::string display_name; // registration only
};

enum class credentials_kind { sign_in, registration };

// A JSON object of strings; anything else is a bad_request naming the field.
std::variant<credentials, error> decode_credentials(std::string_view body, credentials_kind kind);

} // namespace carecircle::protocol
