"""`pip install .` (not editable) into a fresh venv gives a working `ilrs-graph` with the data inside."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.mark.timeout(900)
def test_a_non_editable_install_validates_and_queries_the_shipped_data(tmp_path: Path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    install = subprocess.run([python, "-m", "pip", "install", "--quiet", str(ROOT)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-3000:]
    command = env_dir / "bin" / "ilrs-graph"
    elsewhere = tmp_path / "elsewhere"  # not the checkout: the data must come from the installed package
    elsewhere.mkdir()
    validated = subprocess.run([command, "validate"], cwd=elsewhere, capture_output=True, text=True)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "the data conforms" in validated.stdout
    answered = subprocess.run([command, "query", "--format", "csv",
                               "PREFIX ilrs: <https://w3id.org/ilrs/ontology/> SELECT (COUNT(*) AS ?n) WHERE { ?p a ilrs:Partnership }"],
                              cwd=elsewhere, capture_output=True, text=True)
    assert answered.returncode == 0 and int(answered.stdout.splitlines()[1]) > 13
    installed = subprocess.run([python, "-c", "import ilrs_server; print(ilrs_server.__file__)"],
                               cwd=elsewhere, capture_output=True, text=True)
    assert page_files(Path(installed.stdout.strip()).parent) == page_files(ROOT / "server")  # charts/ too
    versions = subprocess.run([python, "-c", "from ilrs_graph import shipped; print(sorted(shipped.ontology_versions()))"],
                              cwd=elsewhere, capture_output=True, text=True)
    assert versions.stdout.strip() == str(sorted(path.stem for path in (ROOT / "ontology" / "versions").glob("*.ttl")))
    assert sys.prefix not in str(command)


def page_files(package: Path) -> set[str]:
    """The server's templates and static files, relative to its package folder."""
    return {str(path.relative_to(package)) for folder in ("templates", "static")
            for path in (package / folder).rglob("*") if path.is_file()}


def test_every_folder_the_wheel_carries_is_named_as_a_package():
    """A folder of package data left out of `packages` is still carried, but setuptools warns at every
    install (`make serve`'s first screen was forty lines of "Package would be ignored") and says a later
    version may drop it."""
    import tomllib

    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    named = set(setuptools["packages"])
    for package, folder in setuptools["package-dir"].items():
        for sub in (ROOT / folder).rglob("*"):
            if sub.is_dir() and "__pycache__" not in sub.parts and any(p.is_file() for p in sub.iterdir()):
                assert ".".join([package, *sub.relative_to(ROOT / folder).parts]) in named, sub
