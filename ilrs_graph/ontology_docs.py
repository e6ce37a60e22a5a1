"""The ontology's documentation, generated: every class, property and named individual with its label,
definition, domain and range, alignments with the vocabularies it reuses, the SHACL rules that apply to
it, and an example from the data.

Terms come from the ontology's graph in the dataset (loaded from ``ontology/ilrs.ttl``), rules from the
shapes file (``ontology/shapes.ttl``), examples from the data: the page is always what those files say.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from . import shipped
from .dataset import Dataset
from .namespaces import ILRS, ONTOLOGY, PREFIXES, RDFS, SKOS, shorten
from .readable import human_label
from .resources import term_text

_PREFIXES = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())
_OWL_KINDS = {"http://www.w3.org/2002/07/owl#Class": "class",
              "http://www.w3.org/2002/07/owl#ObjectProperty": "object property",
              "http://www.w3.org/2002/07/owl#DatatypeProperty": "datatype property",
              "http://www.w3.org/2002/07/owl#AnnotationProperty": "annotation property"}
_PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")  # in an sh:message: {?value}, {$this}…
# How a term relates to a term of another vocabulary, in words.
_ALIGNMENTS = {"http://www.w3.org/2000/01/rdf-schema#subClassOf": "narrower than",
               "http://www.w3.org/2000/01/rdf-schema#subPropertyOf": "narrower than",
               "http://www.w3.org/2002/07/owl#equivalentClass": "the same as",
               "http://www.w3.org/2002/07/owl#equivalentProperty": "the same as",
               "http://www.w3.org/2004/02/skos/core#exactMatch": "the same as",
               "http://www.w3.org/2004/02/skos/core#closeMatch": "close to",
               "http://www.w3.org/2004/02/skos/core#broadMatch": "narrower than",
               "http://www.w3.org/2004/02/skos/core#narrowMatch": "broader than",
               "http://www.w3.org/2004/02/skos/core#relatedMatch": "related to"}
_VIOLATION = "http://www.w3.org/ns/shacl#Violation"
DCTERMS = "http://purl.org/dc/terms/"
RDFS_SUBCLASS, RDFS_SUBPROPERTY, RDFS_DOMAIN, RDFS_RANGE = (RDFS + name for name in ("subClassOf", "subPropertyOf", "domain", "range"))


@dataclass(frozen=True)
class Ref:
    """A term another term points to: one of the ontology's own (``local`` set) or another vocabulary's."""

    iri: str
    label: str

    @property
    def local(self) -> str | None:
        """The term's name in the ontology's namespace, or None for another vocabulary's term."""
        rest = self.iri[len(ILRS):]
        return rest if self.iri.startswith(ILRS) and rest and "/" not in rest else None


@dataclass(frozen=True)
class Rule:
    """One SHACL constraint, as its message says it."""

    shape: Ref
    message: str  # its sh:message, the placeholders named for a reader (:func:`_readable_message`)
    severity: str  # "violation" or "warning"
    path: str | None


@dataclass(frozen=True)
class Example:
    subject: Ref
    value: Ref | str | None  # for a property: what the example says; None for a class


@dataclass(frozen=True)
class Term:
    iri: str
    kind: str  # class, object property, datatype property, or the label of an individual's class
    label: str
    definition: str | None
    broader: tuple[Ref, ...]       # the ontology's own superclasses or super-properties
    narrower: tuple[Ref, ...]
    alignments: tuple[tuple[str, Ref], ...]  # (relation in words, another vocabulary's term)
    domain: tuple[Ref, ...]
    range: tuple[Ref, ...]
    related: tuple[Ref, ...]       # a class: the properties whose domain it is; a property: none
    rules: tuple[Rule, ...]
    examples: tuple[Example, ...]
    uses: int                      # instances of a class, statements with a property

    @property
    def local(self) -> str:
        return self.iri[len(ILRS):]

    @property
    def usage_query(self) -> str | None:
        """A SPARQL query listing the class's instances or the property's statements."""
        if self.kind == "class":
            return (f"PREFIX rdfs: <{RDFS}>\n"
                    f"SELECT DISTINCT ?thing ?label WHERE {{\n  ?thing a/rdfs:subClassOf* <{self.iri}> .\n"
                    "  OPTIONAL { ?thing rdfs:label ?label }\n}\nORDER BY ?label")
        if self.kind.endswith("property"):
            return f"SELECT ?subject ?value WHERE {{\n  ?subject <{self.iri}> ?value .\n}}\nORDER BY ?subject ?value"
        return None


@dataclass(frozen=True)
class Documentation:
    iri: str
    title: str
    description: str | None
    metadata: tuple[tuple[str, tuple[Ref | str, ...]], ...]  # the header's other facts: (label, values)
    changes: tuple[str, ...]  # what each version changed (skos:changeNote), oldest first
    classes: tuple[Term, ...]
    object_properties: tuple[Term, ...]
    datatype_properties: tuple[Term, ...]
    individuals: tuple[Term, ...]
    other_rules: tuple[tuple[str, Ref, tuple[Rule, ...]], ...]  # rules on reused terms: (whom, term, rules)


def documentation(dataset: Dataset, shapes_file: Path | None = None) -> Documentation:
    """The documentation of the ontology the dataset holds, with the rules of ``shapes_file`` (the
    shipped shapes by default)."""
    graph = f"GRAPH <{ONTOLOGY}>"
    labels = {r["t"].value: r["label"].value for r in dataset.select(_PREFIXES + """
        SELECT ?t (MIN(?l) AS ?label) WHERE { ?t rdfs:label ?l FILTER (LANG(?l) IN ("en", "")) } GROUP BY ?t""")}

    def ref(iri: str) -> Ref:
        return Ref(iri, labels.get(iri) or shorten(iri))

    terms = dataset.select(_PREFIXES + f"""
        SELECT ?term ?type ?definition WHERE {{
          {graph} {{
            ?term rdfs:isDefinedBy <{ONTOLOGY}> ; a ?type .
            OPTIONAL {{ ?term skos:definition ?definition }}
          }}
        }}""")
    links: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in dataset.select(_PREFIXES + f"""
        SELECT ?term ?relation ?other WHERE {{
          {graph} {{
            ?term rdfs:isDefinedBy <{ONTOLOGY}> ; ?relation ?other . FILTER (isIRI(?other))
            VALUES ?relation {{ rdfs:subClassOf rdfs:subPropertyOf rdfs:domain rdfs:range owl:equivalentClass
                                owl:equivalentProperty skos:exactMatch skos:closeMatch skos:broadMatch
                                skos:narrowMatch skos:relatedMatch skos:inScheme }}
          }}
        }} ORDER BY ?term ?relation ?other"""):
        links[row["term"].value][row["relation"].value].append(row["other"].value)

    kinds: dict[str, str] = {}
    definitions: dict[str, str] = {}
    for row in terms:
        iri, type_iri = row["term"].value, row["type"].value
        if type_iri in _OWL_KINDS:
            kinds[iri] = _OWL_KINDS[type_iri]
        elif iri not in kinds:
            kinds[iri] = labels.get(type_iri) or shorten(type_iri)
        if "definition" in row:
            definitions[iri] = term_text(row["definition"])
    kinds.pop(ONTOLOGY, None)

    narrower: dict[str, list[str]] = defaultdict(list)
    domain_of: dict[str, list[str]] = defaultdict(list)
    for iri, relations in links.items():
        for parent in relations.get(RDFS_SUBCLASS, []) + relations.get(RDFS_SUBPROPERTY, []):
            narrower[parent].append(iri)
        for cls in relations.get(RDFS_DOMAIN, []):
            domain_of[cls].append(iri)

    rules_by_class, rules_by_property, rules_by_subjects_of, rules_by_objects_of = _rules(
        shapes_file or shipped.shapes_file(), ref)
    uses, examples = _usage(dataset, kinds, ref)

    def superclasses(iri: str) -> set[str]:
        seen, todo = set(), [iri]
        while todo:
            for parent in links.get(todo.pop(), {}).get(RDFS_SUBCLASS, []):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    def term(iri: str) -> Term:
        relations = links.get(iri, {})
        kind = kinds[iri]
        own_parents = [p for p in relations.get(RDFS_SUBCLASS, []) + relations.get(RDFS_SUBPROPERTY, [])
                       if p in kinds]
        alignments = tuple((_ALIGNMENTS[relation], ref(other)) for relation, others in relations.items()
                           if relation in _ALIGNMENTS for other in others if other not in kinds)
        if kind == "class":
            rules = [rule for cls in [iri, *sorted(superclasses(iri))] for rule in rules_by_class.get(cls, [])]
        else:
            rules = rules_by_property.get(iri, []) + rules_by_subjects_of.get(iri, []) + rules_by_objects_of.get(iri, [])
        return Term(iri, kind, labels.get(iri) or shorten(iri), definitions.get(iri),
                    tuple(ref(p) for p in own_parents), tuple(ref(c) for c in sorted(narrower.get(iri, []))),
                    alignments, tuple(ref(d) for d in relations.get(RDFS_DOMAIN, [])),
                    tuple(ref(r) for r in relations.get(RDFS_RANGE, [])),
                    tuple(ref(p) for p in sorted(domain_of.get(iri, []))) if kind == "class" else (),
                    tuple(dict.fromkeys(rules)), tuple(examples.get(iri, [])), uses.get(iri, 0))

    by_kind: dict[str, list[Term]] = defaultdict(list)
    for iri in sorted(kinds, key=lambda i: (labels.get(i) or i).lower()):
        documented = term(iri)
        by_kind[documented.kind if documented.kind in _OWL_KINDS.values() else "individual"].append(documented)
    other_rules = tuple(("instances of", ref(cls), tuple(rules)) for cls, rules in sorted(rules_by_class.items())
                        if cls not in kinds)
    other_rules += tuple(("whatever has a", ref(prop), tuple(rules)) for prop, rules in sorted(rules_by_subjects_of.items())
                         if prop not in kinds)
    metadata = _metadata(dataset, ref)
    title = metadata.pop(DCTERMS + "title", None) or metadata.get(RDFS + "label") or [ONTOLOGY]
    description = metadata.pop(DCTERMS + "description", None)
    metadata.pop(RDFS + "label", None)
    changes = tuple(sorted((str(note) for note in metadata.pop(SKOS + "changeNote", [])), key=_version_order))
    return Documentation(ONTOLOGY, str(title[0]), str(description[0]) if description else None,
                         tuple((human_label(p), tuple(values)) for p, values in metadata.items()), changes,
                         tuple(by_kind["class"]), tuple(by_kind["object property"]),
                         tuple(by_kind["datatype property"]), tuple(by_kind["individual"]), other_rules)


def _version_order(note: str) -> tuple[int, ...]:
    """A change note by the version it begins with ("1.10.0, …" after "1.9.0, …"); others first."""
    number = re.match(r"\d+(?:\.\d+)*", note)
    return tuple(int(part) for part in number.group().split(".")) if number else ()


def _metadata(dataset: Dataset, ref) -> dict[str, list[Ref | str]]:
    """The ontology's own description, by property IRI."""
    rows = dataset.select(_PREFIXES + f"""
        SELECT ?property ?value WHERE {{ GRAPH <{ONTOLOGY}> {{ <{ONTOLOGY}> ?property ?value }} }}
        ORDER BY ?property STR(?value)""")
    found: dict[str, list[Ref | str]] = {}
    for row in rows:
        if row["property"].value.endswith("#type"):
            continue
        value = row["value"]
        found.setdefault(row["property"].value, []).append(
            ref(value.value) if isinstance(value, ox.NamedNode) else term_text(value))
    return found


@lru_cache(maxsize=4)
def _shapes_store(path: Path, modified: float) -> ox.Store:
    """The shapes file, parsed once per version of it."""
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def _readable_message(message: str) -> str:
    """``message`` with pySHACL's placeholders, which a validation report fills in with what it found,
    named instead: ``{?value}`` → "‹value›", ``{$this}`` → "‹this›", ``{?phaseLabel}`` → "‹phase label›"."""
    return _PLACEHOLDER.sub(lambda found: f"‹{human_label(found[1])}›", message)


def _rules(path: Path, ref) -> tuple[dict[str, list[Rule]], ...]:
    """The rules that apply to the instances of each class (sh:targetClass), to each property (a
    property shape's sh:path), to whatever uses a property (sh:targetSubjectsOf) and to whatever a
    property links to (sh:targetObjectsOf: the report a copy reproduces)."""
    store = _shapes_store(path, path.stat().st_mtime)
    solutions = store.query(_PREFIXES + """
        SELECT ?shape ?targetClass ?targetSubjectsOf ?targetObjectsOf ?path ?message ?severity ?nodeSeverity WHERE {
          ?shape a sh:NodeShape .
          OPTIONAL { ?shape sh:severity ?nodeSeverity }
          { ?shape sh:property ?constraint . ?constraint sh:message ?message .
            OPTIONAL { ?constraint sh:path ?path FILTER (isIRI(?path)) }
            OPTIONAL { ?constraint sh:severity ?severity } }
          UNION { ?shape sh:sparql/sh:message ?message }
          UNION { ?shape sh:message ?message }
          { ?shape sh:targetClass ?targetClass } UNION { ?shape sh:targetSubjectsOf ?targetSubjectsOf }
          UNION { ?shape sh:targetObjectsOf ?targetObjectsOf }
        } ORDER BY ?shape ?message ?path ?severity ?targetClass ?targetSubjectsOf ?targetObjectsOf""")
    shape_labels = {s["shape"].value: s["label"].value for s in store.query(
        _PREFIXES + "SELECT ?shape ?label WHERE { ?shape a sh:NodeShape ; rdfs:label ?label }")}
    by_class: dict[str, list[Rule]] = defaultdict(list)
    by_property: dict[str, list[Rule]] = defaultdict(list)
    by_subjects_of: dict[str, list[Rule]] = defaultdict(list)
    by_objects_of: dict[str, list[Rule]] = defaultdict(list)
    for row in solutions:
        shape = row["shape"].value
        severity = row["severity"] or row["nodeSeverity"]
        path = row["path"].value if row["path"] is not None else None
        rule = Rule(Ref(shape, shape_labels.get(shape) or shorten(shape)), _readable_message(row["message"].value),
                    "violation" if severity is None or severity.value == _VIOLATION else "warning", path)
        if row["targetClass"] is not None:
            by_class[row["targetClass"].value].append(rule)
        if row["targetSubjectsOf"] is not None:
            by_subjects_of[row["targetSubjectsOf"].value].append(rule)
        if row["targetObjectsOf"] is not None:
            by_objects_of[row["targetObjectsOf"].value].append(rule)
        if path is not None:
            by_property[path].append(rule)
    return tuple({k: list(dict.fromkeys(v)) for k, v in by_target.items()}
                 for by_target in (by_class, by_property, by_subjects_of, by_objects_of))


def _usage(dataset: Dataset, kinds: dict[str, str], ref) -> tuple[dict[str, int], dict[str, list[Example]]]:
    """How often the data uses each class and property, and one example of each (the first by label)."""
    uses: dict[str, int] = {}
    examples: dict[str, list[Example]] = {}
    classes = " ".join(f"<{iri}>" for iri, kind in kinds.items() if kind == "class")
    for row in dataset.select(_PREFIXES + f"""
        SELECT ?class (COUNT(DISTINCT ?thing) AS ?n) WHERE {{
          VALUES ?class {{ {classes} }} ?thing a/rdfs:subClassOf* ?class .
        }} GROUP BY ?class"""):
        uses[row["class"].value] = int(row["n"].value)
    for row in dataset.select(_PREFIXES + f"""
        SELECT ?class ?thing WHERE {{
          VALUES ?class {{ {classes} }}
          {{ SELECT ?class (MIN(?label) AS ?first) WHERE {{
               VALUES ?class {{ {classes} }} ?thing a/rdfs:subClassOf* ?class ; rdfs:label ?label .
             }} GROUP BY ?class }}
          ?thing a/rdfs:subClassOf* ?class ; rdfs:label ?first .
        }}"""):
        examples.setdefault(row["class"].value, [Example(ref(row["thing"].value), None)])
    properties = " ".join(f"<{iri}>" for iri, kind in kinds.items() if kind.endswith("property"))
    for row in dataset.select(_PREFIXES + f"""
        SELECT ?property (COUNT(*) AS ?n) WHERE {{ VALUES ?property {{ {properties} }} ?s ?property ?o }}
        GROUP BY ?property"""):
        uses[row["property"].value] = int(row["n"].value)
    first_uses: dict[str, tuple[str, str, ox.NamedNode | ox.BlankNode | ox.Literal]] = {}
    for row in dataset.select(_PREFIXES + f"""
        SELECT ?property ?s ?o WHERE {{
          VALUES ?property {{ {properties} }}
          {{ SELECT ?property (MIN(?label) AS ?first) WHERE {{
               VALUES ?property {{ {properties} }} ?s ?property ?o ; rdfs:label ?label .
             }} GROUP BY ?property }}
          ?s ?property ?o ; rdfs:label ?first .
        }}"""):  # the uses by the first subject by label; of those, the first value is picked here
        use = (term_text(row["o"]), row["s"].value, row["o"])
        first_uses[row["property"].value] = min(first_uses.get(row["property"].value, use), use, key=lambda u: u[:2])
    for prop, (_, subject, value) in first_uses.items():
        if prop not in examples:
            shown = ref(value.value) if isinstance(value, ox.NamedNode) else term_text(value)
            examples[prop] = [Example(ref(subject), shown)]
    return uses, examples
