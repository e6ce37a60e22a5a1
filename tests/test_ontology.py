"""The ontology as a reusable vocabulary: metadata, and every term labelled, defined and used."""

from __future__ import annotations

from pathlib import Path

import owlrl
import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS, DCTERMS, XSD

from ilrs_graph import shipped
from ilrs_graph.namespaces import ILRS, ONTOLOGY

VANN = rdflib.Namespace("http://purl.org/vocab/vann/")


def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(shipped.ontology_file())


def test_the_ontology_has_its_metadata():
    g = ontology()
    o = rdflib.URIRef(ONTOLOGY)
    assert (o, RDF.type, OWL.Ontology) in g
    assert str(g.value(o, OWL.versionIRI)).startswith(ONTOLOGY + "/")
    assert g.value(o, DCTERMS.license) is not None
    assert str(g.value(o, VANN.preferredNamespacePrefix)) == "ilrs"
    assert str(g.value(o, VANN.preferredNamespaceUri)) == ILRS


def test_every_term_is_labelled_defined_and_attached_to_the_ontology():
    g = ontology()
    terms = {s for s in g.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(ILRS)}
    assert len(terms) > 60
    for term in terms:
        labels = [l for l in g.objects(term, RDFS.label) if l.language == "en"]
        assert len(labels) == 1, term
        assert g.value(term, SKOS.definition) is not None, term
        assert g.value(term, RDFS.isDefinedBy) == rdflib.URIRef(ONTOLOGY), term


def test_classes_are_upper_camel_case_and_properties_lower_camel_case():
    g = ontology()
    for cls in g.subjects(RDF.type, OWL.Class):
        assert str(cls)[len(ILRS)][0].isupper(), cls
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in g.subjects(RDF.type, kind):
            assert str(prop)[len(ILRS)][0].islower(), prop


def test_own_classes_are_aligned_with_a_reused_vocabulary():
    g = ontology()
    for cls in g.subjects(RDF.type, OWL.Class):
        parents = set(g.objects(cls, RDFS.subClassOf))
        assert parents, f"{cls} is aligned with nothing"


def test_every_ilrs_term_the_data_and_shapes_use_is_declared(shipped):
    declared = {s for s in ontology().subjects() if str(s).startswith(ILRS)}
    used = {str(t) for q in shipped.quads for t in (q.predicate, q.object)
            if isinstance(t, type(q.predicate)) and str(t).startswith(f"<{ILRS}")}
    shapes = rdflib.Graph().parse(shipped.files[0].parent / "shapes.ttl")
    used |= {f"<{t}>" for triple in shapes for t in triple if str(t).startswith(ILRS)}
    versions = {f"<{v}>" for v in ontology().objects(rdflib.URIRef(ONTOLOGY), OWL.versionIRI | OWL.priorVersion)}
    not_terms = {f"<{ILRS}>", *versions}  # the namespace itself and the versions' IRIs
    undeclared = sorted(u for u in used - not_terms if rdflib.URIRef(u.strip("<>")) not in declared)
    assert undeclared == []


REUSED_AXIOMS = Path(__file__).parent / "fixtures" / "reused-axioms.ttl"
OWLRL_ERROR = rdflib.URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")  # where owlrl says what clashes
PROV, ORG, SCHEMA = (rdflib.Namespace(ns) for ns in ("http://www.w3.org/ns/prov#", "http://www.w3.org/ns/org#",
                                                       "https://schema.org/"))


def test_ontology_and_data_stay_consistent_with_the_vocabularies_they_reuse(shipped):
    """A reuser who loads PROV-O, ORG, FOAF and SKOS beside the graph gets no contradiction and no odd
    type under OWL 2 RL: no instrument both a prov:Entity and a prov:Activity (establishedBy was a
    prov:wasGeneratedBy), a launch date is no prov:startedAtTime (an xsd:dateTime there), a city is no
    organisation (ilrs:country's domain), a property no SKOS concept (skos:closeMatch between properties)."""
    graph = rdflib.Graph().parse(data=ox.serialize([q.triple for q in shipped.quads], format=ox.RdfFormat.N_TRIPLES),
                                 format="nt")
    graph.parse(REUSED_AXIOMS)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    assert [str(message) for message in graph.objects(None, OWLRL_ERROR)] == []
    assert {o.datatype for o in graph.objects(None, PROV.startedAtTime)} <= {XSD.dateTime}
    assert not [c for c in graph.subjects(RDF.type, SCHEMA.City) if (c, RDF.type, ORG.Organization) in graph]
    assert not [p for p in graph.subjects(RDF.type, SKOS.Concept) if (p, RDF.type, OWL.ObjectProperty) in graph]
    assert len(list(graph.subjects(RDF.type, PROV.Entity))) > 20  # the alignments are still there


def test_each_version_says_what_it_changed():
    """A reuser deciding whether to move to this version reads what each one changed: one skos:changeNote
    per version, prior and current, beginning with its number."""
    g = ontology()
    versions = [str(g.value(rdflib.URIRef(ONTOLOGY), OWL.versionInfo)), *shipped.ontology_versions()]
    notes = [str(note) for note in g.objects(rdflib.URIRef(ONTOLOGY), SKOS.changeNote)]
    assert sorted(note.split(":")[0].split(",")[0] for note in notes) == sorted(versions)


def test_each_earlier_version_is_kept_as_released_and_named_by_the_current_one():
    """owl:priorVersion names the versions before this one; each is served at its version IRI from the
    file it was released as (ontology/versions/), which says it is that version."""
    g = ontology()
    current = g.value(rdflib.URIRef(ONTOLOGY), OWL.versionInfo)
    prior = {str(v) for v in g.objects(rdflib.URIRef(ONTOLOGY), OWL.priorVersion)}
    released = shipped.ontology_versions()
    assert prior == {f"{ONTOLOGY}/{version}" for version in released} and str(current) not in released
    for version, path in released.items():
        old = rdflib.Graph().parse(path)
        assert str(old.value(rdflib.URIRef(ONTOLOGY), OWL.versionIRI)) == f"{ONTOLOGY}/{version}"
