"""Japanese output has no English in it: once the math is taken out, no Latin word is left but proper
names (PyTorch, TensorFlow), identifiers (threshold_backward, torch.heaviside, negative_slope) and the names
of functions as math writes them (tanh, ReLU, max).

Two checks: every Japanese word derivator has (the i18n catalog, the catalog's Japanese texts), and what
every command family prints with --lang ja over representative catalog entries in each text format."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from derivator import catalog
from derivator.i18n import catalog as words_of

PROPER_NAMES = {"PyTorch", "Keras", "TensorFlow", "ClipByValue", "derivator", "LaTeX", "Markdown",
                "NumPy", "JAX", "Python", "Leaky"}
# function names as math writes them, in the terminal's Unicode math (ReLU(x), log u, lim_{x→∞}, d/dx)
MATH_WORDS = {"max", "min", "exp", "log", "erf", "erfc", "sin", "cos", "tan", "atan", "asin", "acos", "tanh", "sinh",
              "cosh", "atanh", "asinh", "acosh", "sign", "sgn", "lim", "sup", "inf",
              "dx", "dy", "dz", "dL", "id", "uv", "fg", "ab"}  # and products of letters: (uv)′, δ_ab
# the math of each format: a LaTeX preamble and packages, display environments first (their \intertext
# holds $…$ of its own), display blocks, inline spans, code, a user's own text in \texttt, LaTeX commands
# with their [options], a Markdown link's target
_MATH = [r"\A.*?\\begin\{document\}", r"\\usepackage(\[[^\]]*\])?\{[^}]*\}",
         r"\\begin\{(aligned|align\*?|equation\*?|lstlisting|verbatim)\}.*?\\end\{\1\}",
         r"\$\$.*?\$\$", r"\$.*?\$", r"\\\[.*?\\\]", r"\\\(.*?\\\)", r"```.*?```", r"`[^`\n]*`",
         r"\\texttt\{(?:[^{}]|\{[^{}]*\})*\}", r"\\begin\{[a-z]+\}\[[^\]]*\]", r"\\[A-Za-z]+\*?(\[[^\]]*\])?",
         r"\]\([^)\s]*\)",
         r"\{[a-z_]+\}"]  # and a template's {placeholder}
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[._][A-Za-z0-9]+)*")


def _catalog_names() -> set[str]:
    names = set()
    for e in catalog.entries():
        names |= {e.name, e.unicode_name or e.name, *e.aliases, *(p.name for p in e.params)}
    return names


def latin_words(text: str) -> set[str]:
    """The Latin words of a text once its math is gone, less the allowed ones."""
    text = re.sub(r"</?[A-Za-z][^<>\n]*>", " ", text.replace("\\_", "_"))  # Markdown's and LaTeX's escaped _, HTML tags
    for pattern in _MATH:
        text = re.sub(pattern, " ", text, flags=re.S)
    allowed = {w.lower() for w in PROPER_NAMES | MATH_WORDS | _catalog_names()}
    found = set()
    for m in _WORD.finditer(text):
        word = m.group()
        identifier = "_" in word or "." in word
        applied = text[m.end():m.end() + 1] == "("  # f(x) in Unicode math
        if len(word) > 1 and not identifier and not applied and word.lower() not in allowed:
            found.add(word)
    return found


def _strings(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}.{key}".lstrip("."))
    elif isinstance(node, str):
        yield path, node


# the web page's words: a syntax named for what it is (SymPy's spelling), and example inputs
# messages on stderr, where naming an option is what the reader needs
TOOL_HINTS = {"doc.plot_hint"}
_OPTION = r"--[a-z][a-z-]*"
WEB_NAMES = {"SymPy", "sigmoid", "frac", "alpha", "beta", "LaTeX", "JSON", "Markdown", "md", "tex", "txt", "Web"}


def _commands_taken_out(text: str) -> str:
    """A message on stderr without what the reader types: options (--format), a command line quoted in
    「derivator list」, the values it quotes in 「…」."""
    return re.sub(_OPTION, " ", re.sub(r"「[^」]*」", " ", text))


def test_every_japanese_message_is_japanese():
    leaks = {}
    for key, text in _strings(words_of("ja")):
        if key in TOOL_HINTS or key.startswith("error."):
            text = _commands_taken_out(text)
        found = latin_words(text) - (WEB_NAMES if key.startswith("web.") else set())
        if found:
            leaks[key] = sorted(found)
    assert leaks == {}


def test_every_kink_convention_has_its_japanese_words():
    for e in catalog.entries():
        for b in e.breakpoints:
            assert bool(b.convention_source) == bool(b.convention_source_ja), (e.name, b.at)
            assert latin_words(b.convention_source_ja) == set(), (e.name, b.convention_source_ja)


ENTRIES = ("sigmoid", "tanh", "relu", "gelu", "elu", "leaky_relu", "hard_tanh", "step")
CHECKED = ("tests/fixtures/check/err_chain_latex.tex", "tests/fixtures/check/ok_unchecked.md",
           "tests/fixtures/check/seed_001.txt")
TEXT_FORMATS = ("terminal", "markdown", "latex", "json")


def _commands():
    """Every command family in every text format it has."""
    for name in ENTRIES:
        for fmt in TEXT_FORMATS:
            yield (name, "--format", fmt)
        yield (name, "--facts")
    yield ("relu", "--facts", "--format", "markdown")
    yield ("hardtanh", "--facts", "--format", "latex", "--standalone")
    for fmt in TEXT_FORMATS:
        yield ("compare", "sigmoid", "relu", "step", "--format", fmt)
        yield ("loss", "softmax-ce", "--format", fmt)
        for post in CHECKED:
            yield ("check", post, "--format", fmt)
    yield ("loss", "bce")
    yield ("loss", "mse")
    yield ("list",)
    yield ("doc", "relu", "--facts")
    yield ("doc", "sigmoid", "--template", "beamer")
    yield ("doc", "sigmoid", "--template", "blog")
    yield ("doc", "tanh", "--template", "notebook")


def _japanese_strings(node):
    """The strings of a JSON document that hold Japanese: its keys and identifiers stay English."""
    if isinstance(node, dict):
        node = list(node.values())
    if isinstance(node, list):
        return [s for item in node for s in _japanese_strings(item)]
    return [node] if isinstance(node, str) and re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", node) else []


@pytest.mark.slow
@pytest.mark.parametrize("args", list(_commands()), ids=" ".join)
def test_japanese_output_has_no_english(args):
    import json

    done = subprocess.run([sys.executable, "-m", "derivator", *args, "--lang", "ja"], capture_output=True,
                          text=True, timeout=300, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "NO_COLOR": "1"})
    assert done.returncode in (0, 1), done.stderr
    out = done.stdout
    if out.lstrip().startswith(("{", "[")):
        out = "\n".join(_japanese_strings(json.loads(out)))
    for post in CHECKED:  # the file's name is the user's
        out = out.replace(post, " ").replace(post.replace("_", "\\_"), " ")
    # a hint on stderr may name the option it means (--output)
    hints = re.sub(_OPTION, " ", done.stderr)
    assert latin_words((out + hints).replace("\\_", "_")) - _users_words(args) == set()


def _users_words(args) -> set[str]:
    """The words of the formulas a checked post holds (its own "output = …", a typo "x2"): the user's."""
    if args[0] != "check":
        return set()
    import json

    done = subprocess.run([sys.executable, "-m", "derivator", "check", args[1], "--format", "json"],
                          capture_output=True, text=True, timeout=300)
    return {w for claim in json.loads(done.stdout)["claims"] for w in _WORD.findall(claim["text"])}


# -- the parser's reasons, said in the report's language ---------------------------------------------------
from derivator.present.check_report import DETAILS, detail_text  # noqa: E402

PARSER_SAYS = [  # as derivator/parse and derivator/check/interpret word them, with where and hint
    ("not supported: sums at column 1", "総和"),
    ("not supported: integrals at column 3", "積分"),
    ("y is not defined before this line", "y はこの行より前で定義されていません"),
    ("unexpected '}' at column 4 — check the brackets", "「}」"),
    ("unclosed '(' at column 2", "「(」が閉じていません"),
    ("function f used without an argument", "関数 f に引数がありません"),
    ("division by zero", "0 で割っています"),
    ("a sum over fixed bounds is not read at column 1", "範囲が数で決まった和"),
    ("a sum's range is not read at column 1", "和の範囲"),
    ("not supported: indicators other than 1_{i=j} at column 4", "指示関数"),
    ("not supported: matrices other than a column of a family's entries at column 1", "列ベクトル"),
    ("not supported: a max or min over anything but one index letter at column 6", "添字 1 文字以外"),
]


@pytest.mark.parametrize("message, japanese", PARSER_SAYS)
def test_the_parsers_reasons_are_said_in_japanese_and_kept_in_english(message, japanese):
    said = detail_text(message, "ja")
    assert japanese in said and latin_words(said) == set(), said
    assert detail_text(message, "en") == message  # English keeps the parser's own words


def test_every_reason_pattern_has_its_words():
    for key in DETAILS:
        assert words_of("en")["check"]["detail"][key] and words_of("ja")["check"]["detail"][key], key


def test_a_message_nobody_listed_is_shown_as_it_is():
    assert detail_text("something new went wrong", "ja") == "something new went wrong"


def test_each_english_template_says_what_its_pattern_reads():
    # the English words and the pattern that reads the parser's message describe the same sentence
    import re
    import string

    for key, pattern in DETAILS.items():
        english = words_of("en")["check"]["detail"][key]
        names = [name for _, name, _, _ in string.Formatter().parse(english) if name]
        values = {"column": "7", "bracket": "(", "command": "\\frob"}
        sample = english.format(**{name: values.get(name, "q") for name in names})
        assert re.fullmatch(pattern, sample), (key, sample)


# -- the command line's one-line errors, said in the language asked for ---------------------------------------
from derivator.present.error_text import HINTS, MESSAGES, error_line  # noqa: E402

CLI_ERRORS = [  # (the command line, what its Japanese line says)
    (("x+",), "1 文字目: 式として読めません。括弧と演算子を確かめてください"),
    (("foo(x)",), "「foo」という関数は知りません"),
    (("sigmoid", "--standalone"), "--standalone は --format latex と一緒にしか使えません"),
    (("check", "no-such-post.md"), "no-such-post.md: ファイルがありません"),
    (("sigmoid", "--format", "bogus"), "--format に「bogus」は指定できません"),
    (("sigmoid", "--bogus"), "--bogus というオプションはありません"),
    (("sigmoid", "--order", "x"), "「x」は整数ではありません"),
    (("derive",), "がありません"),
    (("x", "--var", "y"), "式が y を含んでいません。y で微分すれば 0 です"),
    (("sigmoid", "--order", "0"), "0 階は扱える範囲の外です。1 から 6 の間で指定してください"),
    (("elu", "--param", "beta=2"), "elu に「beta」というパラメータはありません"),
    (("sigmoid", "--param", "alpha"), "名前=値"),
    (("loss", "nope"), "「nope」という損失関数は知りません"),
]


def _stderr(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "derivator", *args], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "DERIVATOR_NO_CACHE": "1", "NO_COLOR": "1"})


@pytest.mark.parametrize("args, japanese", CLI_ERRORS, ids=lambda a: " ".join(a) if isinstance(a, tuple) else "")
def test_a_command_line_error_is_one_japanese_line_under_lang_ja(args, japanese):
    done = _stderr(*args, "--lang", "ja")
    assert done.returncode == 2 and done.stdout == ""
    line = done.stderr.removesuffix("\n")
    assert "\n" not in line and line.startswith("derivator: エラー: ") and japanese in line, line
    users = set().union(*(_WORD.findall(a) for a in args))  # the user's own words: a file's name, a value
    assert latin_words(_commands_taken_out(line)) - users == set(), line
    english = _stderr(*args).stderr
    assert english.startswith("derivator: error: ") and not re.search(r"[ぁ-んァ-ン一-龯]", english), english


def test_a_bare_letter_is_a_variable_not_a_misspelt_function_name():
    # `derivator x --var y` asks for d/dy of x: it says so, never "unknown function 'x'"
    assert _stderr("x", "--var", "y").stderr.startswith("derivator: error: the expression does not depend on y")
    assert "did you mean sigmoid" in _stderr("sigmoud").stderr


def test_every_error_pattern_has_its_words_and_reads_its_english():
    import string

    values = {"column": "7", "bracket": "(", "seconds": "5", "order": "0", "low": "1", "high": "6",
              "option": "--q", "needs": "--q", "example": "--param q", "format": "torch"}
    for section, table in (("message", MESSAGES), ("hint", HINTS)):
        assert set(words_of("en")["error"][section]) == set(table), section
        for key, pattern in table.items():
            assert words_of("ja")["error"][section][key], key
            english = words_of("en")["error"][section][key]
            names = [name for _, name, _, _ in string.Formatter().parse(english) if name]
            sample = english.format(**{name: values.get(name, "q") for name in names})
            assert re.fullmatch(pattern, sample, flags=re.S), (key, sample)


def test_an_error_nobody_listed_keeps_its_words_and_an_unknown_hint_is_left_out():
    assert error_line("something new went wrong", "ja") == "derivator: エラー: something new went wrong"
    assert error_line("no such file — a hint no one wrote", "ja") == "derivator: エラー: ファイルがありません"
    assert error_line("no such file — a hint", "en") == "derivator: error: no such file — a hint"
    # a file's name before the message, as `check` of several files writes a limit it hit
    limit = "post.md: gave up after 4 s of work (time limit) — the input may be too large to work on; raise the limit with --timeout"
    assert error_line(limit, "ja").startswith("derivator: エラー: post.md: 4 秒計算しても終わらなかったので")


# -- titles name the function as a Japanese reader does -----------------------------------------------------
@pytest.mark.parametrize("flavor, heading", [("github", "# シグモイド関数の微分"), ("qiita", 'title: "シグモイド関数の微分"')])
def test_a_japanese_post_is_titled_by_the_functions_japanese_name(flavor, heading):
    from derivator.pipeline import derive
    from derivator.publish.documents import render_document

    post = render_document(derive("sigmoid"), "blog", lang="ja", flavor=flavor).text
    assert heading in post.splitlines()
    english = render_document(derive("sigmoid"), "blog", lang="en").text
    assert "# The derivative of sigmoid" in english.splitlines()


def test_no_space_is_left_between_two_japanese_words():
    from derivator.present.prose import close_up

    assert close_up("シグモイド関数 の微分") == "シグモイド関数の微分"
    assert close_up("σ(x) の微分") == "σ(x) の微分"  # beside math the space stays
    assert close_up("ReLU (ランプ関数) の微分") == "ReLU (ランプ関数) の微分"


def test_the_variables_own_derivative_does_not_name_x():
    # with --var t the rule is about t: words that say "x" would be wrong there
    from derivator.pipeline import derive
    from derivator.present.dispatch import render

    text = render(derive("t**2 + t", var="t"), "terminal", "ja")
    assert "変数そのものの微分は 1" in text and "x の微分" not in text


def test_the_english_words_do_not_name_x_either():
    from derivator.pipeline import derive
    from derivator.present.dispatch import render

    assert "d/dx x" not in render(derive("t**2 + t", var="t"), "terminal", "en")
