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
    """The built-in templates: the installed `derivator.templates`, else the source tree's templates/."""
    spec = importlib.util.find_spec("derivator.templates")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    if (_SOURCE_TREE_TEMPLATES / "article.tex").is_file():
        return _SOURCE_TREE_TEMPLATES
    raise FileNotFoundError(
        "derivator's templates are missing: reinstall derivator (pip install --force-reinstall derivator)")
