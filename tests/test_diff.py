"""`ilrs-graph diff OLD NEW`: the facts a change adds and removes, by resource, with exit 0/1/2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import FIXTURES, run_cli

BASE = (FIXTURES / "base.trig").read_text()


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    (old / "base.trig").write_text(BASE)
    shutil.copytree(old, new)
    return old, new


def change(folder: Path, before: str, after: str) -> None:
    path = folder / "base.trig"
    text = path.read_text()
    assert text.count(before) == 1, before
    path.write_text(text.replace(before, after))


def test_the_same_data_exits_0(versions):
    old, new = versions
    result = run_cli("diff", old, new)
    assert result.returncode == 0 and result.stdout == "No facts added or removed.\n"


def test_a_changed_value_shows_as_removed_and_added_under_its_resource(versions):
    old, new = versions
    change(new, 'ilrs:partnerSince "2023-07"^^xsd:gYearMonth', 'ilrs:partnerSince "2023-08"^^xsd:gYearMonth')
    result = run_cli("diff", old, new)
    assert result.returncode == 1
    assert result.stdout == (
        "partnership:china  (China's ILRS partnership)\n"
        '  - ilrs:partnerSince "2023-07"^^xsd:gYearMonth   [source:fixture]\n'
        '  + ilrs:partnerSince "2023-08"^^xsd:gYearMonth   [source:fixture]\n'
        "\n"
        "1 resource changed: 1 fact added, 1 removed.\n")


def test_a_new_resource_and_a_fact_moved_to_another_source(versions, tmp_path):
    old, new = versions
    (new / "more.trig").write_text(
        "@prefix country: <https://w3id.org/ilrs/id/country/> .\n"
        "@prefix ilrs: <https://w3id.org/ilrs/ontology/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://w3id.org/ilrs/id/source/other> {\n"
        '    country:egypt a ilrs:Country ; rdfs:label "Egypt"@en .\n'
        '    country:china rdfs:label "China"@en .\n'
        "}\n")
    change(new, 'country:china a ilrs:Country ; rdfs:label "China"@en .', "country:china a ilrs:Country .")
    result = run_cli("diff", old, new)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    china = lines.index("country:china  (China)")
    assert lines[china + 1:china + 3] == ['  - rdfs:label "China"@en   [source:fixture]',
                                          '  + rdfs:label "China"@en   [source:other]']
    egypt = lines.index("country:egypt  (Egypt)")
    assert lines[egypt + 1:egypt + 3] == ["  + rdf:type ilrs:Country   [source:other]",
                                          '  + rdfs:label "Egypt"@en   [source:other]']
    assert lines[-1] == "2 resources changed: 3 facts added, 1 removed."


def test_markdown_gives_a_heading_and_a_diff_block_per_resource(versions):
    old, new = versions
    change(new, 'rdfs:label "A camera"@en', 'rdfs:label "A `wide` camera"@en')
    result = run_cli("diff", "--format", "markdown", old, new)
    assert result.returncode == 1
    assert result.stdout == (
        "**1 resource changed: 1 fact added, 1 removed.**\n"
        "\n"
        "#### `payload:camera` — A \\`wide\\` camera\n"
        "\n"
        "```diff\n"
        '- rdfs:label "A camera"@en   # source:fixture\n'
        '+ rdfs:label "A `wide` camera"@en   # source:fixture\n'
        "```\n")


def test_files_and_directories_can_be_compared(versions):
    old, new = versions
    assert run_cli("diff", old / "base.trig", new).returncode == 0


@pytest.mark.parametrize("side", ["old", "new"])
def test_a_missing_or_broken_side_exits_2_and_changes_nothing(versions, side):
    old, new = versions
    broken = (old if side == "old" else new) / "base.trig"
    broken.write_text(BASE + "\nthis is not turtle\n")
    before = broken.read_bytes()
    result = run_cli("diff", old, new)
    assert result.returncode == 2 and "base.trig:" in result.stderr and "Traceback" not in result.stderr
    assert broken.read_bytes() == before
    result = run_cli("diff", old / "absent", new)
    assert result.returncode == 2 and "no such file or directory" in result.stderr


def test_a_label_cannot_send_the_terminal_escapes(versions):
    """A pull request's data is shown in a terminal (and a CI log): its control characters are written
    out, as `query` writes them, not sent (ESC [2J would clear the screen, a newline forge a line)."""
    old, new = versions
    change(new, "China's ILRS partnership", "China\\u001B[2J\\nforged line")
    result = run_cli("diff", old, new)
    assert result.returncode == 1 and "\x1b" not in result.stdout
    assert "partnership:china  (China\\u001b[2J\\u000aforged line)\n" in result.stdout


def test_a_label_with_a_line_break_keeps_its_markdown_heading_one_line(versions):
    """In a pull-request comment, a line break in a label ended the heading and made the rest of it a
    paragraph (a carriage return too: CommonMark ends a line there), and ESC reached a terminal."""
    old, new = versions
    change(new, "China's ILRS partnership", "China\\n# forged heading\\r\\u001B[2Jend")
    result = run_cli("diff", "--format", "markdown", old, new)
    assert result.returncode == 1 and "\x1b" not in result.stdout and "\r" not in result.stdout
    assert "#### `partnership:china` — China\\u000a\\# forged heading\\u000d\\u001b\\[2Jend\n" in result.stdout
