#include "transport/connection.hpp"

namespace carecircle::server {

frame_ptr make_frame(std::string_view text) {
    // FIN and the text opcode, then the payload length in the shortest of its three forms.
    constexpr char fin_text = static_cast<char>(0x81);
    const std::uint64_t size = text.size();
    std::string frame;
    if (size < 126) {
        frame.reserve(2 + size);
        frame.push_back(fin_text);
        frame.push_back(static_cast<char>(size));
    } else if (size <= 0xffff) {
        frame.reserve(4 + size);
        frame.push_back(fin_text);
        frame.push_back(static_cast<char>(126));
        frame.push_back(static_cast<char>(size >> 8));
        frame.push_back(static_cast<char>(size & 0xff));
    } else {
        frame.reserve(10 + size);
        frame.push_back(fin_text);
        frame.push_back(static_cast<char>(127));
        for (int shift = 56; shift >= 0; shift -= 8) {
            frame.push_back(static_cast<char>((size >> shift) & 0xff));
        }
    }
    frame.append(text);
    return std::make_shared<const std::string>(std::move(frame));
}

} // namespace carecircle::server
