"""Loading files: parse errors with file:line, and where each subject is written."""

import time
from pathlib import Path

import pytest

from ilrs_graph.load import LoadError, load_files

from .conftest import run_cli

PREFIXES = "@prefix ex: <https://example.org/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"


def test_a_syntax_error_names_file_line_and_column(tmp_path: Path):
    broken = tmp_path / "broken.ttl"
    broken.write_text(PREFIXES + "ex:a rdfs:label \"A\" .\nex:b rdfs:label \"B\" ;\n")
    with pytest.raises(LoadError) as caught:
        load_files([broken], display_root=tmp_path)
    assert caught.value.path == "broken.ttl"
    assert caught.value.line == 5
    assert str(caught.value).startswith("broken.ttl:5:")


def test_a_json_ld_file_whose_context_is_elsewhere_is_refused_in_words(tmp_path: Path):
    """Never fetched (no request leaves the machine); Oxigraph says "No LoadDocumentCallback has been set"."""
    linked = tmp_path / "linked.jsonld"
    linked.write_text('{"@context": "https://schema.org/", "@id": "https://example.org/x", "name": "X"}')
    with pytest.raises(LoadError, match="its @context names another document, which is never fetched"):
        load_files([linked])


def test_a_missing_file_is_named(tmp_path: Path):
    with pytest.raises(LoadError, match="no such file"):
        load_files([tmp_path / "absent.ttl"])


def test_an_unknown_file_type_is_refused(tmp_path: Path):
    odd = tmp_path / "data.csv"
    odd.write_text("a,b\n")
    with pytest.raises(LoadError, match="unknown RDF file type '.csv'"):
        load_files([odd])


def test_bytes_that_are_not_utf8_are_refused_with_their_line(tmp_path: Path):
    latin = tmp_path / "latin.ttl"
    latin.write_bytes(PREFIXES.encode() + b'ex:a rdfs:label "caf\xe9" .\n')
    with pytest.raises(LoadError) as caught:
        load_files([latin])
    assert caught.value.line == 3 and "UTF-8" in caught.value.message


def test_subjects_are_located_where_they_are_typed(tmp_path: Path):
    data = tmp_path / "data.trig"
    data.write_text(PREFIXES + "@prefix s: <https://example.org/source/> .\n"
                    "s:one {\n"
                    "    ex:thing rdfs:label \"Thing\"@en .\n"          # line 5: first mention
                    "    ex:other a ex:Class ;\n"                       # line 6
                    "        rdfs:seeAlso ex:thing .\n"
                    "}\n"
                    "s:two {\n"
                    "    ex:thing a ex:Class .\n"                       # line 10: where it is typed
                    "}\n"
                    "ex:loose rdfs:label \"Loose\" .\n")                 # line 12: default graph
    loaded = load_files([data], ontology=False, display_root=tmp_path)
    assert str(loaded.location_of("<https://example.org/thing>")) == "data.trig:10"
    assert str(loaded.location_of("<https://example.org/other>")) == "data.trig:6"
    assert str(loaded.location_of("<https://example.org/thing>", "https://example.org/source/one")) == "data.trig:5"
    assert str(loaded.location_of("<https://example.org/loose>", "")) == "data.trig:12"


def test_the_shipped_graph_loads_with_every_subject_located(shipped):
    subjects = {str(q.subject) for q in shipped.quads if not str(q.subject).startswith("_:")}
    unlocated = [s for s in subjects if shipped.location_of(s) is None]
    assert not unlocated
    assert shipped.content_hash and len(shipped.content_hash) == 64


def test_the_version_is_what_the_files_hold_whatever_order_they_are_named_in(tmp_path: Path, shipped):
    """load --data data ontology/ilrs.ttl loads what load loads: the same version, so the same
    validation cache entry and the same store version; a changed byte is another version."""
    data = sorted(Path(shipped.files[-1]).parent.glob("*.trig"))
    ontology = next(f for f in shipped.files if f.suffix == ".ttl")
    assert load_files([*reversed(data), ontology]).content_hash == shipped.content_hash
    changed = tmp_path / data[0].name
    changed.write_bytes(data[0].read_bytes() + b"\n")
    assert load_files([changed, *data[1:], ontology]).content_hash != shipped.content_hash


RDF_XML = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
{entities}
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
 <rdf:Description rdf:about="&ex;x"><ex:p>{reference}</ex:p></rdf:Description>
</rdf:RDF>
"""
NAMESPACE = '<!ENTITY ex "http://example.org/">'


def _laughs(levels: int) -> str:
    """Each entity ten of the one before: 10 ** (levels + 1) bytes from a file of a few hundred."""
    names = "abcdefghij"[:levels + 1]
    return "\n".join([NAMESPACE, f'<!ENTITY {names[0]} "aaaaaaaaaa">'] + [
        f'<!ENTITY {name} "{("&" + before + ";") * 10}">' for before, name in zip(names, names[1:])])


def _decoys(levels: int) -> str:
    """The laughs, each entity first declared empty: a reader keeping the first declaration sees nothing
    to expand, the parser keeps the last."""
    return "\n".join(f'<!ENTITY {name} "">' for name in "abcdefghij"[1:levels + 1]) + "\n" + _laughs(levels)


CHAIN = 600  # deeper than Python's recursion allows a recursive reading


@pytest.mark.parametrize("entities, reference, after, words", [
    (_laughs(8), "&i;", "", "its entities would expand to more than 16,777,216 bytes"),
    (_decoys(7), "&h;", "", "declares the entity 'b' twice"),
    (_laughs(7), "&h;", "<!-- <!ENTITY z 'x'> -->", "its entities would expand to more than 16,777,216 bytes"),
    (NAMESPACE + '<!ENTITY a "&b;"> <!ENTITY b "&a;">', "&a;", "", "its entity 'a' refers to itself"),
    (NAMESPACE + '<!ENTITY % p "x">', "x", "", "declares the parameter entity 'p'"),
    (NAMESPACE + '<!ENTITY x SYSTEM "file:///etc/passwd">', "&x;", "", "declares the external entity 'x'"),
    (NAMESPACE + "\n".join(f'<!ENTITY e{n} "&e{n + 1};&e{n + 1};">' for n in range(CHAIN)) + f'<!ENTITY e{CHAIN} "a">',
     "&e0;", "", "its entities would expand to more than 16,777,216 bytes"),
])
def test_rdf_xml_entities_that_would_expand_without_bound_are_refused_before_parsing(tmp_path: Path, entities,
                                                                                     reference, after, words):
    path = tmp_path / "laughs.rdf"
    path.write_text(RDF_XML.format(entities=entities, reference=reference) + after)
    with pytest.raises(LoadError) as refused:
        load_files([path], ontology=False)
    assert words in str(refused.value)


def test_many_entity_declarations_are_read_in_linear_time(tmp_path: Path):
    """20,000 declarations (400 KB) took 81 s to check when each was compared with every other."""
    path = tmp_path / "many.rdf"
    path.write_text(RDF_XML.format(entities=NAMESPACE + "\n".join(f'<!ENTITY e{n} "v">' for n in range(20_000)),
                                   reference="&e1;"))
    started = time.process_time()
    assert len(load_files([path], ontology=False).quads) == 1
    assert time.process_time() - started < 5


def test_a_parameter_entity_in_a_comment_of_the_dtd_is_only_a_comment(tmp_path: Path):
    path = tmp_path / "commented.rdf"
    path.write_text(RDF_XML.format(entities=NAMESPACE + '<!-- <!ENTITY % p "x"> -->', reference="x"))
    assert len(load_files([path], ontology=False).quads) == 1


def test_rdf_xml_entities_within_bounds_are_read(tmp_path: Path):
    path = tmp_path / "entities.rdf"
    path.write_text(RDF_XML.format(entities=_laughs(5), reference="&f;"))  # 1 MB from a small file
    (quad,) = [q for q in load_files([path], ontology=False).quads if q.predicate.value == "http://example.org/p"]
    assert quad.subject.value == "http://example.org/x" and len(quad.object.value) == 10 ** 6


OWL_PREFIX = "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"


def test_a_file_declaring_the_ontologies_it_imports_goes_into_the_importing_ones_graph(tmp_path: Path):
    """Files that type the ontologies they owl:import declare several: the one no other imports names the graph."""
    path = tmp_path / "two.ttl"
    path.write_text(OWL_PREFIX + "<http://example.org/a> a owl:Ontology ; owl:imports <http://example.org/b> .\n"
                    "<http://example.org/b> a owl:Ontology .\n<http://example.org/x> <http://example.org/p> 1 .\n")
    loaded = load_files([path], ontology=False)
    graphs = {}
    for quad in loaded.quads:
        graphs.setdefault(getattr(quad.graph_name, "value", ""), set()).add(quad.subject.value)
    assert graphs == {"http://example.org/a": {"http://example.org/a", "http://example.org/b"},
                      "": {"http://example.org/x"}}
    assert loaded.ontology_graphs == {"http://example.org/a"}


@pytest.mark.parametrize("imports, why", [
    ("", "(<http://example.org/a>, <http://example.org/b>) are imported (owl:imports) by no other"),
    ("<http://example.org/a> owl:imports <http://example.org/b> .\n<http://example.org/b> owl:imports <http://example.org/a> .\n",
     "each of them (<http://example.org/a>, <http://example.org/b>) is imported (owl:imports) by another"),
], ids=["unrelated", "each-imports-the-other"])
def test_a_file_declaring_ontologies_none_of_which_is_the_importing_one_is_refused_saying_why(tmp_path: Path,
                                                                                            imports, why):
    path = tmp_path / "two.ttl"
    path.write_text(OWL_PREFIX + "<http://example.org/a> a owl:Ontology .\n<http://example.org/b> a owl:Ontology .\n"
                    + imports)
    with pytest.raises(LoadError, match="declares 2 ontologies outside a named graph") as refused:
        load_files([path], ontology=False)
    assert why in str(refused.value) and "import the others from it" in str(refused.value)


def test_a_statement_two_files_make_in_one_graph_is_one_quad(tmp_path: Path):
    """As a store holds it: the server's count (/healthz, VoID) and a load's must not say two (the shipped
    data writes a publisher's label in the organisations' file and the sources')."""
    for name, literal in (("one.nq", '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'),
                          ("again.nq", '"01"^^<http://www.w3.org/2001/XMLSchema#integer>')):  # the same number
        (tmp_path / name).write_text(f"<http://example.org/a> <http://example.org/b> {literal} <http://example.org/g> .\n")
    assert len(load_files([tmp_path / "one.nq", tmp_path / "again.nq"], ontology=False).quads) == 1


@pytest.mark.parametrize("suffix, written", [
    ("trig", 'PREFIX ex: <https://example.org/>\nex:g{n} {{ ex:s{n} ex:p _:b1 . _:b1 ex:name "{n}" . }}\n'),
    ("nq", '<https://example.org/s{n}> <https://example.org/p> _:b1 <https://example.org/g{n}> .\n'
           '_:b1 <https://example.org/name> "{n}" <https://example.org/g{n}> .\n'),
])
def test_a_blank_node_label_two_files_use_names_two_nodes(tmp_path: Path, suffix, written):
    """A blank node label is the file's own (RDF 1.1 Concepts, 3.4): two files writing _:b1, as
    exporters number their blank nodes, describe two nodes. Kept as written, they were one, and each
    subject's node had the other file's name too (COUNT 2, a wrong answer from `query` and the server)."""
    for n in (1, 2):
        (tmp_path / f"{n}.{suffix}").write_text(written.format(n=n))
    result = run_cli("query", "PREFIX ex: <https://example.org/> SELECT ?s (COUNT(?name) AS ?names) "
                     "WHERE { ?s ex:p ?node . ?node ex:name ?name } GROUP BY ?s ORDER BY ?s",
                     "--format", "csv", "--data", tmp_path / f"1.{suffix}", tmp_path / f"2.{suffix}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["s,names", "https://example.org/s1,1", "https://example.org/s2,1"]
