"""The ``ilrs-graph`` command as a shell user meets it: honest exit codes whatever happens to its
output, clear messages instead of tracebacks on bad input, and the documented ways of calling it."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from .conftest import FIXTURES, ROOT, ilrs_graph_command, run_cli
from .server_process import free_port, running_server_process

BAD = FIXTURES / "bad" / "partnership-before-2021.trig"


def run_with_output_closed(*args: str | Path) -> tuple[int, str]:
    """Run ``ilrs-graph ARGS`` with a reader that has gone before the output comes (as `| head -0`)."""
    process = subprocess.Popen([ilrs_graph_command(), *map(str, args)], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    process.stdout.close()
    stderr = process.stderr.read()
    return process.wait(timeout=120), stderr


@pytest.mark.parametrize("args, code", [
    (("validate", FIXTURES / "base.trig", BAD), 1),
    (("validate", "--format", "json", FIXTURES / "base.trig", BAD), 1),
    (("diff", FIXTURES / "base.trig", BAD), 1),
    (("validate",), 0),
])
def test_the_exit_code_stands_when_the_reader_stops_early(args, code):
    returncode, stderr = run_with_output_closed(*args)
    assert returncode == code and "Traceback" not in stderr


def test_output_that_cannot_be_written_is_an_error_with_a_message():
    with open("/dev/full", "w") as full:
        result = subprocess.run([ilrs_graph_command(), "validate"], cwd=ROOT, stdout=full, stderr=subprocess.PIPE,
                                text=True, timeout=120)
    assert result.returncode == 2 and "cannot write the output" in result.stderr and "Traceback" not in result.stderr


def test_the_module_runs_as_the_command():
    result = subprocess.run([sys.executable, "-m", "ilrs_graph.cli", "--version"], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("ilrs-graph ")


def test_a_construct_question_is_written_as_turtle_by_default():
    result = run_cli("query", ROOT / "queries" / "agreement-network.rq")
    assert result.returncode == 0, result.stderr
    assert "<https://w3id.org/ilrs/ontology/party>" in result.stdout


def test_the_query_comes_before_the_data_files_as_the_usage_says():
    result = run_cli("query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "--format", "csv",
                     "--data", FIXTURES / "base.trig", FIXTURES / "base.trig")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "n" and int(result.stdout.splitlines()[1]) > 0
    assert "QUERY|FILE.rq|NAME|- [--format" in run_cli("query", "--help").stdout


def test_the_table_shows_control_characters_instead_of_sending_them_to_the_terminal():
    result = run_cli("query", r'SELECT ?x WHERE { VALUES ?x { "c\u001b[31mred" } }')
    assert result.returncode == 0 and "\x1b" not in result.stdout and r"c\u001b[31mred" in result.stdout


def test_a_directory_given_as_the_query_is_named_as_such():
    result = run_cli("query", ROOT / "queries")
    assert result.returncode == 2 and "cannot read the query" in result.stderr and "Is a directory" in result.stderr


@pytest.mark.parametrize("function", ["<http://example.org/f>", "<http://www.w3.org/2001/XMLSchema#long>"])
def test_a_function_the_engine_does_not_provide_is_bad_input(function):
    result = run_cli("query", f'SELECT ({function}("1") AS ?x) WHERE {{}}')
    assert result.returncode == 2 and "cannot be evaluated" in result.stderr and function in result.stderr
    assert "Traceback" not in result.stderr and "RuntimeError" not in result.stderr


@pytest.mark.parametrize("args, words", [
    (("serve", "--limit", "timeout_seconds=nan"), "finite number"),
    (("serve", "--limit", "timeout_seconds=inf"), "finite number"),
    (("serve", "--limit", "max_answer_bytes=1e999"), "finite number"),
    # a "no limit" past what timers hold: every query failed (OverflowError), the server up
    (("serve", "--port", "5853", "--limit", "timeout_seconds=1e10"), "below 1e9 seconds"),
    (("serve", "--port", "5853", "--limit", "client_idle_seconds=1e12"), "below 1e9 seconds"),
    # one unit: a typo's second was dropped ("10MG" read as 10G, "1KK" as 1K) and the server started
    (("serve", "--port", "5853", "--limit", "max_cache_bytes=10MG"), "needs a number"),
    (("serve", "--port", "5853", "--limit", "max_answer_bytes=1KK"), "needs a number"),
    (("serve", "--workers", "0"), "--workers must be 1 or more, not 0"),  # one option named, not both
    (("serve", "--port", "70000"), "--port must be between 1 and 65535, not 70000"),
    (("load", "--store", "http://127.0.0.1:1", "--timeout", "nan"), "--timeout"),
    (("export", "-o", "never-written", "--base-url", "https://example.org/a b"), "--base-url"),
    (("export", "-o", "never-written", "--base-url", "https://"), "--base-url"),
    (("export", "-o", "never-written", "--base-url", "https://example.org/x?y=1#frag"), "without a query or fragment"),
    (("export", "--site", "never-written", "--base-url", "https://example.org/#"), "without a query or fragment"),
])
def test_impossible_numbers_and_urls_are_bad_input(args, words):
    result = run_cli(*args)
    assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr
    assert not (ROOT / "never-written").exists()


SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:Shape a sh:NodeShape ; sh:targetClass <https://w3id.org/ilrs/ontology/Partnership> ; """


@pytest.mark.parametrize("constraint, words", [
    ('sh:sparql [ sh:select "SELECT $this WHERE { ( }" ] .', "Expected"),
    ('sh:property [ sh:path ex:p ; sh:minCount "many" ] .', "minCount"),
    ('sh:sparql [ sh:select "SELECT $this WHERE { SERVICE <http://127.0.0.1:9/> { $this ?p ?o } }" ] .', "SERVICE"),
    ('sh:property [ sh:path ex:p ; sh:pattern "([" ] .', 'ex:Shape: sh:pattern "([" is not a regular expression'),
    ('sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o FILTER REGEX(STR(?o), \\"([\\") }" ] .',
     'shapes: "([" is not a regular expression'),
    ('sh:sparql [ sh:select "SELECT $this WHERE { $this ex:p ?o }" ] .',
     "a SPARQL-based constraint uses the prefix ex: without declaring it"),
])
def test_shapes_that_cannot_be_used_are_bad_input(tmp_path, constraint, words):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES + constraint)
    result = run_cli("validate", "--shapes", shapes, FIXTURES / "base.trig")
    assert result.returncode == 2 and "cannot use the shapes" in result.stderr and words in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr


def test_shapes_with_a_broken_pattern_still_give_ci_a_document(tmp_path):
    """The bad-input report of json and sarif covers broken shapes as it does broken data."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES + 'sh:property [ sh:path ex:p ; sh:pattern "([" ] .')
    as_json = run_cli("validate", "--format", "json", "--shapes", shapes, FIXTURES / "base.trig")
    report = json.loads(as_json.stdout)
    assert as_json.returncode == 2 and report["conforms"] is None
    assert report["error"]["file"].endswith("shapes.ttl") and "sh:pattern" in report["error"]["message"]
    sarif = run_cli("validate", "--format", "sarif", "--shapes", shapes, FIXTURES / "base.trig")
    invocation = json.loads(sarif.stdout)["runs"][0]["invocations"][0]
    assert sarif.returncode == 2 and invocation["executionSuccessful"] is False
    assert "sh:pattern" in invocation["toolExecutionNotifications"][0]["message"]["text"]


def test_a_query_too_deep_for_rdflib_is_refused_with_a_message():
    deep = "SELECT * WHERE { " + " UNION ".join("{ ?s ?p ?o }" for _ in range(3000)) + " }"
    result = run_cli("query", "--engine", "rdflib", deep)
    assert result.returncode == 2 and "nests too deeply for the rdflib engine" in result.stderr
    assert "Traceback" not in result.stderr


def test_ctrl_c_stops_a_query_at_once():
    process = subprocess.Popen([ilrs_graph_command(), "query", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)  # loaded, and evaluating (it would take hours)
    assert process.poll() is None
    process.send_signal(signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    assert process.returncode == 130 and "interrupted" in stderr and "Traceback" not in stderr


def test_data_may_be_a_directory_for_query_as_for_validate(tmp_path):
    result = run_cli("query", "ASK { ?s ?p ?o }", "--data", ROOT / "data")
    assert result.returncode == 0 and result.stdout.strip() == "yes"
    empty = run_cli("query", "ASK { ?s ?p ?o }", "--data", tmp_path)
    assert empty.returncode == 2 and "no RDF files in this directory" in empty.stderr


# Longer than a file name may be (255 bytes): the system refuses to look it up (ENAMETOOLONG), as it refuses
# to list a folder the user may not read (EACCES). Python's Path.exists() raises for both.
UNLOOKABLE = "a" * 300


@pytest.mark.parametrize("args, words", [
    (("validate", UNLOOKABLE), "File name too long"),
    (("query", "ASK {}", "--data", UNLOOKABLE), "File name too long"),
    (("diff", UNLOOKABLE, FIXTURES / "base.trig"), "File name too long"),
    (("export", UNLOOKABLE, "-o", "never-written"), "File name too long"),
    (("export", "-o", UNLOOKABLE), "File name too long"),
    (("validate", "--shapes", UNLOOKABLE), "no such shapes file"),
])
def test_a_path_the_system_cannot_look_up_is_bad_input(args, words):
    result = run_cli(*args)
    assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert not (ROOT / "never-written").exists()


@pytest.mark.parametrize("args", [("validate",), ("query", "ASK {}", "--data"), ("serve", "--port", str(free_port()), "--data")])
def test_data_larger_than_the_memory_allowed_is_an_error_with_a_message(tmp_path, args):
    """A container's memory limit (here ulimit -v of 1 GiB) against a 2-GiB file (sparse: nothing written)."""
    huge = tmp_path / "huge.trig"
    with huge.open("wb") as file:
        file.truncate(2 * 2**30)
    result = subprocess.run([ilrs_graph_command(), *args, huge], capture_output=True, text=True, timeout=120,
                            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (2**30, resource.RLIM_INFINITY)))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "ilrs-graph: error: not enough memory: the data takes more than this process may use" in result.stderr


def test_a_query_past_its_timeout_is_given_up_with_exit_1():
    started = time.monotonic()
    result = run_cli("query", "--timeout", "1", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
                     timeout=60)
    assert result.returncode == 1 and "did not finish within 1 s" in result.stderr and "Traceback" not in result.stderr
    assert time.monotonic() - started < 30  # it would take hours
    quick = run_cli("query", "--timeout", "30", "ASK { ?s ?p ?o }")
    assert quick.returncode == 0 and quick.stdout.strip() == "yes"
    assert run_cli("query", "--timeout", "0", "ASK {}").returncode == 2


@pytest.mark.parametrize("name", ["joined-in-2023", "change-6-launch-by-source", "everything-about-cnsa",
                                  "partners-per-year", "agreement-network"])
def test_the_rdflib_engine_answers_with_nothing_on_stderr(name):
    result = run_cli("query", ROOT / "queries" / f"{name}.rq", "--engine", "rdflib")
    assert result.returncode == 0 and result.stdout and result.stderr == ""


def test_an_empty_query_is_refused_as_the_server_refuses_it():
    result = run_cli("query", "")
    assert result.returncode == 2 and result.stderr == "ilrs-graph: error: The query is empty.\n"


def test_a_query_file_starting_with_a_byte_order_mark_is_read(tmp_path):
    query = tmp_path / "bom.rq"
    query.write_bytes("\N{BYTE ORDER MARK}ASK { ?s ?p ?o }\n".encode())
    result = run_cli("query", query)
    assert result.returncode == 0 and result.stdout == "yes\n", result.stderr


def column_edges(line: str, mark: str) -> list[int]:
    return [index for index, character in enumerate(line) if character == mark]


def test_the_table_separator_lines_up_with_the_header_and_rows():
    result = run_cli("query", 'SELECT ?a ?b ?c WHERE { VALUES (?a ?b ?c) { ("x" "longer value" "z") ("wide one" "y" "") } }')
    header, separator, *rows, count = result.stdout.splitlines()
    assert result.returncode == 0 and count == "(2 rows)"
    assert {len(line) for line in (header, separator, *rows)} == {len(separator)}
    assert all(column_edges(line, "|") == column_edges(separator, "+") for line in (header, *rows))


def test_the_table_lines_up_wide_characters_by_the_columns_they_take():
    long = "国" * 40  # 80 columns: cut to 29 of them (58 columns) and "…", within the 60 a cell may take
    result = run_cli("query", f'SELECT ?a ?b WHERE {{ VALUES (?a ?b) {{ ("月球" "x") ("ILRS" "{long}") }} }}')
    assert result.stdout == ("a    | b" + " " * 58 + "\n"
                             "-----+-" + "-" * 59 + "\n"
                             "月球 | x" + " " * 58 + "\n"
                             "ILRS | " + "国" * 29 + "…\n"
                             "(2 rows)\n"), result.stderr


def test_marks_joined_to_a_character_take_no_column():
    """An accent written apart (e + U+0301), a variation selector (U+FE0F), a zero-width joiner (U+200D)."""
    joined = "e\u0301\u2764\ufe0f\u200d"
    result = run_cli("query", f'SELECT ?a ?b WHERE {{ VALUES (?a ?b) {{ ("{joined}" 1) ("ab" 2) }} }}')
    assert result.stdout.splitlines()[2:4] == [f"{joined} | 1", "ab | 2"], result.stdout


@pytest.mark.parametrize("query, fmt", [
    ("ASK {}", "json"), ("ASK {}", "xml"), ("ASK {}", "csv"), ("ASK {}", "tsv"),
    ("SELECT ?x WHERE { VALUES ?x { 1 } }", "json"), ("SELECT ?x WHERE { VALUES ?x { 1 } }", "xml"),
    ("SELECT ?x WHERE { VALUES ?x { 1 } }", "csv"), ("CONSTRUCT { <a:b> <a:c> 1 } WHERE {}", "turtle"),
    ("CONSTRUCT { <a:b> <a:c> 1 } WHERE {}", "jsonld"), ("CONSTRUCT { <a:b> <a:c> 1 } WHERE {}", "rdfxml"),
])
def test_an_answer_written_to_the_terminal_ends_its_last_line_once(query, fmt):
    result = run_cli("query", query, "--format", fmt)
    assert result.returncode == 0 and result.stdout.endswith("\n") and not result.stdout.endswith("\n\n")


def test_an_empty_answer_stays_empty():
    result = run_cli("query", "CONSTRUCT { <a:b> <a:c> 1 } WHERE { FILTER(false) }", "--format", "ntriples")
    assert result.returncode == 0 and result.stdout == ""


@pytest.fixture
def ill_typed_data(tmp_path) -> Path:
    """A copy of the shipped data in which a partnership starts on a date that is no date."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    partnerships = data / "partnerships.trig"
    text = partnerships.read_text(encoding="utf-8")
    assert '"2021-06"^^xsd:gYearMonth' in text
    partnerships.write_text(text.replace('"2021-06"^^xsd:gYearMonth', '"2023-13-45"^^xsd:date', 1), encoding="utf-8")
    return data


@pytest.mark.parametrize("report_format", ["text", "json", "sarif", "junit", "github"])
def test_an_ill_typed_literal_is_a_violation_without_a_traceback(ill_typed_data, report_format):
    """rdflib logs a traceback for each literal it cannot convert; the report already says it all."""
    result = run_cli("validate", "--format", report_format, ill_typed_data)
    assert result.returncode == 1 and "2023-13-45" in result.stdout
    assert "Traceback" not in result.stderr and result.stderr == "", result.stderr


QUERY_PARTNERSHIP_DATES = "SELECT ?since WHERE { ?partnership <https://w3id.org/ilrs/ontology/partnerSince> ?since }"


def test_querying_an_ill_typed_literal_with_rdflib_gives_no_traceback(ill_typed_data):
    result = run_cli("query", QUERY_PARTNERSHIP_DATES, "--engine", "rdflib", "--data", ill_typed_data)
    assert result.returncode == 0 and "2023-13-45" in result.stdout
    assert "Traceback" not in result.stderr and result.stderr == "", result.stderr


def test_serving_an_ill_typed_literal_with_rdflib_logs_no_traceback(ill_typed_data):
    with running_server_process("--data", ill_typed_data, "--engine", "rdflib") as served:
        answer = requests.get(served.base + "sparql", params={"query": QUERY_PARTNERSHIP_DATES},
                              headers={"Accept": "text/csv"}, timeout=60)
        assert answer.status_code == 200 and "2023-13-45" in answer.text
        log = served.log.read_text(encoding="utf-8")
    assert "Traceback" not in log, log


def test_a_packaged_question_is_run_by_its_name_from_any_directory(tmp_path):
    """The installed command carries the competency questions: `query joined-in-2023` runs it where no
    such file is; a path to one that is not there says how to run it."""
    by_file = run_cli("query", "queries/joined-in-2023.rq")
    by_name = run_cli("query", "joined-in-2023", cwd=tmp_path)
    assert by_name.returncode == 0 and by_name.stdout == by_file.stdout and "Egypt" in by_name.stdout
    missing = run_cli("query", "queries/joined-in-2023.rq", cwd=tmp_path)
    assert missing.returncode == 2 and "`ilrs-graph query joined-in-2023`" in missing.stderr
    unknown = run_cli("query", "joined-in-2099", cwd=tmp_path)
    assert unknown.returncode == 2 and "neither a file nor a packaged question" in unknown.stderr
    assert "joined-in-2023" in unknown.stderr and "Traceback" not in unknown.stderr
    assert "joined-in-2023" in run_cli("query", "--help").stdout


def test_a_dash_reads_the_query_from_stdin():
    def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
        return subprocess.run([ilrs_graph_command(), "query", *args], input=stdin, cwd=ROOT, capture_output=True,
                              timeout=120)

    by_file = run("queries/joined-in-2023.rq", "--format", "csv")
    piped = run("-", "--format", "csv", stdin=(ROOT / "queries" / "joined-in-2023.rq").read_bytes())
    assert piped.returncode == 0 and piped.stdout == by_file.stdout and b"Egypt" in piped.stdout, piped.stderr
    empty = run("-")
    assert empty.returncode == 2 and b"Traceback" not in empty.stderr


def test_one_of_a_thing_is_said_in_the_singular(tmp_path):
    """'an ASK query', '1 file', '1 violation', '1 worker': the messages count as people do."""
    refused = run_cli("query", "ASK {}", "--format", "turtle")
    assert refused.returncode == 2 and "error: an ASK query can be written as" in refused.stderr
    assert run_cli("validate", FIXTURES / "base.trig").stdout.splitlines()[-1].startswith("2 files, ")
    assert run_cli("export", "-o", tmp_path, "--format", "nq").returncode == 0  # holds the ontology: read alone
    one_file = run_cli("validate", tmp_path / "data.nq")
    assert one_file.stdout.splitlines()[-1].startswith("1 file, "), one_file.stdout[-300:]
    rejected = run_cli("serve", "--port", free_port(), "--data", FIXTURES / "base.trig", BAD, "--validate")
    assert rejected.returncode == 1 and ": 1 violation: " in rejected.stderr, rejected.stderr


def test_a_port_taken_is_refused_before_the_data_is_read(tmp_path):
    """An operator's review: a port already taken was found only once the data was loaded and validated
    (minutes on big data), and the message came after those of the data."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        refused = run_cli("serve", "--port", port, "--data", FIXTURES / "base.trig", BAD, "--validate")
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr == f"ilrs-graph: error: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def _holds_a_socket(pid: int) -> bool:
    for descriptor in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):  # closed meanwhile
            if os.readlink(descriptor).startswith("socket:"):
                return True
    return False


def test_the_port_is_held_while_the_data_loads_and_one_taken_meanwhile_is_refused(tmp_path):
    """The port is bound before the data is loaded, so that a program binding it meanwhile is refused; it
    listens once the data is served (a connection is refused while it loads, not held). A server that
    binds it too (SO_REUSEADDR, as gunicorn and nginx do) and listens first is said, in one line."""
    port = free_port()
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}  # nothing known: the data is validated
    with (tmp_path / "serve.log").open("w") as log:
        server = subprocess.Popen([ilrs_graph_command(), "serve", "--port", str(port), "--workers", "1"],
                                  stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 30
        while not _holds_a_socket(server.pid):
            assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.005)
        with socket.socket() as other, pytest.raises(OSError) as refused:
            other.bind(("127.0.0.1", port))
        assert refused.value.errno == errno.EADDRINUSE
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        with socket.socket() as other:
            other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            other.bind(("127.0.0.1", port))
            other.listen()
            assert server.wait(timeout=60) == 2
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    said = (tmp_path / "serve.log").read_text()
    assert f"ilrs-graph: error: cannot listen on 127.0.0.1:{port}: Address already in use" in said, said
    assert "Traceback" not in said


def test_the_server_says_how_many_workers_it_runs_in_the_singular_too():
    with running_server_process("--data", FIXTURES / "base.trig", workers=1) as served:
        started = served.log.read_text()
    assert "(1 worker;" in started, started


# gunicorn's own lines ("[2026-12-06 07:36:09 +0000] [17153] [INFO] Booting worker…"), and ours with the name of
# the part that writes them after the level.
LOG_LINE = re.compile(r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}\] \[\d+\] \[(INFO|WARNING|ERROR)\] \S")


def test_the_server_writes_its_log_in_one_format():
    """An operator's tools read one format: gunicorn's lines (start, workers) and the server's own (the
    address it serves, the graph's memory, access lines) carry the same time, process id and level."""
    with running_server_process("--data", FIXTURES / "base.trig", workers=2) as served:
        assert requests.get(served.base + "sparql", params={"query": "ASK"}, timeout=30).status_code == 400
        deadline = time.monotonic() + 10
        while "ilrs_server.access: " not in served.log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        lines = served.log.read_text().splitlines()
    assert any("Booting worker" in line for line in lines) and any("Serving the ILRS" in line for line in lines)
    assert any('ilrs_server.access: 127.0.0.1 "GET /sparql?query=ASK" 400' in line for line in lines), lines
    assert [line for line in lines if not LOG_LINE.match(line)] == []


def test_a_file_typing_the_ontology_it_imports_can_be_queried(tmp_path):
    two = tmp_path / "two.ttl"
    two.write_text("@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                   "<http://example.org/a> a owl:Ontology ; owl:imports <http://example.org/b> .\n"
                   "<http://example.org/b> a owl:Ontology .\n<http://example.org/x> <http://example.org/p> 1 .\n")
    result = run_cli("query", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "--data", two, "--format", "csv")
    assert result.returncode == 0 and result.stdout.split() == ["n", "4"], result.stdout + result.stderr


def test_a_server_that_cannot_start_on_broken_data_says_no_good_copy_was_kept(tmp_path):
    """An operator restarting on broken data expects the last good copy the README promises: when there is
    none, the refusal says so and where it looked, rather than leaving only the parser's complaint."""
    broken = tmp_path / "broken.ttl"
    broken.write_text("<https://w3id.org/ilrs/id/x> is not turtle .\n", encoding="utf-8")
    cache = tmp_path / "cache"
    refused = run_cli("serve", "--port", str(free_port()), "--data", broken,
                      env={**os.environ, "XDG_CACHE_HOME": str(cache)})
    assert refused.returncode == 2 and "Traceback" not in refused.stderr, refused.stderr
    assert "no good copy of this data is kept" in refused.stderr, refused.stderr
    assert str(cache / "ilrs-graph" / "last-good") in refused.stderr, refused.stderr


def test_serve_help_tells_an_operator_the_signals_the_log_and_the_last_good_copy():
    """What running it as a service needs, at hand without the README: which process takes SIGHUP (every
    process shows the same command line, and a worker sent SIGHUP dies), what SIGTERM does, where the log
    and the last good copy go; and the limits' sizes as --limit takes them."""
    shown = " ".join(run_cli("serve", "--help").stdout.split())
    for said in ("SIGHUP", "SIGTERM", "Listening at", "stderr", "~/.cache/ilrs-graph/last-good",
                 "max_query_memory_bytes=1G", "max_header_bytes=16K", "timeout_seconds=10,"):
        assert said in shown, said


@pytest.mark.parametrize("command", [("serve",), ("load", "--store", "http://127.0.0.1:1")])
def test_a_refusal_of_data_reads_as_one_sentence(command):
    """The shape's message ends its sentence; what the command does about it follows without '.;'."""
    port = ("--port", free_port()) if command == ("serve",) else ()  # free: the port is claimed before the data is read
    rejected = run_cli(*command, *port, "--data", FIXTURES / "base.trig", BAD, "--validate")
    assert rejected.returncode == 1 and "2019 is too early; not " in rejected.stderr, rejected.stderr


def test_no_command_is_refused_with_a_message_naming_the_commands():
    """`ilrs-graph` alone exits 2, as bad input does, and says why above the help rather than only showing it."""
    refused = run_cli()
    assert refused.returncode == 2, refused
    assert "ilrs-graph: error: name a command: validate, query, serve, export, diff or load" in refused.stderr
