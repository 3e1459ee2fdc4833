#include "http/static_files.hpp"

#include "carecircle/protocol/encode.hpp"
#include "http/responses.hpp"

#include <boost/url/parse.hpp>
#include <fstream>
#include <sstream>

namespace carecircle::server {
namespace {

std::string_view content_type(const std::filesystem::path& file) {
    const auto ext = file.extension().string();
    if (ext == ".html")
        return "text/html; charset=utf-8";
    if (ext == ".js" || ext == ".mjs")
        return "text/javascript; charset=utf-8";
    if (ext == ".css")
        return "text/css; charset=utf-8";
    if (ext == ".json" || ext == ".webmanifest")
        return "application/manifest+json";
    if (ext == ".svg")
        return "image/svg+xml";
    if (ext == ".png")
        return "image/png";
    if (ext == ".ico")
        return "image/x-icon";
    if (ext == ".woff2")
        return "font/woff2";
    if (ext == ".txt")
        return "text/plain; charset=utf-8";
    return "application/octet-stream";
}

http_response plain_error(const http_request& request, error_code code, std::string message) {
    return error_response(request, make_error(code, std::move(message)));
}

} // namespace

http_response serve_static(const std::filesystem::path& root, const http_request& request) {
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
        return plain_error(request, error_code::not_found, "no such resource");
    }
    auto parsed = boost::urls::parse_origin_form(request.target());
    if (!parsed) {
        return plain_error(request, error_code::bad_request, "malformed request target");
    }
    // Each decoded segment must be an ordinary name: no "..", no ".", no separators or NULs
    // hidden behind percent-encoding.
    std::filesystem::path relative;
    for (auto segment : parsed->segments()) {
        if (segment.empty()) {
            continue;
        }
        if (segment == "." || segment == ".." || segment.find('/') != std::string::npos ||
            segment.find('\\') != std::string::npos || segment.find('\0') != std::string::npos ||
            segment.front() == '.') {
            return plain_error(request, error_code::not_found, "no such file");
        }
        relative /= segment;
    }
    if (relative.empty()) {
        relative = "index.html";
    }

    std::error_code ec;
    auto file = std::filesystem::weakly_canonical(root / relative, ec);
    const auto root_text = root.string() + "/";
    if (ec || file.string().rfind(root_text, 0) != 0) {
        return plain_error(request, error_code::not_found, "no such file");
    }
    if (std::filesystem::is_directory(file, ec)) {
        file /= "index.html";
    }
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) {
        return plain_error(request, error_code::not_found, "no such file");
    }
    const auto modified = std::filesystem::last_write_time(file, ec);
    std::ostringstream tag;
    tag << '"' << std::hex << size << '-' << modified.time_since_epoch().count() << '"';
    const std::string etag = tag.str();

    http_response response{http::status::ok, request.version()};
    response.keep_alive(request.keep_alive());
    response.set(http::field::etag, etag);
    response.set(http::field::content_type, content_type(file));
    // Revalidate every time: the ETag makes that a cheap 304 on a phone's patchy data.
    response.set(http::field::cache_control, "no-cache");
    if (auto match = request.find(http::field::if_none_match);
        match != request.end() && match->value() == etag) {
        response.result(http::status::not_modified);
        return response;
    }
    if (request.method() == http::verb::get) {
        std::ifstream in(file, std::ios::binary);
        std::string body(size, '\0');
        in.read(body.data(), static_cast<std::streamsize>(size));
        response.body() = std::move(body);
        response.prepare_payload();
    } else {
        response.content_length(size);
    }
    return response;
}

std::filesystem::path default_web_root(const std::filesystem::path& executable) {
    std::error_code ec;
    auto installed = executable.parent_path().parent_path() / "share" / "carecircle" / "web-client";
    if (std::filesystem::exists(installed / "index.html", ec)) {
        return installed;
    }
    return CARECIRCLE_SOURCE_WEB_ROOT;
}

} // namespace carecircle::server
