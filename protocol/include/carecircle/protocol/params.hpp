#pragma once

#include "carecircle/protocol/errors.hpp"
#include "carecircle/protocol/ids.hpp"

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace carecircle::protocol {

// Reads the parameters of one request. Each accessor returns false (and remembers the first
// problem) when the field is missing where required or has the wrong JSON type, so a
// decoder can read every field and report one clear bad_request at the end.
class params_reader {
public:
    explicit params_reader(const boost::json::object& params) : params_(params) {}

    bool integer(std::string_view key, std::int64_t& out);
    bool optional_integer(std::string_view key, std::optional<std::int64_t>& out);
    bool string(std::string_view key, std::string& out);
    bool optional_string(std::string_view key, std::optional<std::string>& out);
    bool optional_bool(std::string_view key, std::optional<bool>& out);

    template <class Tag> bool id(std::string_view key, strong_id<Tag>& out) {
        std::int64_t raw = 0;
        if (!integer(key, raw)) {
            return false;
        }
        if (raw <= 0) {
            return fail(std::string(key) + " must be a positive integer");
        }
        out.value = raw;
        return true;
    }

    template <class Tag>
    bool optional_id(std::string_view key, std::optional<strong_id<Tag>>& out) {
        if (!params_.contains(key) || params_.at(key).is_null()) {
            out.reset();
            return true;
        }
        strong_id<Tag> value;
        if (!id(key, value)) {
            return false;
        }
        out = value;
        return true;
    }

    bool has(std::string_view key) const;
    const boost::json::object& raw() const { return params_; }

    // Records a problem found while checking a value's meaning rather than its type.
    bool fail(std::string message);
    std::optional<error> failure() const;

private:
    const boost::json::object& params_;
    std::optional<std::string> first_problem_;
};

} // namespace carecircle::protocol
