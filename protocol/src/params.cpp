#include "carecircle/protocol/params.hpp"

namespace carecircle::protocol {

bool params_reader::has(std::string_view key) const {
    return params_.contains(key) && !params_.at(key).is_null();
}

bool params_reader::fail(std::string message) {
    if (!first_problem_) {
        first_problem_ = std::move(message);
    }
    return false;
}

std::optional<error> params_reader::failure() const {
    if (!first_problem_) {
        return std::nullopt;
    }
    return make_error(error_code::bad_request, *first_problem_);
}

bool params_reader::integer(std::string_view key, std::int64_t& out) {
    const auto* value = params_.if_contains(key);
    if (value == nullptr || value->is_null()) {
        return fail(std::string(key) + " is required");
    }
    if (const auto* i = value->if_int64()) {
        out = *i;
        return true;
    }
    if (const auto* u = value->if_uint64(); u && *u <= INT64_MAX) {
        out = static_cast<std::int64_t>(*u);
        return true;
    }
    return fail(std::string(key) + " must be an integer");
}

bool params_reader::optional_integer(std::string_view key, std::optional<std::int64_t>& out) {
    if (!has(key)) {
        out.reset();
        return true;
    }
    std::int64_t value = 0;
    if (!integer(key, value)) {
        return false;
    }
    out = value;
    return true;
}

bool params_reader::string(std::string_view key, std::string& out) {
    const auto* value = params_.if_contains(key);
    if (value == nullptr || value->is_null()) {
        return fail(std::string(key) + " is required");
    }
    const auto* text = value->if_string();
    if (text == nullptr) {
        return fail(std::string(key) + " must be a string");
    }
    out.assign(text->data(), text->size());
    return true;
}

bool params_reader::optional_string(std::string_view key, std::optional<std::string>& out) {
    if (!has(key)) {
        out.reset();
        return true;
    }
    std::string value;
    if (!string(key, value)) {
        return false;
    }
    out = std::move(value);
    return true;
}

bool params_reader::optional_bool(std::string_view key, std::optional<bool>& out) {
    if (!has(key)) {
        out.reset();
        return true;
    }
    const auto* value = params_.at(key).if_bool();
    if (value == nullptr) {
        return fail(std::string(key) + " must be true or false");
    }
    out = *value;
    return true;
}

} // namespace carecircle::protocol
