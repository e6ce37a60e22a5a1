"""The check every query goes through before an engine sees it (ilrs_graph.query): what it reads as
tokens, the normal form the result cache asks by, which queries are volatile, and that it takes time
linear in the query's length whatever the query holds (it runs in the server's worker, outside the
executors' time limit)."""

from __future__ import annotations

import time

import pytest

from ilrs_graph.query import Limits, QueryError, analyse

# Texts that once took the check time growing with the square of their length: at 100k characters,
# 48 s for the first (a string left open at each backslash-quote), 7 s at 40k for the second.
PATHOLOGICAL = {
    "open strings": '"a\\' * 33_000,
    "dotted names": "a." * 49_000,
    "hyphenated names": "a-" * 49_000,
    "open long strings": '"""\n\\' * 24_000,
    "long strings and escapes": 'a\n\\"""' * 19_000,
    "single-quoted long strings": "''' \n \\" * 16_000,
}


@pytest.mark.parametrize("unit", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_the_check_takes_linear_time_on_any_text(unit):
    text = "SELECT * WHERE { ?s ?p " + unit + " }"
    started = time.perf_counter()
    try:
        analyse(text, Limits(max_nesting_depth=10**6))
    except QueryError:
        pass  # refused or not: what counts is how long it took to say
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize("tag", ["with", "en-x-load", "de-using", "en-delete"])
def test_a_language_tag_is_no_keyword(tag):
    assert analyse(f'SELECT * WHERE {{ ?s ?p "x"@{tag} }}').form == "SELECT"


def test_keywords_inside_dotted_and_hyphenated_runs_are_still_read():
    with pytest.raises(QueryError) as refused:
        analyse("SELECT * WHERE { ?s ?p ?o }.CLEAR.ALL")
    assert refused.value.status == 403


def test_a_long_string_left_open_is_read_as_shorter_strings_as_rdflib_reads_it():
    """rdflib reads `\"\"\"x\"` as the empty string and "x" when no closing quotes follow: then a SERVICE
    after it is no part of a string."""
    with pytest.raises(QueryError, match="SERVICE"):
        analyse('SELECT * WHERE { ?s ?p "", """x" . SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }')


@pytest.mark.parametrize("escaped", ["\\#", "\\'"])
def test_an_escaped_character_in_a_prefixed_name_starts_no_comment_or_string(escaped):
    """SPARQL's local names may escape # and ' (ex:a\\#): the engines read on past them, and so does the
    check. Read as a comment or a string, they hid the rest of the line: a SERVICE, and from the normal
    form the difference between two queries (the result cache would answer one with the other's answer)."""
    with pytest.raises(QueryError, match="SERVICE"):
        analyse(f"PREFIX ex: <http://x/> SELECT * WHERE {{ ?s ?p ex:a{escaped} . SERVICE <http://127.0.0.1:9/> {{ ?s ?p ?o }} }}")
    one, other = (f"PREFIX ex: <http://x/> SELECT * WHERE {{ ?s ?p ex:a{escaped} . ?s a ex:{kind} }}" for kind in "AB")
    assert normal_form(one) != normal_form(other)


def normal_form(text: str) -> str:
    return analyse(text).normal_form


def test_comments_and_runs_of_whitespace_do_not_change_the_normal_form():
    plain = "SELECT ?s WHERE { ?s a <http://example.org/T> . FILTER(?s != <http://x#y>) }"
    written = ("# which ones?\nSELECT  ?s\tWHERE {\n  ?s a <http://example.org/T> . # typed\n"
               "  FILTER(?s != <http://x#y>)\n}\n")
    assert normal_form(written) == normal_form(plain) == plain


@pytest.mark.parametrize("one, other", [
    ('SELECT * { ?s ?p "a  b" }', 'SELECT * { ?s ?p "a b" }'),            # inside a string
    ('SELECT * { ?s ?p "a#b" }', 'SELECT * { ?s ?p "a" }'),                # a '#' in a string is no comment
    ('SELECT * { ?s ?p """a\n  b""" }', 'SELECT * { ?s ?p """a b""" }'),  # inside a long string
    ("SELECT * { ?s ?p ?o FILTER(?o > 1.5) }", "SELECT * { ?s ?p ?o FILTER(?o > 1 . 5) }"),
    ("SELECT * { ?s ?p ?o } LIMIT 10", "SELECT * { ?s ?p ?o } LIMIT 1 0"),
    ("select * { ?s ?p ?o }", "SELECT * { ?s ?p ?o }"),                    # the engine's business
])
def test_what_can_change_the_meaning_changes_the_normal_form(one, other):
    assert normal_form(one) != normal_form(other)


@pytest.mark.parametrize("text, volatile", [
    ("SELECT (NOW() AS ?t) WHERE {}", True),
    ("SELECT (rand() AS ?r) WHERE {}", True),
    ("SELECT ?s WHERE { ?s ?p ?o BIND(UUID() AS ?u) }", True),
    ("SELECT (STRUUID() AS ?u) WHERE {}", True),
    ("CONSTRUCT { ?s <http://x/p> ?b } WHERE { ?s ?p ?o BIND(BNODE() AS ?b) }", True),
    (r"SELECT (\u004EOW() AS ?t) WHERE {}", True),  # as rdflib reads it
    ("SELECT ?now ?rand WHERE { ?now <http://x/uuid> ?rand }", False),
    ('SELECT * WHERE { ?s ?p "NOW()" }', False),
    ("PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:rand ?o }", False),
])
def test_queries_whose_answer_may_change_between_runs_are_volatile(text, volatile):
    assert analyse(text).volatile is volatile
