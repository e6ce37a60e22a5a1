"""The IRIs of the graph: one stable base, the ontology's namespace, and the prefixes shown to people."""

import re

BASE = "https://w3id.org/ilrs/"
ONTOLOGY = BASE + "ontology"          # the ontology document, also the name of its graph
ILRS = BASE + "ontology/"             # namespace of the ontology's terms
RESOURCE = BASE + "id/"               # resources: <RESOURCE><kind>/<slug>
SOURCE = RESOURCE + "source/"         # source documents: the names of the graphs that hold their facts
SHAPES = BASE + "shapes"              # the SHACL shapes document; a shape is <SHAPES>/<Name>

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SH = "http://www.w3.org/ns/shacl#"
PROV = "http://www.w3.org/ns/prov#"

# Prefixes used to shorten IRIs in reports and pages, and declared for queries typed in the UI.
PREFIXES: dict[str, str] = {
    "ilrs": ILRS,
    "agency": RESOURCE + "agency/",
    "organisation": RESOURCE + "organisation/",
    "country": RESOURCE + "country/",
    "person": RESOURCE + "person/",
    "programme": RESOURCE + "programme/",
    "partnership": RESOURCE + "partnership/",
    "agreement": RESOURCE + "agreement/",
    "mission": RESOURCE + "mission/",
    "payload": RESOURCE + "payload/",
    "site": RESOURCE + "site/",
    "phase": RESOURCE + "phase/",
    "document": RESOURCE + "document/",
    "event": RESOURCE + "event/",
    "place": RESOURCE + "place/",
    "objective": RESOURCE + "objective/",
    "statement": RESOURCE + "statement/",
    "report": RESOURCE + "report/",
    "source": SOURCE,
    "shapes": BASE + "shapes/",
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "skos": SKOS,
    "sh": SH,
    "prov": PROV,
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "time": "http://www.w3.org/2006/time#",
    "vann": "http://purl.org/vocab/vann/",
    "wd": "http://www.wikidata.org/entity/",
}


def shorten(iri: str) -> str:
    """``ilrs:Partnership`` for a known namespace (longest match wins), else ``<iri>``."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            local = iri[len(namespace):]
            if local and all(c.isalnum() or c in "-_." for c in local):
                best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else f"<{iri}>"


_IRI_IN_TEXT = re.compile(r"<([^<>\s]+)>")


def shorten_terms(text: str) -> str:
    """Shorten every ``<iri>`` inside an N-Triples-style text (a term, a triple) with :func:`shorten`."""
    return _IRI_IN_TEXT.sub(lambda m: shorten(m.group(1)), text)
