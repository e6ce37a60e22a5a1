"""Reading a query string or form body (server/parameters.py): the same names and values as
urllib.parse.parse_qsl gives, read strictly: what it cannot decode is a 400, never a guess."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ilrs_server.errors import ApiError
from ilrs_server.parameters import decoded

# Escapes of every kind (ASCII, UTF-8, broken UTF-8), "+", "=" and "&" of their own, raw non-ASCII and
# line breaks: where decoding as quoted-printable (as the reader does, for speed) could part from urllib.
# (A stray "%" is refused before decoding: tests/test_safety_bad_requests.py.)
PIECES = st.sampled_from(["query", "=", "&", "+", "%3D", "%26", "%2B", "%20", "%0A", "%0D%0A", "%25", "%3d", "%C3%A9",
                          "%E4%B8%AD", "%FF", "%C3", "%80", "a", "_", "é", "中", "\n", "\r\n", " ", "%41%42", "=41", "==",
                          "%3D41", "SELECT", "%7B", "?s"])


def reference(raw: bytes) -> dict[str, list[str]] | None:
    """What urllib gives (None where it refuses)."""
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return None
    params: dict[str, list[str]] = {}
    for name, value in pairs:
        params.setdefault(name, []).append(value)
    return params


@settings(max_examples=2000, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join))
@example("query=a=41%41")  # an '=' of its own before an escape
@example("q=%C3%A9=%C3")   # broken UTF-8 after an '='
def test_parameters_are_read_as_urllib_reads_them(text):
    raw = text.encode()
    try:
        ours = decoded(raw)
    except ApiError as refused:
        assert refused.status == 400 and reference(raw) is None
    else:
        assert ours == reference(raw)


@pytest.mark.parametrize("raw", [b"query=%C3", b"query=a%FFb", b"%80=1"])
def test_an_escape_that_is_not_utf8_is_a_400_naming_it(raw):
    with pytest.raises(ApiError, match="not valid percent-encoded UTF-8: 'utf-8' codec can't decode byte") as refused:
        decoded(raw)
    assert refused.value.status == 400
