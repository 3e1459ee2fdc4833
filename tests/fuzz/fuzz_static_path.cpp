// Whatever the request target, the static file server must answer only with files inside the
// web root. The root holds one file; a secret file sits beside it, outside the root, and must
// never be served.
#include "http/static_files.hpp"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace carecircle::server;

namespace {

constexpr std::string_view secret = "SECRET-OUTSIDE-THE-WEB-ROOT";

const std::filesystem::path& web_root() {
    static const std::filesystem::path root = [] {
        const auto base = std::filesystem::temp_directory_path() /
                          ("carecircle-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(base / "root" / "js");
        std::ofstream(base / "root" / "index.html") << "<!doctype html><title>ok</title>";
        std::ofstream(base / "root" / "js" / "main.js") << "export {};";
        std::ofstream(base / "secret.txt") << secret;
        std::ofstream(base / "root.txt") << secret; // a sibling sharing the root's prefix
        return std::filesystem::weakly_canonical(base / "root");
    }();
    return root;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    http_request request{http::verb::get, "/", 11};
    try {
        request.target(std::string_view(reinterpret_cast<const char*>(data), size));
    } catch (...) {
        return 0; // Beast refuses targets no parser would have produced
    }
    const auto response = serve_static(web_root(), request);
    if (response.body().find(secret) != std::string::npos) {
        std::abort();
    }
    return 0;
}
