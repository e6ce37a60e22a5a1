"""The result cache: least recently used answers leave first, within a byte budget, and a question
asked again while it is being answered waits for that answer instead of running twice."""

from __future__ import annotations

import gzip
import threading

import pytest

from ilrs_graph import formats
from ilrs_graph.dataset import Answer, Dataset, ResultCache
from ilrs_graph.query import Limits, QueryError

JSON = formats.by_name("json")


def answer(body: bytes) -> Answer:
    return Answer(body, JSON, body.hex()[:32])


def ask_in_thread(cache: ResultCache, key: tuple, compute, outcomes: list) -> threading.Thread:
    def ask():
        try:
            outcomes.append(cache.answer(key, compute))
        except QueryError as error:
            outcomes.append(error)
    thread = threading.Thread(target=ask)
    thread.start()
    return thread


def start_slow_first_asker(cache: ResultCache, key: tuple, outcome, outcomes: list):
    """The first asker of ``key``, its computation running until the returned event is set; then it
    returns (or raises) ``outcome``."""
    started, release = threading.Event(), threading.Event()

    def compute():
        started.set()
        release.wait(30)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome
    thread = ask_in_thread(cache, key, compute, outcomes)
    assert started.wait(30)
    return thread, release


def test_a_question_asked_while_it_is_answered_is_answered_once():
    cache, outcomes, reruns = ResultCache(), [], []
    expected = answer(b'{"results": "first"}')
    first, release = start_slow_first_asker(cache, ("q",), expected, outcomes)
    others = [ask_in_thread(cache, ("q",), lambda: reruns.append(1) or answer(b"again"), outcomes) for _ in range(3)]
    for other in others:
        other.join(0.5)
    assert all(other.is_alive() for other in others), "they wait for the first asker's answer"
    release.set()
    for thread in (first, *others):
        thread.join(30)
    assert not reruns and outcomes == [expected] * 4
    assert cache.answer(("q",), lambda: answer(b"again")) is expected  # and it is kept


def test_a_failure_reaches_every_waiter_and_is_not_kept():
    cache, outcomes = ResultCache(), []
    failure = QueryError("The query did not finish within 10 s", 503)
    first, release = start_slow_first_asker(cache, ("q",), failure, outcomes)
    others = [ask_in_thread(cache, ("q",), lambda: answer(b"rerun"), outcomes) for _ in range(2)]
    for other in others:
        other.join(0.5)
    release.set()
    for thread in (first, *others):
        thread.join(30)
    assert outcomes == [failure] * 3
    assert cache.answer(("q",), lambda: answer(b"rerun")).body == b"rerun"  # asked again, run again


def test_least_recently_used_answers_leave_first_within_the_byte_budget():
    cache = ResultCache(max_entries=10, max_bytes=400)
    for name in "abcd":
        cache.answer((name,), lambda name=name: answer(name.encode() * 100))
    cache.answer(("a",), pytest.fail)  # a is used again: b is now the least recent
    cache.answer(("e",), lambda: answer(b"e" * 100))
    assert cache.answer(("a",), pytest.fail).body == b"a" * 100
    assert cache.answer(("b",), lambda: answer(b"recomputed")).body == b"recomputed"


def test_an_answer_over_a_quarter_of_the_budget_is_not_kept():
    cache = ResultCache(max_bytes=400)
    cache.answer(("small",), lambda: answer(b"s" * 100))
    assert cache.answer(("big",), lambda: answer(b"b" * 101)).body == b"b" * 101
    assert cache.answer(("big",), lambda: answer(b"again")).body == b"again"
    assert cache.answer(("small",), pytest.fail).body == b"s" * 100


def test_a_stopping_first_asker_gives_its_waiters_a_503_and_frees_the_question():
    cache, outcomes = ResultCache(), []
    started, release = threading.Event(), threading.Event()
    stopped = []

    def stop():
        started.set()
        release.wait(30)
        raise SystemExit  # what gunicorn raises in a worker it stops

    def first():
        try:
            cache.answer(("q",), stop)
        except SystemExit:
            stopped.append(True)
    leader = threading.Thread(target=first)
    leader.start()
    assert started.wait(30)
    waiter = ask_in_thread(cache, ("q",), lambda: answer(b"rerun"), outcomes)
    waiter.join(0.5)
    release.set()
    for thread in (leader, waiter):
        thread.join(30)
    assert stopped == [True] and isinstance(outcomes[0], QueryError) and outcomes[0].status == 503
    assert cache.answer(("q",), lambda: answer(b"rerun")).body == b"rerun"


def test_a_gzipped_copy_is_made_once_and_kept_a_query_answers_in_the_cache_a_dumps_beside_it(shipped):
    dataset = Dataset.of(shipped, limits=Limits(max_cache_bytes=2**20))
    query_answer = dataset.answer(dataset.plan("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 100"), JSON)
    dump = dataset.dump(formats.by_name("ntriples"))
    for original in (query_answer, dump):
        copy = dataset.gzipped(original)
        assert gzip.decompress(copy.body) == original.body and copy.etag == original.etag + ":gzip"
        assert dataset.gzipped(original) is copy
    assert dataset.cache.answer(("gzip", query_answer.etag), pytest.fail) is dataset.gzipped(query_answer)


def test_an_answer_in_other_bytes_has_another_entity_tag_and_the_same_bytes_the_same(shipped):
    """Two workers (here two datasets) label a CONSTRUCT's blank nodes each their own way: a strong ETag
    must tell the bytes apart (RFC 9110, 8.8.1), and stay the same where the bytes are."""
    workers = [Dataset.of(shipped), Dataset.of(shipped)]
    turtle = formats.by_name("turtle")
    blank = [w.answer(w.plan("CONSTRUCT { [] <urn:p> 1 } WHERE {}"), turtle) for w in workers]
    assert bytes(blank[0].body) != bytes(blank[1].body) and blank[0].etag != blank[1].etag
    named = [w.answer(w.plan("SELECT ?s WHERE { ?s a ?c } ORDER BY ?s LIMIT 5"), JSON) for w in workers]
    assert bytes(named[0].body) == bytes(named[1].body) and named[0].etag == named[1].etag
