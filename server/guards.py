"""What every request must keep to before a view reads it: a method HTTP defines, a Host header naming a
host (required in HTTP/1.1), the size of its headers, and paths taken as they are written. (The body's
size is checked where it is read: parameters.request_body; the request line's and headers' past its
ceilings, and what is not HTTP, by gunicorn as it reads them: request_line_too_long,
headers_too_large_to_read, unreadable_request.)"""

from __future__ import annotations

import re
from functools import lru_cache

from flask import Flask, current_app, request
from werkzeug.urls import uri_to_iri

from .errors import ApiError
from .state import state_of


# The methods HTTP defines (RFC 9110, 9.3; PATCH: RFC 5789): any other is one this server does not know.
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"})


def register(app: Flask) -> None:
    # No redirect from "//a" to "/a": werkzeug builds it from the Host header, which the client chooses.
    app.url_map.merge_slashes = False
    app.before_request(_check_headers)


def _check_headers() -> None:
    refused = refusal(request.environ, state_of(current_app).config.limits.max_header_bytes)
    if refused is not None:
        raise refused


def refusal(environ: dict, max_header_bytes: int) -> ApiError | None:
    """Why the request is refused before a view reads it, if it is (also asked before Flask, by
    plain_queries.py)."""
    method = environ.get("REQUEST_METHOD", "")
    if method.upper() not in HTTP_METHODS:  # RFC 9110, 9.1: 501 for a method not known; 405 for one a URL refuses
        # (upper case, as Flask reads a method: gunicorn refuses one in lower case, another WSGI server may not)
        return ApiError(501, f"This server does not implement the method {method}: it answers GET, HEAD, POST "
                             "and OPTIONS (its resources are read-only).")
    if _lacks_host(environ):
        return ApiError(400, "An HTTP/1.1 request must name the host it is for in a Host header (RFC 9112, 3.2).")
    if _names_no_host(environ):
        return ApiError(400, "The Host header names no host this server can be reached at (RFC 9112, 3.2): a name, "
                             "an IPv4 address or an IPv6 address in brackets, and perhaps a port up to 65535.")
    if _asks_for_websocket(environ):
        return ApiError(400, "This server answers HTTP, not WebSocket: send the request without "
                             "'Upgrade: websocket'.")
    size = _header_bytes(environ)
    if size > max_header_bytes:
        return ApiError(431, f"The request's headers take {size:,} bytes; this endpoint accepts at most "
                             f"{max_header_bytes:,}.")
    return None


def _lacks_host(environ: dict) -> bool:
    """An HTTP/1.1 request without Host, or with an empty one: RFC 9112 (3.2) has it refused with 400."""
    return environ.get("SERVER_PROTOCOL") == "HTTP/1.1" and not environ.get("HTTP_HOST")


def _names_no_host(environ: dict) -> bool:
    """A Host header (in a request of any version) whose value is no host: RFC 9112 (3.2) has it refused with 400.
    The server's URLs are made of it (the service description's endpoint, VoID's dumps): they named no host
    ("http:///sparql") for a value with a space or a quote, or without a host before its port, and were a 500
    for one werkzeug took that was none (an IPv6 address in brackets that is not one, a punycode label that
    decodes to nothing, a port past 65535)."""
    host = environ.get("HTTP_HOST")
    return bool(host) and not _is_host(host)


def _asks_for_websocket(environ: dict) -> bool:
    """A WebSocket handshake (Connection: Upgrade, Upgrade: websocket), which werkzeug's routing refuses on
    every URL of this server (none is a WebSocket's), in words of its own."""
    return environ.get("HTTP_UPGRADE", "").lower() == "websocket" and any(
        token.strip(" \t") == "upgrade" for token in environ.get("HTTP_CONNECTION", "").lower().split(","))


# RFC 3986 (3.2.2, 3.2.3): an IP literal in brackets, or a name (an IPv4 address is one), then perhaps a port
_HOST_AND_PORT = re.compile(r"(?:\[[0-9A-Za-z._~!$&'()*+,;=:-]+\]|(?:[0-9A-Za-z._~!$&'()*+,;=-]|%[0-9A-Fa-f]{2})+)"
                            r"(?::[0-9]*)?")


@lru_cache(maxsize=256)  # clients name few hosts: each is checked once
def _is_host(value: str) -> bool:
    """Whether ``value`` is a host and port as RFC 3986 writes them, of which werkzeug makes a URL (checking an
    IPv6 address, punycode labels and the port's range as it does)."""
    if _HOST_AND_PORT.fullmatch(value) is None:
        return False
    try:
        uri_to_iri(f"http://{value}/")
        value.lower().partition(":")[0].encode("idna")  # as werkzeug's routing does: no empty label, none past 63
    except ValueError:  # UnicodeError (punycode, IDNA) is one
        return False
    return True


def _header_bytes(environ: dict) -> int:
    """What the request's header lines take ("Name: value" and the line end), from the WSGI environ."""
    # HTTP_USER_AGENT is 5 characters longer than User-Agent; ": " and the line end take 4.
    size = sum(len(key) - 1 + len(value) for key, value in environ.items() if key.startswith("HTTP_"))
    for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
        if environ.get(key):
            size += len(name) + 4 + len(environ[key])
    return size


# gunicorn's most for a request line (method, URL and HTTP version, without its CRLF): it reads no longer one,
# short of reading one without end. The query page sends a query on by a link only when the link fits.
REQUEST_LINE_LIMIT = 8190


def fits_a_request_line(url: str) -> bool:
    """Whether a GET of ``url`` (as url_for writes it) is read by this server rather than refused (414), as a
    browser sends it: url_for leaves an apostrophe as it is, which a browser sends as %27 (the URL standard
    percent-encodes it in the query of an http(s) URL)."""
    return len(f"GET {url} HTTP/1.1") + 2 * url.count("'") <= REQUEST_LINE_LIMIT


def headers_too_large_to_read(max_header_bytes: int) -> ApiError:
    """Past gunicorn's ceilings for header fields (their number, or one's size: set well above
    ``max_header_bytes``, which the app measures), the request is refused unread."""
    return ApiError(431, "The request's headers are larger than this server reads (too many fields, or one too "
                         f"long); this endpoint accepts at most {max_header_bytes:,} bytes of them.")


def request_line_too_long(limit: int) -> ApiError:
    """Past gunicorn's ``limit_request_line`` (at most 8,190 bytes), the request is refused unread: its query
    fits only in a body."""
    return ApiError(414, f"The request line (method, URL and HTTP version) is longer than {limit:,} bytes, this "
                         "server's limit: send a long query by POST instead, in the body (Content-Type: "
                         "application/sparql-query) or as a form (application/x-www-form-urlencoded).")


def unreadable_request(status: int, reason: str) -> ApiError:
    """A request gunicorn cannot read as HTTP/1.x (``reason`` is its description, which quotes the bytes):
    refused unread, as gunicorn does, in the endpoint's words rather than its HTML page."""
    return ApiError(status, f"This server could not read the request ({reason}); it reads HTTP/1.0 and HTTP/1.1 "
                            "requests as RFC 9112 defines them.")
