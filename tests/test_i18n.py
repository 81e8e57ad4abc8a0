"""Every word in every language: a key one language has, the others have too, and every key the code
asks for by name exists (otherwise the reader would see the raw id, e.g. `ui.verified`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from derivator.i18n import LANGS, catalog, lookup

PACKAGE = Path(__file__).resolve().parent.parent / "derivator"


def _keys(node: dict, prefix: str = "") -> set[str]:
    out: set[str] = set()
    for key, value in node.items():
        dotted = f"{prefix}{key}"
        out |= _keys(value, dotted + ".") if isinstance(value, dict) else {dotted}
    return out


def test_english_and_japanese_are_both_there():
    assert LANGS[0] == "en" and "ja" in LANGS


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != "en"])
def test_every_language_has_every_key(lang):
    english, other = _keys(catalog("en")), _keys(catalog(lang))
    assert not english - other, f"{lang} lacks: {sorted(english - other)}"
    assert not other - english, f"only {lang} has: {sorted(other - english)}"


# t("ui.verified", …), words("doc.title"), template("ui.line", …) (check reports read under "check.")
_CALL = re.compile(r"""\b(t|words|template)\(\s*["']([a-z_]+(?:\.[a-z_0-9]+)+)["']""")


def test_every_key_the_code_names_exists():
    missing = []
    for path in PACKAGE.rglob("*.py"):
        for fn, key in _CALL.findall(path.read_text("utf-8")):
            full = f"check.{key}" if fn == "template" else key
            if lookup(full, "en") is None:
                missing.append(f"{path.relative_to(PACKAGE)}: {full}")
    assert not missing, missing
