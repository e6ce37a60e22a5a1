"""The check every query goes through before an engine sees it (ilrs_graph.query): what it reads as
tokens, the normal form the result cache asks by, which queries are volatile, and that it takes time
linear in the query's length whatever the query holds (it runs in the server's worker, outside the
executors' time limit)."""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ilrs_graph import shipped
from ilrs_graph.query import Limits, QueryError, QueryPlan, _read, _read_common, analyse

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


def test_a_comment_ends_at_a_carriage_return_as_oxigraph_ends_it():
    """SPARQL ends a comment at the end of a line, CR or LF (Oxigraph does: it ran the SERVICE after
    '#c\\r', posting the query to the address named); read on to the LF, the comment hid the SERVICE, and
    from the normal form the difference between two queries (the cache would give one the other's answer)."""
    with pytest.raises(QueryError, match="SERVICE"):
        analyse("SELECT * WHERE { ?s ?p ?o #c\rSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    one, other = (f"SELECT * WHERE {{ ?s ?p ?o #c\r FILTER(?o = {value}) }}" for value in (1, 2))
    assert normal_form(one) != normal_form(other)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICESILENT<http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { serviceSilent?e { ?s ?p ?o } }",
    "PREFIX service: <urn:x:> PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { service:sparql { ?s ?p ?o } }",
    "PREFIX servicex: <urn:x:> PREFIX x: <http://127.0.0.1:9/> SELECT * WHERE { servicex:sparql # c\n{ ?s ?p ?o } }",
])
def test_a_service_run_into_what_follows_it_is_still_service(text):
    """Oxigraph matches a keyword without looking past its last letter: it reads SERVICESILENT<…> as SERVICE
    SILENT <…>, and service:sparql { … } as SERVICE :sparql { … }, and an Oxigraph server behind --store
    then posts the pattern to the address named. The check read one word and one prefixed name."""
    with pytest.raises(QueryError, match="SERVICE is not allowed"):
        analyse(text)


def test_a_prefix_called_service_is_still_a_prefix_where_no_group_follows():
    assert analyse("PREFIX service: <urn:x:> SELECT * WHERE { ?s service:name ?o }").form == "SELECT"


@pytest.mark.parametrize("prefix", ["service", "serviceDesk", "SERVICE"])
def test_a_graph_named_with_a_prefix_called_service_is_a_graph(prefix):
    """After GRAPH, Oxigraph reads a name, never the keyword SERVICE: such a query federates nothing."""
    text = f"PREFIX {prefix}: <urn:x:> SELECT * WHERE {{ graph {prefix}:g {{ ?s ?p ?o }} }}"
    assert analyse(text).form == "SELECT"
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:o"), ox.NamedNode("urn:x:g")))
    assert len(list(store.query(text))) == 1


@pytest.mark.parametrize("text, default, named", [
    ("PREFIX FROM: <urn:x:> PREFIX : <urn:g:> SELECT * FROM:a WHERE { ?s ?p ?o }", ["urn:g:a"], []),
    ("PREFIX : <urn:g:> ASK from:a { ?s ?p ?o }", ["urn:g:a"], []),
    ("PREFIX : <urn:g:> SELECT * FROMNAMED:a { GRAPH ?g { ?s ?p ?o } }", [], ["urn:g:a"]),
    ("SELECT * FROMNAMED<urn:g:a> { GRAPH ?g { ?s ?p ?o } }", [], ["urn:g:a"]),
    ("PREFIX x: <urn:g:> SELECT * FROMx:a WHERE { ?s ?p ?o }", ["urn:g:a"], []),
    # rdflib reads NAMED:a as a prefixed name, Oxigraph as NAMED :a when NAMED: is not declared
    ("PREFIX NAMED: <urn:n:> PREFIX : <urn:g:> SELECT * FROM NAMED:a WHERE { ?s ?p ?o }", ["urn:n:a"], ["urn:g:a"]),
])
def test_a_from_run_into_what_follows_it_is_still_from(text, default, named):
    """Oxigraph reads FROM:a as FROM :a, and FROMNAMED<…> as FROM NAMED <…> (rdflib reads FROM:a so too):
    the check read a prefixed name FROM:a and a word, so it collected no graph, and a query naming a graph
    this dataset does not have had an empty answer instead of the 400 FROM <unknown> gets."""
    plan = analyse(text)
    assert (sorted(plan.from_graphs), sorted(plan.from_named_graphs)) == (default, named)


def test_a_prefix_called_from_is_still_a_prefix_inside_a_group():
    plan = analyse("PREFIX from: <urn:x:> SELECT * WHERE { ?s from:name ?o }")
    assert (plan.from_graphs, plan.from_named_graphs) == ((), ())


@pytest.mark.parametrize("count", ["²", "①", "٣"])
def test_a_digit_sparql_does_not_count_with_is_no_count_and_no_crash(count):
    """Python's str.isdigit takes '²' and '①', which int() cannot read (a ValueError, not a QueryError: a
    500 from the endpoint); SPARQL counts in ASCII digits only, so the engine reports the syntax error."""
    assert analyse(f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {count}").form == "SELECT"


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


# --- the common read (_read_common) against the full read (_read) --------------------------------

# Pieces where the two reads could part: names before colons after ?, $, @, _, digits, dots and hyphens;
# words the check refuses or must look at, inside and outside variables, names and language tags; the
# literals and what they hide; whitespace Python and ASCII count differently; letters past ASCII.
DECLARATIONS = ["PREFIX ex: <http://x/>", "PREFIX : <http://y/>", "prefix a.b: <urn:a>", "PREFIX ex:<urn:e#>",
                "BASE <urn:b>", "PREFIX: <urn:p>", "PREFIX-a: <urn:q>", "PREFIX ex.: <urn:r>", "PREFIX ex:a <urn:s>",
                "PREFIX\x1cex: <urn:t>", "# c\nPREFIX ex: <urn:u>", "PREFIX ex: 'urn:v'"]
PIECES = DECLARATIONS + ["?ex:a", "$ex:b", '"s"@ex:c', "ex.:d",
          "PREFIX", "ex:", "ex:a", "ex:a.b", "ex:a..SERVICE", ":x", "_:b", "_a:x", "?x:y", "$v:w", "?x.ex:y", "@en:x",
          "@en-x-load", '"s"@en', "a.b:c", "1ex:a", "1.5", "ex:a:b", "?from", "?select", "FROM", "from <urn:g>", "NAMED", "FROM:x", "fromnamed",
          "SERVICE", "service", "Service:x", "SERVICESILENT", "1SERVICE", "a.SERVICE", "?x.SERVICE", "NOW()", "rand", "STRUUID", "INSERT",
          "WITH", "ADD", "LIMIT 10", "OFFSET 99999999999999999999", "LIMIT 0009223372036854775808", "SELECT", "ASK",
          "CONSTRUCT", "DESCRIBE", "select*", "SELECT:", "SELECT.x", "WHERE", "{", "}", "(", ")", "[", "]", ".", ";",
          "?s", "?o", "a", "<urn:s>", "<http://x/#f>", "< 5", "<", ">", '"a # b"', "'it'", '"open', '"open ', "# comment\n", "#c\r", '"a\r',
          "#", "\n", "\t", "\x1c", "\u00a0", "\r\n", "é", "ſELECT", "\u212aey", "\u00e9x:a", '""', "''", "?", "@"]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=25).flatmap(
    lambda pieces: st.lists(st.sampled_from(["", " ", "\n"]), min_size=len(pieces), max_size=len(pieces)).map(
        lambda gaps: "".join(gap + piece for gap, piece in zip(gaps, pieces))))
SHAPED = st.tuples(st.lists(st.sampled_from(DECLARATIONS), max_size=3),
                   st.sampled_from(["SELECT *", "ASK", "CONSTRUCT", "DESCRIBE", "select*", "SELECT:", "SELECT.x", "\x1cASK"]),
                   TEXTS).map(lambda parts: " ".join((*parts[0], parts[1], parts[2])))
QUESTIONS = [path.read_text() for path in shipped.query_files()]


def full_read(text: str, max_depth: int = 64) -> QueryPlan | None:
    try:
        return _read(text, max_depth)
    except QueryError:
        return None


@settings(max_examples=3000, deadline=None)
@example("PREFIX ex: <http://x/> SELECT * { ?ex:a ?p ?o }")  # ?ex, then :a (and "" is not declared)
@example('PREFIX ex: <http://x/> SELECT * { ?s ?p "o"@ex:a }')  # @ex, then :a
@example("PREFIXex: <http://x/> SELECT * { ?s ex:a ?o }")  # one name, PREFIXex:, not PREFIX ex:
@given(st.one_of(TEXTS, SHAPED,
                 st.sampled_from(QUESTIONS).flatmap(lambda question: TEXTS.map(lambda text: question + text)),
                 st.text(max_size=60)))
def test_the_common_read_accepts_nothing_the_full_read_refuses_and_plans_alike(text):
    common = _read_common(text, 64)
    if common is not None:
        assert common == full_read(text)


@given(st.lists(st.sampled_from("{(["), max_size=8))
def test_the_common_read_leaves_a_query_that_may_nest_too_deep_to_the_full_read(openers):
    closers = "".join({"{": "}", "(": ")", "[": "]"}[opener] for opener in reversed(openers))
    text = f"SELECT * {{ {' '.join(openers)} ?s ?p ?o {' '.join(closers)} }}"
    common = _read_common(text, 4)
    assert common == full_read(text, 4) if common is not None else len(openers) >= 4


@pytest.mark.parametrize("question", QUESTIONS, ids=[path.stem for path in shipped.query_files()])
def test_every_competency_question_takes_the_common_read(question):
    """The common read is what makes the check cheap: a query of the kind clients send takes it."""
    assert _read_common(question, 64) == full_read(question) is not None
