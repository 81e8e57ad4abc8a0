"""The page of `derivator serve` in a real browser: headless Chromium (Debian's), driven by Playwright.

Each test works the page as a person would (type, click, drop a file, switch language) and reads what is
shown: KaTeX-typeset math and no `.katex-error`, the wrong line of a post marked, Japanese words, the
clipboard. Every page also fails its test on a console error or a Content-Security-Policy violation.
With DERIVATOR_SCREENSHOTS=FOLDER the screenshots the tests take are kept there (docs/ holds them).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import httpx
import pytest

from serve_support import POST, WRONG_LINE, Server, cli
from validators import unavailable

# a real server and a real browser start in ~15 s, so every test here is in the slow set
pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("DERIVATOR_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
# logs CSP violations to the console, where the page fixture collects them
REPORT_CSP = ("document.addEventListener('securitypolicyviolation', e => console.error("
              "'CSP violation: ' + e.violatedDirective + ' ' + e.sourceFile + ':' + e.lineNumber));")


@pytest.fixture(scope="module")
def server():
    with Server("--workers", "2", "--quiet") as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install '.[test]')")
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, base_url=server.url, locale="en-US")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    tab.add_init_script(REPORT_CSP)
    tab.set_default_timeout(90_000)
    yield tab
    context.close()
    assert not problems, problems


def screenshot(page, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=True)
    keep = os.environ.get("DERIVATOR_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / name)


def derive_on_page(page, text: str) -> None:
    page.fill("#d-input", text)
    page.click("#d-go")
    page.wait_for_selector("#d-result .steps")
    page.wait_for_function("() => !document.querySelector('#d-go').disabled")


def test_derive_sigmoid_shows_typeset_steps_and_the_plot(page, server, tmp_path):
    page.goto("/")
    derive_on_page(page, "sigmoid")
    steps = page.locator("#d-result ol.steps > li.step")
    assert steps.count() >= 8
    assert page.locator("#d-result ol.steps > li.step > .math.display > .katex-display").count() == steps.count()
    assert page.locator(".katex-error").count() == 0
    # KaTeX keeps the TeX it typeset in its MathML annotation: the first line is the definition step
    first = page.locator("#d-result li.step").first.locator("annotation").first.text_content()
    assert first.startswith("\\sigma'(x) = \\frac{d}{dx}")
    assert "definition" in page.locator("#d-result li.step .rule").first.text_content()
    assert page.locator("#d-result .output-form .katex").count() >= 2  # y = σ(x) and σ′ = y(1 − y)
    page.wait_for_function("() => { const i = document.querySelector('#d-plot img'); return i && i.complete && i.naturalWidth > 0; }")
    assert page.locator("#d-plot").is_visible()
    assert "input=sigmoid" in page.url
    screenshot(page, tmp_path, "serve-derive.png")


def test_switch_to_japanese(page, server, tmp_path):
    page.goto("/?input=relu")
    page.wait_for_selector("#d-result .steps")
    page.click("#ui-langs button[data-lang=ja]")
    page.wait_for_function("() => document.documentElement.lang === 'ja'")
    page.wait_for_function("() => document.querySelector('#d-result h2').textContent.includes('の微分')")
    assert page.locator("#tab-derive").text_content() == "微分する"
    assert page.locator("#tab-check").text_content() == "チェックする"
    assert page.locator("#d-result li.step .rule").first.text_content() == "定義"
    assert page.locator(".katex-error").count() == 0
    assert "ui=ja" in page.url
    # the URL holds the query: opened again, it shows the same Japanese derivation
    page.goto(page.url)
    page.wait_for_selector("#d-result .steps")
    assert page.locator("#d-result li.step .rule").first.text_content() == "定義"
    screenshot(page, tmp_path, "serve-ja.png")


def test_check_marks_exactly_the_wrong_line(page, server, tmp_path):
    page.goto("/?tab=check")
    page.fill("#c-text", POST)
    page.click("#c-go")
    page.wait_for_selector("#c-lines li.line")
    wrong = page.locator("#c-lines li.line.wrong")
    assert wrong.count() == 1
    assert wrong.get_attribute("data-line") == str(WRONG_LINE)
    assert "e^{-x}" in wrong.locator(".src").text_content()
    details = wrong.locator(".claim-details").text_content()
    assert "Sign error" in details and "counterexample" in details and "read as: claim" in details
    assert page.locator("#c-lines li.line.ok").count() >= 2
    assert page.locator("#c-lines .claim .katex").count() >= 5
    assert page.locator(".katex-error").count() == 0
    assert "First error at line 6" in page.locator("#c-summary").text_content()
    screenshot(page, tmp_path, "serve-check.png")
    # in Japanese, the same report is said again: the same line, the check's own Japanese words
    page.click("#ui-langs button[data-lang=ja]")
    page.wait_for_function("() => document.querySelector('#c-summary').textContent.includes('最初の誤りは 6 行目')")
    wrong = page.locator("#c-lines li.line.wrong")
    assert wrong.count() == 1 and wrong.get_attribute("data-line") == str(WRONG_LINE)
    assert wrong.locator(".badge").text_content() == "✗ 誤り"
    assert "符号" in wrong.locator(".claim-details").text_content()


def test_a_dropped_tex_file_is_checked_as_tex(page, server):
    tex = "\\begin{align}\nf(x) &= x^3 \\\\\nf'(x) &= 3x^2 \\\\\nf''(x) &= 3x\n\\end{align}\n"
    page.goto("/?tab=check")
    dropped = page.evaluate_handle(
        "(text) => { const dt = new DataTransfer(); dt.items.add(new File([text], 'notes.tex', {type: 'text/plain'})); return dt; }",
        tex)
    page.dispatch_event("#c-text", "drop", {"dataTransfer": dropped})
    page.wait_for_function("() => document.querySelector('#c-name').value === 'notes.tex'")
    assert page.input_value("#c-text") == tex
    page.click("#c-go")
    page.wait_for_selector("#c-lines li.line")
    assert [e.get_attribute("data-line") for e in page.query_selector_all("#c-lines li.line.wrong")] == ["4"]


def test_copy_buttons_copy_what_the_cli_prints(page, server):
    page.goto("/")
    derive_on_page(page, "tanh")
    page.click("button.copy[data-format=latex]")
    page.wait_for_function("() => document.querySelector('#d-status').textContent.length > 0")
    assert page.evaluate("navigator.clipboard.readText()") == cli("tanh", "--format", "latex").stdout
    page.click("button.copy[data-format=markdown][data-flavor=zenn]")
    page.wait_for_function("() => document.querySelector('#d-source textarea').value.includes('$$')")
    zenn = cli("tanh", "--format", "markdown", "--flavor", "zenn").stdout
    page.wait_for_function("(text) => document.querySelector('#d-source textarea').value === text", arg=zenn)
    assert page.evaluate("navigator.clipboard.readText()") == zenn
    page.click("button.copy[data-format=link]")
    page.wait_for_function("() => document.querySelector('#d-source textarea').value.startsWith('http')")
    assert "input=tanh" in page.evaluate("navigator.clipboard.readText()")


def test_latex_input_and_options_in_the_url(page, server):
    page.goto("/?input=%5Cfrac%7B1%7D%7B1%2Be%5E%7B-x%7D%7D&order=2")
    page.wait_for_selector("#d-result .steps")
    assert page.locator("#d-read-as code").text_content() == "1/(1 + exp(-x))"
    assert page.input_value("#d-order") == "2"
    assert page.locator(".katex-error").count() == 0


def test_an_error_is_shown_in_one_line(browser, server):
    context = browser.new_context(base_url=server.url)
    tab = context.new_page()
    tab.goto("/")
    tab.fill("#d-input", "x +* 2")
    tab.click("#d-go")
    tab.wait_for_function("() => document.querySelector('#d-status').classList.contains('error')")
    message = tab.locator("#d-status").text_content()
    assert message.startswith("Error: ") and "\n" not in message
    context.close()
    assert httpx.get(f"{server.url}/api/health").json()["ok"]
