"""Clients that go quiet in the middle of a request, or stop reading their answer, are let go.

gunicorn's threaded worker gives a new connection 5 s to send its first byte, but then reads the
request, and writes the answer, blocking without end: 28 connections that sent half a request and
no more (one for each thread of two workers) held every thread, and the server answered no one until
they left. Here blocking on a client's socket means waiting at most ``limits.client_idle_seconds``
for the next byte to come or to go, as Jetty's idle timeout (Fuseki's) and nginx's client_body_timeout
and send_timeout do; then the connection is closed, as if the client had reset it. A client that
trickles a byte now and then is not stopped by this: a public server has a reverse proxy in front
that buffers whole requests (README, "A public endpoint: limits and safety").
"""

from __future__ import annotations

import errno
import logging
import socket
from functools import lru_cache

log = logging.getLogger("ilrs_server")


def limit_idleness(sock: socket.socket, seconds: float) -> None:
    """From now on, ``sock`` waits for its client at most ``seconds`` at a time."""
    if type(sock) is socket.socket:  # (an SSL socket is left as it is: this server does not make them)
        sock.__class__ = _idle_limited(seconds)


@lru_cache(maxsize=None)
def _idle_limited(seconds: float) -> type[socket.socket]:
    class IdleLimitedSocket(socket.socket):
        """A client's socket on which blocking means waiting at most ``seconds`` for each byte."""

        __slots__ = ()  # the same layout as socket.socket, so that a socket can take this class

        def setblocking(self, flag: bool) -> None:
            self.settimeout(seconds if flag else 0.0)

        def recv(self, *args) -> bytes:
            try:
                return super().recv(*args)
            except TimeoutError:
                raise _gone(self, "sent nothing", seconds) from None

        def recv_into(self, *args) -> int:
            try:
                return super().recv_into(*args)
            except TimeoutError:
                raise _gone(self, "sent nothing", seconds) from None

        def sendall(self, data, flags: int = 0) -> None:
            """Send everything, waiting at most ``seconds`` for each part to go (socket.sendall's
            timeout would bound the whole answer, however fast it is being read)."""
            with memoryview(data).cast("B") as view:
                while view:
                    try:
                        sent = self.send(view, flags)
                    except TimeoutError:
                        raise _gone(self, "read nothing", seconds) from None
                    view = view[sent:]

        def sendfile(self, file, offset: int = 0, count: int | None = None) -> int:
            try:
                return super().sendfile(file, offset, count)
            except TimeoutError:
                raise _gone(self, "read nothing", seconds) from None

    return IdleLimitedSocket


def _gone(sock: socket.socket, what: str, seconds: float) -> OSError:
    """For a client idle too long, the error gunicorn takes for a client that went away: it closes the
    connection without a word. (A wait of gunicorn's own, as when it lingers over a closing
    connection, keeps its timeout and its error.)"""
    if sock.gettimeout() != seconds:
        return TimeoutError("timed out")
    try:
        client = "%s:%s" % sock.getpeername()[:2]
        # Both ways at once, here: gunicorn's own close would wait up to 2 s, in the worker's main
        # thread, for a client that says nothing to close its side (it closed 12 stalled ones 2 s apart).
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        client = "a client"
    log.info("closed the connection of %s: it %s for %g s", client, what, seconds)
    return ConnectionResetError(errno.ECONNRESET, f"the client {what} for {seconds:g} s")
