"""Rewrite the golden files from the current renderers: python tests/golden/regenerate.py.

Read every changed file (git diff) before committing: a golden file is read by a person once, then kept.
tests/test_render.py compares the renderers with these files.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # the source tree this script belongs to

from derivator.pipeline import derive  # noqa: E402
from derivator.present.dispatch import render  # noqa: E402

NAMES = ("sigmoid", "tanh", "relu", "gelu")
LANGS = ("en", "ja")
FORMATS = {"tex": "latex", "md": "markdown", "json": "json", "txt": "terminal"}
FLAVORS = ("qiita", "zenn", "hatena", "wordpress", "mkdocs", "jupyter")  # GitHub is the plain .md


def cases() -> list[tuple[str, str, str, str, str]]:
    """(file name, name, lang, format, flavor) for every golden file."""
    out = []
    for name in NAMES:
        for lang in LANGS:
            out += [(f"{name}.{lang}.{suffix}", name, lang, fmt, "github") for suffix, fmt in FORMATS.items()]
            out += [(f"{name}.{lang}.{flavor}.md", name, lang, "markdown", flavor) for flavor in FLAVORS]
    return out


def produce(name: str, lang: str, fmt: str, flavor: str, derivations: dict) -> str:
    if name not in derivations:
        derivations[name] = derive(name)
    text = render(derivations[name], fmt, lang, flavor=flavor)
    return text if text.endswith("\n") else text + "\n"


if __name__ == "__main__":
    cache: dict = {}
    for file, name, lang, fmt, flavor in cases():
        (HERE / file).write_text(produce(name, lang, fmt, flavor, cache), "utf-8")
    print(f"{len(cases())} golden files written in {HERE}")
