"""Words around numbers in the messages people read: "1 violation", "2 violations", "an ASK query"."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``number`` (with thousands separators) and ``noun``, plural unless the number is 1 (``plural``
    where adding an s will not do: "1 entry", "2 entries")."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def article(word: str) -> str:
    """``word`` after "a" or "an", as it sounds when its letters are read out or it is said ("an ASK query",
    "a SELECT query")."""
    return f"{'an' if word[:1].upper() in 'AEIOU' else 'a'} {word}"


def size(count: float) -> str:
    """A number of bytes as people read it: 512 bytes, 16 KiB, 1.5 GiB, 1,000 KiB (three significant
    figures, or the whole number where it has more: never "1e+03")."""
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if count < 1024 or unit == "GiB":
            break
        count /= 1024
    return f"{count:,.0f} {unit}" if unit == "bytes" or count >= 100 else f"{count:.3g} {unit}"
