"""`ilrs-graph export`: every format reads back as the same graph, byte-stable, checksummed and described."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF, SKOS, VOID, XSD

from ilrs_graph import export, jsonld, shipped
from ilrs_graph.formats import by_name
from ilrs_graph.load import load_files
from ilrs_graph.namespaces import ONTOLOGY

from .conftest import FIXTURES, run_cli

RDFLIB_NAMES = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml", "trig": "trig",
                "nquads": "nquads"}
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export")
    result = run_cli("export", "-o", out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def original() -> rdflib.Dataset:
    """The shipped files as rdflib reads them on its own: the reference the dumps must match."""
    dataset = rdflib.Dataset()
    dataset.graph(rdflib.URIRef(ONTOLOGY)).parse(shipped.ontology_file(), format="turtle")
    for path in shipped.data_files():
        dataset.parse(path, format="trig")
    return dataset


def _plain(graph: rdflib.Graph) -> rdflib.Graph:
    """rdflib keeps "x" and "x"^^xsd:string apart; RDF 1.1 says they are the same literal. And the graph
    is served with decimals in canonical form ("2.0" as "2"), as SPARQL stores keep them."""
    result = rdflib.Graph()
    for s, p, o in graph:
        if isinstance(o, rdflib.Literal) and o.datatype == XSD.string:
            o = rdflib.Literal(str(o))
        elif isinstance(o, rdflib.Literal) and o.datatype == XSD.decimal:
            o = rdflib.Literal(format(Decimal(str(o)).normalize(), "f"), datatype=XSD.decimal)
        result.add((s, p, o))
    return result


def _merged(dataset: rdflib.Dataset) -> rdflib.Graph:
    merged = rdflib.Graph()
    for s, p, o, _ in dataset.quads():
        merged.add((s, p, o))
    return _plain(merged)


def _named_graphs(dataset: rdflib.Dataset) -> dict[str, rdflib.Graph]:
    return {str(g.identifier): _plain(g) for g in dataset.graphs() if len(g)}


def test_all_writes_every_format_of_the_table_with_context_description_and_checksums(exported):
    expected = {f"data.{fmt.extension}" for fmt in export.EXPORT_FORMATS}
    assert expected | {"context.jsonld", "void.ttl", "SHA256SUMS"} == {p.name for p in exported.iterdir()}


@pytest.mark.parametrize("fmt", [f for f in export.EXPORT_FORMATS if f.kind == "graph"], ids=lambda f: f.name)
def test_a_graph_dump_parses_back_isomorphic_to_the_merged_graph(exported, original, shipped, fmt):
    path = exported / f"data.{fmt.extension}"
    with_rdflib = rdflib.Graph().parse(path, format=RDFLIB_NAMES[fmt.name])
    assert isomorphic(_plain(with_rdflib), _merged(original))
    with_oxigraph = [q.triple for q in ox.parse(path=str(path), format=fmt.oxigraph)]
    assert len(with_oxigraph) == len(set(with_oxigraph)), "a triple is written twice"
    assert set(with_oxigraph) == {q.triple for q in shipped.quads}


@pytest.mark.parametrize("fmt", [f for f in export.EXPORT_FORMATS if f.kind == "dataset"], ids=lambda f: f.name)
def test_a_dataset_dump_keeps_one_named_graph_per_source(exported, original, shipped, fmt):
    path = exported / f"data.{fmt.extension}"
    with_rdflib = rdflib.Dataset()
    with_rdflib.parse(path, format=RDFLIB_NAMES[fmt.name])
    expected = _named_graphs(original)
    read_back = _named_graphs(with_rdflib)
    assert read_back.keys() == expected.keys() and len(expected) > 50
    assert all(isomorphic(read_back[name], expected[name]) for name in expected)
    assert set(ox.parse(path=str(path), format=fmt.oxigraph)) == set(shipped.quads)


def test_exporting_twice_gives_identical_bytes(exported, tmp_path):
    again = tmp_path / "again"
    assert run_cli("export", "-o", again).returncode == 0
    for path in exported.iterdir():
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name


def test_the_checksums_match_the_files(exported):
    listed = dict(reversed(line.split("  ", 1)) for line in (exported / "SHA256SUMS").read_text().splitlines())
    assert set(listed) == {p.name for p in exported.iterdir()} - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256((exported / name).read_bytes()).hexdigest() == digest, name


def test_the_description_lists_each_dump_with_its_media_type_size_and_checksum(exported):
    description = rdflib.Graph().parse(exported / "void.ttl", format="turtle")
    dataset = rdflib.URIRef("https://w3id.org/ilrs/void#dataset")
    distributions = list(description.objects(dataset, DCAT.distribution))
    assert len(distributions) == len(export.EXPORT_FORMATS)
    for distribution in distributions:
        url = description.value(distribution, DCAT.downloadURL)
        name = str(url).rsplit("/", 1)[1]
        assert str(url) == f"https://w3id.org/ilrs/{name}"
        body = (exported / name).read_bytes()
        checksum = description.value(distribution, SPDX.checksum)
        assert str(description.value(checksum, SPDX.checksumValue)) == hashlib.sha256(body).hexdigest()
        assert description.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert int(description.value(distribution, DCAT.byteSize)) == len(body)
        fmt = by_name(name.rsplit(".", 1)[1], export.EXPORT_FORMATS)
        assert str(description.value(distribution, DCAT.mediaType)).endswith("/" + fmt.media_type)


def test_the_description_states_only_what_the_graph_says(exported, shipped):
    description = rdflib.Graph().parse(exported / "void.ttl", format="turtle")
    dataset = rdflib.URIRef("https://w3id.org/ilrs/void#dataset")
    ontology = rdflib.Graph().parse(shipped.files[0], format="turtle")
    header = rdflib.URIRef(ONTOLOGY)
    assert description.value(dataset, DCTERMS.license) == ontology.value(header, DCTERMS.license) \
        == rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert description.value(dataset, DCTERMS.modified) == ontology.value(header, DCTERMS.modified)
    assert description.value(dataset, DCTERMS.issued) == ontology.value(header, DCTERMS.created)
    dcat_version = rdflib.URIRef(str(DCAT) + "version")  # DCAT 3, newer than rdflib's DCAT namespace
    assert str(description.value(dataset, dcat_version)) == shipped.content_hash[:12]  # the data's, not the ontology's
    citation = str(description.value(dataset, DCTERMS.bibliographicCitation))
    for part in (str(ontology.value(header, DCTERMS.creator)), shipped.content_hash[:12],
                 str(ontology.value(header, DCTERMS.modified)), "https://w3id.org/ilrs/", "CC BY 4.0"):
        assert part in citation, part
    triples = {q.triple for q in shipped.quads}
    assert int(description.value(dataset, VOID.triples)) == len(triples)
    assert int(description.value(dataset, VOID.properties)) == len({t.predicate for t in triples})
    classes = {t.object for t in triples if t.predicate.value == str(RDF.type)}
    assert int(description.value(dataset, VOID.classes)) == len(classes)
    assert description.value(dataset, VOID.sparqlEndpoint) == rdflib.URIRef("https://w3id.org/ilrs/sparql")
    wikidata_links = sum(1 for t in triples if t.predicate.value == str(SKOS.exactMatch)
                         and t.object.value.startswith("http://www.wikidata.org/entity/"))
    linkset = description.value(predicate=VOID.linkPredicate, object=SKOS.exactMatch)
    assert wikidata_links > 0 and int(description.value(linkset, VOID.triples)) == wikidata_links
    examples = list(description.objects(dataset, VOID.exampleResource))
    assert len(examples) == 5 and all(any(t.subject.value == str(e) for t in triples) for e in examples)


def test_base_url_moves_the_endpoint_and_the_downloads(tmp_path):
    result = run_cli("export", "--format", "nt", "--base-url", "https://example.org/ilrs", "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    description = rdflib.Graph().parse(tmp_path / "void.ttl", format="turtle")
    dataset = rdflib.URIRef("https://w3id.org/ilrs/void#dataset")  # the same dataset, published elsewhere
    assert description.value(dataset, VOID.sparqlEndpoint) == rdflib.URIRef("https://example.org/ilrs/sparql")
    dumps = list(description.objects(dataset, VOID.dataDump))
    assert dumps == [rdflib.URIRef("https://example.org/ilrs/data.nt")]
    assert {p.name for p in tmp_path.iterdir()} == {"data.nt", "void.ttl", "SHA256SUMS"}


def test_the_jsonld_dump_reads_like_plain_json(exported):
    document = json.loads((exported / "data.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == json.loads((exported / "context.jsonld").read_text())["@context"]
    nodes = {node["@id"]: node for node in document["@graph"]}
    venezuela = nodes["id:partnership/venezuela"]
    assert venezuela["@type"] == "Partnership"
    assert venezuela["member"] == "id:country/venezuela"
    assert venezuela["organization"] == "id:programme/ilrs"
    assert venezuela["label"] == "Venezuela's ILRS partnership"
    # the dates stay typed: the usual kind through the context (days, since SSGI's and KAIST's outnumber months by
    # one), the others as value objects
    assert document["@context"]["partnerSince"] == {"@id": "ilrs:partnerSince", "@type": "xsd:date"}
    assert sorted(venezuela["partnerSince"], key=str) == ["2023-07-17", {"@type": "xsd:gYearMonth", "@value": "2023-07"}]
    assert nodes["id:phase/basic-model"]["phaseOrder"] == 1  # an xsd:integer is a JSON number


BLANK_NODES_AND_ODD_VALUES = """
@prefix ex:     <https://example.org/> .
@prefix ilrs:   <https://w3id.org/ilrs/ontology/> .
@prefix schema: <https://schema.org/> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/ilrs/id/source/odd> {
    ex:a rdfs:label "A"@en, "Ah"@fr, "plain" ; ex:count 7, "007"^^xsd:integer, "2.50"^^xsd:decimal, true ;
        ex:link ex:b, "not a link" ; ex:when "2024-01-02"^^xsd:date, "2024"^^xsd:gYear ;
        ilrs:country [ rdfs:label "somewhere"@en ; ex:near [ rdfs:label "elsewhere"@en ] ] ;
        schema:name "schema's name" ; ex:name "example's name" ; ex:org "a property named like a prefix" ;
        a ex:Thing, ilrs:Country, schema:Country .
    ex:b ex:link ex:a ; ex:link2 <https://w3id.org/ilrs/id///not-a-compact-iri> .
}
"""


def test_a_jsonld_dump_round_trips_blank_nodes_clashing_names_and_mixed_values(tmp_path):
    data = tmp_path / "odd.trig"
    data.write_text(BLANK_NODES_AND_ODD_VALUES)
    out = tmp_path / "out"
    assert run_cli("export", data, "--format", "jsonld", "-o", out).returncode == 0
    loaded = load_files([data])
    expected = _plain(rdflib.Graph().parse(data=ox.serialize([q.triple for q in loaded.quads],
                                                             format=ox.RdfFormat.N_TRIPLES), format="nt"))
    dump = out / "data.jsonld"
    assert isomorphic(_plain(rdflib.Graph().parse(dump, format="json-ld")), expected)
    with_oxigraph = rdflib.Graph().parse(data=ox.serialize(
        [q.triple for q in ox.parse(path=str(dump), format=ox.RdfFormat.JSON_LD)], format=ox.RdfFormat.N_TRIPLES),
        format="nt")
    assert isomorphic(_plain(with_oxigraph), expected)
    context = json.loads(dump.read_text())["@context"]
    assert context["org"] == "http://www.w3.org/ns/org#"  # a prefix's name is never a property's key
    assert "name" not in context  # two vocabularies' "name", neither of them ILRS: both stay prefixed
    assert context["Country"] == "ilrs:Country"  # the ILRS term wins a shared name
    nodes = {node["@id"]: node for node in json.loads(dump.read_text())["@graph"]}
    assert nodes["https://example.org/b"]["link2"] == "https://w3id.org/ilrs/id///not-a-compact-iri"


@pytest.mark.parametrize("number", ["123456789012345678901234567890", "-1000000000000000000000", "100000000000000000000",
                                    "99999999999999999999"])
def test_an_integer_json_numbers_cannot_hold_is_written_as_its_literal(tmp_path, number):
    """JSON-LD reads a native number of 10²¹ or more as an xsd:double (JSON-LD 1.1 API, 8.6), Oxigraph from
    10²⁰ on: written as a bare number, a 30-digit xsd:integer came back from the dump as
    1.2345678901234567890123456789E29. Twenty digits still read back as the integer."""
    data = tmp_path / "big.trig"
    data.write_text(f"PREFIX ex: <https://example.org/>\nex:g {{ ex:a ex:n {number} . }}\n")
    assert run_cli("export", data, "--format", "jsonld", "-o", tmp_path / "out").returncode == 0
    read_back = {q.object for q in ox.parse(path=str(tmp_path / "out" / "data.jsonld"), format=ox.RdfFormat.JSON_LD)
                 if q.predicate == ox.NamedNode("https://example.org/n")}
    assert read_back == {ox.Literal(number, datatype=ox.NamedNode(str(XSD.integer)))}


def test_the_context_is_the_same_for_the_same_graph_in_any_order(shipped):
    triples = [q.triple for q in shipped.quads]
    assert jsonld.context(triples) == jsonld.context(reversed(triples))


@pytest.mark.parametrize("args, message", [
    (["--format", "csv"], "cannot export as 'csv'"),
    (["--base-url", "ftp://example.org/"], "--base-url must be an http or https URL"),
    (["no-such-file.trig"], "no such file"),
])
def test_bad_arguments_exit_2_with_a_message(tmp_path, args, message):
    result = run_cli("export", *args, "-o", tmp_path / "out")
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_output_that_is_a_file_exits_2(tmp_path):
    target = tmp_path / "taken"
    target.write_text("mine")
    result = run_cli("export", "-o", target)
    assert result.returncode == 2 and "is not a directory" in result.stderr and target.read_text() == "mine"


def test_export_never_overwrites_the_files_it_reads(tmp_path):
    source = tmp_path / "data.trig"
    source.write_bytes((FIXTURES / "base.trig").read_bytes())
    result = run_cli("export", source, "-o", tmp_path, cwd=tmp_path)
    assert result.returncode == 2 and "is one of the files being exported" in result.stderr
    assert source.read_bytes() == (FIXTURES / "base.trig").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.trig"]


@pytest.mark.parametrize("blocked", ["data.trig", ".data.jsonld.partial"])
def test_an_export_that_cannot_write_a_file_leaves_the_previous_export_whole(tmp_path, blocked):
    """A file that cannot be written (here a directory stands in its way; a full disk does the same)
    stops the export before any file of the previous one is replaced."""
    out = tmp_path / "dist"
    assert run_cli("export", "-o", out).returncode == 0
    before = {path.name: path.read_bytes() for path in out.iterdir() if path.name != "data.trig"}
    (out / "data.trig").unlink()
    (out / blocked).mkdir()
    result = run_cli("export", FIXTURES / "base.trig", "-o", out)
    assert result.returncode == 2 and "Traceback" not in result.stderr and blocked.strip(".").split(".partial")[0] in result.stderr
    assert {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()} == before
    assert sorted(path.name for path in out.iterdir() if path.is_dir()) == [blocked]


def test_a_new_export_over_an_old_one_leaves_only_its_own_files(tmp_path):
    out = tmp_path / "dist"
    assert run_cli("export", "-o", out).returncode == 0
    (out / "notes.txt").write_text("mine")  # not the export's: never touched
    assert run_cli("export", "-o", out, "--format", "ttl").returncode == 0
    listed = {line.split("  ", 1)[1] for line in (out / "SHA256SUMS").read_text().splitlines()}
    assert {path.name for path in out.iterdir()} == listed | {"SHA256SUMS", "notes.txt"}
    assert "data.ttl" in listed and "data.nt" not in listed


def test_dumps_are_not_written_among_the_data_they_come_from(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "base.trig").write_bytes((FIXTURES / "base.trig").read_bytes())
    result = run_cli("export", data, "-o", data)
    assert result.returncode == 2 and "a directory of their own" in result.stderr
    assert [path.name for path in data.iterdir()] == ["base.trig"]


def test_a_directory_whose_checksums_are_not_an_exports_is_refused_and_left_as_it_was(tmp_path):
    """A release folder's own SHA256SUMS: the export would overwrite it and remove what it lists."""
    (tmp_path / "important.txt").write_text("precious")
    (tmp_path / "SHA256SUMS").write_text(f"{hashlib.sha256(b'precious').hexdigest()}  important.txt\n")
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    result = run_cli("export", "--format", "ttl", "-o", tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "lists 'important.txt', which no export writes" in result.stderr
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == before


def test_a_new_export_leaves_a_dump_changed_since_the_last_one(tmp_path):
    """Only what the previous export wrote, as it wrote it, goes: an edited dump is someone's work."""
    assert run_cli("export", "--format", "all", "-o", tmp_path).returncode == 0
    (tmp_path / "data.nt").write_text("<urn:edited> <urn:by> <urn:hand> .\n")
    assert run_cli("export", "--format", "ttl", "-o", tmp_path).returncode == 0
    assert (tmp_path / "data.nt").read_text() == "<urn:edited> <urn:by> <urn:hand> .\n"
    assert not (tmp_path / "data.trig").exists() and (tmp_path / "data.ttl").exists()


def test_an_export_by_an_earlier_version_is_replaced_like_any_other(tmp_path):
    """Its dumps were named ilrs.ttl, ilrs.nq…; a blank line in its SHA256SUMS (an editor's) changes nothing."""
    old = b"<urn:a> <urn:b> <urn:c> .\n"
    (tmp_path / "ilrs.nt").write_bytes(old)
    (tmp_path / "SHA256SUMS").write_text(f"{hashlib.sha256(old).hexdigest()}  ilrs.nt\n\n")
    assert run_cli("export", "--format", "ttl", "-o", tmp_path).returncode == 0
    assert {path.name for path in tmp_path.iterdir()} == {"data.ttl", "void.ttl", "SHA256SUMS"}
