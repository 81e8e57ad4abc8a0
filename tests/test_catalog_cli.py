"""The catalog's command-line surface as users run it: `derivator list`, `--param`, `--order`, `--at-kink`,
`--expand-lemmas`, `derivator loss` — real processes, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import sympy as sp

from derivator import catalog
from validators import katex_errors


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "derivator", *args],
        capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "200"},
    )


def derive_json(*args: str) -> dict:
    done = run(*args, "--format", "json", "--no-cache")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_list_json_has_every_entry_with_its_data():
    done = run("list", "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [r["name"] for r in rows] == [e.name for e in catalog.entries()]
    assert len(rows) >= 35
    by_name = {r["name"]: r for r in rows}
    assert by_name["sigmoid"]["output_form"] == "y*(1 - y)"
    assert by_name["gelu"]["output_form"] is None
    assert "torch.nn.SiLU" in by_name["silu"]["aliases"]
    assert by_name["hardtanh"]["breakpoints"][1]["convention"] == "right"
    assert by_name["leaky_relu"]["params"][0]["sources"]["Keras"] == "0.2"
    assert by_name["mish"]["cites"] == ["tanh", "softplus"]


@pytest.mark.parametrize("lang, title, kink", [("en", "logistic sigmoid", "0 (left)"),
                                               ("ja", "シグモイド関数", "0 (左微分係数)")])
def test_list_table(lang, title, kink):
    done = run("list", "--lang", lang)
    assert done.returncode == 0, done.stderr
    for text in ("sigmoid", title, "y·(1 - y)", "gelu", kink):
        assert text in done.stdout, text


def test_relu_default_is_pytorchs_zero_and_at_kink_chooses():
    (kink,) = derive_json("relu")["kinks"]
    assert (kink["left"], kink["right"], kink["value"]) == ("0", "1", "0")
    (kink,) = derive_json("relu", "--at-kink", "right")["kinks"]
    assert kink["value"] == "1"


def test_param_moves_the_kinks():
    data = derive_json("hardtanh", "--param", "min_val=-2", "--param", "max_val=3")
    assert [k["at"] for k in data["kinks"]] == ["-2", "3"]
    (kink,) = derive_json("leaky_relu", "--param", "negative_slope=keras")["kinks"]
    assert kink["left"] == "1/5"


def test_order_two_in_output_form():
    data = derive_json("sigmoid", "--order", "2")
    y = sp.Symbol("y")
    assert sp.expand(sp.sympify(data["output_form"]) - y * (1 - y) * (1 - 2 * y)) == 0
    assert data["verified"]


def test_expand_lemmas_derives_sigma_prime_first():
    data = derive_json("swish", "--expand-lemmas")
    assert [d["name"] for d in data["expanded_lemmas"]] == ["sigmoid"]
    assert data["expanded_lemmas"][0]["verified"] and data["verified"]
    assert "rewrite.add_subtract" in [s["rule"] for s in data["expanded_lemmas"][0]["steps"]]
    done = run("swish", "--expand-lemmas", "--format", "markdown", "--no-cache")
    assert done.returncode == 0, done.stderr
    # σ′ is derived in full (the +1−1 trick) before Swish′ uses it
    assert done.stdout.index("add and subtract") < done.stdout.index("swish")


def test_expand_lemmas_latex_is_one_valid_aligned_block():
    done = run("mish", "--expand-lemmas", "--format", "latex", "--no-cache")
    assert done.returncode == 0, done.stderr
    text = done.stdout.strip()
    assert text.count(r"\begin{aligned}") == 1 and text.endswith(r"\end{aligned}")
    assert r"\operatorname{softplus}'(x)" in text and r"\operatorname{Mish}'(x)" in text
    assert katex_errors([(text, True)]) == [None]


@pytest.mark.parametrize("name, last", [("bce", r"\sigma(z) - y"), ("softmax-ce", r"{p}_{i} - {y}_{i}"),
                                        ("softmax", r"{s}_{i} \left(\delta_{i j} - {s}_{j}\right)")])
def test_loss_command(name, last):
    done = run("loss", name, "--format", "latex")
    assert done.returncode == 0, done.stderr
    final_row = [line for line in done.stdout.splitlines() if "&=" in line][-1]
    assert last in final_row
    assert katex_errors([(done.stdout.strip(), True)]) == [None]
    data = json.loads(run("loss", name, "--format", "json").stdout)
    assert data["verified"] and all(s["verified"] for s in data["steps"])


def test_loss_terminal_japanese():
    done = run("loss", "bce", "--lang", "ja")
    assert done.returncode == 0, done.stderr
    assert "検証" in done.stdout and "name.loss" not in done.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (("loss", "hinge"), "unknown loss"),
        (("elu", "--param", "gamma=1"), "no parameter 'gamma'"),
        (("softplus", "--param", "beta=0"), "must be positive"),
        (("relu", "--at-kink", "sideways"), "kink convention"),
        (("sigmiod",), "sigmoid"),
    ],
)
def test_bad_input_is_one_line_exit_2(args, message):
    done = run(*args, "--no-cache") if args[0] != "loss" else run(*args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def _alias_column(table: str) -> str:
    """The aliases column top to bottom, its wrapped lines joined (spaces dropped: a fold may cut anywhere)."""
    return "".join(parts[3].replace(" ", "") for line in table.splitlines() if len(parts := line.split("│")) >= 6)


@pytest.mark.parametrize("columns", ["60", "100", "200"])
def test_list_shows_every_alias_at_any_width(columns):
    done = subprocess.run([sys.executable, "-m", "derivator", "list"], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "COLUMNS": columns})
    assert done.returncode == 0, done.stderr
    assert "…" not in done.stdout
    column = _alias_column(done.stdout)
    missing = [e.name for e in catalog.entries() if ",".join(e.aliases).replace(" ", "") not in column]
    assert not missing
