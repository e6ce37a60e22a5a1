"""Connections opened at once are spread over gunicorn's workers (server/balance.py), against the real
server: else keep-alive clients opening them together (wrk, a proxy's pool) often all land on one
worker, which answers them alone while the others idle."""

from __future__ import annotations

import signal
import socket
import time

import psutil

from .server_process import running_server_process

CONNECTIONS = 16


def test_connections_opened_at_once_are_spread_over_the_workers():
    """Three times (one worker took all 16 in about one try in three before they were spread)."""
    with running_server_process(workers=2) as served:
        for _ in range(3):
            held = _spread(served)
            assert _balanced(held), f"connections held by each worker: {held}"
            time.sleep(0.5)  # the workers see the clients close theirs


def test_four_connections_go_two_and_two():
    """wrk's four, as the benchmark opens them, six times: before the share counted the next
    connection, three went to one worker in 3 of 6 runs of this test."""
    with running_server_process(workers=2) as served:
        for _ in range(6):
            held = _spread(served, 4)
            assert held == [2, 2], f"connections held by each worker: {held}"
            time.sleep(0.5)


def test_workers_started_by_reloads_spread_them_too():
    """Each reload replaces the workers; the slots of the old ones are freed (four reloads would use
    every slot of the shared table otherwise, and the new workers would accept as they please)."""
    with running_server_process(workers=2) as served:
        for _ in range(4):
            before = set(_workers(served))
            served.process.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 30
            while set(_workers(served)) & before or len(_workers(served)) != 2:
                assert time.monotonic() < deadline, "the workers were not replaced"
                time.sleep(0.1)
        held = _spread(served)
        assert _balanced(held), f"connections held by each worker: {held}"


def _balanced(held: list[int]) -> bool:
    return sum(held) == CONNECTIONS and max(held) - min(held) <= 4


def _spread(served, connections: int = CONNECTIONS) -> list[int]:
    """Open keep-alive connections at once, ask once on each; how many each worker holds."""
    clients = [socket.create_connection(("127.0.0.1", served.port)) for _ in range(connections)]
    try:
        for client in clients:
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        for client in clients:
            assert client.recv(65536).startswith(b"HTTP/1.1 200")
        return sorted(sum(1 for connection in worker.net_connections(kind="tcp")
                          if connection.status == psutil.CONN_ESTABLISHED and connection.laddr.port == served.port)
                      for worker in _workers(served))
    finally:
        for client in clients:
            client.close()


def _workers(served) -> list[psutil.Process]:
    """gunicorn's workers: the master's children (the executors' forkers are the workers' own)."""
    return psutil.Process(served.process.pid).children()
