"""Where the app keeps the graph it serves (app.extensions, not a module global)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask import Flask

from ilrs_graph.dataset import Dataset

from .config import Config

EXTENSION = "ilrs"


@dataclass
class ServerState:
    config: Config
    dataset: Dataset
    problem: str | None = None  # why the newest data is not the one served (see server/reloading.py)
    store_fails: bool = False   # the store (--store) cannot be asked: nothing can be answered from it
    good_since: str = ""        # when the data served was found good
    store_checked_at: float = -math.inf  # time.monotonic() when the store's version was last read (--store)
    started: float = field(default_factory=time.time)  # when the app was made: its code and templates are no newer

    def data_modified(self) -> datetime | None:
        """The Last-Modified of what is read from the data: the date of its files (or of its load into the
        store), or later, when this version was first found good here; never later than now. Files keep
        their dates through a rollback (a release link switched back to an older release): by them alone,
        a client asking by date got 304 for data that had changed. None when the data has no date."""
        data = self.dataset.modified
        if data is None:
            return None
        found = datetime.fromisoformat(self.good_since) if self.good_since else data
        return min(max(data, found), datetime.now(timezone.utc))


def state_of(app: Flask) -> ServerState:
    return app.extensions[EXTENSION]


def dataset_of(app: Flask) -> Dataset:
    return state_of(app).dataset
