"""A real OpenLink Virtuoso server (Debian's `virtuoso-opensource`, which .ci/run installs) on 127.0.0.1, for
the tests of a store that answers SPARQL in its own way."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from .server_process import free_port, running_store_process

SETTINGS = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx

[Parameters]
ServerPort = {sql_port}
DirsAllowed = .

[HTTPServer]
ServerPort = {http_port}
"""


@contextmanager
def running_virtuoso(location: Path):
    """Yield the URL of the SPARQL endpoint of a new Virtuoso database kept in ``location``. Skips the test
    where Virtuoso is not installed (`apt-get install virtuoso-opensource`)."""
    command = shutil.which("virtuoso-t")
    if command is None:
        pytest.skip("Virtuoso (Debian's virtuoso-opensource, which .ci/run installs) is not installed here")
    http_port, sql_port = free_port(), free_port()
    settings = location / "virtuoso.ini"
    settings.write_text(SETTINGS.format(db=location, sql_port=sql_port, http_port=http_port))
    endpoint = f"http://127.0.0.1:{http_port}/sparql"
    # SIGKILL: on SIGTERM Virtuoso may take its time over a checkpoint of a database thrown away
    with running_store_process([command, "+configfile", str(settings), "+foreground"], cwd=location,
                               log=location / "server.log", ready_url=endpoint + "?query=ASK%7B%7D",
                               name="Virtuoso", seconds=60, kill=True):
        yield endpoint
