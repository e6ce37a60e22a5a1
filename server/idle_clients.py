"""Clients that go quiet in the middle of a request, or stop reading their answer, are let go.

gunicorn's threaded worker gives a new connection 5 s to send its first byte, but then reads the
request, and writes the answer, blocking without end: 28 connections that sent half a request and
no more (one for each thread of two workers) held every thread, and the server answered no one until
they left. Here a client's socket waits at most ``limits.client_idle_seconds`` for the next byte to
come or to go (the kernel's SO_RCVTIMEO and SO_SNDTIMEO, so that reading and writing cost nothing
more: Python's own socket timeouts add a poll() and a handover of the GIL to every call, 15 % of the
repeated queries' throughput), as Jetty's idle timeout (Fuseki's) and nginx's client_body_timeout and
send_timeout do; then the connection is closed, as if the client had reset it. A client that trickles
a byte now and then is not stopped by this: a public server has a reverse proxy in front that
buffers whole requests (README, "A public endpoint: limits and safety").
"""

from __future__ import annotations

import errno
import logging
import socket
import struct
import time

log = logging.getLogger("ilrs_server")

# How long a closing connection waits for its client to close its side, and how much it reads and
# throws away meanwhile, as gunicorn does (util.close_graceful).
LINGER_SECONDS, LINGER_BYTES = 2.0, 65536

_TIMEVAL = struct.Struct("@ll")  # struct timeval: seconds, microseconds


def limit_idleness(sock: socket.socket, seconds: float) -> None:
    """From now on, a blocking read or write on ``sock`` waits at most ``seconds`` for its client."""
    if type(sock) is not socket.socket:  # already done (or an SSL socket, which this server does not make)
        return
    timeval = _TIMEVAL.pack(int(seconds), int(round(seconds % 1 * 1e6)))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeval)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, timeval)
    sock.__class__ = _IdleLimitedSocket


class _IdleLimitedSocket(socket.socket):
    """A client's socket whose blocking reads and writes give up when the client is idle too long (the
    kernel then answers EAGAIN, which is turned into the error of a client that went away)."""

    __slots__ = ()  # the same layout as socket.socket, so that a socket can take this class

    def recv(self, *args) -> bytes:
        try:
            return super().recv(*args)
        except BlockingIOError:
            raise _gone(self, "sent nothing") from None

    def recv_into(self, *args) -> int:
        try:
            return super().recv_into(*args)
        except BlockingIOError:
            raise _gone(self, "sent nothing") from None

    def sendall(self, *args) -> None:
        try:
            super().sendall(*args)
        except BlockingIOError:
            raise _gone(self, "read nothing") from None


def linger_before_closing(sock: socket.socket) -> None:
    """The start of gunicorn's graceful close (RFC 9112, 9.6), done in the connection's own thread:
    send the end of the answer, then read what the client still sends until it closes its side, for
    at most LINGER_SECONDS and LINGER_BYTES. gunicorn does this in the worker's main thread, which then
    neither accepts nor answers anyone: ten clients asking for "Connection: close" and not closing held
    a worker for 20 s. Its close then finds the socket shut and is immediate."""
    try:
        sock.shutdown(socket.SHUT_WR)
        deadline, unread = time.monotonic() + LINGER_SECONDS, LINGER_BYTES
        while (remaining := deadline - time.monotonic()) > 0 and unread > 0:
            sock.settimeout(remaining)
            read = len(sock.recv(4096))
            if not read:
                break
            unread -= read
        sock.shutdown(socket.SHUT_RD)
    except OSError:  # the client has gone, or the socket is shut already
        pass


def _gone(sock: socket.socket, what: str) -> OSError:
    """For a client idle too long, the error gunicorn takes for a client that went away: it closes the
    connection without a word. (On a socket in non-blocking or timeout mode, EAGAIN is gunicorn's own
    business: it stays as it is.)"""
    if sock.gettimeout() is not None:
        return BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
    seconds, microseconds = _TIMEVAL.unpack(sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, _TIMEVAL.size))
    try:
        client = "%s:%s" % sock.getpeername()[:2]
        # Both ways at once, here: gunicorn's own close would wait up to 2 s, in the worker's main
        # thread, for a client that says nothing to close its side (it closed 12 stalled ones 2 s apart).
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        client = "a client"
    log.info("closed the connection of %s: it %s for %g s", client, what, seconds + microseconds / 1e6)
    return ConnectionResetError(errno.ECONNRESET, f"the client {what} for {seconds + microseconds / 1e6:g} s")
