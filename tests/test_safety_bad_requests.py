"""Malformed requests, sent as bytes on the wire to the real server: each gets a 4xx with a clear
message in the format the client prefers (JSON, HTML, plain text by default), never a 500, never a
stack trace — in the answer or in the server's log."""

from __future__ import annotations

import http.client
import json
import re
import socket

import pytest

from .server_process import running_server_process

ASK = "ASK%20%7B%7D"


@pytest.fixture(scope="module")
def served():
    with running_server_process() as served:
        yield served


def send(served, head: bytes, body: bytes = b"", accept: bytes = b"application/json",
         host: bool = True) -> tuple[int, dict, bytes]:
    """Send ``head`` (request line and headers, CRLF-separated) and ``body``; the status, headers, body."""
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as connection:
        headers = (b"" if b"\r\nHost:" in head or not host else b"Host: 127.0.0.1\r\n") + b"Connection: close\r\n" \
            + (b"Accept: " + accept + b"\r\n" if accept else b"")
        if body:
            headers += b"Content-Length: %d\r\n" % len(body)
        first, _, rest = head.partition(b"\r\n")
        connection.sendall(first + b"\r\n" + headers + (rest + b"\r\n" if rest else b"") + b"\r\n" + body)
        response = http.client.HTTPResponse(connection)
        response.begin()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


# (request line and extra headers, body, expected status, words the message holds)
CASES = [
    (b"GET /sparql?query=ASK%zz%7B%7D HTTP/1.1", b"", 400,
     "The parameter 'query' is not valid percent-encoding: the '%' at character 4 of its value is not followed"),
    (b"GET /sparql?query=ASK%7B%7D&for%mat=json HTTP/1.1", b"", 400,
     "The parameter 'for%mat' is not valid percent-encoding: the '%' at character 4 of its name"),
    (b"GET /sparql?query=%ff%fe HTTP/1.1", b"", 400, "UTF-8"),
    (b"POST /sparql HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded", b"query=%C3%28", 400, "UTF-8"),
    (b"POST /sparql HTTP/1.1\r\nContent-Type: application/sparql-query", b"ASK {\xff}", 400, "UTF-8"),
    (b"POST /sparql HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded", b"format=json", 400, "carries a query"),
    (b"POST /sparql HTTP/1.1\r\nContent-Type: application/sparql-query", b"   ", 400, "empty"),
    (b"GET /sparql?query= HTTP/1.1", b"", 400, "empty"),
    (b"GET /sparql?query=" + ASK.encode() + b"&query=" + ASK.encode() + b" HTTP/1.1", b"", 400, "several"),
    (b"GET /sparql?query=" + ASK.encode() + b"&update=CLEAR%20ALL HTTP/1.1", b"", 400, "not both"),
    (b"POST /sparql?query=" + ASK.encode() + b" HTTP/1.1\r\nContent-Type: application/sparql-query", b"ASK {}", 400, "do not also send"),
    (b"GET /sparql?query=" + ASK.encode() + b"&format=pdf HTTP/1.1", b"", 406, "pdf"),
    (b"GET /sparql?query=" + ASK.encode() + b"&format= HTTP/1.1", b"", 406, "choose one of"),
    (b"GET /sparql?query=%3Cnot%20a%20query%3E HTTP/1.1", b"", 400, "not a SPARQL query"),
    (b"GET /sparql?query=SELECT%20*%20%7B%20%3Fs%20%3Fp%20%7D HTTP/1.1", b"", 400, "Syntax error"),
    (b"GET /sparql?query=SELECT%20(%3Chttp%3A%2F%2Fexample.org%2Ff%3E(1)%20AS%20%3Fx)%20%7B%7D HTTP/1.1", b"", 400,
     "cannot be evaluated: The custom function <http://example.org/f> is not supported"),
    (b"POST /sparql HTTP/1.1\r\nContent-Type: image/png", b"\x89PNG", 415, "not part of the SPARQL protocol"),
    (b"POST /sparql HTTP/1.1\r\nContent-Type: ;;;", b"ASK {}", 415, "Content-Type"),
    (b"POST /sparql HTTP/1.1", b"ASK {}", 415, "Content-Type"),
    (b"POST /sparql HTTP/1.1\r\nContent-Type: application/sparql-query\r\nContent-Encoding: gzip",
     b"\x1f\x8b\x08\x00", 415, "Content-Encoding gzip"),
    (b"PATCH /sparql HTTP/1.1", b"", 405, "The method PATCH is not allowed here: this URL answers "),
    (b"FOO /sparql HTTP/1.1", b"", 501, "does not implement the method FOO: it answers GET, HEAD, POST and OPTIONS"),
    (b"PROPFIND /data.ttl HTTP/1.1", b"", 501, "does not implement the method PROPFIND"),
    (b"TRACE / HTTP/1.1", b"", 405, "not allowed"),
    (b"DELETE /data.ttl HTTP/1.1", b"", 405, "not allowed"),
    (b"GET /healthz HTTP/1.1\r\nX-Padding: " + b"x" * 20_000, b"", 431, "16,384"),
    (b"GET /healthz HTTP/1.1\r\n" + b"".join(b"X-Many-%d: %s\r\n" % (i, b"y" * 100) for i in range(150)).rstrip(b"\r\n"),
     b"", 431, "at most"),
    (b"GET /data.pdf HTTP/1.1", b"", 404, "No dump as .pdf"),
    (b"GET /ontology.xyz HTTP/1.1", b"", 404, "No ontology document as .xyz"),
    (b"GET /ontology.TTL HTTP/1.1", b"", 404, "/ontology.ttl"),
    (b"GET /id/agency/%00nowhere HTTP/1.1", b"", 404, "nothing about"),
    (b"GET /id/agency%2Fcnsa HTTP/1.1", b"", 404, "id/agency%2Fcnsa>"),       # not /id/agency/cnsa
    (b"GET /ontology/Partnership%2f HTTP/1.1", b"", 404, "nothing about"),
]


@pytest.mark.parametrize("head, body, status, words", CASES, ids=[c[0].split(b"\r\n")[0][:60].decode("latin-1") for c in CASES])
def test_a_bad_request_gets_its_status_and_a_json_message(served, head, body, status, words):
    got, headers, content = send(served, head, body)
    assert got == status, content
    assert headers["content-type"].startswith("application/json") and "accept" in headers["vary"].lower()
    message = json.loads(content)
    assert message["status"] == status and words in message["message"]


@pytest.mark.parametrize("accept, media_type", [(b"text/html", "text/html"), (b"", "text/plain"),
                                                (b"text/plain", "text/plain"),
                                                (b"application/sparql-results+json", "application/json")])
def test_the_message_comes_in_the_negotiated_format(served, accept, media_type):
    status, headers, content = send(served, b"GET /sparql?query=ASK%zz HTTP/1.1", accept=accept)
    assert status == 400 and headers["content-type"].startswith(media_type)
    assert b"percent-encoding" in content and b"Traceback" not in content


@pytest.mark.parametrize("accept", [b";;;,,,q=abc", b"*/*;q=-1, text/html;q=2", b"\xff\xfe/\xfd",
                                    b",".join(b"type/sub%d;q=0.%d" % (i, i % 10) for i in range(500)),
                                    b"application/sparql-results+json;q=0", b"*/*;q=0"])
def test_an_absurd_accept_header_gets_an_answer_or_a_406(served, accept):
    status, headers, content = send(served, b"GET /sparql?query=" + ASK.encode() + b" HTTP/1.1", accept=accept)
    assert status in (200, 406), content
    if status == 406:
        assert b"Accept" in content


@pytest.mark.parametrize("head", [
    b"GET /sparql?query=\xff\xfe HTTP/1.1",                           # raw bytes that are not a URL
    b"GET /sparql HTTP/9.9",
])
def test_requests_that_are_not_valid_http_are_refused_by_gunicorn_with_a_4xx(served, head):
    status, _, content = send(served, head)
    assert 400 <= status < 500 and b"Traceback" not in content


def long_query(request_line_bytes: int) -> bytes:
    """A GET of /sparql whose request line takes ``request_line_bytes``: ASK {} and a long comment."""
    start, end = b"GET /sparql?query=" + ASK.encode() + b"%23", b"%0A HTTP/1.1"
    return start + b"a" * (request_line_bytes - len(start) - len(end)) + end


def test_a_request_line_within_gunicorns_8190_bytes_is_answered(served):
    status, _, content = send(served, long_query(8_000))
    assert status == 200 and json.loads(content)["boolean"] is True


@pytest.mark.parametrize("request_line_bytes", [8_200, 20_000, 200_000])
def test_a_request_line_too_long_gets_a_414_in_the_endpoints_words_saying_to_post(served, request_line_bytes):
    """gunicorn reads a request line up to 8,190 bytes and no further (its most, short of unlimited); past
    that, the client is told in plain text, as every refusal is when the client's Accept is not known
    (its headers were not read), to POST the query; and the refusal has its access line."""
    status, headers, content = send(served, long_query(request_line_bytes))
    assert status == 414 and headers["content-type"] == "text/plain; charset=utf-8", content
    assert headers["connection"] == "close" and headers["x-content-type-options"] == "nosniff"
    assert content.startswith(b"414 ") and content.endswith(
        b": The request line (method, URL and HTTP version) is longer than 8,190 bytes, this server's limit: send "
        b"a long query by POST instead, in the body (Content-Type: application/sparql-query) or as a form "
        b"(application/x-www-form-urlencoded).\n"), content
    assert re.search(r'^.*INFO\] ilrs_server\.access: 127\.0\.0\.1 "- -" 414 \d+ \d+\.\dms '
                     r'message="The request line \(method, URL and HTTP version\) is longer than 8,190 bytes',
                     served.log.read_text(), re.MULTILINE)


@pytest.mark.parametrize("head", [
    b"GET /healthz HTTP/1.1\r\nX-Huge: " + b"z" * 100_000,             # a field past gunicorn's ceiling
    b"GET /healthz HTTP/1.1\r\n" + b"\r\n".join(b"X-%d: 1" % i for i in range(300)),  # past 200 fields
])
def test_headers_past_what_gunicorn_reads_get_a_431_in_the_endpoints_words(served, head):
    """Headers within gunicorn's ceilings are measured by the app (431 past max_header_bytes); past them
    gunicorn stops reading, and the client is told the same, in plain text, with an access line."""
    status, headers, content = send(served, head)
    assert status == 431 and headers["content-type"] == "text/plain; charset=utf-8", content
    assert content.startswith(b"431 ") and b"this endpoint accepts at most 16,384 bytes of them" in content, content
    assert re.search(r'^.*INFO\] ilrs_server\.access: 127\.0\.0\.1 "- -" 431 \d+ \d+\.\dms '
                     r'message="The request.s headers are larger than this server reads',
                     served.log.read_text(), re.MULTILINE)


def send_raw(served, raw: bytes) -> tuple[int, dict, bytes]:
    """Send ``raw`` as it is; the status, headers and body of the answer."""
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as connection:
        connection.sendall(raw)
        response = http.client.HTTPResponse(connection)
        response.begin()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


@pytest.mark.parametrize("raw, status, reason", [
    (b"HELLO\r\n\r\n", 400, b"Invalid HTTP request line: 'HELLO'"),
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 x y\r\n\r\n", 400, b"Invalid HTTP method"),  # TLS to the HTTP port
    (b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", 400, b"Invalid HTTP Version"),
    (b"GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", 400, b"Invalid HTTP Header: 'no colon here'"),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400, b"Invalid HTTP Header: 'TRANSFER-ENCODING'"),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: br\r\n\r\n", 501, b"Unsupported transfer coding: 'br'"),
    (b"GET / HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\n\r\n", 417, b"Unable to comply with expectation: 'teapot'"),
])
def test_bytes_that_are_not_http_the_server_reads_get_the_endpoints_words_in_plain_text(served, raw, status, reason):
    """Not gunicorn's HTML page: the endpoint's message (quoting gunicorn's reason), its security
    headers, and an access line, as for every refusal."""
    answered, headers, content = send_raw(served, raw)
    assert answered == status and headers["content-type"] == "text/plain; charset=utf-8", content
    assert headers["connection"] == "close" and headers["x-content-type-options"] == "nosniff"
    assert content.startswith(b"%d " % status) and b": This server could not read the request (" + reason in content
    assert content.endswith(b"); it reads HTTP/1.0 and HTTP/1.1 requests as RFC 9112 defines them.\n"), content
    assert re.search(r'^.*INFO\] ilrs_server\.access: 127\.0\.0\.1 "- -" %d \d+ \d+\.\dms '
                     r'message="This server could not read the request' % status, served.log.read_text(), re.MULTILINE)


NOT_A_HOST = "The Host header names no host this server can be reached at"


# What each was before: the page or description naming http:/// (a b c, the script, :80), or a 500 and a stack trace in
# the log (an IPv6 address that is none, a punycode label that decodes to nothing, a port past 65535)
# (and werkzeug's 400 in words of its own, or none before Flask: a host with an empty label or one past 63 characters)
@pytest.mark.parametrize("host", [b"a b c", b'evil"><script>alert(1)</script>', b":80", b"[::::]",
                                  b"[1:2:3:4:5:6:7:8:9]", b"xn--", b"xn--zz-zz.example", b"example.org:99999",
                                  b"a..b", b"a" * 64 + b".example", b"."])
@pytest.mark.parametrize("path", [b"/", b"/sparql", b"/void", b"/sparql?query=" + ASK.encode()])
def test_a_host_header_that_names_no_host_is_a_400(served, host, path):
    """RFC 9112, 3.2: a Host header with an invalid value is answered 400, also where the same request with
    a good one was answered just before (and would be replayed); not with URLs naming no host (http:///sparql)
    in what the server describes, nor a 500."""
    assert send(served, b"GET " + path + b" HTTP/1.1")[0] in (200, 303)
    for version in (b"HTTP/1.1", b"HTTP/1.0"):
        status, _, content = send(served, b"GET " + path + b" " + version + b"\r\nHost: " + host)
        assert status == 400 and json.loads(content)["message"].startswith(NOT_A_HOST), content


@pytest.mark.parametrize("path", [b"/", b"/sparql?query=" + ASK.encode()])
@pytest.mark.parametrize("connection", [b"Upgrade", b"keep-alive, Upgrade"])
def test_a_websocket_handshake_is_a_400_that_says_so(served, path, connection):
    """werkzeug's routing refused it in words of its own ("The browser (or proxy) sent a request that this
    server could not understand"); /sparql answered it before Flask, as if it were plain HTTP."""
    status, _, content = send(served, b"GET " + path + b" HTTP/1.1\r\nConnection: " + connection
                              + b"\r\nUpgrade: websocket")
    assert status == 400 and "not WebSocket" in json.loads(content)["message"], content


@pytest.mark.parametrize("host, endpoint", [(b"[::1]:5000", "http://[::1]:5000/sparql"),
                                            (b"Example.ORG", "http://example.org/sparql"),
                                            # nginx's for "upstream app_server", which werkzeug reads no host in
                                            (b"app_server:5000", "http://app_server:5000/sparql"),
                                            (b"app_server", "http://app_server/sparql"),
                                            (b"xn--80ak6aa92e.example:8080", "http://\u0430\u0440\u0440\u04cf\u0435.example:8080/sparql")])
def test_a_host_header_naming_a_host_names_the_endpoint(served, host, endpoint):
    status, _, content = send(served, b"GET /sparql HTTP/1.1\r\nHost: " + host, accept=b"application/n-triples")
    assert status == 200 and f"<{endpoint}> <http://www.w3.org/ns/sparql-service-description#endpoint> <{endpoint}> ." \
        in content.decode(), content[:300]


def test_an_http_1_1_request_without_host_is_a_400(served):
    """RFC 9112, 3.2: a server must answer 400 to an HTTP/1.1 request without Host, also when the same
    request with one was answered just before (and would be replayed); HTTP/1.0 needs none."""
    head = b"GET /sparql?query=" + ASK.encode() + b"&format=tsv HTTP/1.1"
    assert send(served, head)[0] == 200
    for without in (head, head + b"\r\nHost: "):
        status, _, content = send(served, without, host=False)
        assert status == 400 and b"Host header" in content
    assert send(served, head.replace(b"HTTP/1.1", b"HTTP/1.0"), host=False)[0] == 200


@pytest.mark.parametrize("expect", [b"", b"Expect: 100-continue\r\n"])
def test_a_body_declared_too_long_is_refused_unread_and_the_connection_closed(served, expect):
    """Not invited (no "100 Continue"), not read and thrown away (100 MB here): the 413 says
    Connection: close, and the server closes after reading at most 64 KiB more, at once, well before
    the 10-s limit on a quiet client would."""
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as connection:
        connection.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                           b"Content-Length: 100000000\r\n" + expect + b"\r\n")
        head = b""
        while b"\r\n\r\n" not in head:
            head += connection.recv(4096)
        assert head.startswith(b"HTTP/1.1 413 ") and b"\r\nConnection: close\r\n" in head, head
        sent, chunk = 0, b"x" * 2**16
        with pytest.raises(OSError):  # reset by the server, long before 100 MB
            while sent < 100_000_000:
                connection.sendall(chunk)
                sent += len(chunk)
        assert sent < 20_000_000


def test_a_content_coding_is_refused_even_for_a_query_answered_before(served):
    head = b"POST /sparql HTTP/1.1\r\nContent-Type: application/sparql-query"
    for _ in range(2):  # the second is answered from the answers kept before Flask
        assert send(served, head, b"ASK { ?s ?p ?o }")[0] == 200
    status, _, content = send(served, head + b"\r\nContent-Encoding: gzip", b"ASK { ?s ?p ?o }")
    assert status == 415 and b"Content-Encoding gzip" in content


def send_chunked(served, media_type: bytes, body: bytes) -> tuple[int, dict, bytes]:
    """POST ``body`` (already chunked, or not: as it is) with Transfer-Encoding: chunked."""
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as connection:
        connection.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
                           b"Transfer-Encoding: chunked\r\nContent-Type: " + media_type + b"\r\n\r\n")
        try:
            connection.sendall(body)
        except OSError:
            pass  # closed by the server before all was sent: its answer is there to read
        response = http.client.HTTPResponse(connection)
        response.begin()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def chunks(*parts: bytes) -> bytes:
    return b"".join(b"%x\r\n" % len(part) + part + b"\r\n" for part in parts) + b"0\r\n\r\n"


@pytest.mark.parametrize("media_type, parts", [
    (b"application/x-www-form-urlencoded", (b"query=ASK%7B%7D&pad=", b"x" * 2**21)),  # the query first
    (b"application/x-www-form-urlencoded", (b"pad=" + b"x" * 2**21, b"&query=ASK%7B%7D")),
    (b"application/sparql-query", (b"ASK {", b" " * 2**21, b"}")),
])
def test_a_chunked_body_past_the_limit_is_413_not_cut_to_it(served, media_type, parts):
    status, headers, content = send_chunked(served, media_type, chunks(*parts))
    assert status == 413 and b"larger than 1,048,576 bytes" in content and headers["connection"] == "close"


def test_a_chunked_body_within_the_limit_is_answered_and_a_broken_one_is_400(served):
    status, headers, content = send_chunked(served, b"application/sparql-query", chunks(b"ASK ", b"{}"))
    assert status == 200 and json.loads(content)["boolean"] is True and headers["connection"] == "close"
    status, _, content = send_chunked(served, b"application/sparql-query", b"zz\r\nASK {}\r\n0\r\n\r\n")
    assert status == 400 and b"Invalid chunk size" in content


def test_the_access_log_has_each_request_target_as_sent_with_status_size_and_duration(served):
    send(served, b"GET /sparql?query=" + ASK.encode() + b"&format=json HTTP/1.1")
    send(served, b"GET /id/agency/no%20such%2Fagency?lang=en HTTP/1.1")
    log = served.log.read_text()
    assert re.search(r'"GET /sparql\?query=ASK%20%7B%7D&format=json" 200 \d+ \d+\.\dms$', log, re.MULTILINE)
    assert re.search(r'"GET /id/agency/no%20such%2Fagency\?lang=en" 404 \d+ \d+\.\dms message="[^"]+"$', log,
                     re.MULTILINE)


def test_the_access_log_names_a_posts_query_and_why_a_request_was_refused(served):
    """An operator's review: a refused POST's line named neither its query nor why it was refused. A
    POST's query is on its line (as a GET's is in its target), on one line, quoted and cut short, and a
    refusal's message follows."""
    send(served, b"POST /sparql HTTP/1.1\r\nContent-Type: application/sparql-query", b"ASK {}")
    send(served, b"POST /sparql HTTP/1.1\r\nContent-Type: application/sparql-query",
         b'SELECT * WHERE {\n  ?s "\x1b"\n}  # ' + b"x" * 500)
    send(served, b"POST /sparql HTTP/1.1\r\nContent-Type: image/png", b"\x89PNG")
    send(served, b"POST /sparql HTTP/1.1\r\nContent-Type: application/sparql-query", "ASK { \u202e}\u0085".encode())
    send(served, b"GET /search?q=%2B%2B HTTP/1.1", accept=b"text/html")
    log = served.log.read_text()
    assert re.search(r'"POST /sparql" 200 \d+ \d+\.\dms query="ASK \{\}"$', log, re.MULTILINE)
    assert re.search(r'"POST /sparql" 400 \d+ \d+\.\dms query="SELECT \* WHERE \{ \?s \\"\\u001b\\" \} # x{172}…" '
                     r'message="Syntax error.*"$', log, re.MULTILINE)
    assert re.search(r'"POST /sparql" 415 \d+ \d+\.\dms message="Content-Type image/png is not part of the SPARQL '
                     r'protocol; send application/sparql-query or application/x-www-form-urlencoded\."$', log, re.MULTILINE)
    # a right-to-left override would draw what follows it backwards; a C1 control (NEL here) is a line end to some
    assert re.search(r'"POST /sparql" \d{3} \d+ \d+\.\dms query="ASK \{ \\u202e\}"( message=.*)?$', log, re.MULTILINE)
    # a page answering its own refusal (search's, the query page's) says why too
    assert re.search(r'"GET /search\?q=%2B%2B" 400 \d+ \d+\.\dms message="[^"]+"$', log, re.MULTILINE)


def test_nothing_above_left_a_500_or_a_stack_trace_in_the_log(served):
    log = served.log.read_text(errors="replace")
    assert "Traceback" not in log and '" 500 ' not in log
