"""Where derivator's data folders are, whether it runs from an installed wheel or from a source tree.

templates/ sits at the top of the repository (it is the design card people open first) and the wheel
ships it as the package `derivator.templates`. From a source tree (`python -m pytest` or
`python -m derivator` in a clone) that package does not exist, so the folder beside the package is used.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

_SOURCE_TREE_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@lru_cache(maxsize=1)
def templates_dir() -> Path:
    """The source tree's templates/ when this package runs from one, else the installed `derivator.templates`.

    The source tree first: an editable install maps `derivator.templates` to the tree it was installed
    from, which need not be the tree this code runs from (a second checkout on PYTHONPATH)."""
    if (_SOURCE_TREE_TEMPLATES.parent / "pyproject.toml").is_file() and (_SOURCE_TREE_TEMPLATES / "article.tex").is_file():
        return _SOURCE_TREE_TEMPLATES
    spec = importlib.util.find_spec("derivator.templates")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    raise FileNotFoundError(
        "derivator's templates are missing: reinstall derivator (pip install --force-reinstall derivator)")
