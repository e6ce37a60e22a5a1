"""A thread that keeps answering one kept-alive connection (server/keep_reading.py) hands it back as
soon as another connection waits for a thread, against the real server."""

from __future__ import annotations

import socket
import threading
import time

from .server_process import running_server_process

# More than the worker's threads (its executors at the busiest and four more: at most 14), so that
# every thread has a connection of its own to keep answering and a newcomer must wait for one.
BUSY_CONNECTIONS = 16
PIPELINED = 3000
REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
STATUS = b"HTTP/1.1 "


def test_a_newcomer_is_answered_while_every_thread_has_a_connection_that_keeps_asking():
    """Each busy connection sends its requests all at once (pipelined), so that its next request is
    always there: a thread that kept answering it regardless would leave the newcomer waiting until
    thousands had been answered."""
    with running_server_process(workers=1) as served:
        busy = [socket.create_connection(("127.0.0.1", served.port)) for _ in range(BUSY_CONNECTIONS)]
        answered = [0] * BUSY_CONNECTIONS
        stop = threading.Event()
        readers = [threading.Thread(target=_drain, args=(client, index, answered, stop), daemon=True)
                   for index, client in enumerate(busy)]
        try:
            for reader in readers:
                reader.start()
            for client in busy:
                client.sendall(REQUEST * PIPELINED)
            time.sleep(0.5)  # every thread is answering a busy connection
            started = time.monotonic()
            with socket.create_connection(("127.0.0.1", served.port), timeout=30) as newcomer:
                newcomer.sendall(REQUEST)
                reply = newcomer.recv(4096)
            waited = time.monotonic() - started
            still_busy = sum(count < PIPELINED for count in answered)
        finally:
            stop.set()
            for client in busy:
                client.close()
        assert reply.startswith(b"HTTP/1.1 200"), reply[:200]
        assert waited < 1.0, f"the newcomer waited {waited:.2f} s"
        assert still_busy == BUSY_CONNECTIONS, f"answered on each busy connection: {answered}"


def _drain(client: socket.socket, index: int, answered: list[int], stop: threading.Event) -> None:
    """Read the answers to one busy connection, counting them (each begins with its status line)."""
    tail = b""
    while not stop.is_set():
        try:
            chunk = client.recv(1 << 16)
        except OSError:
            return
        if not chunk:
            return
        data = tail + chunk  # a status line cut between two reads is whole here, and counted once
        answered[index] += data.count(STATUS)
        tail = data[-(len(STATUS) - 1):]
