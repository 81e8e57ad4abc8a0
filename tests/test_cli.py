"""The command line as users run it: real processes, exit codes, one-line errors, no tracebacks."""

import json
import os
import subprocess
import sys

import pytest
import sympy as sp


def run(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "derivator", *args],
        capture_output=True, text=True, timeout=120, input=stdin, env={**os.environ, **(env or {})},
    )


def test_readme_main_job():
    done = run("sigmoid", "--format", "latex")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(r"\begin{aligned}")
    assert r"\sigma(x) \left(1 - \sigma(x)\right)" in done.stdout


def test_derive_subcommand_and_default_are_the_same():
    assert run("derive", "tanh(x)", "--format", "json").stdout == run("tanh(x)", "--format", "json").stdout


@pytest.mark.parametrize(
    "args",
    [
        ("x**2*exp(-x)", "--format", "json"),
        ("log(1+exp(x))", "--format", "markdown"),
        ("tanh(x)", "--lang", "ja"),
        ("exp(-z**2)", "--var", "z", "--format", "json"),
        ("relu", "--at-kink", "mean", "--format", "json"),
        ("sigmoid", "--order", "2", "--format", "json"),
    ],
)
def test_commands_succeed(args):
    done = run(*args)
    assert done.returncode == 0, done.stderr
    if "json" in args:
        assert json.loads(done.stdout)["verified"] is True


def test_terminal_output_is_plain_when_piped():
    done = run("sigmoid")
    assert done.returncode == 0
    assert "\x1b[" not in done.stdout  # no ANSI codes when not a terminal
    assert "σ′(x)" in done.stdout and "chain rule" in done.stdout


def test_output_file_is_written_atomically(tmp_path):
    target = tmp_path / "s.tex"
    done = run("sigmoid", "--format", "latex", "--standalone", "-o", str(target))
    assert done.returncode == 0 and done.stdout == ""
    assert target.read_text().startswith(r"\documentclass")
    assert [p.name for p in tmp_path.iterdir()] == ["s.tex"]  # no temporary file left behind


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("foo(x)",), "unknown function 'foo'"),
        (("x**",), "not a valid expression"),
        (("__import__('os').system('touch /tmp/derivator-pwned')",), "column"),
        (("9**9**9",), "exponent"),
        (("sigmoid", "--lang", "fr"), "fr"),
        (("sigmoid", "--bogus"), "--bogus"),
        (("sigmoid", "--order", "99"), "order"),
        (("relu", "--at-kink", "sideways"), "kink"),
        (("sigmiod",), "did you mean sigmoid"),
        (("y**2",), "does not depend on x"),
        (("x", "--var", "1x"), "--var"),
        (("Max(x, beta)",), "no differentiation rule"),
    ],
)
def test_bad_input_is_one_line_exit_2(args, fragment):
    done = run(*args)
    assert done.returncode == 2, (done.returncode, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert fragment in lines[0]
    assert not os.path.exists("/tmp/derivator-pwned")


def test_version_and_help():
    from derivator import __version__

    assert run("--version").stdout.strip() == f"derivator {__version__}"
    done = run("--help")
    assert done.returncode == 0 and "derive" in done.stdout


def test_list_knows_sigmoid():
    done = run("list", "--format", "json")
    assert done.returncode == 0
    assert "sigmoid" in {row["name"] for row in json.loads(done.stdout)}


def test_terminal_math_is_not_read_as_markup():
    # rich would swallow "[x^3]" as a style tag if math went in as a markup string
    done = run("x**3")
    assert "d/dx[x³]" in done.stdout


@pytest.mark.parametrize("args", [("tanh", "--no-cache"), ("tanh", "--format", "latex", "--no-cache"), ("list",)])
def test_a_reader_that_went_away_ends_the_command_quietly(args):
    # as `derivator tanh | head -1` does once head has its line: the pipe's reading end is gone
    # before derivator writes (in the sandboxed worker for derive, in the CLI process for list)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([sys.executable, "-m", "derivator", *args], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, "")


def test_check_strict_fails_on_an_unchecked_equation(tmp_path):
    post = tmp_path / "post.md"
    post.write_text("$$f(x) = x^2$$\n$$f'(x) = 2x$$\n$$g'(x) = 1$$\n", encoding="utf-8")
    assert run("check", str(post)).returncode == 0
    strict = run("check", str(post), "--strict")
    assert strict.returncode == 1 and "1 unchecked" in strict.stdout
    post.write_text("$$f(x) = x^2$$\n$$f'(x) = 2x$$\n", encoding="utf-8")
    assert run("check", str(post), "--strict").returncode == 0


# -- LaTeX input to derive (and SymPy's spelling with implicit products) -------------------------------------
def _json(*args: str) -> dict:
    done = run(*args, "--format", "json", "--no-cache")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("latex, text", [
    (r"\frac{1}{1+e^{-x}}", "1/(1+exp(-x))"),
    (r"\tanh(x)", "tanh(x)"),
    (r"2x e^{-x}", "2*x*exp(-x)"),
    (r"x\sigma(x)", "x*sigmoid(x)"),
])
def test_latex_input_is_derived_as_its_sympy_spelling(latex, text):
    """The LaTeX goes through the check's reader, and derives exactly what the SymPy spelling derives;
    the input is kept as typed."""
    read, typed = _json("derive", latex), _json("derive", text)
    assert read["input"] == latex and typed["input"] == text
    assert read["verified"] is True
    for key in ("definition", "derivative", "output_form", "lemmas"):
        assert read[key] == typed[key], key
    # typed input is shown with its own grouping (2*x)*exp(-x); the LaTeX reader's has none: the same
    # expression, the same steps otherwise
    assert len(read["steps"]) == len(typed["steps"])
    for mine, theirs in zip(read["steps"], typed["steps"]):
        assert {k: v for k, v in mine.items() if k != "before"} == {k: v for k, v in theirs.items() if k != "before"}
        assert sp.sympify(mine["before"]) == sp.sympify(theirs["before"])


def test_a_catalog_function_in_latex_is_the_catalog_entry():
    read = _json(r"\sigma(x)")
    assert read["name"] == "sigmoid" and read["output_form"] == "y*(1 - y)"


def test_implicit_products_in_text_and_latex():
    assert _json("3x")["derivative"] == "3"
    assert _json("2x*exp(-x)")["derivative"] == _json("--syntax", "latex", "2x e^{-x}")["derivative"]
    assert _json("--syntax", "latex", "3x")["input"] == "3x"


@pytest.mark.parametrize("args, fragment", [
    ((r"\frac{1}{1+e^{-",), "column 16"),
    ((r"\foo{x}",), r"unknown command \foo"),
    ((r"\frac{d}{dx} x^2",), "already a derivative at column 1"),
    (("--syntax", "text", r"\frac{1}{x}"), "unexpected character"),
    (("--syntax", "tex", "x"), "--syntax"),
    ((r"\frac{1}{x}", "--param", "a=1"), "--param"),
])
def test_bad_latex_input_is_one_line_exit_2(args, fragment):
    done = run(*args)
    assert done.returncode == 2, (done.returncode, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert fragment in lines[0]
    assert " — " in lines[0] or fragment == "--syntax"  # what to do


# -- CLI conventions: help, completion, options that do not apply -------------------------------------------
COMMAND_NAMES = ["derive", "list", "loss", "check", "compare", "doc", "plot", "serve"]


@pytest.mark.parametrize("command", ["", *COMMAND_NAMES])
def test_help_names_values_not_python_types(command):
    done = run(*([command] if command else []), "--help")
    assert done.returncode == 0, done.stderr
    assert "Usage: derivator" in done.stdout
    for python_type in ("<bool>", "<str>", "<int>", "<float>", "<path>", "<list", "\x1b["):
        assert python_type not in done.stdout, (command, python_type)


def test_shell_completion_is_offered_and_completes():
    # `--show-completion` is a flag whose shell typer guesses from the parent processes (so it failed with
    # "Shell  not supported" when no shell was among them, as under the suite's runner); the script is asked
    # for the named shell through the variable the generated script itself uses
    done = run(env={"_DERIVATOR_COMPLETE": "source_bash"})
    assert done.returncode == 0 and "_DERIVATOR_COMPLETE=complete_bash" in done.stdout
    shown = run("--help").stdout
    assert "--install-completion" in shown and "--show-completion" in shown
    complete = {"_DERIVATOR_COMPLETE": "complete_bash"}
    assert run(env={**complete, "COMP_WORDS": "derivator li", "COMP_CWORD": "1"}).stdout.split() == ["list"]
    words = {"COMP_WORDS": "derivator derive sigmoid --format la", "COMP_CWORD": "4"}
    assert run(env={**complete, **words}).stdout.split() == ["latex"]


@pytest.mark.parametrize("args, option", [
    (("sigmoid", "--standalone"), "--standalone"),
    (("sigmoid", "--format", "json", "--standalone"), "--standalone"),
    (("sigmoid", "--format", "latex", "--flavor", "zenn"), "--flavor zenn"),
    (("loss", "mse", "--flavor", "qiita"), "--flavor qiita"),
    (("check", "post.md", "--format", "json", "--flavor", "zenn"), "--flavor zenn"),
    (("compare", "step", "relu", "--standalone"), "--standalone"),
    (("doc", "sigmoid", "--flavor", "zenn"), "--flavor zenn"),
    (("doc", "relu", "--template", "notebook", "--code", "torch"), "--code torch"),
    (("list", "--format", "latex"), "--format"),
    (("list", "--jobs", "2"), "--jobs"),
    (("list", "--timeout", "3"), "--timeout"),
    (("list", "--format", "json", "--lang", "ja"), "--lang ja"),
])
def test_an_option_that_does_not_apply_is_refused_in_one_line(args, option):
    done = run(*args)
    assert done.returncode == 2, (done.returncode, done.stdout[:200])
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and option in lines[0] and "Traceback" not in done.stderr, done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize("args, start", [
    (("sigmoid", "--format", "latex", "--standalone"), r"\documentclass"),
    (("sigmoid", "--format", "markdown", "--flavor", "zenn"), "## "),
    (("loss", "mse", "--format", "markdown", "--flavor", "qiita"), "## "),
    (("list", "--format", "json"), "["),
])
def test_the_documented_combinations_still_work(args, start):
    done = run(*args)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(start)
