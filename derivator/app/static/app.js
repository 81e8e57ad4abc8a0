// The page of `derivator serve`: two panels over the JSON API (POST /api/derive, POST /api/check).
// Everything it shows comes from the server; the server's own HTML (format "html") is already escaped, and
// every other string goes into the page as text (textContent), never as markup. Math is typeset by KaTeX
// (vendored in /static/katex), with katex.render: it builds DOM nodes, which the page's CSP allows.
"use strict";

const state = { lang: "en", words: null, names: {}, flavors: [], derived: null, busy: false };
const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

// -- words ---------------------------------------------------------------------------------------------------

function w(key) {
  const table = state.words ? state.words.web : {};
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : key;
}

function cw(section, key, params = {}) {
  // a sentence of the check report's words, with {placeholders} filled in
  const table = (state.words && state.words.check[section]) || {};
  const template = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : key;
  return template.replace(/\{([a-z_]+)\}/g, (all, name) => (name in params ? String(params[name]) : all));
}

async function loadWords(lang) {
  const answer = await fetch(`/api/ui?lang=${encodeURIComponent(lang)}`);
  if (!answer.ok) throw new Error(await errorText(answer));
  state.words = await answer.json();
  state.lang = state.words.lang;
  state.flavors = state.words.flavors;
  state.names = state.words.names || {};
  document.documentElement.lang = state.lang;
  $$("[data-w]").forEach((el) => { el.textContent = w(el.dataset.w); });
  $$("[data-w-placeholder]").forEach((el) => { el.placeholder = w(el.dataset.wPlaceholder); });
  $$("[data-w-alt]").forEach((el) => { el.alt = w(el.dataset.wAlt); });
  document.title = `${w("title")} — ${w("tab_" + currentTab())}`;
  fillChoices();
  $("#c-legend").textContent = cw("ui", "legend");
}

function fillChoices() {
  const langs = state.words.langs;
  for (const select of [$("#d-lang"), $("#c-lang")]) {
    const chosen = select.value || state.lang;
    select.replaceChildren(...langs.map((lang) => new Option(state.names[lang] || lang, lang)));
    select.value = langs.includes(chosen) ? chosen : state.lang;
  }
  const flavor = $("#d-flavor");
  const chosenFlavor = flavor.value || "github";
  flavor.replaceChildren(...state.flavors.map((name) => new Option(name, name)));
  flavor.value = chosenFlavor;
  $("#md-buttons").replaceChildren(...state.flavors.map((name) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.dataset.format = "markdown";
    button.dataset.flavor = name;
    button.textContent = name;
    return button;
  }));
  $("#ui-langs").replaceChildren(...langs.map((lang) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "ui-lang-button";
    button.dataset.lang = lang;
    button.textContent = state.names[lang] || lang;
    button.setAttribute("aria-pressed", String(lang === state.lang));
    return button;
  }));
}

// -- talking to the server ---------------------------------------------------------------------------------------

async function errorText(answer) {
  try {
    const body = await answer.json();
    if (body && typeof body.error === "string") return body.error;
  } catch (ignored) { /* not JSON: say the status */ }
  return `${answer.status} ${answer.statusText}`;
}

async function post(path, body) {
  let answer;
  try {
    answer = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  } catch (err) {
    throw new Error(w("network"));
  }
  if (!answer.ok) throw new Error(await errorText(answer));
  return answer;
}

// -- math --------------------------------------------------------------------------------------------------------

// KaTeX writes a few styles with setAttribute("style", …) (the width of a tall delimiter's SVG piece),
// which the CSP blocks as an inline style; the same style set through the CSSOM is allowed. While KaTeX
// renders, and only then, such a call is turned into `element.style.cssText = …`.
function withCssomStyles(render) {
  const original = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function setAttribute(name, value) {
    if (String(name).toLowerCase() === "style") { this.style.cssText = String(value); return; }
    original.call(this, name, value);
  };
  try { render(); } finally { Element.prototype.setAttribute = original; }
}

function typeset(root) {
  withCssomStyles(() => {
    for (const el of $$(".math", root)) {
      if (el.dataset.typeset) continue;
      const tex = el.textContent;
      el.dataset.tex = tex;
      el.dataset.typeset = "1";
      window.katex.render(tex, el, { displayMode: el.classList.contains("display"), throwOnError: false });
    }
  });
}

function mathSpan(tex) {
  const span = document.createElement("span");
  span.className = "math";
  span.textContent = tex;
  return span;
}

function richText(parent, text) {
  // prose with $…$ math (the check report's messages): text as text, formulas typeset
  String(text).split(/(\$[^$]+\$)/).forEach((part) => {
    if (part.length > 2 && part.startsWith("$") && part.endsWith("$")) parent.append(mathSpan(part.slice(1, -1)));
    else if (part) parent.append(document.createTextNode(part));
  });
  return parent;
}

// -- the URL holds the query ----------------------------------------------------------------------------------------

function currentTab() {
  return $("#panel-check").hidden ? "derive" : "check";
}

function showTab(tab) {
  for (const name of ["derive", "check"]) {
    $(`#panel-${name}`).hidden = name !== tab;
    $(`#tab-${name}`).setAttribute("aria-selected", String(name === tab));
  }
  if (state.words) document.title = `${w("title")} — ${w("tab_" + tab)}`;
}

function deriveQuery() {
  return {
    input: $("#d-input").value.trim(),
    order: $("#d-order").value || "1",
    lang: $("#d-lang").value || state.lang,
    flavor: $("#d-flavor").value || "github",
    at_kink: $("#d-kink").value,
    var: $("#d-var").value.trim() || "x",
    params: $("#d-params").value.trim(),
    facts: $("#d-facts").checked,
  };
}

function writeUrl() {
  const url = new URL(window.location.href);
  const q = deriveQuery();
  const search = new URLSearchParams();
  if (state.lang !== "en") search.set("ui", state.lang);
  if (currentTab() === "check") search.set("tab", "check");
  if (q.input) {
    search.set("input", q.input);
    if (q.order !== "1") search.set("order", q.order);
    if (q.lang !== state.lang) search.set("lang", q.lang);
    if (q.flavor !== "github") search.set("flavor", q.flavor);
    if (q.at_kink) search.set("at_kink", q.at_kink);
    if (q.var !== "x") search.set("var", q.var);
    if (q.params) search.set("params", q.params);
    if (q.facts) search.set("facts", "1");
  }
  url.search = search.toString();
  window.history.replaceState(null, "", url);
  return url.toString();
}

function readUrl() {
  const search = new URLSearchParams(window.location.search);
  const set = (id, key) => { if (search.has(key)) $(id).value = search.get(key); };
  set("#d-input", "input");
  set("#d-order", "order");
  set("#d-kink", "at_kink");
  set("#d-var", "var");
  set("#d-params", "params");
  $("#d-facts").checked = search.get("facts") === "1";
  return search;
}

// -- Derive -------------------------------------------------------------------------------------------------------

function parseParams(text) {
  const params = {};
  for (const item of text.split(/[,;]/).map((s) => s.trim()).filter(Boolean)) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+)$/.exec(item);
    if (!match) throw new Error(w("params_bad"));
    params[match[1]] = match[2].trim();
  }
  return params;
}

function deriveBody(q, format) {
  const body = { input: q.input, format, lang: q.lang, order: Number(q.order), var: q.var, params: parseParams(q.params) };
  if (q.at_kink) body.at_kink = q.at_kink;
  if (q.facts && format !== "svg") body.facts = true;
  if (format === "markdown" && q.flavor !== "github") body.flavor = q.flavor;
  return body;
}

function setStatus(el, text, kind) {
  el.textContent = text;
  el.className = `status ${kind || ""}`.trim();
}

async function derive() {
  const q = deriveQuery();
  if (!q.input || state.busy) return;
  const status = $("#d-status");
  writeUrl();
  state.busy = true;
  $("#d-go").disabled = true;
  setStatus(status, w("deriving"), "working");
  try {
    const answer = await post("/api/derive", deriveBody(q, "html"));
    const html = await answer.text();
    const result = $("#d-result");
    result.innerHTML = html; // the server's HTML format: escaped text, no scripts, no styles
    typeset(result);
    const readAs = answer.headers.get("x-derivator-read-as");
    $("#d-read-as").hidden = !readAs;
    if (readAs) $("#d-read-as code").textContent = decodeURIComponent(readAs);
    state.derived = q;
    $("#d-output").hidden = false;
    setStatus(status, "", "");
    await showPlot(q);
  } catch (err) {
    setStatus(status, `${w("error")}: ${err.message}`, "error");
  } finally {
    state.busy = false;
    $("#d-go").disabled = false;
  }
}

async function showPlot(q) {
  const figure = $("#d-plot");
  const img = $("img", figure);
  try {
    const answer = await post("/api/derive", deriveBody(q, "svg"));
    const svg = await answer.blob();
    if (img.src.startsWith("blob:")) URL.revokeObjectURL(img.src);
    img.src = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
    figure.hidden = false;
  } catch (err) {
    figure.hidden = true; // a function that cannot be drawn still has its derivation
  }
}

async function copyText(textPromise) {
  const box = $("#d-source textarea");
  const status = $("#d-status");
  try {
    let text;
    if (window.ClipboardItem && navigator.clipboard && navigator.clipboard.write) {
      // the promise keeps the click's permission to write while the text is fetched
      const blob = textPromise.then((t) => { text = t; return new Blob([t], { type: "text/plain" }); });
      await navigator.clipboard.write([new window.ClipboardItem({ "text/plain": blob })]);
    } else if (navigator.clipboard && navigator.clipboard.writeText) {
      text = await textPromise;
      await navigator.clipboard.writeText(text);
    } else {
      text = await textPromise;
      box.value = text;
      box.select();
      if (!document.execCommand("copy")) throw new Error(w("copy_failed"));
    }
    box.value = text;
    setStatus(status, w("copied"), "ok");
  } catch (err) {
    try { box.value = await textPromise; } catch (ignored) { /* the error below says it */ }
    $("#d-source").open = true;
    setStatus(status, err.message && err.message !== "[object Object]" ? `${w("copy_failed")} (${err.message})` : w("copy_failed"), "error");
  }
}

function copyFormat(button) {
  const q = state.derived;
  if (!q) return;
  const format = button.dataset.format;
  if (format === "link") {
    copyText(Promise.resolve(writeUrl()));
    return;
  }
  const query = { ...q, flavor: button.dataset.flavor || q.flavor };
  copyText(post("/api/derive", deriveBody(query, format)).then((answer) => answer.text()));
}

// -- Check ----------------------------------------------------------------------------------------------------------

const SEVERITY = { ok: 0, unchecked: 1, wrong: 2 };

function claimStatus(claim) {
  return claim.status !== "wrong" && claim.follows === false ? "wrong" : claim.status;
}

function verdict(claim) {
  if (claim.kind === "definition" && claim.status === "ok") return cw("kind", "definition");
  if (claim.status !== "wrong" && claim.follows === false) return `✗ ${cw("status", "not_following")}`;
  const mark = { ok: "✓", wrong: "✗", unchecked: "?" }[claim.status];
  return `${mark} ${cw("status", claim.status)}`;
}

function shortNumber(value) {
  const n = Number(value);
  return Number.isFinite(n) ? String(Number(n.toPrecision(8))) : String(value);
}

function claimView(claim) {
  const box = document.createElement("div");
  box.className = `claim ${claimStatus(claim)}`;
  box.dataset.status = claimStatus(claim);
  const head = document.createElement("p");
  head.className = "claim-head";
  const badge = document.createElement("span");
  badge.className = "badge";
  badge.textContent = verdict(claim);
  head.append(badge, " ", mathSpan(claim.text));
  box.append(head);
  const details = document.createElement("ul");
  details.className = "claim-details";
  const item = (fill) => { const li = document.createElement("li"); fill(li); details.append(li); };
  if (claim.diagnosis) item((li) => richText(li, claim.diagnosis.message));
  else if (claim.follows === false && claim.previous_line != null) item((li) => richText(li, cw("ui", "not_follows", { line: claim.previous_line })));
  if (claim.reason) item((li) => richText(li, claim.reason.message));
  for (const note of claim.notes || []) item((li) => richText(li, note.message));
  if (claim.expected != null) item((li) => { li.append(`${cw("ui", "expected")}: `, mathSpan(claim.expected)); });
  if (claim.counterexample) {
    const ce = claim.counterexample;
    const point = Object.keys(ce).filter((k) => k !== "lhs" && k !== "rhs").map((k) => `${k} = ${shortNumber(ce[k])}`).join(", ");
    const values = `${shortNumber(ce.lhs)} ≠ ${shortNumber(ce.rhs)}`;
    item((li) => { li.textContent = `${cw("ui", "counterexample")}: ${point ? point + ": " : ""}${values}`; });
  }
  item((li) => {
    li.className = "how";
    const parts = [`${w("read_kind")}: ${cw("kind", claim.kind)}`];
    if (claim.method) parts.push(`${w("method")}: ${w("method_" + claim.method.replace("+", "_"))}`);
    if (claim.follows === true && claim.previous_line != null) parts.push(cw("ui", "follows", { line: claim.previous_line }));
    li.textContent = parts.join(" · ");
  });
  box.append(details);
  return box;
}

function showReport(report, text) {
  const counts = Object.fromEntries(Object.entries(report.summary).map(([k, v]) => [k, String(v)]));
  let summary;
  if (!report.claims.length) summary = cw("ui", "no_math");
  else if (report.ok) summary = cw("ui", "summary_ok", counts);
  else summary = cw("ui", "summary_bad", { ...counts, line: report.first_error_line });
  const summaryEl = $("#c-summary");
  summaryEl.textContent = summary;
  summaryEl.className = `summary ${report.ok ? "ok" : "wrong"}`;
  const byLine = new Map();
  for (const claim of report.claims) {
    if (!byLine.has(claim.line)) byLine.set(claim.line, []);
    byLine.get(claim.line).push(claim);
  }
  const list = $("#c-lines");
  list.replaceChildren(...text.split("\n").map((source, i) => {
    const number = i + 1;
    const li = document.createElement("li");
    li.className = "line";
    li.dataset.line = String(number);
    const ln = document.createElement("span");
    ln.className = "ln";
    ln.textContent = String(number);
    const code = document.createElement("code");
    code.className = "src";
    code.textContent = source || " ";
    li.append(ln, code);
    const claims = byLine.get(number);
    if (claims) {
      const worst = claims.map(claimStatus).reduce((a, b) => (SEVERITY[b] > SEVERITY[a] ? b : a), "ok");
      li.classList.add("has-claims", worst);
      li.dataset.status = worst;
      const marks = document.createElement("div");
      marks.className = "claims";
      marks.append(...claims.map(claimView));
      li.append(marks);
    }
    return li;
  }));
  typeset(list);
  $("#c-output").hidden = false;
}

async function check() {
  if (state.busy) return;
  const text = $("#c-text").value;
  const status = $("#c-status");
  state.busy = true;
  $("#c-go").disabled = true;
  setStatus(status, w("checking"), "working");
  try {
    const answer = await post("/api/check", { text, name: $("#c-name").value.trim() || "post.md", lang: $("#c-lang").value || state.lang });
    showReport(await answer.json(), text.replace(/\r\n?/g, "\n"));
    setStatus(status, "", "");
  } catch (err) {
    setStatus(status, `${w("error")}: ${err.message}`, "error");
  } finally {
    state.busy = false;
    $("#c-go").disabled = false;
  }
}

async function openFile(file) {
  if (!file) return;
  if (file.size > 1024 * 1024) {
    setStatus($("#c-status"), w("file_too_large"), "error");
    return;
  }
  $("#c-text").value = await file.text();
  $("#c-name").value = file.name;
}

// -- wiring -------------------------------------------------------------------------------------------------------

async function switchLanguage(lang) {
  const followed = $("#d-lang").value === state.lang;
  await loadWords(lang);
  if (followed) { $("#d-lang").value = lang; $("#c-lang").value = lang; }
  writeUrl();
  // what is on the screen is said again in the new language
  if (state.derived && currentTab() === "derive") await derive();
  if (!$("#c-output").hidden && currentTab() === "check") await check();
}

async function start() {
  const search = readUrl();
  try {
    await loadWords(search.get("ui") || "en");
  } catch (err) {
    setStatus($("#d-status"), err.message, "error");
    return;
  }
  if (search.has("lang")) $("#d-lang").value = search.get("lang");
  if (search.has("flavor")) $("#d-flavor").value = search.get("flavor");
  showTab(search.get("tab") === "check" ? "check" : "derive");

  $("#tab-derive").addEventListener("click", () => { showTab("derive"); writeUrl(); });
  $("#tab-check").addEventListener("click", () => { showTab("check"); writeUrl(); });
  $("#ui-langs").addEventListener("click", (e) => { const b = e.target.closest("button[data-lang]"); if (b) switchLanguage(b.dataset.lang); });
  $("#derive-form").addEventListener("submit", (e) => { e.preventDefault(); derive(); });
  $("#check-form").addEventListener("submit", (e) => { e.preventDefault(); check(); });
  $("#d-output").addEventListener("click", (e) => { const b = e.target.closest("button.copy"); if (b) copyFormat(b); });
  $("#c-file").addEventListener("change", (e) => openFile(e.target.files[0]));
  const text = $("#c-text");
  text.addEventListener("dragover", (e) => { e.preventDefault(); text.classList.add("dropping"); });
  text.addEventListener("dragleave", () => text.classList.remove("dropping"));
  text.addEventListener("drop", (e) => {
    e.preventDefault();
    text.classList.remove("dropping");
    if (e.dataTransfer && e.dataTransfer.files.length) openFile(e.dataTransfer.files[0]);
  });

  fetch("/api/catalog").then((a) => (a.ok ? a.json() : [])).then((entries) => {
    $("#catalog-names").replaceChildren(...entries.map((e) => new Option(state.lang === "ja" ? e.title_ja : e.title, e.name)));
  }).catch(() => { /* the list only helps typing */ });

  if ($("#d-input").value && currentTab() === "derive") await derive();
}

document.addEventListener("DOMContentLoaded", start);
