"""The ``ilrs-graph`` command: argument parsing only; the work is done by the library.

Exit codes, for every subcommand: 0 ok, 1 findings (a violation, a query that fails), 2 bad input
(unreadable or unparseable files, bad arguments).
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from dataclasses import fields
from pathlib import Path

from . import __version__, memory
from .namespaces import BASE, ONTOLOGY
from .query import Limits, is_seconds
from .wording import article, counted

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
TIMEOUT_REFUSED = "--timeout must be a number of seconds above 0"


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    args.own_command_line = argv is None  # this process is the command: serve may start it again (mimalloc)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        *others, last = args.command_names
        return _fail(f"name a command: {', '.join(others)} or {last}")
    try:
        return args.run(args)
    except BrokenPipeError:  # a summary line piped into `head` and the like, the work done
        _stop_writing()
        return EXIT_OK
    except KeyboardInterrupt:
        print("ilrs-graph: interrupted", file=sys.stderr)
        return 130
    except MemoryError:  # data larger than the memory this process may use (a container's limit, ulimit -v)
        return _fail("not enough memory: the data takes more than this process may use")


def _write(output: str | bytes, code: int) -> int:
    """Write a command's output and return its exit code, which stands even when the reader has gone
    (`validate | head` still exits 1 on a violation); a full disk or a closed terminal is an error (2)."""
    try:
        if isinstance(output, bytes):
            sys.stdout.buffer.write(output)
        else:
            sys.stdout.write(output)
        sys.stdout.flush()
    except BrokenPipeError:
        _stop_writing()
    except OSError as error:
        _stop_writing()
        return _fail(f"cannot write the output: {error.strerror or error}")
    return code


def _stop_writing() -> None:
    """Send what is left of stdout nowhere, so that Python's flush at exit does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ilrs-graph",
        description="The ILRS Knowledge Graph: validate, query, serve and export the graph of the "
                    "International Lunar Research Station programme.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    validate = commands.add_parser(
        "validate", help="check the data against the SHACL shapes",
        description="Check the shipped ontology and data (no FILE), or the given RDF files (Turtle, TriG, "
                    "N-Triples, N-Quads, RDF/XML, JSON-LD) merged with the ontology, against the SHACL shapes. Exit 0 when the data conforms (warnings "
                    "allowed), 1 when there is a violation, 2 when a file cannot be read or parsed.")
    validate.add_argument("files", nargs="*", type=Path, metavar="FILE|DIR",
                          help="data files to check (a directory: the RDF files in it)")
    validate.add_argument("--format", choices=("text", "json", "sarif", "junit", "github"), default="text",
                          help="report format: text (default), json, sarif (SARIF 2.1.0, for code scanning), "
                               "junit (JUnit XML, a test case per shape) or github (workflow annotations)")
    validate.add_argument("--shapes", type=Path, metavar="FILE", help="SHACL shapes to use instead of the shipped ones")
    validate.set_defaults(run=_validate)

    query = commands.add_parser(
        "query", help="answer a SPARQL query from the command line",
        usage="%(prog)s [-h] QUERY|FILE.rq|NAME|- [--format FORMAT] [--data FILE [FILE ...]] "
              "[--engine {oxigraph,rdflib}] [--timeout SECONDS]",
        description="Answer a SPARQL query (the text, a .rq file, the name of a packaged competency question "
                    "such as joined-in-2023, or - to read it from stdin) over the shipped graph, or over the "
                    "given --data files, with the same engine and checks as the server.")
    query.add_argument("query", metavar="QUERY|FILE.rq|NAME|-",
                       help="a SPARQL query; a file holding one; the name of a packaged competency question "
                            "(a file name without .rq, when no such file is here: "
                            + ", ".join(_question_names()) + "); or - for stdin")
    query.add_argument("--format", default="table",
                       help="table (default; Turtle for CONSTRUCT/DESCRIBE), json, xml, csv or tsv for "
                            "SELECT/ASK; turtle, ntriples, jsonld, rdfxml, trig or nquads for CONSTRUCT/DESCRIBE")
    query.add_argument("--data", nargs="+", type=Path, metavar="FILE", help="RDF files (or directories of them) to query instead")
    query.add_argument("--engine", choices=("oxigraph", "rdflib"), default="oxigraph",
                       help="SPARQL engine (default: oxigraph)")
    query.add_argument("--timeout", type=float, metavar="SECONDS",
                       help="give up on the query after SECONDS, exit 1 (default: no limit; Ctrl-C stops it too)")
    query.set_defaults(run=_query)

    serve = commands.add_parser(
        "serve", help="serve the SPARQL endpoint and linked-data site",
        description="Serve the graph over HTTP (SPARQL 1.1 Protocol at /sparql, linked-data pages, dumps) "
                    "on gunicorn. By default the shipped ontology and data, validated first; --data serves "
                    "the given RDF files (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD) instead; --store "
                    "answers from an external SPARQL store loaded by `ilrs-graph load --store`. Exit 2 when "
                    "the data cannot be read, the store cannot be used, an option is wrong, the port is taken or "
                    "TMPDIR or XDG_CACHE_HOME names a directory that cannot be written; 1 when the data fails "
                    "validation.",
        epilog="Signals go to the main process, whose id the log's 'Listening at' line ends with (its workers "
               "show the same command line, and a worker sent SIGHUP dies with the requests it holds): SIGHUP "
               "loads the data again and replaces the workers, keeping the graph served when the new data fails; "
               "SIGTERM stops after the requests under way (exit 0); SIGINT (Ctrl-C) stops at once. The log "
               "goes to stderr. Each good version of the data is kept in $XDG_CACHE_HOME/ilrs-graph/last-good "
               "(by default ~/.cache/ilrs-graph/last-good) and served when a start or reload finds the data "
               "broken (not with --store).")
    serve.add_argument("--data", nargs="+", type=Path, metavar="FILE", help="RDF files (or directories of them) to serve instead")
    add_store_arguments(serve, required=False)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=5000, help="port to listen on (default: 5000)")
    serve.add_argument("--workers", type=int, default=2, help="worker processes (default: 2)")
    serve.add_argument("--engine", choices=("oxigraph", "rdflib"), default="oxigraph",
                       help="SPARQL engine (default: oxigraph)")
    serve.add_argument("--validate", action="store_true",
                       help="serve the --data files only if, merged with the ontology, they conform to the "
                            "shapes (the shipped data always is checked)")
    serve.add_argument("--limit", action="append", default=[], metavar="NAME=VALUE",
                       help="change one of the endpoint's limits (repeat for several; sizes may end in K, M "
                            "or G): " + ", ".join(f"{f.name}={_as_setting(f.default)}" for f in fields(Limits)))
    serve.add_argument("--base-url", metavar="URL",
                       help="the URL clients reach the server at (behind a proxy), for the URLs it writes: the "
                            "service description's endpoint, VoID's dumps (default: each request's Host)")
    serve.add_argument("--allocator", choices=("auto", memory.MIMALLOC, memory.SYSTEM), default="auto",
                       help="how the server allocates memory: auto (the default) uses mimalloc where it is installed "
                            f"({memory.MIMALLOC_PACKAGE}), which makes queries about 5 %% cheaper; mimalloc "
                            "insists on it (exit 2 without it); system keeps the C library's malloc")
    serve.set_defaults(run=_serve)

    export = commands.add_parser(
        "export", help="write the graph as dumps with checksums and a VoID/DCAT description",
        description="Write the shipped ontology and data (no FILE), or the given RDF files merged with the "
                    "ontology, into DIR: one dump per format (the same data always gives the same bytes), "
                    "context.jsonld with a JSON-LD dump, void.ttl describing the dumps, and SHA256SUMS. "
                    "Graph formats (ttl, nt, jsonld, rdfxml) hold each triple once; dataset formats (trig, "
                    "nq) keep one named graph per source. With --site DIR instead, a static linked-data site "
                    "for any static host: the server's pages with relative links, each resource's RDF "
                    "documents, every dump, void.ttl and sitemap.xml. Exit 2 when a file cannot be read or "
                    "parsed.")
    export.add_argument("files", nargs="*", type=Path, metavar="FILE|DIR",
                        help="RDF files to export instead (a directory: the RDF files in it)")
    export.add_argument("--format", default="all", metavar="FORMAT",
                        help="ttl, nt, nq, trig, jsonld, rdfxml or all (default: all)")
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("-o", "--output", type=Path, metavar="DIR", help="directory to write the dumps to")
    target.add_argument("--site", type=Path, metavar="DIR",
                        help="write a static site into DIR (new or empty), to be published at --base-url: its "
                             "sitemap and description name the files there")
    export.add_argument("--base-url", default=BASE, metavar="URL",
                        help=f"where the dataset is published, for the description: its SPARQL endpoint is "
                             f"URL/sparql and its dumps URL/FILE (default: {BASE})")
    export.set_defaults(run=_export)

    diff = commands.add_parser(
        "diff", help="the facts a data change adds and removes, by resource",
        description="Compare two versions of the data (each an RDF file or a directory of them) and list the "
                    "facts removed (-) and added (+), grouped by resource with its label, each with the source "
                    "graph that states it. Exit 0 when both hold the same facts, 1 when they differ, 2 when "
                    "a file cannot be read or parsed.")
    diff.add_argument("old", type=Path, metavar="OLD", help="the data before: a file or a directory")
    diff.add_argument("new", type=Path, metavar="NEW", help="the data after: a file or a directory")
    diff.add_argument("--format", choices=("text", "markdown"), default="text",
                      help="text (default) or markdown (for a pull-request comment)")
    diff.set_defaults(run=_diff)

    load = commands.add_parser(
        "load", help="push the ontology and data into an external SPARQL store",
        description="Replace the graph held by an external SPARQL 1.1 store (Oxigraph server, Fuseki, "
                    "GraphDB…) by the shipped ontology and data, or by the given --data files: each named "
                    "graph is written under a staging name (Graph Store Protocol PUT; data with blank nodes by "
                    "one SPARQL Update, to keep each one node), then one SPARQL Update "
                    "moves them all into place, with the merge of all graphs as the default graph. Exit 0 "
                    "when loaded, 1 when the store failed (the message says what it holds now) or the data "
                    "does not conform (--validate; nothing written), 2 on bad arguments or files.")
    add_store_arguments(load, required=True)
    load.add_argument("--data", nargs="+", type=Path, metavar="FILE", help="RDF files (or directories of them) to load instead")
    load.add_argument("--validate", action="store_true",
                      help="load the --data files only if, merged with the ontology, they conform to the shapes, "
                           "as serve --validate serves them (the shipped data always is checked); exit 1 when not")
    load.add_argument("--timeout", type=float, metavar="SECONDS",
                      help="how long to wait for each request to the store (default: 600)")
    load.set_defaults(run=_load)
    parser.set_defaults(command_names=tuple(commands.choices))  # for the message when none is named
    return parser


def add_store_arguments(parser: argparse.ArgumentParser, *, required: bool) -> None:
    """--store URL and its endpoint overrides (for `load`, and for a server answering from a store)."""
    parser.add_argument("--store", required=required, metavar="URL",
                        help="the SPARQL store's base URL; its endpoints are URL/query, URL/update and "
                             "URL/store (Oxigraph server's layout) unless given below")
    parser.add_argument("--query-url", metavar="URL", help="the store's SPARQL query endpoint")
    parser.add_argument("--update-url", metavar="URL", help="the store's SPARQL update endpoint")
    parser.add_argument("--graph-store-url", metavar="URL",
                        help="the store's Graph Store Protocol endpoint (Fuseki: DATASET/data)")


def store_endpoints(args: argparse.Namespace):
    """The endpoints named by :func:`add_store_arguments`; ValueError for a URL that is not http(s)."""
    from .remote import StoreEndpoints

    return StoreEndpoints.of(args.store, query=args.query_url, update=args.update_url,
                             graph_store=args.graph_store_url)


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> int:
    print(f"ilrs-graph: error: {message}", file=sys.stderr)
    return code


def _validate(args: argparse.Namespace) -> int:
    from .inputs import rdf_files
    from .load import LoadError, load_files, load_shipped
    from .reports import FORMATS, UNREADABLE_FORMATS
    from .validate import validate

    try:
        if args.shapes is not None and not _is_path(str(args.shapes)):
            raise LoadError(args.shapes, "no such shapes file")
        loaded = load_files(rdf_files(args.files)) if args.files else load_shipped()
        report = validate(loaded, args.shapes)
    except LoadError as error:
        if args.format in UNREADABLE_FORMATS:
            _write(UNREADABLE_FORMATS[args.format](error), EXIT_BAD_INPUT)
        return _fail(str(error))
    return _write(FORMATS[args.format](report), EXIT_OK if report.conforms else EXIT_FINDINGS)


def _query(args: argparse.Namespace) -> int:
    from . import formats, text_table
    from .dataset import Dataset
    from .inputs import rdf_files
    from .load import LoadError
    from .query import QueryError

    if args.timeout is not None and not is_seconds(args.timeout):
        return _fail(TIMEOUT_REFUSED)
    text = args.query
    if text == "-":
        try:
            text = sys.stdin.buffer.read().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            return _fail(f"cannot read the query from stdin: {error}")
    elif text.endswith(".rq") or _is_path(text):
        try:
            text = Path(text).read_text(encoding="utf-8-sig")  # a BOM, as Windows editors write, dropped
        except (OSError, UnicodeDecodeError) as error:
            packaged = Path(text).stem in _question_names() and not _is_path(text)
            also = f" (the packaged question is run by `ilrs-graph query {Path(text).stem}`)" if packaged else ""
            return _fail(f"{args.query}: cannot read the query: {error}{also}")
    elif _QUESTION_NAME.fullmatch(text):  # no SPARQL query is a single name
        from . import shipped

        questions = {path.stem: path for path in shipped.query_files()}
        if text not in questions:
            return _fail(f"'{text}' is neither a file nor a packaged question (known: {', '.join(questions)})")
        text = questions[text].read_text(encoding="utf-8-sig")
    try:
        dataset = Dataset.open(rdf_files(args.data) if args.data else None, engine=args.engine)
        plan = dataset.plan(text)
        table = args.format == "table" and not plan.answers_with_triples  # triples: Turtle, for people too
        wanted = {"table": "turtle" if plan.answers_with_triples else "json"}.get(args.format, args.format)
        allowed = (formats.GRAPH_FORMATS + formats.DATASET_FORMATS) if plan.answers_with_triples else formats.RESULT_FORMATS
        fmt = formats.by_name(wanted, allowed)
        if fmt is None:
            names = ", ".join(f.name for f in allowed) + ("" if plan.answers_with_triples else ", table")
            return _fail(f"{article(plan.form)} query can be written as {names}, not '{args.format}'")
        answer = _interruptible(lambda: dataset.answer(plan, fmt).body, args.timeout)
    except TimeoutError:
        return _fail(f"the query did not finish within {args.timeout:g} s (--timeout)", EXIT_FINDINGS)
    except LoadError as error:
        return _fail(str(error))
    except QueryError as error:
        where = f" (line {error.line}, column {error.column})" if error.line else ""
        return _fail(f"{error.message}{where}")
    return _write(text_table.render(answer) if table else _with_final_newline(answer), EXIT_OK)


_QUESTION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _question_names() -> list[str]:
    """The packaged competency questions, by name (their file names without .rq)."""
    from . import shipped

    return [path.stem for path in shipped.query_files()]


def _with_final_newline(answer: bytes) -> bytes:
    """The engine's answer (the server's bytes) with its last line ended, for a terminal or a shell's
    `$(…)`: JSON, XML, JSON-LD, RDF/XML and an ASK's CSV/TSV end without one. An empty answer stays empty."""
    return answer if not answer or answer.endswith(b"\n") else answer + b"\n"


def _export(args: argparse.Namespace) -> int:
    from urllib.parse import urlsplit

    from .export import EXPORT_FORMATS, ExportError, write_export
    from .formats import CannotWrite, by_name
    from .inputs import rdf_files
    from .load import LoadError, load_files, load_shipped
    from .resources import iri_term

    chosen = EXPORT_FORMATS if args.format == "all" else (by_name(args.format, EXPORT_FORMATS),)
    if None in chosen:
        return _fail(f"cannot export as '{args.format}' (known: ttl, nt, nq, trig, jsonld, rdfxml, all)")
    if args.site is not None and args.format != "all":
        return _fail("--site writes every format (its pages link to them all); --format is for -o")
    base_parts = urlsplit(args.base_url)
    if base_parts.scheme not in ("http", "https") or not base_parts.hostname or iri_term(args.base_url) is None \
            or "?" in args.base_url or "#" in args.base_url:  # the files' addresses are made by appending names
        return _fail(f"--base-url must be an http or https URL without a query or fragment, not '{args.base_url}'")
    target = args.output if args.site is None else args.site
    base_url = args.base_url if args.base_url.endswith("/") else args.base_url + "/"
    try:
        if target.exists() and not target.is_dir():
            return _fail(f"{target}: exists and is not a directory")
        loaded = load_files(rdf_files(args.files)) if args.files else load_shipped()
        if args.site is not None:
            return _write_site(loaded, args.site, base_url)
        written = write_export(loaded, args.output, chosen, base_url)
    except (LoadError, ExportError, CannotWrite) as error:
        return _fail(str(error))
    except OSError as error:
        return _fail(f"{target}: cannot write: {error.strerror or error}")
    print(f"{len(written) + 1} files written to {args.output}: {', '.join(written)} and their SHA256SUMS")
    return EXIT_OK


def _write_site(loaded, out_dir: Path, base_url: str) -> int:
    from ilrs_server.site import SiteError, write_site

    from .formats import CannotWrite

    try:
        site = write_site(loaded, out_dir, base_url)
    except SiteError as error:
        return _fail(str(error))
    except CannotWrite as error:
        return _fail(f"{error} A static site publishes every format; write the others with -o DIR --format NAME.")
    print(f"Static site written to {out_dir}: {counted(site.pages, 'page')} and "
          f"{counted(site.files - site.pages, 'other file')} "
          f"({site.bytes / 1e6:.1f} MB); sitemap.xml lists the pages under {base_url}")
    if site.case_clashes:
        first = site.case_clashes[0]
        print(f"note: {counted(len(site.case_clashes), 'group')} of files differ only in case ({' and '.join(first)}"
              f"{'…' if len(site.case_clashes) > 1 else ''}): a host or an archive on a file system that ignores case "
              f"(macOS's and Windows' by default) keeps only one file of each group", file=sys.stderr)
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    from .diff import FORMATS, compare, load_side
    from .load import LoadError

    try:
        old, new = load_side(args.old), load_side(args.new)
    except LoadError as error:
        return _fail(str(error))
    changes = compare(old, new)
    return _write(FORMATS[args.format](changes), EXIT_FINDINGS if changes.changed else EXIT_OK)


def _load(args: argparse.Namespace) -> int:
    from . import shipped
    from .inputs import rdf_files
    from .last_good import DataRejected, load_checked
    from .load import LoadError, load_files, shown_path
    from .remote import LOAD_TIMEOUT_SECONDS, LoadFailed, load_into_store

    timeout = LOAD_TIMEOUT_SECONDS if args.timeout is None else args.timeout
    if not is_seconds(timeout):
        return _fail(TIMEOUT_REFUSED)
    try:
        endpoints = store_endpoints(args)
        # What a server would refuse is not put where servers read it. The shipped data is loaded as it is
        # checked; --data files are checked merged with the ontology, and loaded as they are.
        if args.data is None:
            loaded = load_checked(None, validate=True, engine="oxigraph")
        else:
            if args.validate:
                load_checked(tuple(args.data), validate=True, engine="oxigraph")
            loaded = load_files(rdf_files(args.data), ontology=False)
    except (ValueError, LoadError) as error:
        return _fail(str(error))
    except DataRejected as error:
        return _fail(_followed_by(error, "not loading it: the store still holds what it held"), EXIT_FINDINGS)
    try:
        report = load_into_store(loaded, endpoints, timeout_seconds=timeout)
    except LoadFailed as error:
        return _fail(f"the load into {args.store} failed: {error}", EXIT_FINDINGS)
    except ValueError as error:
        return _fail(str(error))
    dropped = f"; dropped {counted(len(report.dropped), 'graph')} of the previous version" if report.dropped else ""
    print(f"Loaded {counted(report.quads, 'quad')} in {counted(report.graphs, 'named graph')} (default graph: their "
          f"merge, {counted(report.merged_triples, 'triple')}) into {args.store}, version {report.version[:12]}{dropped}.")
    if not any(quad.graph_name.value == ONTOLOGY for quad in loaded.quads):
        print(f"ilrs-graph: note: the --data files hold no ontology (no graph <{ONTOLOGY}>), so the store now "
              f"holds none: a server answering from it has no /ontology page. To load it, name the ontology's "
              f"file with the data: --data {' '.join(map(str, args.data))} {shown_path(shipped.ontology_file())}",
              file=sys.stderr)
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    without_mimalloc = _start_again_with_mimalloc(args)  # first: what ran before would run again
    if without_mimalloc and args.allocator == memory.MIMALLOC:
        return _fail(f"--allocator mimalloc: {without_mimalloc}")

    from ilrs_server import Config, create_app
    from ilrs_server.run import claimed_port, listen, log_to_stderr, serve

    from .last_good import DataRejected
    from .load import LoadError
    from .remote import StoreError

    if args.workers < 1:
        return _fail(f"--workers must be 1 or more, not {args.workers}")
    if not 0 < args.port < 65536:
        return _fail(f"--port must be between 1 and 65535, not {args.port}")
    try:
        limits = Limits().updated(args.limit)
    except ValueError as error:
        return _fail(f"--limit: {error}")
    if args.store is None:
        if args.query_url or args.update_url or args.graph_store_url:
            return _fail("--query-url, --update-url and --graph-store-url go with --store")
        config = Config(data_files=tuple(args.data) if args.data else None, validate=args.validate or not args.data,
                        engine=args.engine, limits=limits)
    elif args.data or args.validate or args.engine != "oxigraph":
        return _fail("--store serves what the store holds: --data, --validate and --engine do not go with it "
                     "(load other data into the store with `ilrs-graph load --store URL --data FILE…`)")
    else:
        try:
            config = Config(store=store_endpoints(args), limits=limits)
        except ValueError as error:
            return _fail(str(error))
    try:
        config = config.updated(base_url=args.base_url)
    except ValueError as error:
        return _fail(f"--base-url {error}")
    problem = _directory_problem(keeps_last_good=args.store is None)
    if problem:
        return _fail(problem)
    try:  # before the data is loaded: a port taken is said at once, and no other program takes it meanwhile
        listener = claimed_port(args.host, args.port)
    except OSError as error:
        return _fail(_cannot_listen(args, error))
    log_to_stderr()
    try:
        app = create_app(config)
    except StoreError as error:
        return _fail(str(error))
    except LoadError as error:
        return _fail(_followed_by(error, _no_good_copy()))
    except DataRejected as error:
        return _fail(_followed_by(error, f"not serving it, and {_no_good_copy()}"), EXIT_FINDINGS)
    try:
        listen(listener)
    except OSError as error:  # another server, binding it with SO_REUSEADDR too, listened on it first
        return _fail(_cannot_listen(args, error))
    source = f", from the store {args.store}" if args.store else ""
    allocator = memory.allocator_in_use() if without_mimalloc is None else f"{memory.SYSTEM}: {without_mimalloc}"
    logging.getLogger("ilrs_server").info("Serving the ILRS Knowledge Graph at http://%s:%s/ (%s%s; allocator %s)",
                                          args.host, args.port, counted(args.workers, "worker"), source, allocator)
    serve(app, listener=listener, workers=args.workers)
    return EXIT_OK


def _start_again_with_mimalloc(args: argparse.Namespace) -> str | None:
    """Replace this process with the same command, mimalloc preloaded, when --allocator asks for mimalloc
    (auto: where installed) and it is not in use yet. Returns only when the process goes on as it is: with
    why mimalloc is not used where it was asked for, else None."""
    if args.allocator == memory.SYSTEM or memory.allocator_in_use() == memory.MIMALLOC:
        return None
    library = memory.mimalloc_library()
    if library is None:
        return f"mimalloc is not installed ({memory.MIMALLOC_PACKAGE})"
    if memory.preload_was_tried():
        return f"{library} could not be preloaded"
    if not args.own_command_line:
        return f"a server started from Python cannot start itself again: preload it (LD_PRELOAD={library})"
    try:
        memory.relaunch_with_mimalloc(library)
    except OSError as error:  # the interpreter cannot be run again (gone, or no longer executable)
        return f"the server could not start itself again: {error.strerror or error}"


def _cannot_listen(args: argparse.Namespace, error: OSError) -> str:
    return f"cannot listen on {args.host}:{args.port}: {error.strerror or error}"


def _followed_by(error: Exception, consequence: str) -> str:
    """An error's message and what the command does about it, in one sentence (a shape's message ends in '.')."""
    return f"{str(error).removesuffix('.')}; {consequence}"


def _no_good_copy() -> str:
    """Why a server refusing its data did not serve the last good copy instead: there was none."""
    from .last_good import kept_in

    directory = kept_in()
    if directory is None:
        return "no good copy of this data is kept to serve instead (neither XDG_CACHE_HOME nor a home names a cache)"
    return f"no good copy of this data is kept in {directory} to serve instead"


def _as_setting(value: float) -> str:
    """A limit's default as --limit takes it: sizes in K, M or G, times without a trailing .0."""
    if isinstance(value, float):
        return f"{value:g}"
    for unit, scale in (("G", 2**30), ("M", 2**20), ("K", 2**10)):
        if value >= scale and value % scale == 0:
            return f"{value // scale}{unit}"
    return str(value)


def _interruptible(work, seconds: float | None = None):
    """``work()``, run in a thread of its own so that Ctrl-C stops the command at once, and so does
    TimeoutError after ``seconds``: Python sees a signal only between bytecodes, and an engine evaluating
    a query runs none until it returns (the thread is left to the end of the process)."""
    import threading
    import time

    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # raised again in the main thread
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)  # not waited for when the command stops
    thread.start()
    deadline = None if seconds is None else time.monotonic() + seconds
    while thread.is_alive():
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError
        thread.join(0.1)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _is_path(name: str) -> bool:
    """Whether ``name`` names something on disk, a file or not (a query text does not: it may even be too
    long for a path). An empty name is an empty query, not the current directory Path('') stands for."""
    try:
        return bool(name) and Path(name).exists()
    except OSError:
        return False


def _directory_problem(*, keeps_last_good: bool) -> str | None:
    """Why a directory the environment names for the server cannot be written, said before starting: one
    named on purpose is a mistake to mend, where Python would quietly put the dumps elsewhere (TMPDIR) and
    the server go without its last good copy (XDG_CACHE_HOME; a server over a store keeps none). The
    defaults (/tmp, ~/.cache) may be unusable, as for a service user without a home: that costs the
    dumps' sharing or the fallback, and the log says so."""
    import tempfile

    from .last_good import kept_in

    named = []  # (variable, directory, what the server does there, whether it makes the directory itself)
    temporary = next((name for name in ("TMPDIR", "TEMP", "TMP") if os.environ.get(name)), None)  # Python's order
    if temporary:
        named.append((temporary, Path(os.environ[temporary]), "writes its dumps", False))
    if keeps_last_good and os.environ.get("XDG_CACHE_HOME"):
        named.append(("XDG_CACHE_HOME", kept_in(), "keeps the last good copy of the data", True))
    for variable, directory, what, made in named:
        try:
            if made:
                directory.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=directory):
                pass
        except OSError as error:
            where = "there" if not made else f"in {directory}"  # the folder it makes below may be what fails
            return (f"{variable} is {os.environ[variable]}, where the server {what}, but it cannot write {where} "
                    f"({error.strerror or error}): make it a writable directory, or unset {variable}")
    return None


if __name__ == "__main__":
    sys.exit(main())
