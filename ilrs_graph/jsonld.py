"""JSON-LD that reads like plain JSON: short keys, compacted IRIs, typed dates, one published context.

The context is derived from the graph itself, so it never falls behind the data: every property and
class whose local name is unambiguous gets that name as its key (``partnerSince``, ``Partnership``;
when two vocabularies share a name, the ILRS term gets it). A property is coerced to the kind of value
it mostly has (an IRI, English text, a plain string or a typed literal such as ``xsd:date``); a value
of another kind is written as an explicit value object, so that nothing is lost on the way back to RDF.
Resources are compacted as ``id:<kind>/<slug>``: the Turtle prefixes (``country:``…) cannot be used,
since some of them are also property names (``ilrs:country``).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from .formats import CannotWrite, by_name
from .load import LoadedGraph
from .namespaces import ILRS, PREFIXES, RDF, RESOURCE, XSD

RESOURCE_PREFIX = "id"
PREFIXES_IN_CONTEXT: dict[str, str] = {
    RESOURCE_PREFIX: RESOURCE, **{name: ns for name, ns in PREFIXES.items() if not ns.startswith(RESOURCE)}}

_TYPE = RDF + "type"
_STRING = XSD + "string"
# Values a bare JSON number or boolean gives back: an integer of at most 20 digits (JSON-LD reads a number
# of 10²¹ or more as an xsd:double, JSON-LD 1.1 API 8.6; Oxigraph's reader from 10²⁰ on).
_NATIVE = {XSD + "integer": re.compile(r"0|-?[1-9][0-9]{0,19}"), XSD + "boolean": re.compile(r"true|false")}
_LOCAL_NAME = re.compile(r".*[/#]([A-Za-z_][A-Za-z0-9_-]*)")

Coercion = tuple[tuple[str, str | None], ...]  # a term definition's entries besides "@id"
Term = ox.NamedNode | ox.BlankNode | ox.Literal


def context(triples: Iterable[ox.Triple]) -> dict:
    """The ``@context`` for ``triples``: the default language, the prefixes and one key per term."""
    distinct = set(triples)
    languages = Counter(t.object.language for t in distinct if isinstance(t.object, ox.Literal) and t.object.language)
    default_language = min(languages, key=lambda lang: (-languages[lang], lang)) if languages else None
    properties: set[str] = set()
    classes: set[str] = set()
    votes: dict[str, Counter] = defaultdict(Counter)  # property → how many of its values each coercion fits
    for triple in distinct:
        if triple.predicate.value == _TYPE and isinstance(triple.object, ox.NamedNode):
            classes.add(triple.object.value)
            continue
        properties.add(triple.predicate.value)
        coercion = _coercion_of(triple.object, default_language)
        if coercion is not None:
            votes[triple.predicate.value][coercion] += 1
    result: dict = {"@language": default_language} if default_language else {}
    result.update(PREFIXES_IN_CONTEXT)
    for iri, name in _short_names(properties | classes).items():
        ballot = votes.get(iri, {})
        coercion = min(ballot, key=lambda c: (-ballot[c], repr(c))) if ballot else ()
        result[name] = {"@id": _compact(iri), **dict(coercion)} if coercion else _compact(iri)
    return result


def context_document(loaded: LoadedGraph) -> dict:
    """The context of the whole graph as a document of its own (what ``/context.jsonld`` serves)."""
    return {"@context": context(q.triple for q in loaded.quads)}


def document(triples: Iterable[ox.Triple], ctx: dict) -> dict:
    """``triples`` as one JSON-LD document using ``ctx`` (from :func:`context`): a node per subject,
    sorted, each value written in its shortest form that means exactly the same RDF term."""
    default_language = ctx.get("@language")
    keys = _keys(ctx)
    classes = {iri: name for iri, (name, _) in keys.items()}
    nodes: dict[Term, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for triple in sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object))):
        node = nodes[triple.subject]
        if triple.predicate.value == _TYPE and isinstance(triple.object, (ox.NamedNode, ox.BlankNode)):
            node["@type"].append(classes.get(triple.object.value) or _compact_term(triple.object))
            continue
        key, coercion = keys.get(triple.predicate.value) or (_compact(triple.predicate.value), ())
        node[key].append(_value(triple.object, coercion, default_language))
    return {"@context": ctx, "@graph": [
        {"@id": _compact_term(subject), **{key: values[0] if len(values) == 1 else values
                                           for key, values in properties.items()}}
        for subject, properties in sorted(nodes.items(), key=lambda item: str(item[0]))]}


def to_bytes(document_or_context: dict) -> bytes:
    """Stable JSON text: sorted keys (``@context``, ``@id`` and ``@type`` come first), UTF-8, indented."""
    return (json.dumps(document_or_context, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()


def _coercion_of(term: Term, default_language: str | None) -> Coercion | None:
    """The term definition under which ``term`` can be written as a bare JSON string (None: a number)."""
    if not isinstance(term, ox.Literal):
        return (("@type", "@id"),)
    if term.datatype.value in _NATIVE and _NATIVE[term.datatype.value].fullmatch(term.value):
        return None
    if term.language:
        return () if term.language == default_language else (("@language", term.language),)
    if term.datatype.value == _STRING:
        return () if default_language is None else (("@language", None),)
    return (("@type", _compact(term.datatype.value)),)


def _value(term: Term, coercion: Coercion, default_language: str | None):
    if isinstance(term, ox.Triple):
        raise CannotWrite(by_name("jsonld"))
    own = _coercion_of(term, default_language)
    if own is None and dict(coercion).get("@type", "@id") == "@id":  # a term's datatype would retype a number
        return int(term.value) if term.datatype.value == XSD + "integer" else term.value == "true"
    if not isinstance(term, ox.Literal):
        return _compact_term(term) if own == coercion else {"@id": _compact_term(term)}
    if own == coercion:
        return term.value
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == _STRING:
        return {"@value": term.value}
    return {"@value": term.value, "@type": _compact(term.datatype.value)}


def _keys(ctx: dict) -> dict[str, tuple[str, Coercion]]:
    """The context read back: property or class IRI → (its key, its coercion)."""
    keys = {}
    for name, definition in ctx.items():
        if name.startswith("@") or name in PREFIXES_IN_CONTEXT:
            continue
        if isinstance(definition, str):
            keys[_expand(definition)] = (name, ())
        else:
            keys[_expand(definition["@id"])] = (name, tuple((k, v) for k, v in definition.items() if k != "@id"))
    return keys


def _short_names(iris: set[str]) -> dict[str, str]:
    """IRI → its local name as a key, where that name is not a prefix and is unambiguous (or the ILRS
    term is the one ILRS candidate)."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for iri in sorted(iris):
        match = _LOCAL_NAME.fullmatch(iri)
        if match and match.group(1) not in PREFIXES_IN_CONTEXT:
            by_name[match.group(1)].append(iri)
    chosen = {}
    for name, candidates in by_name.items():
        ours = [iri for iri in candidates if iri.startswith(ILRS)]
        if len(candidates) == 1 or len(ours) == 1:
            chosen[(ours or candidates)[0]] = name
    return chosen


def _compact(iri: str) -> str:
    """``prefix:local`` with the longest namespace of the context, else the IRI itself."""
    best = max((name for name, ns in PREFIXES_IN_CONTEXT.items() if iri.startswith(ns)),
               key=lambda name: len(PREFIXES_IN_CONTEXT[name]), default=None)
    local = iri[len(PREFIXES_IN_CONTEXT[best]):] if best else ""
    return f"{best}:{local}" if local and not local.startswith("//") else iri


def _compact_term(term: ox.NamedNode | ox.BlankNode) -> str:
    return _compact(term.value) if isinstance(term, ox.NamedNode) else f"_:{term.value}"


def _expand(compact: str) -> str:
    prefix, _, local = compact.partition(":")
    return PREFIXES_IN_CONTEXT[prefix] + local if prefix in PREFIXES_IN_CONTEXT else compact
