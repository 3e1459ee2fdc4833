#include "carecircle/protocol/validation.hpp"

#include <algorithm>
#include <cctype>

namespace carecircle::validation {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

} // namespace

std::size_t code_points(std::string_view utf8) {
    // Every code point has exactly one byte that is not a continuation byte (10xxxxxx).
    return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
    }));
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_space(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

std::string normalise_username(std::string_view username) {
    std::string lower(username);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    return lower;
}

std::optional<std::string> check_username(std::string_view username) {
    if (username.size() < 3 || username.size() > 32) {
        return "username must be 3 to 32 characters";
    }
    const bool allowed = std::all_of(username.begin(), username.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
               c == '_' || c == '.' || c == '-';
    });
    if (!allowed) {
        return "username may only hold letters a-z, digits and _ . -";
    }
    return std::nullopt;
}

std::optional<std::string> check_display_name(std::string_view display_name) {
    return check_label("display_name", trim(display_name), 1, 64);
}

std::optional<std::string> check_password(std::string_view password) {
    const auto length = code_points(password);
    if (length < 10 || length > 256) {
        return "password must be 10 to 256 characters";
    }
    return std::nullopt;
}

std::optional<std::string> check_message_text(std::string_view text) {
    const auto length = code_points(trim(text));
    if (length < 1) {
        return "text must not be empty";
    }
    if (length > max_message_code_points) {
        return "text must be at most 4000 characters";
    }
    return std::nullopt;
}

bool has_control_characters(std::string_view text, line_breaks breaks) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        const bool line_break = byte == '\t' || byte == '\n' || byte == '\r';
        if ((byte < 0x20 && !(line_break && breaks == line_breaks::allowed)) || byte == 0x7f) {
            return true;
        }
        if (byte == 0xc2 && i + 1 < text.size()) {
            const auto next = static_cast<unsigned char>(text[i + 1]);
            if (next >= 0x80 && next <= 0x9f) {
                return true;
            }
        }
    }
    return false;
}

std::optional<std::string> check_label(std::string_view field, std::string_view text,
                                       std::size_t min_length, std::size_t max_length) {
    const auto length = code_points(text);
    if (length < min_length || length > max_length) {
        return std::string(field) + " must be " + std::to_string(min_length) + " to " +
               std::to_string(max_length) + " characters";
    }
    if (has_control_characters(text)) {
        return std::string(field) + " must not contain control characters";
    }
    return std::nullopt;
}

std::string excerpt(std::string_view text, std::size_t max) {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        // A lead byte starts a code point; cut before the one past `max`.
        if ((static_cast<unsigned char>(text[i]) & 0xc0) != 0x80 && seen++ == max) {
            return std::string(text.substr(0, i)) + "\u2026";
        }
    }
    return std::string(text);
}

} // namespace carecircle::validation
