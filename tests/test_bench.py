"""The parts of the benchmark (bench/, run by make bench only) that make test can check.

The generated graphs are ILRS-shaped: the shipped data's classes and properties, all of them and no
others, in data that passes the shapes — so the data can grow without the benchmark silently measuring
queries that find nothing at 100k and 1M quads. And a throughput run is long enough for the mix."""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from bench.generate import generate, write
from bench.measure import Query
from bench.run import FULL, MIX_PASSES_PER_RUN, TargetResult, run_seconds
from ilrs_graph.load import load_shipped
from ilrs_graph.namespaces import ONTOLOGY
from ilrs_graph.validate import validate_files

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
QUADS = 5000  # enough partners' clusters that the drawn properties each come up


@lru_cache(maxsize=1)
def generated() -> tuple[ox.Quad, ...]:
    return tuple(generate(QUADS))


def vocabulary(quads) -> tuple[set[str], set[str]]:
    """The classes (objects of rdf:type) and the properties the data (not the ontology) uses."""
    data = [quad for quad in quads if quad.graph_name != ox.NamedNode(ONTOLOGY)]
    classes = {quad.object.value for quad in data if quad.predicate.value == RDF_TYPE}
    return classes, {quad.predicate.value for quad in data}


def test_generated_graph_uses_the_shipped_datas_classes_and_properties_and_no_others():
    shipped_classes, shipped_properties = vocabulary(load_shipped().quads)
    classes, properties = vocabulary(generated())
    assert sorted(shipped_classes - classes) == [], "classes of the shipped data that bench/generate.py never writes"
    assert sorted(classes - shipped_classes) == [], "classes bench/generate.py writes that the shipped data lacks"
    assert sorted(shipped_properties - properties) == [], "properties of the shipped data bench/generate.py never writes"
    assert sorted(properties - shipped_properties) == [], "properties bench/generate.py writes that the shipped data lacks"


def test_generated_graph_conforms_to_the_shapes(tmp_path):
    # At the benchmark's smallest size: its partners' clusters share events and cities, which a smaller
    # graph has too few clusters to share.
    quads = 10_000
    trig, _ = write(list(generate(quads)), tmp_path, "generated")
    report = validate_files([trig])
    violations = [f"{finding.focus} {finding.path}: {finding.message}" for finding in report.findings
                  if finding.severity == "violation"]
    assert violations == []
    assert report.triples > quads / 2


def test_the_same_size_and_seed_give_the_same_graph_and_another_seed_another():
    assert tuple(generate(QUADS)) == generated()
    assert tuple(generate(QUADS, seed=7)) != generated()


def answering_in(name: str, **median_ms: float) -> TargetResult:
    return TargetResult(name, latency={query: {"median_ms": ms, "p95_ms": ms, "samples": 1}
                                       for query, ms in median_ms.items()})


def test_a_throughput_run_lasts_long_enough_for_the_fastest_target_to_answer_the_mix_several_times():
    mix = [Query("light", "ASK {}", False), Query("heavy", "ASK {}", False)]
    fast, slow = answering_in("fast", light=400, heavy=2050), answering_in("slow", light=900, heavy=5000)
    unsure = answering_in("answers the heavy query wrong", light=1)  # no latency for a query: not counted
    assert MIX_PASSES_PER_RUN == 5
    assert run_seconds(FULL, [slow, fast, unsure], mix) == 13  # 5 × 2.45 s, in whole seconds for wrk
    small = answering_in("small graph", light=2, heavy=5)
    assert run_seconds(FULL, [small], mix) == FULL.wrk_seconds
