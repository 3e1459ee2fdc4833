#include "http/responses.hpp"

#include "carecircle/protocol/encode.hpp"
#include "carecircle/protocol/validation.hpp"

#include <boost/asio/ip/address.hpp>

namespace carecircle::server {

http_response json_response(const http_request& request, http::status status, std::string body) {
    http_response response{status, request.version()};
    response.set(http::field::content_type, "application/json; charset=utf-8");
    response.set(http::field::cache_control, "no-store");
    response.keep_alive(request.keep_alive());
    response.body() = std::move(body);
    response.prepare_payload();
    return response;
}

http_response error_response(const http_request& request, const error& problem) {
    return json_response(request, static_cast<http::status>(http_status(problem.code)),
                         protocol::encode_http_error(problem));
}

http_response retry_later(const http_request& request, error_code code, std::string message,
                          std::chrono::seconds wait) {
    auto problem = make_error(code, std::move(message));
    problem.retry_after_ms = std::chrono::milliseconds(wait).count();
    auto response = error_response(request, problem);
    response.set(http::field::retry_after, std::to_string(wait.count()));
    return response;
}

std::optional<std::string> request_token(const http_request& request) {
    if (auto auth = request.find(http::field::authorization); auth != request.end()) {
        const std::string_view value = auth->value();
        constexpr std::string_view bearer = "Bearer ";
        if (value.size() > bearer.size() && value.substr(0, bearer.size()) == bearer) {
            return std::string(value.substr(bearer.size()));
        }
    }
    // Cookie: name=value pairs separated by "; " (RFC 6265 section 4.2.1).
    for (auto it = request.find(http::field::cookie);
         it != request.end() && it->name() == http::field::cookie; ++it) {
        std::string_view rest = it->value();
        while (!rest.empty()) {
            const auto end = rest.find(';');
            auto pair = validation::trim(rest.substr(0, end));
            rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
            constexpr std::string_view name = "cc_session=";
            if (pair.substr(0, name.size()) == name) {
                return std::string(pair.substr(name.size()));
            }
        }
    }
    return std::nullopt;
}

bool is_loopback_address(const std::string& address) {
    boost::system::error_code ec;
    auto parsed = boost::asio::ip::make_address(address, ec);
    if (ec) {
        return false;
    }
    if (parsed.is_v6() && parsed.to_v6().is_v4_mapped()) {
        parsed = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, parsed.to_v6());
    }
    return parsed.is_loopback();
}

} // namespace carecircle::server
