"""SPARQL 1.1 semantics through the endpoint, on both engines: query forms, solution modifiers,
aggregates, property paths, OPTIONAL / MINUS / FILTER (NOT) EXISTS, BIND, VALUES, subqueries, functions,
GRAPH and FROM — each answer worked out by hand from tests/fixtures/semantics.trig, as the W3C
recommendation defines it. The default graph is the RDF merge of the named graphs (each triple once)."""

from __future__ import annotations

import pytest
import rdflib
import requests

from .conftest import FIXTURES
from .server_process import running_server

P = "PREFIX ex: <http://example.org/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
EX = "http://example.org/"

# name: (query, expected rows as tuples of values in variable order, ordered?)
SELECTS = {
    "merge counts a triple once": ("SELECT (COUNT(*) AS ?n) WHERE { ?s ex:age ?a }", [("3",)], True),
    "order, offset, limit": ("SELECT ?s WHERE { ?s ex:age ?a } ORDER BY DESC(?a) LIMIT 2 OFFSET 1",
                             [(EX + "alice",), (EX + "bob",)], True),
    "distinct": ("SELECT DISTINCT ?a WHERE { GRAPH ?g { ?s ex:age ?a } } ORDER BY ?a", [("25",), ("30",), ("35",)], True),
    "aggregates": ("SELECT (SUM(?a) AS ?sum) (AVG(?a) AS ?avg) (MIN(?a) AS ?min) (MAX(?a) AS ?max) WHERE { ?s ex:age ?a }",
                   [("90", "30", "25", "35")], True),
    "group by, having": ("SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ex:knows ?o } GROUP BY ?s HAVING (COUNT(?o) >= 1)",
                         [(EX + "alice", "1"), (EX + "bob", "1"), (EX + "carol", "1")], False),
    "group_concat": ("SELECT (GROUP_CONCAT(?n; separator='|') AS ?all) WHERE { ex:dave ex:name ?n }", [("Dave",)], True),
    "path one or more": ("SELECT ?x WHERE { ex:alice ex:knows+ ?x }", [(EX + "bob",), (EX + "carol",), (EX + "dave",)], False),
    "path zero or more": ("SELECT ?x WHERE { ex:alice ex:knows* ?x }",
                          [(EX + "alice",), (EX + "bob",), (EX + "carol",), (EX + "dave",)], False),
    "path zero or one": ("SELECT ?x WHERE { ex:alice ex:knows? ?x }", [(EX + "alice",), (EX + "bob",)], False),
    "path sequence": ("SELECT ?x WHERE { ex:alice ex:knows/ex:knows ?x }", [(EX + "carol",)], True),
    "path inverse": ("SELECT ?x WHERE { ex:bob ^ex:knows ?x }", [(EX + "alice",)], True),
    "path alternative": ("SELECT ?x WHERE { ex:bob (ex:knows|ex:age) ?x }", [(EX + "carol",), ("25",)], False),
    "optional": ("SELECT ?p ?a WHERE { ?p ex:name ?n OPTIONAL { ?p ex:age ?a } }",
                 [(EX + "alice", "30"), (EX + "bob", "25"), (EX + "carol", "35"), (EX + "dave", "")], False),
    "minus": ("SELECT ?p WHERE { ?p ex:name ?n MINUS { ?p ex:age ?a } }", [(EX + "dave",)], True),
    "filter not exists": ("SELECT ?p WHERE { ?p ex:name ?n FILTER NOT EXISTS { ?p ex:knows ?q } }", [(EX + "dave",)], True),
    "filter exists": ("SELECT ?p WHERE { ?p ex:name ?n FILTER EXISTS { ?p ex:knows ?q } }",
                      [(EX + "alice",), (EX + "bob",), (EX + "carol",)], False),
    "bind": ("SELECT ?d WHERE { ex:bob ex:age ?a BIND(?a * 2 AS ?d) }", [("50",)], True),
    "values": ("SELECT ?p ?n WHERE { VALUES ?p { ex:alice ex:dave } ?p ex:name ?n }",
               [(EX + "alice", "Alice"), (EX + "dave", "Dave")], False),
    "subquery": ("SELECT ?p WHERE { ?p ex:age ?a { SELECT (MAX(?x) AS ?a) WHERE { ?q ex:age ?x } } }", [(EX + "carol",)], True),
    "string functions": ("SELECT (LANG(?n) AS ?l) (STRLEN(?n) AS ?len) (UCASE(?n) AS ?u) (SUBSTR(?n, 2, 3) AS ?sub) "
                         "(REPLACE(?n, 'l', 'L') AS ?r) (CONCAT(?n, '!') AS ?c) (STRAFTER(?n, 'A') AS ?after) "
                         "WHERE { ex:alice ex:name ?n }",
                         [("en", "5", "ALICE", "lic", "ALice", "Alice!", "lice")], True),
    "tests and casts": ("SELECT (DATATYPE(?a) AS ?t) (STR(?a) AS ?s) (isIRI(ex:bob) AS ?iri) (LANGMATCHES(LANG(?n), 'EN') AS ?m) "
                        "(CONTAINS(?n, 'lic') AS ?has) (STRSTARTS(?n, 'Al') AS ?starts) (xsd:integer('7') + 1 AS ?eight) "
                        "WHERE { ex:alice ex:age ?a ; ex:name ?n }",
                        [("http://www.w3.org/2001/XMLSchema#integer", "30", "true", "true", "true", "true", "8")], True),
    "numeric and date functions": ("SELECT (YEAR(?b) AS ?y) (MONTH(?b) AS ?m) (ABS(-2) AS ?abs) (ROUND(2.4) AS ?r) "
                                   "(ENCODE_FOR_URI('a b') AS ?e) WHERE { ex:alice ex:born ?b }",
                                   [("1990", "5", "2", "2.0", "a%20b")], True),
    "if, coalesce, bound": ("SELECT ?p (IF(?a > 28, 'older', 'younger') AS ?band) (COALESCE(?a, -1) AS ?age) "
                            "WHERE { ?p ex:name ?n OPTIONAL { ?p ex:age ?a } FILTER(!BOUND(?a) || ?a > 26) }",
                            [(EX + "alice", "older", "30"), (EX + "carol", "older", "35"), (EX + "dave", "", "-1")], False),
    "regex": ("SELECT ?n WHERE { ?p ex:name ?n FILTER REGEX(?n, '^[ab]', 'i') }", [("Alice",), ("Bob",)], False),
    "graph": ("SELECT ?g WHERE { GRAPH ?g { ex:alice ex:age 30 } }", [(EX + "g1",), (EX + "g2",)], False),
    "from": ("SELECT ?s FROM ex:g2 WHERE { ?s ex:age ?a }", [(EX + "alice",), (EX + "carol",)], False),
    "from named": ("SELECT ?g ?s FROM NAMED ex:g1 WHERE { GRAPH ?g { ?s ex:knows ?o } }",
                   [(EX + "g1", EX + "alice"), (EX + "g1", EX + "bob")], False),
}


def normalise(value: str) -> str:
    """Numbers compare by value (engines may write 30.0 or 30 for the same decimal)."""
    try:
        number = float(value)
    except ValueError:
        return value
    return str(int(number)) if number.is_integer() else str(number)


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def endpoint(request):
    with running_server("--data", FIXTURES / "semantics.trig", "--engine", request.param) as base:
        yield base + "sparql", request.param


def run(endpoint_url: str, query: str) -> list[tuple]:
    response = requests.post(endpoint_url, data={"query": P + query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    body = response.json()
    names = body["head"]["vars"]
    return [tuple(normalise(b[n]["value"]) if n in b else "" for n in names) for b in body["results"]["bindings"]]


@pytest.mark.parametrize("name", sorted(SELECTS))
def test_select_semantics(endpoint, name):
    query, expected, ordered = SELECTS[name]
    url, _ = endpoint
    got = run(url, query)
    expected = [tuple(normalise(v) for v in row) for row in expected]
    assert (got if ordered else sorted(got)) == (expected if ordered else sorted(expected))


def test_ask(endpoint):
    url, _ = endpoint
    yes = requests.post(url, data={"query": P + "ASK { ex:alice ex:knows ex:bob }"}).json()
    no = requests.post(url, data={"query": P + "ASK { ex:bob ex:knows ex:alice }"}).json()
    assert yes["boolean"] is True and no["boolean"] is False


def test_construct(endpoint):
    url, _ = endpoint
    response = requests.post(url, data={"query": P + "CONSTRUCT { ?a ex:friendOf ?b } WHERE { ?a ex:knows ?b }"},
                             headers={"Accept": "application/n-triples"})
    graph = rdflib.Graph().parse(data=response.text, format="nt")
    friend = rdflib.URIRef(EX + "friendOf")
    assert set(graph) == {(rdflib.URIRef(EX + a), friend, rdflib.URIRef(EX + b))
                          for a, b in (("alice", "bob"), ("bob", "carol"), ("carol", "dave"))}


def test_describe(endpoint):
    url, _ = endpoint
    response = requests.post(url, data={"query": P + "DESCRIBE ex:dave"}, headers={"Accept": "application/n-triples"})
    graph = rdflib.Graph().parse(data=response.text, format="nt")
    assert (rdflib.URIRef(EX + "dave"), rdflib.URIRef(EX + "name"), rdflib.Literal("Dave")) in graph
