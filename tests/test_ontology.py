"""The ontology as a reusable vocabulary: metadata, and every term labelled, defined and used."""

from __future__ import annotations

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS, DCTERMS

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
    not_terms = {f"<{ILRS}>", f"<{ILRS}1.0.0>"}  # the namespace itself and the version IRI
    undeclared = sorted(u for u in used - not_terms if rdflib.URIRef(u.strip("<>")) not in declared)
    assert undeclared == []
