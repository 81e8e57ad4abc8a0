"""Write the hostile corpus: curated inputs (below, by hand) and generated ones (seeded, reproducible).

    python tests/hostile/generate.py          # rewrites tests/hostile/{expr,doc}/

Layout (one input per file, raw bytes, so NUL bytes, invalid UTF-8 and binary data stay exact):
  expr/cur-*.txt   the expression argument (`derivator EXPR`, parse_text, parse_latex): curated, each
                   must be refused with one line naming a position
  expr/gen-*.txt   generated: mutations of the curated inputs and of valid expressions, random deep
                   trees; each must be refused in one line with a position, or derived (some are valid)
  doc/cur-*        documents for `derivator check`: curated
  doc/gen-*        generated documents: hostile formulas in every syntax check reads, mutated posts
Payloads that would run code try to create the file HOSTILE_CANARY in the working directory, or print
the marker PWNED; runners look for both.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
CANARY = "HOSTILE_CANARY"
SEED = 20261122

# -- curated expression inputs -------------------------------------------------------------------------
# Every SymPy path that evaluates strings (sympify, parse_expr, S, simplify/N/subs with a string,
# lambdify with a string, Function/Symbol names printed into lambdify's generated code), plus Python's own
# escape hatches: attribute chains, dunder names, builtins, comprehensions, lambdas, f-strings.
INJECTION = [
    f"__import__('os').system('touch {CANARY}')",
    f"__import__(\"os\").system(\"touch {CANARY}\")",
    f"exec(\"open('{CANARY}','w')\")",
    f"eval(\"__import__('os').system('touch {CANARY}')\")",
    f"compile('open(\"{CANARY}\",\"w\")','','exec')",
    f"open('{CANARY}','w').write('x')",
    "open('/etc/passwd').read()",
    "().__class__.__base__.__subclasses__()",
    "().__class__.__bases__[0].__subclasses__()[0]",
    "x.__class__.__mro__[1].__subclasses__()",
    "(lambda: 0).__globals__['__builtins__']",
    "x.__class__",
    "x.__dict__",
    "x._sympy_",
    "exp.__globals__",
    "sin.__module__",
    "__builtins__",
    "__import__",
    "__class__",
    "_",
    "__",
    "x__",
    "_x",
    "globals()",
    "locals()",
    "vars()",
    "dir()",
    "breakpoint()",
    "input()",
    "exit()",
    "quit()",
    "help()",
    "print('PWNED')",
    "getattr(x, '__class__')",
    "setattr(x, 'y', 1)",
    "type(x)",
    "object()",
    "sympify('x')",
    f"sympify(\"__import__('os').system('touch {CANARY}')\")",
    f"S(\"__import__('os').system('touch {CANARY}')\")",
    f"parse_expr(\"__import__('os').system('touch {CANARY}')\")",
    f"simplify(\"__import__('os').system('touch {CANARY}')\")",
    f"N(\"__import__('os').system('touch {CANARY}')\")",
    f"Symbol('x').subs(x, \"__import__('os').system('touch {CANARY}')\")",
    f"lambdify(x, \"__import__('os').system('touch {CANARY}')\")",
    f"Function(\"__import__('os').system('touch {CANARY}')\")(x)",
    f"Symbol(\"__import__('os').system('touch {CANARY}')\")",
    "Lambda(x, x)(x)",
    "Matrix([[x]])",
    "srepr(x)",
    "Integer('1'*100000)",
    "Float('1e99999999')",
    "Rational('1/0')",
    "x if x else x",
    "[x for x in range(10**9)]",
    "{x: x}",
    "{x}",
    "(x, x)",
    "x[0]",
    "x[::-1]",
    "lambda x: x",
    "f'{x}'",
    f"f\"{{__import__('os').system('touch {CANARY}')}}\"",
    "b'x'",
    "'x'",
    "\"x\"",
    "x := 1",
    "(y := x)",
    "x; import os",
    f"x\nimport os; os.system('touch {CANARY}')",
    "import os",
    "from os import system",
    "yield x",
    "await x",
    "*x",
    "**x",
    "x.real",
    "x .real",
    "x.\nreal",
    "1 .real",
    "exp(x=1)",
    "exp(*[x])",
    "exp(**{'x': 1})",
    "sin(x)(x)",
    "(sin)(x)",
    "exp(x).func",
    "Max(x, 0).args",
    "x @ x",
    "x % 2",
    "x // 2",
    "x << 2",
    "x >> 2",
    "x ^ 2 ^ __class__",
    "ｅｘｅｃ('x')",  # fullwidth letters: Python NFKC-normalises identifiers to exec
    "ｘ**2",
    "𝐞𝐱𝐞𝐜('x')",
    "exec\u200b('x')",  # zero-width space
    "x\u202e2**",  # right-to-left override
    "sigmoid.__class__",
    "sigmoid(x).func.__init__.__globals__",
    "x*sigmoid(x)._eval_evalf",
    "beta(x)",
    "factorial(10**8)",
    "gamma(10**8)",
    "binomial(10**8, 10**4)",
    "fibonacci(10**8)",
    "prime(10**8)",
    "isprime(2**4000)",
    "factorint(2**300+1)",
    "Sum(x, (x, 1, 10**9))",
    "Integral(exp(-x**2), x)",
    "diff(x, x, 10**8)",
    "Derivative(x, (x, 10**8))",
    "solve(x**5 - x - 1)",
    "nsimplify(pi)",
]

SIZES = [
    "9**9**9",
    "9^9^9",
    "(9**9)**(9**9)",
    "2**2**2**2**2",
    "10**10**10",
    "10^(10^10)",
    "x**(10**100)",
    "x**9**9**9",
    "E**E**E**E**E",
    "pi**pi**pi**pi",
    "exp(exp(exp(exp(10))))",
    "sin(exp(exp(12)))",
    "Max(sin(exp(exp(12))), 0)",
    "Max(sin(exp(exp(14))), x)",
    "sin(exp(exp(15))) < 0",
    "Piecewise((x, sin(exp(exp(13))) > 0), (0, True))",
    "Abs(cos(exp(exp(14))))",
    "Heaviside(sin(exp(exp(14))))",
    "sqrt(2**4095 + 1)**(1/3)",
    "(2**4000)**(999/1000)",
    "1e308 * 1e308 * 1e308 * 1e308 * 1e308 * 1e308 * 1e308 * 1e308 * 1e308 * 1e308 * 1e308 * 1e308 * 1e308 * 1e308 * 1e308",
    "0e999999999",
    "1e999999999",
    "1e-999999999",
    "1.0e-300000",
    "0x" + "f" * 5000,
    "0b" + "1" * 5000,
    "1" * 100_000,
    "9" * 4301,
    "x" * 100_000,
    "x+" * 50_000 + "x",
    "x*" * 2_500 + "x",
    "+".join(["x"] * 2_400),
    "-" * 4_000 + "x",
    "-" * 900 + "x",
    "not " * 1_000 + "x > 0",
    "(" * 5_000 + "x" + ")" * 5_000,
    "(" * 61 + "x" + ")" * 61,
    "sin(" * 5_000 + "x" + ")" * 5_000,
    "exp(" * 200 + "x" + ")" * 200,
    "x" + "**x" * 300,
    "x" + "**-x" * 190,
    "x" + "^x" * 300,
    "Max(" + ", ".join(["x"] * 1_000) + ")",
    "Piecewise(" + ", ".join(["(x, x > 0)"] * 1_000) + ", (0, True))",
    "(x > 0) & " * 800 + "(x > 0)",
    "(x+1)**1000 * (x+2)**1000 * (x+3)**1000",
    "x" + "+x**2" * 999,
    " " * 100_000 + "x",
    "x" + " " * 100_000,
]

ENCODING: list[bytes] = [
    b"",
    b" ",
    b"\t\n\r\x0b\x0c",
    b"x\x00",
    b"\x00",
    b"x + \x00 1",
    b"\x00" * 1000,
    b"\xff\xfe",
    b"x + \xff",
    b"\xc0\xaf",  # overlong '/'
    b"\xed\xa0\x80",  # UTF-8 encoded lone surrogate
    b"\xe3\x81",  # truncated 3-byte character
    b"\xef\xbb\xbfx**2 @",  # BOM then an error
    b"\x1b[31mx\x1b[0m",  # ANSI escape
    b"x\x07\x08",
    b"x\r\n+1",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"\x7fELF\x02\x01\x01\x00",
    b"PK\x03\x04\x14\x00",
    "σ(x)".encode(),
    "x²".encode(),
    "√x".encode(),
    "x − 1".encode(),  # U+2212
    "ｘ＋１".encode(),
    "😀".encode(),
    "x\u0301".encode(),  # combining accent
    "x\ufeff".encode(),
    "\u00a0x".encode(),
    "シグモイド".encode("shift_jis"),
    "x**2".encode("utf-16"),
]

SYNTAX = [
    "(", ")", "((x)", "x))", "()", "(,)", ",", "x,", ",x", "x,,y", "**", "^", "^^", "x^^2", "x**", "**x",
    "x***2", "x****2", "x^*2", "x!", "x'", "x''", "=", "==", "x = 1", "x == 1", "x != 1", "x <> 1", ";", ":",
    "?", "#", "$", "\\", "\\\\", "`x`", "~", "x~", "&", "|", "x &", "| x", "x & y | z", "@", "..", "...",
    "x..y", "1.2.3", "1e", "1e+", "1_", "1__0", "_1", "0777", "08", "1j", "1J", "inf", "nan", "oo", "zoo",
    "I", "True", "False", "None", "and", "or", "not", "if", "else", "in", "is", "x is x", "x in x", "del x",
    "pass", "return x", "class", "def f(): pass", "x.y.z", "sin()", "sin(,)", "sin(x,)", "sin(x y)", "sin x",
    "sinx", "exp(", "exp)", "Max(x)", "Max()", "Min(x, y, z, w, a, b, c, d, e)", "Abs()", "Piecewise()",
    "Piecewise(x)", "Piecewise((x,))", "Piecewise((x, y))", "Piecewise((x, x > 0, 1))", "Piecewise([x, True])",
    "Heaviside()", "Heaviside(x, y, z)", "Eq(x)", "Eq(x, y, z)", "Ne()", "log(x, 2, 3)", "sqrt(x, 3)",
    "x > 0", "x < y < z", "(x > 0) + 1", "Eq(x, 1)", "x & y", "~x", "-(x > 0)", "sigmoid", "exp", "pi()",
    "E(x)", "e(x)", "x(x)", "2(x)", "(x)(x)", "\\frac{1}{x}", "\\sigma(x)", "\\input{/etc/passwd}",
    "\\def\\a{\\a}\\a", "$x$", "$$x$$", "<script>alert(1)</script>", "{{7*7}}", "${7*7}", "%s%s%s%n",
    "'; DROP TABLE x; --", "../../../../etc/passwd", "/etc/passwd", "-x --format json", "--help", "-h",
    "--version", "list", "check", "derive", "-", "--", "-1", "--timeout=0",
]

# -- curated LaTeX formulas (expression argument of the LaTeX parser, and inside documents) ----------------
LATEX = [
    "9^{9^{9}}",
    "9^{9^{9^{9}}}",
    "x^{9^{9^{9}}}",
    "10^{10^{10}}",
    "e^{e^{e^{e^{10}}}}",
    "\\sin(e^{e^{12}})",
    "\\max(\\sin(e^{e^{12}}), 0)",
    "\\left|\\cos(e^{e^{14}})\\right|",
    "(10^8)!",
    "100000000!",
    "x!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
    "\\Gamma(10^8)",
    "\\binom{10^8}{10^4}",
    "\\sum_{n=1}^{10^9} n",
    "\\prod_{n=1}^{10^9} n",
    "\\int_0^\\infty e^{-x^2} dx",
    "\\lim_{x\\to 0} \\frac{\\sin x}{x}",
    "\\frac{d^{100000000}}{dx^{100000000}} x",
    "f^{(100000000)}(x)",
    "\\def\\a{\\a}\\a",
    "\\def\\x{\\x\\x}\\x",
    "\\def\\a#1{\\a{#1#1}}\\a{x}",
    "\\newcommand{\\a}{\\a}\\a",
    "\\renewcommand{\\sigma}{\\sigma\\sigma}\\sigma(x)",
    "\\let\\a\\a\\a",
    "\\edef\\a{\\a}\\a",
    "\\expandafter\\a\\a",
    "\\csname a\\endcsname",
    "\\catcode`\\$=11 x",
    "\\loop\\iftrue\\repeat",
    "\\input{/etc/passwd}",
    "\\input /etc/passwd",
    "\\include{/etc/passwd}",
    "\\InputIfFileExists{/etc/passwd}{}{}",
    "\\openin1=/etc/passwd \\read1 to\\x \\x",
    "\\usepackage{/etc/passwd}",
    f"\\write18{{touch {CANARY}}}",
    f"\\immediate\\write18{{touch {CANARY}}}",
    f"\\ShellEscape{{touch {CANARY}}}",
    "\\directlua{os.execute('touch " + CANARY + "')}",
    "\\href{javascript:alert(1)}{x}",
    "\\url{file:///etc/passwd}",
    "\\includegraphics{/etc/passwd}",
    "\\verb|x|",
    "\\begin{verbatim}x\\end{verbatim}",
    f"\\operatorname{{__import__('os').system('touch {CANARY}')}}(x)",
    "\\operatorname{exec}(x)",
    "\\operatorname{eval}(x)",
    "\\operatorname{input}(x)",
    "\\operatorname{exit}(x)",
    "\\operatorname{breakpoint}(x)",
    "\\operatorname{open}(x)",
    "\\operatorname{print}(x)",
    "\\operatorname{__class__}(x)",
    "\\mathrm{exec}(x)",
    "\\mathrm{__import__}(x)",
    "\\text{__import__('os')}",
    "\\mathrm{input}(x) = x",
    "\\operatorname{exit}(x) = 1",
    "\\mathrm{\\def\\a{\\a}\\a}",
    "{" * 5_000 + "x" + "}" * 5_000,
    "(" * 5_000 + "x" + ")" * 5_000,
    "\\left(" * 5_000 + "x" + "\\right)" * 5_000,
    "\\sqrt{" * 5_000 + "x" + "}" * 5_000,
    "\\frac{1}{" * 5_000 + "x" + "}" * 5_000,
    "x^{" * 5_000 + "2" + "}" * 5_000,
    "x" + "^x" * 5_000,
    "\\sigma(" * 5_000 + "x" + ")" * 5_000,
    "-" * 5_000 + "x",
    "x" + "'" * 5_000,
    "x" + "+x" * 50_000,
    "1" * 100_000,
    "\\frac{" * 100 + "}" * 100,
    "\\frac",
    "\\frac{}{}",
    "\\frac{1}{0}",
    "\\sqrt[0]{x}",
    "\\sqrt[10^{9}]{x}",
    "x^{}",
    "^{2}",
    "_{2}",
    "x_{_{_{_{}}}}",
    "\\",
    "\\\\\\\\",
    "{",
    "}",
    "\\left(",
    "\\right)",
    "\\begin{aligned}",
    "\\end{aligned}",
    "\\begin{cases} x & x > 0 \\\\ " * 500 + "\\end{cases}" * 500,
    "&=&=&=&=&",
    "= = = =",
    "x = = y",
    "\\frac{d}{dx}",
    "\\frac{\\partial}{\\partial}",
    "\\sigma'''''''''''''''''(x)",
    "f'(f'(f'(f'(f'(x)))))",
    "\\mathrm{d}",
    "\\unknowncommand{x}",
    "\\x\\y\\z",
    "\\sigma\\sigma\\sigma\\sigma(x)",
    "\\tanh^{10^9}(x)",
    "\\sin^{-1}(x)^{-1}",
    "\\log_{0}(x)",
    "\\log_{1}(x)",
    "\\max()",
    "\\max(,)",
    "a=b=c=d=e=f=g=h=i=j=k=l=m=n=o=p=q=r=s=t=u=v=w=x=y=z",
    "x\x00 = 1",
    "x = \u202e1",
]

# -- found by the fuzzers (bench/fuzz_atheris.py, tests/test_fuzz_*.py): kept as regressions -------------
FOUND_EXPR = [
    "x" + "^x" * 300,  # atheris, latex: SymPy expands the 300-level tower for > 5 s
    "factorial(10**8)factorial(10=c8)",  # atheris, latex: TypeError (Symbol * Equality), not a ParseError
    "sin(exp(exp(14))\uff01) < 0",  # atheris, latex: fullwidth '!' is a factorial of e^(e^14): never returns
]
FOUND_DOCS = {
    # atheris, check: e^{e^{e^{e^{20}}}} passes the LaTeX parser's bounds, then numeric judging hangs
    "cur-found-000.tex": "\\begin{align*}\nf(x) &= e^{e^{e^{e^{20}}}} \\\\\n&= 1\n\\end{align*}\n",
}

# -- curated documents for `check` ----------------------------------------------------------------------


def _documents() -> dict[str, bytes]:
    docs: dict[str, bytes] = {}
    formula_docs = {
        "md-dollars": lambda f: f"# post\n\n$$ {f} $$\n",
        "md-inline": lambda f: f"Some prose ${f}$ more prose.\n",
        "md-fence": lambda f: f"```math\n{f}\n```\n",
        "md-brackets": lambda f: f"\\[ {f} \\]\n",
        "tex-align": lambda f: f"\\begin{{align*}}\nf(x) &= {f} \\\\\n&= 1\n\\end{{align*}}\n",
        "wordpress": lambda f: f"<p>$latex {f}$</p>\n",
        "hatena": lambda f: f"[tex:{f}]\n",
        "plain": lambda f: f"dy/dx = {f}\n",
    }
    for i, formula in enumerate(LATEX):
        shape, make = list(formula_docs.items())[i % len(formula_docs)]
        docs[f"cur-latex-{i:03d}-{shape}.md"] = make(formula).encode("utf-8", "surrogatepass")
    for i, expr in enumerate(INJECTION[:40]):
        docs[f"cur-inject-{i:03d}.md"] = f"Definition:\n\n$$f(x) = {expr}$$\n\n$$f'(x) = 1$$\n".encode()
    tail = "\n$$\\sigma'(x) = \\sigma(x)(1-\\sigma(x))$$\n"
    docs.update({
        "cur-empty.md": b"",
        "cur-blank.md": b" \n\n\t\n",
        "cur-bom-only.md": b"\xef\xbb\xbf",
        "cur-nul.md": b"$$x$$\x00" + tail.encode(),
        "cur-nul-middle.tex": b"\\begin{align}\nx &= 1 \x00\\\\\n\\end{align}\n",
        "cur-invalid-utf8.md": b"$$f(x) = \xff\xfe x$$\n",
        "cur-shift-jis.md": "シグモイド関数 $\\sigma(x)$ の微分\n".encode("shift_jis"),
        "cur-utf16.md": "$$f(x)=x^2$$\n".encode("utf-16"),
        "cur-latin1.tex": "caf\u00e9 $x^2$\n".encode("latin-1"),
        "cur-png.bin": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        "cur-elf.bin": b"\x7fELF\x02\x01\x01" + bytes(2000),
        "cur-random.bin": random.Random(SEED).randbytes(4096),
        "cur-gzip.md": b"\x1f\x8b\x08\x00" + random.Random(SEED + 1).randbytes(512),
        "cur-crlf.md": b"$$f(x) = x^2$$\r\n$$f'(x) = 3x$$\r\n",
        "cur-cr-only.md": b"$$f(x) = x^2$$\r$$f'(x) = 3x$$\r",
        "cur-long-line.md": ("$$" + "x+" * 50_000 + "x$$\n").encode(),
        "cur-100k-chars.md": ("a" * 100_000 + "\n$$x$$\n").encode(),
        "cur-many-dollars.md": ("$" * 20_000 + "\n").encode(),
        "cur-unclosed-display.md": ("$$ f(x) = x^2\n" + "prose\n" * 2_000).encode(),
        "cur-unclosed-inline.md": ("$x " * 5_000 + "\n").encode(),
        "cur-unclosed-env.tex": b"\\begin{align}\nf(x) &= x^2\n",
        "cur-nested-env.tex": ("\\begin{align}" * 2_000 + "x" + "\\end{align}" * 2_000).encode(),
        "cur-many-lines.md": ("$$x = x$$\n" * 2_000).encode(),
        "cur-many-blank-lines.md": ("\n" * 200_000 + "$$x$$\n").encode(),
        "cur-many-rows.tex": ("\\begin{align*}\nf(x) " + "&= x \\\\\n" * 2_000 + "\\end{align*}\n").encode(),
        "cur-def-loop.tex": b"\\def\\a{\\a}\n\\begin{equation}\\a\\end{equation}\n",
        "cur-def-bomb.tex": b"\\def\\a{\\a\\a}\\def\\b{\\a\\a}\n$$\\b = 1$$\n",
        "cur-newcommand-sigma.md": b"\\newcommand{\\sigma}{\\sigma\\sigma}\n$$\\sigma(x) = 1$$\n",
        "cur-input-passwd.tex": b"\\input{/etc/passwd}\n\\begin{equation}x = \\input{/etc/passwd}\\end{equation}\n",
        "cur-write18.tex": f"\\immediate\\write18{{touch {CANARY}}}\n$$\\write18{{touch {CANARY}}} = 1$$\n".encode(),
        "cur-symlink-name.md": b"$$x$$\n",
        "cur-html.md": b"<script>alert('PWNED')</script>\n$$<img src=x onerror=alert(1)> = 1$$\n",
        "cur-jinja.md": b"{{ 7*7 }} {% for x in range(10**9) %}{% endfor %}\n$${{7*7}} = 49$$\n",
        "cur-ansi.md": b"\x1b]0;PWNED\x07\x1b[2J$$x = 1$$\n",
        "cur-wp-many.md": ("$latex x$ " * 5_000).encode(),
        "cur-hatena-many.md": ("[tex:x]" * 5_000).encode(),
        "cur-fence-unclosed.md": b"```math\nx = 1\n" + b"y\n" * 1000,
        "cur-code-fence-math.md": b"```python\n__import__('os').system('touch HOSTILE_CANARY')\n```\n$$x = x$$\n",
        "cur-huge-equation-count.md": ("$$f(x) = x^2$$\n$$f'(x) = 2x$$\n" * 500).encode(),
        "cur-tower-chain.md": b"$$f(x) = 9^{9^{9}}$$\n$$f'(x) = 0$$\n",
        "cur-factorial.md": b"$$f(x) = (10^8)! x$$\n$$f'(x) = (10^8)!$$\n",
        "cur-deep-braces.md": ("$$" + "{" * 5_000 + "x" + "}" * 5_000 + "$$\n").encode(),
        "cur-deep-parens.md": ("$$f(x) = " + "(" * 5_000 + "x" + ")" * 5_000 + "$$\n").encode(),
        "cur-sigma-deep.md": ("$$f(x) = " + "\\sigma(" * 300 + "x" + ")" * 300 + "$$\n$$f'(x) = 1$$\n").encode(),
        "cur-exp-tower.md": b"$$f(x) = e^{e^{e^{e^{x}}}}$$\n$$f'(x) = e^{e^{e^{e^{x}}}}$$\n",
        "cur-big-sin.md": b"$$\\max(\\sin(e^{e^{12}}), 0) = 0$$\n",
        "cur-x-chain.md": ("$$" + "=".join(["x"] * 5_000) + "$$\n").encode(),
        "cur-continuation-flood.md": ("$$f(x) = x$$\n" + "$$= x$$\n" * 2_000).encode(),
        "cur-prime-flood.md": ("$$f" + "'" * 3_000 + "(x) = 0$$\n").encode(),
        "cur-definition-loop.md": b"$$u = v$$\n$$v = u$$\n$$\\frac{du}{dx} = 1$$\n",
        "cur-self-definition.md": b"$$f(x) = f(x) + 1$$\n$$f'(x) = f'(x)$$\n",
        "cur-mutual-functions.md": b"$$f(x) = g(x)$$\n$$g(x) = f(x)$$\n$$f'(x) = 0$$\n",
        "cur-redefine-e.md": b"$$e = 2$$\n$$e^x = 2^x$$\n",
        "cur-redefine-many.md": ("".join(f"$$a_{{{i}}} = a_{{{i - 1}}} + 1$$\n" for i in range(1, 600))).encode(),
    })
    return docs


# -- generated -----------------------------------------------------------------------------------------
VALID_EXPRESSIONS = [
    "x**2*exp(-x)", "log(1+exp(x))", "x/(1+exp(-x))", "Max(0, x)", "tanh(x)", "x*sigmoid(x)", "sqrt(x**2+1)",
    "Piecewise((x, x > 0), (0.01*x, True))", "erf(x/sqrt(2))", "asin(x)*acos(x)", "x^3 - 2*x + 1",
    "Abs(x)**3", "Min(1, Max(0, x))", "Heaviside(x)*x", "exp(-x^2/2)/sqrt(2*pi)", "atan(x)/(1+x^2)",
]
ALPHABET = list("x()+-*/^.,<>=!&|~ 0123456789eE_") + [
    "**", "9**9**9", "__", "__class__", ".", "'", '"', "\x00", "(" * 70, "sin(", "exp(", "Max(", "1e999",
    "0x", "**-", "\\", "{", "}", "^{", "\\frac{", "\\def", "\\input{/etc/passwd}", "lambda", "[", "]", ":",
    "\u2212", "\uff08", "σ", "\udcff", "1" * 40, "Piecewise((", ", True)", "import", "@", "#", "$",
]
LATEX_ALPHABET = list("x(){}^_+-*/=&|!.' 0123456789") + [
    "\\frac{", "\\sqrt{", "\\left(", "\\right)", "\\sigma(", "\\tanh(", "e^{", "9^{9^{9}}", "\\def\\a{\\a}",
    "\\input{/etc/passwd}", "\\begin{aligned}", "\\end{aligned}", "\\\\", "&=", "\\cdot", "\\operatorname{",
    "\\mathrm{", "\\text{", "{" * 80, "}", "\\max(", "!", "'" * 20, "\\,", "\u2212", "\u00d7", "\x00",
]


# Small correct derivations in the syntaxes check reads; mutated into generated posts.
BASE_POSTS = [
    "シグモイド関数\n$$\\sigma(x) = \\frac{1}{1+e^{-x}}$$\n$$u = 1 + e^{-x}$$\n$$\\frac{du}{dx} = -e^{-x}$$\n"
    "$$\\sigma'(x) = \\sigma(x)(1-\\sigma(x))$$\n",
    "\\begin{align*}\nf(x) &= x^2 e^{-x} \\\\\nf'(x) &= 2x e^{-x} - x^2 e^{-x}\n\\end{align*}\n",
    "<p>$latex \\tanh'(x) = 1 - \\tanh^2(x)$</p>\n[tex:\\frac{d}{dx}\\log(1+e^x) = \\sigma(x)]\n",
    "y = (x^2+3x+1)^4\ndy/dx = 4*(x^2+3*x+1)^3*(2*x+3)\n",
    "```math\nf(x) = \\max(0, x)\n```\n\\[ f'(x) = H(x) \\]\n\\( g(x) = x\\sigma(x) \\)\n",
]


def _mutate(rng: random.Random, text: str, alphabet: list[str]) -> str:
    out = text
    for _ in range(rng.randint(1, 6)):
        kind = rng.random()
        pos = rng.randint(0, len(out))
        if kind < 0.45 or not out:
            out = out[:pos] + rng.choice(alphabet) + out[pos:]
        elif kind < 0.7:
            out = out[:pos] + out[pos + rng.randint(1, 4):]
        elif kind < 0.85:
            out = out[:pos] + rng.choice(alphabet) + out[pos + 1:]
        else:
            cut = rng.randint(0, len(out))
            out = out[:cut] + out[cut:pos + 1] * rng.randint(2, 40) + out[pos + 1:]  # repetition
    return out[:120_000]


def _random_tree(rng: random.Random, depth: int) -> str:
    if depth <= 0 or rng.random() < 0.15:
        return rng.choice(["x", "y", "2", "9", "10**29", "1e308", "0.5", "pi", "E", "x**9", "9**9"])
    kind = rng.randrange(6)
    a, b = _random_tree(rng, depth - 1), _random_tree(rng, depth - 1)
    if kind == 0:
        return f"({a})**({b})"
    if kind == 1:
        return f"{rng.choice(['exp', 'sin', 'log', 'sqrt', 'tanh', 'sigmoid', 'Abs', 'erf'])}({a})"
    if kind == 2:
        return f"Max({a}, {b})"
    if kind == 3:
        return f"({a}){rng.choice(['+', '-', '*', '/'])}({b})"
    if kind == 4:
        return f"Piecewise(({a}, {b} > 0), ({a}, True))"
    return f"{a}^{b}"


def _random_latex(rng: random.Random, depth: int) -> str:
    if depth <= 0 or rng.random() < 0.15:
        return rng.choice(["x", "2", "9", "e", "\\pi", "10^{29}", "u", "\\sigma(x)"])
    a, b = _random_latex(rng, depth - 1), _random_latex(rng, depth - 1)
    return rng.choice([
        f"{{{a}}}^{{{b}}}", f"\\frac{{{a}}}{{{b}}}", f"\\sqrt{{{a}}}", f"\\sin({a})", f"e^{{{a}}}",
        f"\\max({a}, {b})", f"\\left({a}\\right)!", f"{a} \\cdot {b}", f"\\sigma\\left({a}\\right)",
    ])


def generated(rng: random.Random) -> tuple[dict[str, bytes], dict[str, bytes]]:
    exprs: dict[str, bytes] = {}
    seeds = INJECTION + SYNTAX + [s for s in SIZES if len(s) < 2_000] + VALID_EXPRESSIONS
    for i in range(420):
        text = _mutate(rng, rng.choice(seeds), ALPHABET)
        exprs[f"gen-mut-{i:04d}.txt"] = text.encode("utf-8", "surrogateescape")
    for i in range(80):
        exprs[f"gen-tree-{i:04d}.txt"] = _random_tree(rng, rng.randint(3, 7)).encode()
    for i in range(150):
        text = _mutate(rng, rng.choice([s for s in LATEX if len(s) < 2_000]), LATEX_ALPHABET)
        exprs[f"gen-latex-{i:04d}.txt"] = text.encode("utf-8", "surrogateescape")
    docs: dict[str, bytes] = {}
    shapes = ["$${}$$\n", "${}$\n", "\\[{}\\]\n", "\\begin{{align*}}\n{}\n\\end{{align*}}\n", "[tex:{}]\n",
              "$latex {}$\n", "```math\n{}\n```\n", "dy/dx = {}\n"]
    for i in range(160):
        short = [s for s in LATEX if len(s) < 2_000]
        body = _random_latex(rng, rng.randint(2, 6)) if i % 2 else _mutate(rng, rng.choice(short), LATEX_ALPHABET)
        lhs = rng.choice(["f(x)", "f'(x)", "\\frac{dy}{dx}", "u", "\\sigma'(x)", "y"])
        text = "# title\n\nprose\n\n" + rng.choice(shapes).format(f"{lhs} = {body}") + "more prose\n"
        docs[f"gen-doc-{i:04d}.md"] = text.encode("utf-8", "surrogateescape")
    for i in range(60):
        base = rng.choice(BASE_POSTS)
        docs[f"gen-post-{i:04d}.md"] = _mutate(rng, base, LATEX_ALPHABET).encode("utf-8", "surrogateescape")
    return exprs, docs


def write() -> tuple[int, int]:
    exprs: dict[str, bytes] = {}
    for group, items in (("inject", INJECTION), ("size", SIZES), ("syntax", SYNTAX), ("latex", LATEX)):
        for i, text in enumerate(items):
            exprs[f"cur-{group}-{i:03d}.txt"] = text.encode("utf-8", "surrogatepass")
    for i, data in enumerate(ENCODING):
        exprs[f"cur-bytes-{i:03d}.txt"] = data
    for i, text in enumerate(FOUND_EXPR):
        exprs[f"cur-found-{i:03d}.txt"] = text.encode()
    docs = _documents()
    docs.update({name: text.encode() for name, text in FOUND_DOCS.items()})
    gen_exprs, gen_docs = generated(random.Random(SEED))
    exprs.update(gen_exprs)
    docs.update(gen_docs)
    for folder, files in (("expr", exprs), ("doc", docs)):
        target = HERE / folder
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        for name, data in files.items():
            (target / name).write_bytes(data)
    return len(exprs), len(docs)


if __name__ == "__main__":
    n_expr, n_doc = write()
    print(f"wrote {n_expr} expression inputs and {n_doc} documents ({n_expr + n_doc} in all) under {HERE}")
