"""The words around numbers in messages."""

from __future__ import annotations

import pytest

from ilrs_graph.wording import size


@pytest.mark.parametrize("count, shown", [
    (512, "512 bytes"), (16 * 2**10, "16 KiB"), (int(1.5 * 2**30), "1.5 GiB"), (2**20 - 1, "1,024 KiB"),
    # a reader's limit of 1000K was told as "1e+03 KiB"
    (1000 * 2**10, "1,000 KiB"), (1023 * 2**20, "1,023 MiB"), (2048 * 2**30, "2,048 GiB"), (1536, "1.5 KiB"),
])
def test_a_size_is_written_as_people_read_it(count, shown):
    assert size(count) == shown
