#pragma once

// Plain synchronous HTTP for the set-up steps (register, sign in); each call opens its own
// connection, with a timeout.

#include "fleet.hpp"

#include <string>
#include <string_view>

namespace carecircle::bench {

struct http_answer {
    unsigned status = 0;
    std::string body;
};

http_answer http_post(const endpoint& where, std::string_view target, const std::string& body);

} // namespace carecircle::bench
