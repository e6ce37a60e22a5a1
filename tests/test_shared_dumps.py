"""A dump is written once for all the processes of a server and sent from that one file
(ilrs_graph/kept_files.py): before, each worker wrote its own copy in its heap and kept it."""

from __future__ import annotations

import http.client
import multiprocessing
import time
from pathlib import Path

import psutil

from ilrs_graph import export, formats
from ilrs_graph.dataset import Dataset

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
    received = context.SimpleQueue()
    processes = [context.Process(target=_send_dump, args=(dataset, received)) for _ in range(3)]
    for process in processes:  # forked after the dataset is made, as gunicorn's workers are
        process.start()
    bodies = [received.get() for _ in processes]
    for process in processes:
        process.join(30)
    assert (tmp_path / "written").read_text() == "once\n"
    assert bodies == [export.serialize(shipped.quads, NQUADS)] * 3


def _send_dump(dataset: Dataset, queue) -> None:
    queue.put(bytes(dataset.dump(NQUADS).body))


def test_every_worker_sends_the_dump_from_the_same_file_removed_when_the_server_stops():
    with running_server_process(workers=2) as served:
        connections = [http.client.HTTPConnection("127.0.0.1", served.port, timeout=30) for _ in range(4)]
        for connection in connections:  # opened at once: two for each worker (server/balance.py)
            connection.connect()
        for connection in connections:
            connection.request("GET", "/data.nq")
            response = connection.getresponse()
            assert response.status == 200 and len(response.read()) == int(response.headers["Content-Length"])
            connection.close()
        mapped = {worker.pid: [m.path for m in worker.memory_maps(grouped=False) if m.path.endswith("/data.nq")]
                  for worker in psutil.Process(served.process.pid).children()}
    assert len(mapped) == 2 and all(len(paths) == 1 for paths in mapped.values()), mapped
    files = {paths[0] for paths in mapped.values()}
    assert len(files) == 1, f"each worker wrote its own: {files}"
    assert not Path(files.pop()).parent.exists(), "the server left its dumps behind"
