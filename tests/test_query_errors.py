"""What a person reads when their query cannot be parsed: what to change, where, in words rather than
the parser's grammar (Oxigraph lists the Unicode ranges a name may hold), on both engines."""

from __future__ import annotations

import pytest

from ilrs_graph import formats
from ilrs_graph.dataset import Dataset
from ilrs_graph.query import QueryError

JSON = formats.by_name("json")


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def dataset(request):
    return Dataset.open(engine=request.param, cache_entries=0)


def refusal(dataset: Dataset, text: str) -> QueryError:
    with pytest.raises(QueryError) as raised:
        dataset.answer(dataset.plan(text), JSON)
    assert raised.value.status == 400
    return raised.value


@pytest.mark.parametrize("text, line, column", [
    ("SELECT ?thing WHERE {\n  ?thing a/ilrs:partnerSince ?date }", 2, 12),
    ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT * { _:b rdfs:label ?y . ?y ilrs:party ?z }", 2, 35),
])
def test_an_undeclared_prefix_is_named_with_the_declaration_to_add_and_where_it_is_used(dataset, text, line, column):
    error = refusal(dataset, text)
    assert error.message == ("The prefix ilrs: is not declared: add PREFIX ilrs: "
                             "<https://w3id.org/ilrs/ontology/> before the query.")
    assert (error.line, error.column) == (line, column)


def test_a_prefix_rdflib_knows_by_itself_must_be_declared_too(dataset):
    """rdflib's parser knows rdf:, rdfs:, xsd:… undeclared, and answered where Oxigraph refused."""
    error = refusal(dataset, "SELECT ?o WHERE { ?s rdfs:label ?o }")
    assert error.message.startswith("The prefix rdfs: is not declared") and (error.line, error.column) == (1, 22)


def test_what_only_looks_like_a_prefixed_name_is_none(dataset):
    """A blank node's label, and an IRI written with an escape, which the check reads before decoding."""
    plan = dataset.plan("SELECT ?o WHERE { _:b <http://x/\\u00e9> ?o }")
    assert dataset.answer(plan, JSON).body is not None
    error = refusal(dataset, "SELECT * WHERE { ?s <http://x/\\u00e9> ?o . ?s ?p }")
    assert "prefix" not in error.message


def test_an_update_is_refused_as_one_whatever_prefixes_it_uses(dataset):
    with pytest.raises(QueryError) as raised:
        dataset.plan("INSERT DATA { ex:a ex:b ex:c }")
    assert raised.value.status == 403


def test_a_prefix_the_graph_does_not_use_is_named_too(dataset):
    assert refusal(dataset, "SELECT * { ?s mine:p ?o }").message.startswith("The prefix mine: is not declared")


@pytest.mark.parametrize("text, words", [
    ("SELECT * WHERE { ?s ?p ?o } LIMIT -1", "expected one of HAVING, OFFSET, OPTIONAL, VALUES or a name, number"),
    ("SELECT ?x WHERE { ?s ?p ?o } GROUP BY ?s", "The SELECT contains a variable that is unbound."),
    ("SELECT * WHERE { FILTER(?s = ", "STRLEN"),
])
def test_oxigraphs_message_is_its_sentence_or_its_words_without_character_ranges(text, words):
    error = refusal(Dataset.open(), text)
    assert words in error.message and "\\u{" not in error.message and "..=" not in error.message
    assert error.message.startswith("Syntax error in the query: ") and error.line == 1


def test_what_oxigraph_expected_names_nothing_this_endpoint_refuses_or_sparql_lacks():
    """A missing object got "expected one of LATERAL, SERVICE or a name…": SERVICE is refused here, and
    LATERAL is Oxigraph's extension, in no SPARQL 1.1 query a reader could copy elsewhere."""
    message = refusal(Dataset.open(), "SELECT * WHERE { ?x ?p }").message
    assert message == "Syntax error in the query: expected a name, number or other term."


@pytest.mark.parametrize("text", ["SELECT * { ?s ?p ?o } LIMIT 99999999999999999999999",
                                  "SELECT * { ?s ?p ?o } OFFSET # a comment\n 9223372036854775808"])
def test_a_limit_or_offset_beyond_what_the_engines_count_is_refused_alike(dataset, text):
    """rdflib failed with a traceback (itertools.islice counts to sys.maxsize at most)."""
    assert refusal(dataset, text).message.endswith("is more than this endpoint counts to (9,223,372,036,854,775,807).")


def test_limits_that_each_count_within_bounds_are_not_refused_for_their_sum():
    """Oxigraph answers; rdflib, which stops at OFFSET + LIMIT, says why it cannot (it failed with a traceback)."""
    text = "SELECT * { { SELECT * { ?s ?p ?o } OFFSET 5000000000000000000 } } LIMIT 5000000000000000000"
    oxigraph, rdflib_engine = Dataset.open(cache_entries=0), Dataset.open(engine="rdflib", cache_entries=0)
    assert oxigraph.answer(oxigraph.plan(text), JSON).body
    assert refusal(rdflib_engine, "SELECT * { ?s ?p ?o } OFFSET 9223372036854775000 LIMIT 9000").message.startswith(
        "OFFSET and LIMIT add up to more than the rdflib engine counts to")
