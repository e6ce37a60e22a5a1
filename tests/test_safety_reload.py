"""Reload without loss, against the real server: on SIGHUP (and on restart) data that fails to parse or
to validate is not served; the last good graph is, and /healthz and the log say why. validate and
export never modify the source files."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
import requests

from .conftest import FIXTURES, run_cli
from .server_process import free_port, running_server_process

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } # "
NEW_FACT = ('\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n'
            '<https://w3id.org/ilrs/id/source/fixture> { <https://w3id.org/ilrs/id/agency/cnsa> '
            'rdfs:comment "added by the reload test" . }\n')


@pytest.fixture
def data(tmp_path) -> dict:
    """A copy of the fixture data (base.trig and an extra file), and a cache of its own."""
    shutil.copy(FIXTURES / "base.trig", tmp_path / "base.trig")
    (tmp_path / "extra.trig").write_text("# nothing yet\n")
    return {"files": [tmp_path / "base.trig", tmp_path / "extra.trig"],
            "env": {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}}


def serve(data):
    return running_server_process("--data", *data["files"], "--validate", env=data["env"])


def count(base: str, tag: str) -> int:
    answer = requests.get(base + "sparql", params={"query": COUNT + tag}).json()
    return int(answer["results"]["bindings"][0]["n"]["value"])


def reload_and_wait(served, until) -> dict:
    """SIGHUP to gunicorn's master; the health report once ``until(health)`` holds."""
    served.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        health = requests.get(served.base + "healthz").json()
        if until(health):
            return health
        time.sleep(0.2)
    raise AssertionError(f"the server did not reach the expected state: {health}")


def test_a_reload_keeps_the_last_good_graph_when_the_data_breaks_and_takes_the_next_good_one(data):
    base_file, extra = data["files"]
    with serve(data) as served:
        good = requests.get(served.base + "healthz").json()
        assert good["status"] == "ok" and good["problem"] is None
        facts = count(served.base, "before")

        extra.write_text("@prefix broken\n")
        health = reload_and_wait(served, lambda h: h["problem"] is not None)
        assert health["status"] == "degraded" and health["version"] == good["version"]
        assert f"{extra.name}:1" in health["problem"]
        assert count(served.base, "while broken") == facts

        shutil.copy(FIXTURES / "bad" / "partnership-before-its-instrument.trig", extra)
        health = reload_and_wait(served, lambda h: h["problem"] and "conform" in h["problem"])
        assert health["version"] == good["version"] and f"{extra.name}:33" in health["problem"]
        assert count(served.base, "while invalid") == facts

        extra.write_text(NEW_FACT)
        health = reload_and_wait(served, lambda h: h["problem"] is None)
        assert health["status"] == "ok" and health["version"] != good["version"]
        assert count(served.base, "after") == facts + 1
        log = served.log.read_text()
        assert "reload: keeping version" in log and "does not conform" in log


def test_data_grown_past_the_memory_the_server_may_use_is_not_loaded_and_the_server_keeps_serving(data):
    """A reload that runs out of memory (a container's limit, here 1 GiB set on the running master) keeps
    the version served; it used to stop gunicorn's master, and the server with it."""
    extra = data["files"][1]
    with serve(data) as served:
        before = requests.get(served.base + "healthz").json()
        master = served.process.pid
        soft, hard = resource.prlimit(master, resource.RLIMIT_AS)
        resource.prlimit(master, resource.RLIMIT_AS, (2**30, hard))
        with extra.open("r+b") as file:
            file.truncate(2 * 2**30)  # sparse: 2 GiB to read, nothing written
        health = reload_and_wait(served, lambda health: health["problem"] is not None)
        assert health["version"] == before["version"] and health["status"] == "degraded"
        assert "not enough memory to load the data again" in health["problem"]
        assert count(served.base, "after the failed reload") == before["quads"]
        assert "not enough memory" in served.log.read_text()
        extra.write_text(NEW_FACT)
        resource.prlimit(master, resource.RLIMIT_AS, (soft, hard))
        health = reload_and_wait(served, lambda health: health["problem"] is None)
        assert count(served.base, "after the next reload") == before["quads"] + 1


def test_data_dated_past_the_year_9999_is_served_and_dated_now(data):
    """An operator's review: a data file whose modification time is past the year 9999 (a tmpfs keeps
    such a time, as an archive may carry it), which datetime cannot hold, stopped gunicorn's master at a
    reload (ValueError), and ended a start in a traceback. A file dated after now is taken as changed now
    (a Last-Modified is never later than now, RFC 9110, 8.8.2.1)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="ilrs-reload-", dir="/dev/shm"))  # tmpfs: ext4 caps times at 2446
    try:
        for path in data["files"]:
            shutil.copy(path, folder / path.name)
        files = [folder / path.name for path in data["files"]]
        os.utime(files[0], (3e11, 3e11))  # the year 11476
        assert os.stat(files[0]).st_mtime == 3e11, "this test needs a tmpfs at /dev/shm"
        with serve({"files": files, "env": data["env"]}) as served:
            before = requests.get(served.base + "healthz").json()
            files[1].write_text(NEW_FACT)
            os.utime(files[1], (3e11, 3e11))
            health = reload_and_wait(served, lambda health: health["version"] != before["version"])
            assert served.process.poll() is None and health["status"] == "ok" and health["problem"] is None
            assert count(served.base, "after the reload") == before["quads"] + 1
            dump = requests.get(served.base + "data.nt")
            assert dump.status_code == 200
            assert parsedate_to_datetime(dump.headers["Last-Modified"]) <= datetime.now(timezone.utc)
    finally:
        shutil.rmtree(folder)


def test_a_restart_with_broken_data_serves_the_last_good_copy(data):
    _, extra = data["files"]
    with serve(data) as served:
        good = requests.get(served.base + "healthz").json()
        facts = count(served.base, "first start")
    extra.write_text("<https://w3id.org/ilrs/id/x> <broken")
    with serve(data) as served:
        health = requests.get(served.base + "healthz").json()
        assert health["status"] == "degraded" and health["version"] == good["version"]
        assert health["good_since"] == good["good_since"] and f"{extra.name}:1" in health["problem"]
        assert count(served.base, "restarted") == facts
        assert "serving the last good version" in served.log.read_text()


def test_a_reload_reads_a_file_added_to_a_served_directory(data):
    directory = data["files"][0].parent
    data["files"][1].unlink()
    with running_server_process("--data", directory, "--validate", env=data["env"]) as served:
        facts = count(served.base, "before")
        (directory / "added.trig").write_text(NEW_FACT)
        health = reload_and_wait(served, lambda h: count(served.base, "after") == facts + 1)
        assert health["status"] == "ok" and health["problem"] is None


def test_a_default_cache_that_cannot_be_written_only_costs_the_last_good_copy(data, tmp_path):
    (tmp_path / "a-file").write_text("")  # where the home directory should be: a service user without one
    env = {name: value for name, value in data["env"].items() if name != "XDG_CACHE_HOME"}
    with running_server_process("--data", *data["files"], "--validate",
                                env={**env, "HOME": str(tmp_path / "a-file")}) as served:
        assert requests.get(served.base + "healthz").json()["status"] == "ok"
        assert count(served.base, "cache unwritable") > 0
        assert "cannot keep a copy of the good data" in served.log.read_text()


def test_a_user_without_a_home_is_served_and_goes_without_the_last_good_copy_only(monkeypatch, caplog):
    """No HOME and no entry in the passwd file (a container's arbitrary user id): Python's Path.home()
    raises RuntimeError, which stopped `ilrs-graph serve` (and `load`) with a traceback."""
    import pwd

    from ilrs_graph import last_good

    def unknown_user(uid: int):
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(pwd, "getpwuid", unknown_user)
    with pytest.raises(RuntimeError):
        Path.home()  # the user meant: Python knows no home for it
    loaded = last_good.load_or_last_good((FIXTURES / "base.trig",), validate=True, engine="oxigraph")
    assert loaded.problem is None and loaded.graph.quads and loaded.good_since
    assert "cannot keep a copy of the good data" in caplog.text


@pytest.mark.parametrize("variable, words", [("XDG_CACHE_HOME", "keeps the last good copy"),
                                             ("TMPDIR", "writes its dumps")])
def test_a_directory_named_for_the_server_that_cannot_be_written_is_refused_with_exit_2(data, tmp_path,
                                                                                         variable, words):
    """An operator's review: an unusable directory was only a warning in the log (the cache's), or not
    even that (Python put the dumps in /tmp instead of TMPDIR). One named on purpose is refused before
    anything is loaded, as a port that is taken."""
    (tmp_path / "a-file").write_text("")
    refused = run_cli("serve", "--port", free_port(), "--data", *data["files"], timeout=30,
                      env={**data["env"], variable: str(tmp_path / "a-file")})
    assert refused.returncode == 2 and f"{variable} is {tmp_path / 'a-file'}, where the server {words}" in refused.stderr
    assert "unset " + variable in refused.stderr and "Traceback" not in refused.stderr


def test_a_cache_whose_last_good_folder_cannot_be_made_is_refused_naming_it(data, tmp_path):
    """A second reader: the check wrote in the cache's ilrs-graph folder, one above the copies' own, so a
    file in the way of that one was only a warning, and the message named a folder that was writable."""
    (tmp_path / "cache" / "ilrs-graph").mkdir(parents=True)
    (tmp_path / "cache" / "ilrs-graph" / "last-good").write_text("")
    refused = run_cli("serve", "--port", free_port(), "--data", *data["files"], timeout=30,
                      env={**data["env"], "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert refused.returncode == 2
    assert f"cannot write in {tmp_path / 'cache' / 'ilrs-graph' / 'last-good'} (File exists)" in refused.stderr


def test_a_failure_of_gunicorns_own_ends_serve_in_one_line(monkeypatch, shipped):
    """gunicorn ends its run on a RuntimeError of its own with one line and exit 1; running its arbiter
    with our SIGHUP had left that out (a second reader), for a traceback. Such a failure cannot be caused
    here with the options serve gives, so gunicorn's run raises it."""
    from gunicorn.arbiter import Arbiter

    from ilrs_graph.dataset import Dataset
    from ilrs_server import Config, create_app
    from ilrs_server.run import _Gunicorn

    def failing(arbiter):
        raise RuntimeError("the pid file cannot be written")

    monkeypatch.setattr(Arbiter, "run", failing)
    app = create_app(Config(), dataset=Dataset.of(shipped))
    with pytest.raises(SystemExit) as ended:
        _Gunicorn(app, {"bind": "127.0.0.1:0", "workers": 1}).run()
    assert ended.value.code == "ilrs-graph: error: the pid file cannot be written"


def test_data_rolled_back_to_older_files_is_no_older_a_version_to_a_client(data):
    """A journalist's review: Last-Modified was the data files' date, which a rollback keeps (a release
    link switched back to older files), so a client asking by date (If-Modified-Since) got 304 for data
    that had changed. It is now no earlier than when this version was first found good here."""
    for path in data["files"]:
        os.utime(path, (1577836800, 1577836800))  # the files of an older release: 2020-01-01
    started = int(time.time())
    with serve(data) as served:
        dump = requests.get(served.base + "data.nt")
        good_since = requests.get(served.base + "healthz").json()["good_since"]
        document = requests.get(served.base + "id/country/china.ttl")
    modified = parsedate_to_datetime(dump.headers["Last-Modified"])
    assert started <= modified.timestamp() and modified == datetime.fromisoformat(good_since)
    assert document.headers["Last-Modified"] == dump.headers["Last-Modified"]


def test_without_a_good_copy_broken_data_is_not_served(data, tmp_path):
    data["files"][1].write_text("@prefix broken\n")
    started = run_cli("serve", "--port", free_port(), "--data", *data["files"], "--validate")
    assert started.returncode == 2 and "extra.trig:1" in started.stderr


def test_validate_and_export_never_modify_the_source_files(data, tmp_path):
    def sources() -> dict:
        return {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in data["files"]}

    shutil.copy(FIXTURES / "bad" / "partnership-before-its-instrument.trig", data["files"][1])
    before = sources()
    assert run_cli("validate", *data["files"]).returncode == 1
    assert run_cli("validate", "--format", "json", *data["files"]).returncode == 1
    assert run_cli("export", *data["files"], "-o", tmp_path / "out").returncode == 0
    assert sources() == before
    data["files"][1].write_text(NEW_FACT)
    before = sources()
    assert run_cli("validate", *data["files"]).returncode == 0
    assert run_cli("export", *data["files"], "-o", tmp_path / "out").returncode == 0
    assert sources() == before
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == ["base.trig", "extra.trig", "out"]


def test_each_checkout_of_the_shipped_data_keeps_its_own_last_good_copy(tmp_path):
    """Two copies of the package with their shipped data, one cache: the copy whose data breaks has no
    good copy of its own and refuses to start, rather than serve the other copy's data."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    copies = [tmp_path / "one", tmp_path / "two"]
    for copy in copies:
        shutil.copytree(root / "ilrs_graph", copy / "ilrs_graph", ignore=shutil.ignore_patterns("__pycache__"))
        for folder in ("ontology", "data", "queries"):
            shutil.copytree(root / folder, copy / folder)

    def serve(copy: Path, output) -> subprocess.Popen:
        env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(copy)}
        return subprocess.Popen([sys.executable, "-m", "ilrs_graph.cli", "serve", "--port", str(free_port()),
                                 "--workers", "1"], cwd=tmp_path, env=env, stdout=output, stderr=output, text=True)

    with (tmp_path / "first.log").open("w") as output:
        first = serve(copies[0], output)
    try:  # it keeps its copy (the description is written last), then serves: stopped there
        deadline = time.monotonic() + 120
        while not list((tmp_path / "cache" / "ilrs-graph" / "last-good").glob("*.json")):
            assert first.poll() is None and time.monotonic() < deadline, (tmp_path / "first.log").read_text()
            time.sleep(0.1)
    finally:
        first.terminate()
        first.wait(timeout=30)
    with (copies[1] / "data" / "partnerships.trig").open("a") as broken:
        broken.write("\n<https://w3id.org/ilrs/id/x> <broken\n")
    second = serve(copies[1], subprocess.PIPE)
    try:
        _, stderr = second.communicate(timeout=120)  # it would serve, and not end, with the first copy's data
    finally:
        if second.poll() is None:
            second.kill()
            second.wait()
    assert second.returncode == 2 and "Traceback" not in stderr
    assert "partnerships.trig" in stderr and "cannot listen" not in stderr, stderr


def test_a_release_link_switched_to_broken_data_falls_back_to_the_previous_release(tmp_path):
    """An operator's review: --data releases/current, a link switched from a good release to a broken
    one, lost the last good copy at a restart (it was kept under the release the link resolved to)."""
    from ilrs_graph.last_good import load_or_last_good

    releases = tmp_path / "releases"
    (releases / "r1").mkdir(parents=True)
    shutil.copy(FIXTURES / "base.trig", releases / "r1" / "base.trig")
    (releases / "r2").mkdir()
    (releases / "r2" / "base.trig").write_text("@prefix broken\n")
    current = releases / "current"
    current.symlink_to("r1")
    good = load_or_last_good((current,), validate=True, engine="oxigraph", keep_in=tmp_path / "cache")
    assert good.problem is None
    current.unlink()
    current.symlink_to("r2")
    fallen_back = load_or_last_good((current,), validate=True, engine="oxigraph", keep_in=tmp_path / "cache")
    assert fallen_back.graph.content_hash == good.graph.content_hash and "base.trig:1" in fallen_back.problem


def test_a_copy_that_cannot_be_finished_leaves_nothing_behind(tmp_path, monkeypatch):
    """A full disk (the write of the copy fails midway) is not kept full by the part written."""
    from ilrs_graph import last_good

    def fill_the_disk(quads, output, format):
        Path(output).write_bytes(b"x" * 65536)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(last_good.ox, "serialize", fill_the_disk)  # pyoxigraph's, until the test ends
    loaded = last_good.load_or_last_good((FIXTURES / "base.trig",), validate=False, engine="oxigraph",
                                         keep_in=tmp_path / "cache")
    assert loaded.problem is None and list((tmp_path / "cache" / "last-good").iterdir()) == []


def test_a_disk_full_before_the_copys_description_keeps_the_previous_copy_whole(tmp_path, monkeypatch):
    """A README check: the disk filled after the quads were written but before their small description,
    leaving a new copy with an empty description, and no fallback."""
    from ilrs_graph import last_good

    broken = tmp_path / "data.trig"
    shutil.copy(FIXTURES / "base.trig", broken)
    first = last_good.load_or_last_good((broken,), validate=False, engine="oxigraph", keep_in=tmp_path / "cache")
    write_text = Path.write_text

    def full(path, text, *args, **kwargs):  # the quads fitted; their description does not
        if path.parent.name == "last-good":
            raise OSError(28, "No space left on device")
        return write_text(path, text, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    broken.write_text(broken.read_text() + NEW_FACT)  # a new good version, whose copy cannot be written
    assert last_good.load_or_last_good((broken,), validate=False, engine="oxigraph", keep_in=tmp_path / "cache").problem is None
    monkeypatch.setattr(Path, "write_text", write_text)
    broken.write_text("@prefix broken\n")
    fallen_back = last_good.load_or_last_good((broken,), validate=False, engine="oxigraph", keep_in=tmp_path / "cache")
    assert fallen_back.graph.content_hash == first.graph.content_hash and "data.trig:1" in fallen_back.problem
    assert len(fallen_back.graph.quads) == len(first.graph.quads)  # the copy it describes, not the newer quads
    assert not list((tmp_path / "cache" / "last-good").glob("*.partial"))


def test_the_cache_drops_the_copies_of_data_that_is_gone_and_keeps_the_newest_marks(tmp_path):
    """An operator's review: the cache only grew (840 MB of copies and marks on a developer's machine, most
    of them of the temporary folders of tests and benchmarks). Finding data good now removes the copies of
    data whose paths are all gone, and the oldest conformance marks beyond KEPT_MARKS; the copy the next
    start of data still there may need stays."""
    from ilrs_graph.validate import KEPT_MARKS

    cache = tmp_path / "cache" / "ilrs-graph"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    gone, still_there, served = (tmp_path / name for name in ("gone", "still-there", "served"))
    for folder in (gone, still_there, served):
        folder.mkdir()
        shutil.copy(FIXTURES / "base.trig", folder / "base.trig")
    with running_server_process("--data", gone, "--validate", env=env):
        pass
    used_mark = set(cache.glob("conforms-*"))  # the version still-there serves too, made in 2019 below
    os.utime(*used_mark, (1546300800, 1546300800))
    unused_marks = [cache / f"conforms-{number:064x}" for number in range(KEPT_MARKS)]
    for mark in unused_marks:  # marks of versions long gone (2020), as months of edits leave them
        mark.write_text("1 files, 1 facts, 0 warnings\n")
        os.utime(mark, (1577836800, 1577836800))
    with running_server_process("--data", still_there, "--validate", env=env):  # uses the 2019 mark
        pass
    shutil.rmtree(gone)  # a test's temporary folder, removed after it ran
    (served / "extra.trig").write_text(NEW_FACT)  # a new version: its mark is written

    def copies() -> set[str]:
        return {path for about in (cache / "last-good").glob("*.json") for path in json.loads(about.read_text())["paths"]}

    with serve({"files": [served], "env": env}) as running:
        assert copies() == {str(still_there), str(served)}
        marks = set(cache.glob("conforms-*"))
        assert len(marks) == KEPT_MARKS and used_mark <= marks and len(marks - set(unused_marks)) == 2
        good = requests.get(running.base + "healthz").json()
    assert len(list((cache / "last-good").glob("*.nq"))) == 2
    (served / "extra.trig").write_text("@prefix broken\n")
    with serve({"files": [served], "env": env}) as running:  # the next start falls back on its copy
        health = requests.get(running.base + "healthz").json()
        assert health["status"] == "degraded" and health["version"] == good["version"]
