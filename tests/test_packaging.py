"""The wheel ships every subpackage and data file (pyproject lists packages by hand for templates/).

The tests import derivator from wherever `python -m pytest` finds it (the source tree in a clone), so
the wheel is built here and its file list compared with the source tree's: a data file that would be
missing after `pip install .` fails this test whichever copy the other tests import.
"""

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from derivator.core.package_data import templates_dir

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "derivator").rglob("__init__.py")
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


def test_templates_are_found_from_the_tree_under_test():
    folder = templates_dir()
    assert (folder / "article.tex").is_file() and (folder / "blog" / "zenn.md").is_file(), folder


def _tracked(folder: str) -> set[str]:
    """The files git tracks under folder; outside a git checkout (a copied tree), every file there."""
    out = subprocess.run(["git", "ls-files", folder], cwd=ROOT, capture_output=True, text=True)
    if out.returncode == 0 and out.stdout.strip():
        paths = out.stdout.splitlines()
    else:
        paths = [p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*") if p.is_file()]
    return {p for p in paths if "__pycache__" not in p and not p.endswith(".pyc")}


@pytest.mark.slow
def test_built_wheel_holds_every_source_and_data_file(tmp_path):
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = tmp_path.glob("derivator-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    expected = _tracked("derivator") | {"derivator/templates/" + p.removeprefix("templates/")
                                        for p in _tracked("templates")}
    missing = sorted(expected - shipped)
    assert not missing, f"not in the wheel: {missing}"
