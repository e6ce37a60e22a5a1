"""A query's answer as a table for people: columns, rows of terms, the time it took.

SELECT gives its variables and solutions, ASK a yes or no, CONSTRUCT and DESCRIBE their triples as
subject / predicate / object rows. The query goes through the same checks and limits as the endpoint's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pyoxigraph as ox

from . import formats
from .dataset import Dataset

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass(frozen=True)
class ResultTable:
    form: str                                  # SELECT, ASK, CONSTRUCT or DESCRIBE
    columns: tuple[str, ...]
    rows: tuple[tuple[Term | None, ...], ...]  # at most max_rows of them
    total_rows: int
    boolean: bool | None                       # the answer of an ASK
    milliseconds: float                        # what running the query took
    kept: bool = False                         # the answer is one kept from an earlier run

    @property
    def truncated(self) -> bool:
        return self.total_rows > len(self.rows)


def run(dataset: Dataset, text: str, *, max_rows: int = 1000) -> ResultTable:
    """Answer ``text``; raise :class:`~ilrs_graph.query.QueryError` when it cannot run."""
    asked = time.monotonic()
    plan = dataset.plan(text)
    answer = dataset.answer(plan, formats.by_name("ntriples" if plan.answers_with_triples else "json"))
    timing = {"milliseconds": answer.seconds * 1000, "kept": answer.made < asked}
    if plan.answers_with_triples:
        triples = list(ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES))
        rows = tuple((t.subject, t.predicate, t.object) for t in triples[:max_rows])
        return ResultTable(plan.form, ("subject", "predicate", "object"), rows, len(triples), None, **timing)
    results = ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.JSON)
    if isinstance(results, ox.QueryBoolean):
        return ResultTable(plan.form, (), (), 0, bool(results), **timing)
    columns = tuple(v.value for v in results.variables)
    solutions = list(results)
    rows = tuple(tuple(s[c] for c in columns) for s in solutions[:max_rows])
    return ResultTable(plan.form, columns, rows, len(solutions), None, **timing)
