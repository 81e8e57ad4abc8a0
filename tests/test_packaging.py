"""The wheel ships every subpackage and data file (pyproject lists packages by hand for templates/)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "derivator").rglob("__init__.py")
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


def test_installed_package_has_its_data():
    from importlib import resources

    assert resources.files("derivator.i18n").joinpath("en.toml").is_file()
    assert resources.files("derivator.i18n").joinpath("ja.toml").is_file()
    templates = [p.name for p in resources.files("derivator.templates").iterdir()]
    assert any(name.endswith(".tex") for name in templates), templates
