"""The pages people read: the home page and the query page."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, render_template, request

from ilrs_graph import formats, shipped
from ilrs_graph.query import QueryError

from .state import dataset_of

blueprint = Blueprint("ui", __name__)

COUNTS = """PREFIX ilrs: <https://w3id.org/ilrs/ontology/>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT
  (COUNT(DISTINCT ?partner) AS ?partners)
  (COUNT(DISTINCT ?instrument) AS ?instruments)
  (COUNT(DISTINCT ?mission) AS ?missions)
  (COUNT(DISTINCT ?source) AS ?sources)
WHERE {
  { ?partnership a ilrs:Partnership ; org:member ?partner }
  UNION { ?instrument a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ilrs:Instrument }
  UNION { ?mission a ilrs:Mission }
  UNION { ?source a ilrs:SourceDocument }
}"""


@blueprint.route("/")
def home():
    dataset = dataset_of(current_app)
    counts = {name: int(term.value) for name, term in dataset.select(COUNTS)[0].items()}
    counts["facts"] = dataset.engine.quad_count
    return render_template("home.html", counts=counts)


@blueprint.route("/query")
def query_page():
    """A query form; with ?query= it also shows the answer as a table (SELECT/ASK) or as Turtle."""
    examples = [_example(path) for path in shipped.query_files()]
    text = request.args.get("query", "")
    result = error = None
    if text.strip():
        dataset = dataset_of(current_app)
        try:
            plan = dataset.plan(text)
            fmt = formats.by_name("turtle" if plan.answers_with_triples else "json")
            body = dataset.answer(plan, fmt).body
            result = {"turtle": body.decode()} if plan.answers_with_triples else json.loads(body)
        except QueryError as failure:
            error = failure
    return render_template("query.html", examples=examples, text=text, result=result, error=error)


def _example(path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    comments = dict(line[2:].split(": ", 1) for line in text.splitlines()
                    if line.startswith("# ") and ": " in line and line[2:].split(": ", 1)[0] in ("title", "question"))
    return {"name": path.stem, "title": comments.get("title", path.stem),
            "question": comments.get("question", ""), "text": text}
