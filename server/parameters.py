"""A request's parameters read strictly: invalid UTF-8 or a stray '%' is a 400 naming where, not a
silently replaced character that would then name another query or graph."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from .errors import ApiError

_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def decoded_pairs(raw: bytes) -> list[tuple[str, str]]:
    """The name/value pairs of a query string or form body, in order (blank values kept)."""
    text = utf8(raw, "parameters")
    stray = _STRAY_PERCENT.search(text)
    if stray:
        raise ApiError(400, f"The parameters are not valid percent-encoding: the '%' at character "
                            f"{stray.start() + 1} is not followed by two hexadecimal digits.")
    try:
        return parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError(400, f"The parameters are not valid percent-encoded UTF-8: {error}") from None


def utf8(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiError(400, f"The {what} is not valid UTF-8 (byte {error.start}).") from None
