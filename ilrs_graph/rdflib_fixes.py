"""Fixes to rdflib's SPARQL evaluator, so that `--engine rdflib` answers as Oxigraph does.

tests/test_engines.py runs every competency question on both engines; these are the differences it
found that were rdflib's mistakes. Importing this module applies them (the evaluator is module-global).
"""

from __future__ import annotations

import operator
import re
from collections import defaultdict
from types import SimpleNamespace

from rdflib import XSD, Literal
from rdflib.plugins.sparql import aggregates, evaluate, parser
from rdflib.plugins.sparql.aggregates import Aggregator
from rdflib.plugins.sparql.evalutils import _eval, _join
from rdflib.plugins.sparql.sparql import FrozenBindings, NotBoundError, SPARQLError

_join_without_binding = evaluate.evalJoin


def _aggregated_value(expression, row):
    """An aggregate's input for one row. rdflib returns, rather than raises, the error of an
    expression such as STR(?unbound), and MIN/MAX/SAMPLE/COUNT then aggregate the error object itself
    (MAX(STR(?date)) became "None"); SPARQL skips that row, as rdflib does for a plain unbound ?date."""
    value = _eval(expression, row)
    if isinstance(value, SPARQLError):
        raise NotBoundError(str(value))
    return value


def _distinct_aggregate_skips_unbound(accumulator, row) -> bool:
    """rdflib issue #716: GROUP_CONCAT(DISTINCT ?x) and the like raise on a row where ?x is unbound
    (an OPTIONAL that did not match) instead of skipping it."""
    try:
        return _aggregated_value(accumulator.expr, row) not in accumulator.seen
    except NotBoundError:
        return False


def _join_binding_into_patterns(ctx, join):
    """rdflib evaluates the two sides of a join separately (unless the join is its only one), so
    `GRAPH ?g {…} ?s rdfs:label ?a . ?p rdfs:label ?b` builds the cross product of all labels first
    (queries/conflicting-claims.rq ran for over ten minutes). Substituting the left side's bindings
    into a plain triple pattern (a BGP) gives exactly the join's solutions, without the product.

    The other way round, rdflib does substitute them into a sub-SELECT, whose variables SPARQL keeps
    apart: `?p ex:age ?a { SELECT (MAX(?x) AS ?a) … }` gave every ?p, not the oldest. A sub-SELECT
    is evaluated on its own, then joined."""
    if join.p2.name == "BGP":
        return evaluate.evalLazyJoin(ctx, join)
    if join.p2.name == "ToMultiSet":
        return _join(evaluate.evalPart(ctx, join.p1), set(evaluate.evalPart(ctx, join.p2)))
    return _join_without_binding(ctx, join)


_multiset = evaluate.evalMultiset


def _values_without_rows(ctx, part):
    """`VALUES ?x { }` (no rows) reaches the evaluator as a bare list, and rdflib fails on it
    (AttributeError: the ontology page was a 500 over data using none of the ontology's terms). A
    VALUES block without rows has no solutions."""
    if isinstance(part.p, list):
        return iter(())
    return _multiset(ctx, part)


def _no_group_without_solutions(ctx, aggregate_join):
    """rdflib's evalAggregateJoin less its last lines, which gave a GROUP BY over no solutions one empty
    group (the ontology page's usage counts failed on it, over data using none of the ontology's
    classes). SPARQL has no group then; only the implicit group of a query without GROUP BY always
    exists (COUNT(*) of nothing is 0)."""
    keys = aggregate_join.p.expr
    groups = defaultdict(lambda: Aggregator(aggregations=aggregate_join.A))
    if keys is None:
        groups[True]
    for row in evaluate.evalPart(ctx, aggregate_join.p):
        groups[True if keys is None else tuple(_eval(e, row, False) for e in keys)].update(row)
    for aggregator in groups.values():
        yield FrozenBindings(ctx, aggregator.get_bindings())


_relational = parser.RelationalExpression.evalfn
_ORDERED = {"<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge}
_COMPARED = {**_ORDERED, "=": operator.eq, "!=": operator.ne}
_NUMERIC = {XSD[name] for name in (
    "integer decimal float double nonPositiveInteger negativeInteger long int short byte nonNegativeInteger "
    "unsignedLong unsignedInt unsignedShort unsignedByte positiveInteger").split()}
_YEARS = {XSD.gYear: re.compile(r"(-?\d{4,})"), XSD.gYearMonth: re.compile(r"(-?\d{4,})-(\d\d)")}


def _kind(literal: Literal):
    """What a literal can be ordered against (SPARQL 1.1, 17.3): numbers with numbers, strings with
    strings, strings in one language with each other, and any other datatype with itself only."""
    if literal.language:
        return "string in", literal.language.lower()
    if literal.datatype in (None, XSD.string):
        return "string"
    return "number" if literal.datatype in _NUMERIC else literal.datatype


def _ordered_comparison(comparison, ctx):
    """rdflib ordered values of any two kinds (2021 as a year before 1 January 2023 as a date, "abc"
    after 5: a FILTER on dates kept 27 partners where Oxigraph keeps 11), and compared no years
    (xsd:gYear, xsd:gYearMonth: "2021-06" < "2021-07" and "2021" = "2022" were errors). Ordering values
    of different kinds is a type error, as Oxigraph has it, and so is telling whether a value of an
    unknown datatype equals another term; years are compared as the calendar does. Each side is
    evaluated once (reading ``comparison.other`` evaluates it) and handed to rdflib's own otherwise."""
    left, right, op = comparison.expr, comparison.other, comparison.op
    evaluated = SimpleNamespace(expr=left, other=right, op=op)
    if right is None or op not in _COMPARED:
        return _relational(evaluated, ctx)
    literals = isinstance(left, Literal) and isinstance(right, Literal)
    years = literals and left.datatype in _YEARS and left.datatype == right.datatype and left != right \
        and (_calendar(left), _calendar(right))
    if op in ("=", "!="):
        if literals and left != right and (_unknown(left) or _unknown(right)) and not (left.language or right.language):
            raise SPARQLError(f"whether {left!r} and {right!r} are equal cannot be told")
        if not (years and all(years)):  # rdflib's own, but for two years it reads
            return _relational(evaluated, ctx)
    if not literals or _kind(left) != _kind(right):
        raise SPARQLError(f"{left!r} and {right!r} cannot be ordered")
    if left == right:  # the same term: equal, whatever its datatype
        left = right = 0
    elif years:
        if not all(years):
            raise SPARQLError(f"{left!r} and {right!r} cannot be ordered")
        left, right = years
    elif _unknown(left):
        raise SPARQLError(f"values of {left.datatype} cannot be ordered")
    try:
        result = _COMPARED[op](left, right)
    except (TypeError, ArithmeticError) as error:  # decimal.InvalidOperation for NaN, among others
        raise SPARQLError(str(error)) from None
    if result is NotImplemented:
        raise SPARQLError("error when comparing")
    return Literal(result)


def _unknown(literal: Literal) -> bool:
    """Of a datatype neither engine knows the values of (not XSD's)."""
    return literal.datatype is not None and not str(literal.datatype).startswith(str(XSD))


def _calendar(literal: Literal) -> tuple[int, ...] | None:
    """A year or a year and month as numbers; None with a time zone or not well formed (left to rdflib)."""
    found = _YEARS[literal.datatype].fullmatch(str(literal))
    return None if found is None else tuple(int(part) for part in found.groups())


aggregates._eval = _aggregated_value
parser.RelationalExpression.evalfn = _ordered_comparison
aggregates.Accumulator.use_row = _distinct_aggregate_skips_unbound
evaluate.evalJoin = _join_binding_into_patterns
evaluate.evalMultiset = _values_without_rows
evaluate.evalAggregateJoin = _no_group_without_solutions
