"""Where the app keeps the graph it serves (app.extensions, not a module global)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

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


def state_of(app: Flask) -> ServerState:
    return app.extensions[EXTENSION]


def dataset_of(app: Flask) -> Dataset:
    return state_of(app).dataset
