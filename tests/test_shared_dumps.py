"""A dump is written once for all the processes of a server and sent from that one file
(ilrs_graph/kept_files.py): before, each worker wrote its own copy in its heap and kept it. The
directory outlives a reload while old workers still use it, and a process without it still answers."""

from __future__ import annotations

import gc
import http.client
import multiprocessing
import shutil
import signal
import time
from pathlib import Path

import psutil
import requests

from ilrs_graph import export, formats, kept_files
from ilrs_graph.dataset import Dataset
from ilrs_graph.kept_files import KeptFiles

from .conftest import FIXTURES
from .server_process import running_server_process

NQUADS = formats.by_name("nquads")


def test_processes_asking_for_a_dump_at_once_have_it_written_once(shipped, tmp_path, monkeypatch):
    dataset = Dataset.of(shipped)

    def slow_serialize(*args, real=export.serialize):
        with (tmp_path / "written").open("a") as log:
            log.write("once\n")
        time.sleep(0.5)  # the other processes ask meanwhile
        return real(*args)
    monkeypatch.setattr(export, "serialize", slow_serialize)
    context = multiprocessing.get_context("fork")
    received = context.Queue()
    processes = [context.Process(target=_send_dump, args=(dataset, received)) for _ in range(3)]
    for process in processes:  # forked after the dataset is made, as gunicorn's workers are
        process.start()
    bodies = [received.get(timeout=30) for _ in processes]
    for process in processes:
        process.join(30)
    assert (tmp_path / "written").read_text() == "once\n"
    assert bodies == [export.serialize(shipped.quads, NQUADS)] * 3


def _send_dump(dataset: Dataset, queue) -> None:
    queue.put(bytes(dataset.dump(NQUADS).body))


def test_every_worker_sends_the_dump_from_the_same_file_removed_when_the_server_stops():
    with running_server_process(workers=2) as served:
        deadline = time.monotonic() + 30
        while True:  # until each worker has sent it (one still starting takes no connection)
            length = _ask_for_the_dump_at_once(served.port)
            mapped = {worker.pid: [m.path for m in worker.memory_maps(grouped=False) if m.path.endswith("/data.nq")]
                      for worker in psutil.Process(served.process.pid).children()}
            if len(mapped) == 2 and all(mapped.values()) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        head = requests.head(served.base + "data.nq", headers={"Accept-Encoding": "identity"}, timeout=30)
        assert head.status_code == 200 and head.content == b"" and head.headers["Content-Length"] == str(length)
    assert len(mapped) == 2 and all(len(paths) == 1 for paths in mapped.values()), mapped
    files = {paths[0] for paths in mapped.values()}
    assert len(files) == 1, f"each worker wrote its own: {files}"
    assert not Path(files.pop()).parent.exists(), "the server left its dumps behind"


def _ask_for_the_dump_at_once(port: int) -> int:
    """GET /data.nq on four connections opened at once (two for each worker: server/balance.py); its length."""
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(4)]
    for connection in connections:
        connection.connect()
    for connection in connections:
        connection.request("GET", "/data.nq")
        response = connection.getresponse()
        length = int(response.headers["Content-Length"])
        assert response.status == 200 and len(response.read()) == length
        connection.close()
    return length


def test_a_replaced_version_keeps_its_directory_while_an_old_worker_writes_there(shipped, monkeypatch):
    """A reload drops the dataset in the server's main process while the workers forked before it still
    serve it. One writing a dump then lost the directory under it, and its client got a 500."""
    dataset = Dataset.of(shipped)
    directory = dataset._files.directory
    context = multiprocessing.get_context("fork")
    writing, received = context.Event(), context.Queue()

    def slow_serialize(*args, real=export.serialize):
        writing.set()
        time.sleep(0.5)  # the reload happens meanwhile
        return real(*args)
    monkeypatch.setattr(export, "serialize", slow_serialize)
    old_worker = context.Process(target=_send_dump, args=(dataset, received))
    old_worker.start()
    assert writing.wait(30)
    del dataset
    gc.collect()  # the reload's swap
    assert directory.exists()
    assert received.get(timeout=30) == export.serialize(shipped.quads, NQUADS)
    old_worker.join(30)
    assert (directory / "data.nq").exists()
    kept_files.remove_released()  # as the server does when a worker ends
    assert not directory.exists()


def test_without_its_directory_a_process_makes_the_file_in_memory():
    files = KeptFiles()
    shutil.rmtree(files.directory)  # as a cleaner of old temporary files may
    assert files.bytes_of("data.nq", lambda: b"<urn:s> <urn:p> <urn:o> .\n") == b"<urn:s> <urn:p> <urn:o> .\n"
    assert not files.directory.exists(), "made again under a name others could have taken first"


def test_a_file_that_cannot_be_written_is_still_given_and_written_at_the_next_asking(monkeypatch):
    files = KeptFiles()

    def disk_full(*args):
        raise OSError(28, "No space left on device")
    with monkeypatch.context() as patched:
        patched.setattr(Path, "write_bytes", disk_full)
        assert files.bytes_of("data.nq", lambda: b"first") == b"first"
    assert sorted(p.name for p in files.directory.iterdir() if not p.name.endswith(".lock")) == ["in-use"]
    assert files.bytes_of("data.nq", lambda: b"second") == b"second"
    assert (files.directory / "data.nq").read_bytes() == b"second"


def test_after_a_reload_the_new_version_has_its_dumps_and_the_old_ones_go_with_the_old_workers(tmp_path):
    data = tmp_path / "base.trig"
    shutil.copy(FIXTURES / "base.trig", data)
    with running_server_process("--data", data, workers=2) as served:
        old_dump, old_directory = _dump_and_its_directory(served)
        data.write_text(data.read_text() + "\n<urn:ilrs:test> <urn:ilrs:added-by> <urn:ilrs:a-reload> .\n")
        served.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        while old_directory.exists():
            assert time.monotonic() < deadline, "the replaced version's dumps stayed after its workers ended"
            time.sleep(0.2)
        new_dump, new_directory = _dump_and_its_directory(served)
        assert b"<urn:ilrs:a-reload>" in new_dump and b"<urn:ilrs:a-reload>" not in old_dump
        assert new_directory != old_directory
    assert not new_directory.exists(), "the server left its dumps behind"


def _dump_and_its_directory(served) -> tuple[bytes, Path]:
    """/data.nq, and the file the workers send it from."""
    dump = requests.get(served.base + "data.nq", headers={"Accept-Encoding": "identity"}, timeout=30)
    assert dump.status_code == 200
    for worker in psutil.Process(served.process.pid).children():
        try:
            mappings = worker.memory_maps(grouped=False)
        except psutil.NoSuchProcess:  # an old worker ending after a reload (ZombieProcess is one)
            continue
        for mapping in mappings:
            if mapping.path.endswith("/data.nq") and Path(mapping.path).exists():
                return dump.content, Path(mapping.path).parent
    raise AssertionError("no worker maps the dump")
