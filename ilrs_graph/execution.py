"""Running clients' queries in processes that can be stopped: the executor pool.

Neither Oxigraph nor rdflib can be interrupted from Python, and one query can take all the CPU and
memory there is. So a server process never runs a client's query itself. Once, while it is still
single-threaded, it forks a *forker*; the forker forks *executors* on demand. Each executor holds the
loaded graph (copy-on-write, nothing is reloaded), answers one query at a time through a socket, and
runs under a memory limit. A query that outlives its time limit gets its executor killed (its CPU is
freed at once) and a replacement forked. Should the forker be killed (its executors die with it), the
server process, threaded by then, does not fork another: it stops, and gunicorn forks a fresh one.

The pool keeps ``limits.executors`` executors warm. A query finding them all busy waits for one, unless
some have been busy for over ``STUCK_SECONDS``: each of those lets one more executor be forked (up to
``limits.max_executors``, and see below), so that a small query is not stuck behind runaway ones, while ordinary load
does not grow the pool. That matters for memory: reading Oxigraph's in-memory store writes to it (it
counts references to the quads it walks), so every page of the graph a query reads becomes its
executor's own copy, up to the whole store. Warm executors keep theirs; an extra executor that has
copied much is closed after its answer; and there are only as many extra executors as copies of the
graph fit in ``limits.max_surplus_bytes``: on a large graph (1M quads take ~553 MiB), none.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import pickle
import resource
import signal
import socket
import struct
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

from . import formats, memory
from .formats import Format
from .query import Limits, QueryError, QueryPlan
from .store import Engine
from .wording import counted, size

log = logging.getLogger("ilrs_graph.execution")

_HEADER = struct.Struct("!cQ")  # message kind, payload length
_QUERY, _ANSWER, _REFUSAL = b"Q", b"A", b"R"  # a query; its answer, or why not
_FORK, _REAP = b"f", b"r"
_PID = struct.Struct("!q")
_FIRST_READ = 64 * 2**10
_PR_SET_PDEATHSIG = 1
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
# Surplus executors (beyond the warm ones) that stay idle this long are closed.
IDLE_SURPLUS_SECONDS = 60.0
# An executor busy for longer than this may be a runaway: it no longer holds back the forking of another.
STUCK_SECONDS = 0.2
# An executor is replaced after this many answers: what its heap gathers over time is given back.
ANSWERS_PER_EXECUTOR = 1000
# A surplus executor that has made this much memory its own (copies of the shared graph, mostly) is
# closed after its answer: at 1M quads a few scans copy all ~500 MB of the store.
OWN_BYTES_PER_SURPLUS_EXECUTOR = 64 * 2**20
RETRY_AFTER_SECONDS = 5
# After a query this long, an executor returns the heap's free pages to the system.
LONG_QUERY_SECONDS = 0.05
# The pools of this process (one per server process; a script may hold several): see _let_go_of_other_pools.
_POOLS: weakref.WeakSet[ExecutorPool] = weakref.WeakSet()


class ExecutorPool:
    """The executors of one server process; :meth:`run` answers like :meth:`Engine.run`, within ``limits``."""

    def __init__(self, engine: Engine, limits: Limits):
        self.engine, self.limits = engine, limits
        _POOLS.add(self)
        self._forker: _Forker | None = None
        self._idle: list[_Executor] = []
        self._busy: dict[int, _Executor] = {}  # by pid
        self._count = 0  # idle + busy + being forked
        self._lock = threading.Condition()
        self._stopping = False  # the forker has gone: this process has asked to be stopped
        self.capacity = limits.max_executors  # executors at the busiest: as many as copies of the graph fit
        if engine.footprint_bytes is None:
            log.warning("the memory the graph takes cannot be measured here: up to %s per server "
                        "process, whatever they copy of it", counted(self.capacity, "executor"))
        else:
            fitting = limits.max_surplus_bytes // max(engine.footprint_bytes, 1)
            self.capacity = limits.executors + min(limits.max_executors - limits.executors, fitting)
            log.info("the graph takes %s in memory: up to %s per server process (max_executors %d; "
                     "extra ones may copy %s of it, max_surplus_bytes)", size(engine.footprint_bytes),
                     counted(self.capacity, "executor"), limits.max_executors, size(limits.max_surplus_bytes))

    def start(self) -> None:
        """Fork the forker and the first executors; call it before the process starts threads."""
        with self._lock:
            if self._forker is not None:
                return
            self._forker = _Forker.start(self.engine, self.limits)
            for _ in range(self.limits.executors):
                self._idle.append(self._forker.fork())
                self._count += 1

    def run(self, plan: QueryPlan, fmt: Format, *, default_graph_uris: Sequence[str] = (),
            named_graph_uris: Sequence[str] = ()) -> bytes:
        """Answer ``plan`` in an executor within the time limit; raise :class:`QueryError` otherwise."""
        deadline = time.monotonic() + self.limits.timeout_seconds
        request = pickle.dumps((plan, fmt.name, tuple(default_graph_uris), tuple(named_graph_uris)))
        self.start()  # a no-op when the server started the pool, as it should, before its threads
        try:
            kind, payload = self._ask(request, deadline, tries=2)
        except _ForkerGone:
            raise self._stop_for_a_fresh_process() from None
        if kind == _ANSWER:
            return payload
        message, status, line, column = pickle.loads(payload)
        raise QueryError(message, status, line=line, column=column)

    def _ask(self, request: bytes, deadline: float, *, tries: int) -> tuple[bytes, bytes]:
        """The reply of an executor to ``request``; asked of another when the first had ended before it
        was given the query, ``tries`` times in all."""
        executor = self._acquire(deadline)
        try:
            reply = executor.ask(request, deadline)
        except _ExecutorGone:  # the query never ran, so it is not to blame
            log.warning("a query executor had ended while idle (wait status %s), killed from outside; "
                        "its query goes to another", self._retire(executor, kill=False))
            if tries > 1:
                return self._ask(request, deadline, tries=tries - 1)  # on its replacement, as a rule
            raise QueryError("The query executors of this server process ended before they were given the "
                             "query; try again shortly.", 503, retry_after=RETRY_AFTER_SECONDS) from None
        except TimeoutError:
            self._retire(executor, kill=True)
            raise QueryError(f"The query did not finish within {self.limits.timeout_seconds:g} s, this "
                             "endpoint's time limit, and was stopped. Ask for less (a LIMIT, fewer "
                             "patterns, no cross products).", 503, retry_after=RETRY_AFTER_SECONDS) from None
        except EOFError:
            raise self._death_error(self._retire(executor, kill=False)) from None
        except BaseException:
            self._retire(executor, kill=True)
            raise
        executor.answered += 1
        with self._lock:
            surplus = self._count > self.limits.executors
        if executor.answered >= ANSWERS_PER_EXECUTOR or (
                surplus and _faulted_bytes(executor.pid) > OWN_BYTES_PER_SURPLUS_EXECUTOR):
            self._retire(executor, kill=False)
        else:
            self._release(executor)
        return reply

    def _acquire(self, deadline: float) -> _Executor:
        """An idle executor, or a new one while the pool may grow, or the next one free; 503 at ``deadline``."""
        with self._lock:
            while not self._idle and self._count >= self._allowed():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    which = "The only query executor of this server process is" if self._count == 1 else \
                        f"All {self._count} query executors of this server process are"
                    raise QueryError(f"{which} busy; try again shortly.", 503, retry_after=RETRY_AFTER_SECONDS)
                self._lock.wait(min(remaining, STUCK_SECONDS / 4))  # busy ones may become stuck meanwhile
            if self._idle:
                executor = self._idle.pop()
            else:
                self._count += 1
                executor = None
        if executor is None:
            executor = self._fork_counted()
        executor.busy_since = time.monotonic()
        with self._lock:
            self._busy[executor.pid] = executor
        return executor

    def _allowed(self) -> int:
        """How many executors may exist now: the warm ones, plus one for each that seems stuck, as memory allows."""
        now = time.monotonic()
        stuck = sum(now - executor.busy_since > STUCK_SECONDS for executor in self._busy.values())
        return min(self.capacity, self.limits.executors + stuck)

    def _fork_counted(self) -> _Executor:
        """A new executor, already counted in ``_count`` by the caller (uncounted again if forking fails)."""
        try:
            return self._forker.fork()
        except BaseException:
            with self._lock:
                self._count -= 1
                self._lock.notify()
            raise

    def _release(self, executor: _Executor) -> None:
        """Back to the idle list; surplus executors idle for long are closed."""
        now = time.monotonic()
        executor.idle_since = now
        with self._lock:
            self._busy.pop(executor.pid, None)
            self._idle.append(executor)
            surplus = len(self._idle) - self.limits.executors
            stale = [e for e in self._idle[:max(surplus, 0)] if now - e.idle_since > IDLE_SURPLUS_SECONDS]
            for old in stale:
                self._idle.remove(old)
            self._lock.notify()
        for old in stale:
            self._retire(old, kill=False)

    def _retire(self, executor: _Executor, *, kill: bool) -> int:
        """Close and reap ``executor`` (killed first when it may be busy), fork a replacement while
        fewer than the pre-forked number exist, and return its wait status."""
        executor.close(kill=kill)
        try:
            status = self._forker.reap(executor.pid)
        except _ForkerGone:
            status = None  # the executor died with the forker; there is no replacement to fork either
        with self._lock:
            self._busy.pop(executor.pid, None)
            replace = status is not None and self._count - 1 < self.limits.executors
            if not replace:
                self._count -= 1
                self._lock.notify()
        if status is None:
            raise _ForkerGone
        if replace:  # the retired executor's place in the count passes to its replacement
            self._release(self._fork_counted())
        return status

    def _stop_for_a_fresh_process(self) -> QueryError:
        """The forker has gone (killed from outside: an operator, the OOM killer), and its executors with
        it. Another cannot be forked here: this process has threads now, some inside the engine (the
        pages' queries), whose locks a fork may copy, held, into every executor; and a forker's death
        signal would follow the thread that forked it. So the process asks to be stopped (SIGTERM: gunicorn
        lets its requests end, then forks a fresh worker, whose forker starts single-threaded); its
        queries meanwhile are told to try again."""
        with self._lock:
            first, self._stopping = not self._stopping, True
        if first:
            log.error("the query executors' forker has gone (killed from outside?): this server process stops, "
                      "for a fresh one to be started")
            os.kill(os.getpid(), signal.SIGTERM)
        return QueryError("This server process lost its query executors and is being replaced; try again "
                          "shortly.", 503, retry_after=RETRY_AFTER_SECONDS)

    def _death_error(self, status: int) -> QueryError:
        """Why an executor died in the middle of a query, told to the client."""
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGSEGV:
            log.warning("a query executor ran out of stack")  # in the engine's parser or planner
            return QueryError("The query is too complex for the engine: it nests or chains too much "
                              "(operators, paths, collections, patterns). Simplify it.", 400)
        log.warning("a query executor died (wait status %s), most likely at its memory limit", status)
        return QueryError(f"The query needed more than {size(self.limits.max_query_memory_bytes)} of "
                          "memory, this endpoint's limit for one query, and was stopped. Ask for less "
                          "(a LIMIT, fewer DISTINCT or ORDER BY over large results).", 503,
                          retry_after=RETRY_AFTER_SECONDS)


class _ForkerGone(Exception):
    """The forker has ended (killed from outside), and every executor with it (their death signal)."""


class _ExecutorGone(Exception):
    """The executor had ended (killed from outside) before it was sent a query."""


@dataclass
class _Executor:
    """The server's end of one executor process."""

    pid: int
    sock: socket.socket
    idle_since: float = 0.0
    busy_since: float = 0.0
    answered: int = 0

    def ask(self, request: bytes, deadline: float) -> tuple[bytes, bytes]:
        """Send one query; its reply by ``deadline`` (TimeoutError), or EOFError if the executor died on
        it, :class:`_ExecutorGone` if it had ended before."""
        self.sock.settimeout(max(deadline - time.monotonic(), 0.001))
        try:
            _send(self.sock, _QUERY, request)
        except socket.timeout:
            raise TimeoutError from None
        except (BrokenPipeError, ConnectionResetError):
            raise _ExecutorGone from None
        return _receive(self.sock, deadline)

    def close(self, *, kill: bool) -> None:
        if kill:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.sock.close()


class _Forker:
    """The server's end of the forker: a single-threaded process that forks executors and reaps them."""

    def __init__(self, pid: int, control: socket.socket):
        self.pid, self._control, self._lock = pid, control, threading.Lock()

    @classmethod
    def start(cls, engine: Engine, limits: Limits) -> _Forker:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            ours.close()
            _in_child_process(parent)
            _let_go_of_other_pools()
            try:
                _forker_loop(theirs, engine, limits)
            finally:
                os._exit(0)
        theirs.close()
        return cls(pid, ours)

    def fork(self) -> _Executor:
        """A new executor; :class:`_ForkerGone` if the forker has ended."""
        with self._lock:
            try:
                self._control.sendall(_FORK)
                data, fds, _, _ = socket.recv_fds(self._control, _PID.size, 1)
            except OSError:
                raise _ForkerGone from None
        if len(data) != _PID.size or len(fds) != 1:
            raise _ForkerGone
        return _Executor(_PID.unpack(data)[0], socket.socket(fileno=fds[0]))

    def reap(self, pid: int) -> int:
        """Wait for executor ``pid`` to end (it has been killed or its socket closed); its wait status,
        or :class:`_ForkerGone` if the forker has ended."""
        with self._lock:
            try:
                self._control.sendall(_REAP + _PID.pack(pid))
                return _PID.unpack(_exactly(self._control, _PID.size))[0]
            except (OSError, EOFError):
                raise _ForkerGone from None


def _let_go_of_other_pools() -> None:
    """In a new forker, close its copies of the sockets of the process's other pools. An executor exits
    when its socket's other end is closed; a copy kept here (and in the executors forked from here) would
    keep another pool's retired executor waiting for ever, and that pool waiting for it."""
    for pool in list(_POOLS):
        held = [pool._forker._control] if pool._forker else []
        for executor in [*pool._idle, *pool._busy.values()]:
            held.append(executor.sock)
        for sock in held:
            if (fd := sock.detach()) >= 0:  # the socket object lets go too, so it closes nothing later
                os.close(fd)


def _forker_loop(control: socket.socket, engine: Engine, limits: Limits) -> None:
    gc.freeze()  # the objects now alive stay untouched by the collector, so their pages stay shared
    while True:
        command = control.recv(1)
        if command == _FORK:
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            forker = os.getpid()
            pid = os.fork()
            if pid == 0:
                control.close()
                ours.close()
                _in_child_process(forker)
                _limit_memory(limits.max_query_memory_bytes)
                _forbid_new_sockets()
                try:
                    _on_a_heap_of_its_own(_executor_loop, theirs, engine, limits)
                finally:
                    os._exit(0)
            theirs.close()
            socket.send_fds(control, [_PID.pack(pid)], [ours.fileno()])
            ours.close()
        elif command == _REAP:
            pid = _PID.unpack(_exactly(control, _PID.size))[0]
            _, status = os.waitpid(pid, 0)
            control.sendall(_PID.pack(status))
        else:  # the server process has gone
            return


def _executor_loop(sock: socket.socket, engine: Engine, limits: Limits) -> None:
    while True:
        try:
            _, request = _receive(sock, None)
        except EOFError:
            return
        plan, format_name, default_graph_uris, named_graph_uris = pickle.loads(request)
        started = time.monotonic()
        try:
            body = engine.run(plan, formats.by_name(format_name), default_graph_uris=default_graph_uris,
                              named_graph_uris=named_graph_uris, max_answer_bytes=limits.max_answer_bytes)
            _send(sock, _ANSWER, body)
        except QueryError as error:
            _send(sock, _REFUSAL, pickle.dumps((error.message, error.status, error.line, error.column)))
        except RecursionError:
            _send(sock, _REFUSAL, pickle.dumps(("The query nests too deeply for the engine. Simplify it.",
                                                400, None, None)))
        except MemoryError:
            os._exit(1)  # reported by the server as a query over the memory limit
        except Exception as error:  # an engine failing on a valid query: the server's fault, logged here
            log.exception("the %s engine failed on a query", engine.name)
            _send(sock, _REFUSAL, pickle.dumps((f"The query engine failed on this query ({type(error).__name__}); "
                                                "the failure has been logged.", 500, None, None)))
        if time.monotonic() - started > LONG_QUERY_SECONDS:  # it may have built much; trimming costs ~1 ms
            memory.give_back_freed_memory(collect=False)


def _on_a_heap_of_its_own(work, *args) -> None:
    """Run ``work(*args)`` in a new thread, which glibc gives an arena of its own. The main thread's
    heap is where the graph was built: its free space lies in pieces between the graph's nodes, and a
    query allocating there spent a third of its time in malloc and free (perf, 1M quads), up to 1.3×
    as long as in a fresh arena."""
    thread = threading.Thread(target=work, args=args, name="query-executor")
    thread.start()
    thread.join()


def _in_child_process(parent: int) -> None:
    """Die with the parent, and take the default action on signals the parent handled itself."""
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(0)
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT, signal.SIGHUP, signal.SIGUSR1,
                   signal.SIGUSR2, signal.SIGWINCH, signal.SIGCHLD, signal.SIGTTIN, signal.SIGTTOU):
        signal.signal(number, signal.SIG_DFL)


def _limit_memory(extra_bytes: int) -> None:
    """Cap this process's address space at what it holds now plus ``extra_bytes``."""
    with open("/proc/self/statm") as statm:
        held = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (held + extra_bytes, held + extra_bytes))


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


# machine → (its seccomp audit architecture, the number of its socket() system call)
_SOCKET_SYSCALL = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}


def _forbid_new_sockets() -> None:
    """Make socket() fail (EPERM) in this process, by a seccomp filter: whatever an engine is asked,
    an executor cannot open a connection. It needs none: its socket to the server exists already."""
    machine = os.uname().machine
    if machine not in _SOCKET_SYSCALL:
        log.warning("no seccomp filter for %s: executors rely on the query checks alone to stay offline", machine)
        return
    arch, socket_call = _SOCKET_SYSCALL[machine]
    load_word, jump_equal, give = 0x20, 0x15, 0x06
    program = (_SockFilter * 6)(
        _SockFilter(load_word, 0, 0, 4),                  # the call's architecture
        _SockFilter(jump_equal, 0, 3, arch),              # another one: allow
        _SockFilter(load_word, 0, 0, 0),                  # the call's number
        _SockFilter(jump_equal, 0, 1, socket_call),       # not socket(): allow
        _SockFilter(give, 0, 0, 0x00050000 | 1),          # SECCOMP_RET_ERRNO | EPERM
        _SockFilter(give, 0, 0, 0x7FFF0000),              # SECCOMP_RET_ALLOW
    )
    libc = ctypes.CDLL(None, use_errno=True)
    set_no_new_privs, set_seccomp, mode_filter = 38, 22, 2
    if libc.prctl(set_no_new_privs, 1, 0, 0, 0) or \
            libc.prctl(set_seccomp, mode_filter, ctypes.byref(_SockFprog(6, program)), 0, 0):
        raise OSError(ctypes.get_errno(), "cannot install the seccomp filter that keeps executors offline")


def _faulted_bytes(pid: int) -> int:
    """The memory process ``pid`` has made its own since it was forked, new pages and copies of shared
    ones alike: its minor page faults (cheap to read, unlike the kernel's walk of its page tables)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rpartition(")")[2].split()[7]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return 0


def _send(sock: socket.socket, kind: bytes, payload: bytes) -> None:
    sock.sendmsg([_HEADER.pack(kind, len(payload)), payload])


def _receive(sock: socket.socket, deadline: float | None) -> tuple[bytes, bytes]:
    """One message: most arrive whole in the first read; a large one is read on into its own buffer."""
    first = b""
    while len(first) < _HEADER.size:
        first += _read(sock, lambda: sock.recv(_FIRST_READ), deadline)
    kind, length = _HEADER.unpack_from(first)
    body = first[_HEADER.size:]
    return kind, body if len(body) == length else _exactly(sock, length, deadline, start=body)


def _exactly(sock: socket.socket, length: int, deadline: float | None = None, *, start: bytes = b"") -> bytes:
    """``length`` bytes from ``sock``, after those already received (``start``); TimeoutError after
    ``deadline``, EOFError if the peer has gone."""
    assert len(start) <= length, "more bytes received than the message holds"
    buffer = bytearray(length)
    buffer[:len(start)] = start
    view, received = memoryview(buffer), len(start)
    while received < length:
        received += _read(sock, lambda: sock.recv_into(view[received:]), deadline)
    return bytes(buffer)


def _read(sock: socket.socket, read, deadline: float | None):
    """``read()`` on ``sock`` by ``deadline``: TimeoutError after it, EOFError when the peer has gone."""
    if deadline is not None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        sock.settimeout(remaining)
    try:
        got = read()
    except socket.timeout:
        raise TimeoutError from None
    except ConnectionResetError:
        raise EOFError from None
    if not got:
        raise EOFError
    return got
