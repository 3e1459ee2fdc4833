#include "carecircle/protocol/excerpt.hpp"

#include <vector>

namespace carecircle::protocol {
namespace {

struct code_point {
    char32_t value;
    std::string_view bytes;
};

std::vector<code_point> decode(std::string_view text) {
    std::vector<code_point> out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const std::size_t length = lead < 0x80             ? 1
                                   : (lead & 0xe0) == 0xc0 ? 2
                                   : (lead & 0xf0) == 0xe0 ? 3
                                   : (lead & 0xf8) == 0xf0 ? 4
                                                           : 1;
        std::size_t taken = 1;
        char32_t value = length == 1 ? lead : lead & (0x7f >> length);
        while (taken < length && i + taken < text.size() &&
               (static_cast<unsigned char>(text[i + taken]) & 0xc0) == 0x80) {
            value = (value << 6) | (static_cast<unsigned char>(text[i + taken]) & 0x3f);
            ++taken;
        }
        if (taken < length) {
            taken = 1; // a broken sequence: keep its first byte alone
            value = 0xfffd;
        }
        out.push_back({value, text.substr(i, taken)});
        i += taken;
    }
    return out;
}

bool is_space(char32_t c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0x85 ||
           c == 0xa0 || c == 0x2028 || c == 0x2029;
}

// Code points that belong to the one before them: cutting before one would leave an accent
// without its letter or an emoji without its skin tone or the rest of its sequence.
bool extends_previous(char32_t c) {
    return (c >= 0x0300 && c <= 0x036f) || (c >= 0x1ab0 && c <= 0x1aff) ||
           (c >= 0x1dc0 && c <= 0x1dff) || (c >= 0x20d0 && c <= 0x20ff) ||
           (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xfe20 && c <= 0xfe2f) || c == 0x200d ||
           (c >= 0x1f3fb && c <= 0x1f3ff) || (c >= 0xe0020 && c <= 0xe007f) ||
           (c >= 0xe0100 && c <= 0xe01ef);
}

bool is_regional_indicator(char32_t c) {
    return c >= 0x1f1e6 && c <= 0x1f1ff;
}

} // namespace

std::string excerpt(std::string_view text, std::size_t max_code_points) {
    std::vector<code_point> flat;
    for (const auto& cp : decode(text)) {
        if (is_space(cp.value)) {
            if (!flat.empty() && flat.back().value != ' ') {
                flat.push_back({' ', " "});
            }
        } else {
            flat.push_back(cp);
        }
    }
    if (!flat.empty() && flat.back().value == ' ') {
        flat.pop_back();
    }
    std::size_t keep = flat.size();
    const bool cut = keep > max_code_points;
    if (cut) {
        keep = max_code_points;
        // Back off to the start of the cluster that the cut would part.
        while (keep > 0 && (extends_previous(flat[keep].value) || flat[keep - 1].value == 0x200d)) {
            --keep;
        }
        if (keep > 0 && is_regional_indicator(flat[keep].value)) {
            std::size_t run = 0;
            while (run < keep && is_regional_indicator(flat[keep - 1 - run].value)) {
                ++run;
            }
            if (run % 2 == 1) {
                --keep; // the flag's first half stays behind, alone, otherwise
            }
        }
        while (keep > 0 && flat[keep - 1].value == ' ') {
            --keep;
        }
    }
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < keep; ++i) {
        out.append(flat[i].bytes);
    }
    if (cut) {
        out.append("\u2026");
    }
    return out;
}

} // namespace carecircle::protocol
