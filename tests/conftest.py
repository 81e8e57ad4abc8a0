"""Shared pytest setup. Keep it small: helpers that tests import live in their own modules."""

import json

from validators import VALIDATE_MATH


def pytest_report_header(config):
    # Which validator versions judged this run (the lock file pins them; node_modules is what ran).
    versions = []
    for pkg in ("katex", "@mathjax/src"):
        manifest = VALIDATE_MATH / "node_modules" / pkg / "package.json"
        if manifest.is_file():
            versions.append(f"{pkg} {json.loads(manifest.read_text())['version']}")
        else:
            versions.append(f"{pkg} not installed")
    return "math validators: " + ", ".join(versions)
