"""When two SPARQL engines give the same answer: what the tests and the benchmark hold every engine to.

Answers are compared as SPARQL defines them, not byte for byte: solutions as a multiset, in order only
where the query's ORDER BY fixes an order; graphs up to blank-node renaming (isomorphism). A
GROUP_CONCAT value is compared as its list of parts in any order (SPARQL leaves the order open; a group
with nothing to concatenate gives "" on rdflib and no value on Oxigraph, both "no parts"), and a SAMPLE
column is not compared (any value of the group is a right answer).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass

import rdflib
from rdflib.compare import isomorphic

from ilrs_graph import formats
from ilrs_graph.query import analyse

_GROUP_CONCAT = re.compile(
    r'GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*?(?:;\s*SEPARATOR\s*=\s*"((?:[^"\\]|\\.)*)")?\s*\)\s*AS\s*\?(\w+)',
    re.IGNORECASE)
_SAMPLE = re.compile(r"SAMPLE\s*\((?:[^()]|\([^()]*\))*\)\s*AS\s*\?(\w+)", re.IGNORECASE)
_ORDER_BY = re.compile(r"ORDER\s+BY\s+(.*?)(?:\s+(?:LIMIT|OFFSET)\s+\d+)*\s*$", re.IGNORECASE | re.DOTALL)
_CONDITION = re.compile(r"\s*(?:(?:ASC|DESC)\s*\(\s*)?(STR\s*\(\s*)?\?(\w+)\s*(?:\)\s*)?(?:\)\s*)?", re.IGNORECASE)
_NUMERIC = {f"http://www.w3.org/2001/XMLSchema#{name}" for name in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong")}
_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class OrderKey:
    """One ORDER BY condition on a variable: ``?x``, ``DESC(?x)``, ``STR(?x)``…"""

    variable: str
    as_string: bool


def order_keys(query: str) -> list[OrderKey] | None:
    """The outer ORDER BY's conditions; [] without ORDER BY; None when they are not all on variables."""
    outer = query[query.rfind("}") + 1:]
    found = _ORDER_BY.search(outer)
    if not found:
        return []
    clause, keys, position = found.group(1), [], 0
    while position < len(clause):
        condition = _CONDITION.match(clause, position)
        if not condition or condition.end() == position:
            return None
        keys.append(OrderKey(condition.group(2), bool(condition.group(1))))
        position = condition.end()
    return keys


def _term(binding: dict | None) -> tuple:
    if binding is None:
        return ("unbound",)
    kind = binding["type"]
    if kind in ("literal", "typed-literal"):
        return ("literal", binding["value"], binding.get("datatype", ""), binding.get("xml:lang", ""))
    return (kind, binding["value"])


def _kind(term: tuple, as_string: bool) -> str | None:
    """Which values ORDER BY can compare with each other: those of one kind (None: unbound, first)."""
    if term[0] == "unbound":
        return None
    if as_string or term[0] != "literal":
        return "string" if as_string else term[0]
    _, _, datatype, language = term
    if language:
        return "langString"
    return "numeric" if datatype in _NUMERIC else (datatype or _STRING)


@dataclass
class Solutions:
    """A SELECT answer, normalised: rows as tuples of terms, and whether their order is defined."""

    variables: list[str]
    rows: list[tuple]
    blocks: list[Counter] | None  # runs of rows with equal ORDER BY keys, when ORDER BY fixes an order

    def __eq__(self, other) -> bool:
        if not isinstance(other, Solutions) or self.variables != other.variables:
            return False
        if self.blocks is not None and other.blocks is not None:
            return self.blocks == other.blocks
        return Counter(self.rows) == Counter(other.rows)


def solutions(query: str, results_json: bytes) -> Solutions | bool:
    """Parse ``application/sparql-results+json`` into a comparable answer (ASK: a bool)."""
    results = json.loads(results_json)
    if "boolean" in results:
        return bool(results["boolean"])
    separators = {name: json.loads(f'"{sep}"') if sep is not None else " "
                  for sep, name in _GROUP_CONCAT.findall(query)}
    sampled = set(_SAMPLE.findall(query))
    variables = [name for name in results["head"]["vars"] if name not in sampled]
    rows = []
    for binding in results["results"]["bindings"]:
        row = []
        for name in variables:
            term = _term(binding.get(name))
            if name in separators and term[0] in ("literal", "unbound"):
                parts = term[1].split(separators[name]) if term[0] == "literal" and term[1] else []
                term = ("concatenation", tuple(sorted(parts)))
            row.append(term)
        rows.append(tuple(row))
    return Solutions(variables, rows, _blocks(query, variables, rows))


def _blocks(query: str, variables: list[str], rows: list[tuple]) -> list[Counter] | None:
    keys = order_keys(query)
    if not keys or any(key.variable not in variables for key in keys):
        return None
    columns = [(variables.index(key.variable), key.as_string) for key in keys]
    for index, as_string in columns:
        kinds = {_kind(row[index], as_string) for row in rows} - {None}
        if len(kinds) > 1:  # e.g. xsd:date beside xsd:gYear: SPARQL leaves their order open
            return None

    def key_of(row: tuple) -> tuple:
        return tuple(row[index][1] if as_string and row[index][0] == "literal" else row[index]
                     for index, as_string in columns)

    blocks: list[Counter] = []
    previous = object()
    for row in rows:
        key = key_of(row)
        if key != previous:
            blocks.append(Counter())
            previous = key
        blocks[-1][row] += 1
    return blocks


def graph(ntriples: bytes) -> rdflib.Graph:
    """Parse N-Triples into a graph, to compare with :func:`same_graph`."""
    return rdflib.Graph().parse(data=ntriples.decode("utf-8"), format="nt")


def same_graph(expected: bytes, actual: bytes) -> bool:
    """Whether two N-Triples answers are the same graph, blank nodes renamed."""
    return isomorphic(graph(expected), graph(actual))


def same_answer(query: str, triples: bool, expected: bytes, actual: bytes) -> bool:
    """Whether two answers to ``query`` agree: SPARQL JSON results, or N-Triples when ``triples``."""
    if triples:
        return same_graph(expected, actual)
    return solutions(query, expected) == solutions(query, actual)


def engine_answers(engines, query: str) -> tuple[bool, list[bytes]]:
    """Each engine's answer to ``query`` in the form compared here (SPARQL JSON results, or N-Triples
    for CONSTRUCT/DESCRIBE), and whether it is a graph."""
    plan = analyse(query)
    fmt = formats.by_name("ntriples" if plan.answers_with_triples else "json")
    return plan.answers_with_triples, [engine.run(plan, fmt) for engine in engines]
