"""How far an RDF/XML document's entities would expand, read from its DTD before any parser expands them.

OWL files name namespaces with entities (kilobytes in all); nested ones, a "billion laughs", make a file
of a kilobyte into gigabytes in the parser's memory. The DTD is read as XML 1.0 writes it (the prolog,
then ``<!DOCTYPE name [ … ]>``, its comments and quoted strings skipped), and every reference to an
entity in the document is counted at its entity's full size, nested entities expanded; all in one pass
over the file, without recursion.
"""

from __future__ import annotations

import re
from collections import Counter

MAX_EXPANSION = 16 * 2**20  # or ten times the file, if that is more

_NAME = rb"[^\s%&#;<>\"'\[\]]+"
_REFERENCE = re.compile(rb"&(" + _NAME + rb");")
_DECLARATION = re.compile(rb"<!ENTITY\s+(%\s+)?(" + _NAME + rb")\s(.*)>\Z", re.S)
_VALUE = re.compile(rb"\s*(?:\"([^\"]*)\"|'([^']*)')\s*\Z", re.S)
_SPACE = b" \t\r\n"


class _Refused(Exception):
    """Why the file's entities are not read."""


def expansion_problem(data: bytes) -> str | None:
    """Why the entities an RDF/XML document declares are not read, or None: a declaration twice, a
    parameter or external entity, an entity within itself, or more than MAX_EXPANSION bytes (or ten
    times the file) where the document refers to them."""
    try:
        found = _internal_subset(data)
        if found is None:
            return None
        values, document_start = found
        limit = max(MAX_EXPANSION, 10 * len(data))
        sizes = _sizes(values, limit)
    except _Refused as refused:
        return str(refused)
    expanded = sum(count * sizes[name] for name, count in Counter(_REFERENCE.findall(data, document_start)).items()
                   if name in sizes)
    if expanded > limit:
        return (f"its entities would expand to more than {limit:,} bytes, the most that is read (nested entities, "
                "a \"billion laughs\", make a small file into gigabytes)")
    return None


def _internal_subset(data: bytes) -> tuple[dict[bytes, bytes], int] | None:
    """The general entities the DTD's internal subset declares (name → value) and where the document
    after it starts; None without one."""
    at = _past_prolog(data, 3 if data.startswith(b"\xef\xbb\xbf") else 0)
    if not data.startswith(b"<!DOCTYPE", at):
        return None
    at += len(b"<!DOCTYPE")
    while at < len(data) and data[at:at + 1] not in (b"[", b">"):  # its name and external identifier
        at = _past_quoted(data, at) if data[at:at + 1] in (b'"', b"'") else at + 1
    if data[at:at + 1] != b"[":
        return None
    values: dict[bytes, bytes] = {}
    at += 1
    while True:
        while data[at:at + 1] and data[at] in _SPACE:
            at += 1
        if at >= len(data):
            raise _Refused("its DTD does not end")
        if data.startswith(b"]", at):
            return values, at + 1
        if data.startswith(b"<!--", at):
            at = _past(data, b"-->", at + 4)
        elif data.startswith(b"<?", at):
            at = _past(data, b"?>", at + 2)
        elif data.startswith(b"<!", at):
            start, at = at, at + 2
            while at < len(data) and data[at:at + 1] != b">":
                at = _past_quoted(data, at) if data[at:at + 1] in (b'"', b"'") else at + 1
            at += 1
            if data.startswith(b"<!ENTITY", start):
                _declare(data[start:at], values)
        elif data.startswith(b"%", at):
            raise _Refused("its DTD refers to a parameter entity: such DTDs are not read")
        else:
            raise _Refused(f"its DTD cannot be read (at byte {at})")


def _past_prolog(data: bytes, at: int) -> int:
    """Past the XML declaration and the comments, processing instructions and spaces before the DTD."""
    while True:
        while data[at:at + 1] and data[at] in _SPACE:
            at += 1
        if data.startswith(b"<?", at):
            at = _past(data, b"?>", at + 2)
        elif data.startswith(b"<!--", at):
            at = _past(data, b"-->", at + 4)
        else:
            return at


def _past(data: bytes, end: bytes, at: int) -> int:
    found = data.find(end, at)
    if found < 0:
        raise _Refused(f"its DTD does not end ({end.decode()} missing)")
    return found + len(end)


def _past_quoted(data: bytes, at: int) -> int:
    return _past(data, data[at:at + 1], at + 1)


def _declare(declaration: bytes, values: dict[bytes, bytes]) -> None:
    found = _DECLARATION.match(declaration)
    if found is None:
        raise _Refused("an entity declaration in its DTD cannot be read")
    name = found.group(2).decode(errors="replace")
    if found.group(1):
        raise _Refused(f"its DTD declares the parameter entity '{name}': such DTDs are not read")
    value = _VALUE.match(found.group(3))
    if value is None:
        raise _Refused(f"its DTD declares the external entity '{name}': entities are read from the file itself only")
    if found.group(2) in values:
        raise _Refused(f"its DTD declares the entity '{name}' twice")
    values[found.group(2)] = value.group(1) if value.group(1) is not None else value.group(2)


def _sizes(values: dict[bytes, bytes], limit: int) -> dict[bytes, int]:
    """Each entity's size with the entities it refers to expanded (at most limit + 1), depth first with
    a stack of its own; _Refused for an entity within itself."""
    references = {name: Counter(_REFERENCE.findall(value)) for name, value in values.items()}
    sizes: dict[bytes, int] = {}
    for root in values:
        stack, on_path = [(root, False)], set()
        while stack:
            name, children_done = stack.pop()
            if name in sizes:
                continue
            if children_done:
                sizes[name] = min(limit + 1, len(values[name]) + sum(
                    count * (sizes[other] - len(other) - 2) for other, count in references[name].items()
                    if other in values))
                on_path.discard(name)
                continue
            on_path.add(name)
            stack.append((name, True))
            for other in references[name]:
                if other in on_path:
                    raise _Refused(f"its entity '{other.decode(errors='replace')}' refers to itself")
                if other in values and other not in sizes:
                    stack.append((other, False))
    return sizes
