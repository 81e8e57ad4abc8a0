"""How well `derivator check` reads real published derivations (tests/realposts/).

Runs `python -m derivator check POST --format json` on every post listed in
tests/realposts/manifest.toml (one subprocess per post, timed as a whole process), matches the
reported claims to the hand-set truth beside each post (rpNNN.truth.toml) by source line, and prints
a table of totals.

    python bench/realposts.py                  # totals
    python bench/realposts.py -v               # and one row per post, with each miss and false alarm
    python bench/realposts.py --markdown out.md
    python bench/realposts.py --json           # totals and per-post figures as JSON on stdout
    python bench/realposts.py --json out.json
    python bench/realposts.py rp003 rp007      # only these posts

Matching (a claim is one entry of the report's "claims"; an equation is one [[eq]] of the truth):
1. Same line: the equations of a truth line and the claims reported at that line are paired in
   order (first with first, ...) when their numbers agree. When they differ, they are paired by an
   order-preserving alignment that maximises the text similarity of each pair (both texts reduced to
   letters, digits and operators), so a claim the tool skipped or split does not shift the rest.
   Extra claims or equations on that line stay unpaired.
2. Blocks: an equation that carries `block = N` (the line where its multi-line display starts) and
   is still unpaired takes, in order, the unpaired claims reported anywhere from line N to the last
   line of that block (so a tool that reports every row of a block at its first line still matches).
Claims left unpaired after that are counted as "claims at lines without an equation".

Scoring, per equation:
- listed: paired with a claim (any status);
- judged: paired with a claim whose status is "ok" or "wrong" (not "unchecked");
- caught (truth "wrong"): the claim's status is "wrong", or it is reported as not following
  (`follows: false`) from the line before;
- missed: a truth-wrong equation that is not caught (unlisted, unchecked, or called ok);
- false alarm (truth "ok" or "neutral"): the claim's status is "wrong", or `follows: false` — except
  on a line whose truth says `follows = false` (right again only because a second slip cancels an
  earlier one): there "does not follow" is the right report, and only "wrong" is a false alarm.
A post's exit code is right when it equals `expect_exit` in the manifest (0: every equation right,
1: at least one wrong).

Standard library only (plus derivator, run as a subprocess from this checkout).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "realposts"


def load_manifest(corpus: Path = CORPUS) -> list[dict]:
    with open(corpus / "manifest.toml", "rb") as fh:
        return tomllib.load(fh)["post"]


def load_truth(corpus: Path, post: dict) -> list[dict]:
    path = corpus / (Path(post["file"]).stem + ".truth.toml")
    with open(path, "rb") as fh:
        return tomllib.load(fh).get("eq", [])


def run_check(path: Path, timeout: float) -> tuple[int, dict | None, float, str]:
    """(exit code, report or None, wall seconds, stderr tail)"""
    cmd = [sys.executable, "-m", "derivator", "check", str(path), "--format", "json"]
    env = dict(os.environ, NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # timed as installed: from compiled bytecode, not sources
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return -1, None, time.perf_counter() - t0, "timeout"
    wall = time.perf_counter() - t0
    report = None
    try:
        data = json.loads(proc.stdout)
        report = data[0] if isinstance(data, list) else data
    except (json.JSONDecodeError, IndexError):
        pass
    return proc.returncode, report, wall, proc.stderr.strip()[-300:]


_COMMAND = re.compile(r"\\(?:left|right|big|Big|bigg|Bigg|displaystyle|mathrm|operatorname|text|dfrac|frac|cdot|quad|qquad|,|;|!)")


def _norm(text: str) -> str:
    """Math text reduced to the characters two notations of the same formula share."""
    text = _COMMAND.sub("", text)
    text = text.replace("\\", "")
    return "".join(ch for ch in text.lower() if ch.isalnum() or ch in "=+-*/^()")


def _align(truth_texts: list[str], claim_texts: list[str]) -> list[tuple[int, int]]:
    """Order-preserving pairing of two lists that maximises total text similarity (skips allowed)."""
    a = [_norm(t) for t in truth_texts]
    b = [_norm(t) for t in claim_texts]
    sim = [[difflib.SequenceMatcher(None, x, y).ratio() for y in b] for x in a]
    n, m = len(a), len(b)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best[i][j] = max(best[i + 1][j], best[i][j + 1], sim[i][j] + best[i + 1][j + 1])
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if best[i][j] == sim[i][j] + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def match(truth: list[dict], claims: list[dict]) -> tuple[list[dict | None], list[dict]]:
    """Pair each truth equation with at most one claim (see the module docstring)."""
    paired: list[dict | None] = [None] * len(truth)
    used = [False] * len(claims)
    by_line: dict[int, list[int]] = {}
    for ci, c in enumerate(claims):
        by_line.setdefault(int(c.get("line") or 0), []).append(ci)
    # 1. same line: in order when the counts agree, else an order-preserving alignment by text similarity
    truth_by_line: dict[int, list[int]] = {}
    for ti, eq in enumerate(truth):
        truth_by_line.setdefault(int(eq["line"]), []).append(ti)
    for line, tis in truth_by_line.items():
        cis = by_line.get(line, [])
        if len(tis) == len(cis):
            pairs = list(zip(tis, cis))
        else:
            pairs = _align([truth[ti]["text"] for ti in tis], [claims[ci].get("text", "") for ci in cis])
            pairs = [(tis[a], cis[b]) for a, b in pairs]
        for ti, ci in pairs:
            paired[ti] = claims[ci]
            used[ci] = True
    # 2. blocks: unpaired equations take unpaired claims from the block's line range, in order
    blocks: dict[int, list[int]] = {}
    for ti, eq in enumerate(truth):
        if "block" in eq:
            blocks.setdefault(int(eq["block"]), []).append(ti)
    for start, tis in blocks.items():
        end = max(int(truth[ti]["line"]) for ti in tis)
        free = [ci for ci, c in enumerate(claims)
                if not used[ci] and start <= int(c.get("line") or 0) <= end]
        waiting = [ti for ti in tis if paired[ti] is None]
        for ti, ci in zip(waiting, free):
            paired[ti] = claims[ci]
            used[ci] = True
    extra = [c for ci, c in enumerate(claims) if not used[ci]]
    return paired, extra


def rejects(claim: dict | None) -> bool:
    return claim is not None and (claim.get("status") == "wrong" or claim.get("follows") is False)


def score_post(post: dict, truth: list[dict], code: int, report: dict | None, wall: float) -> dict:
    claims = (report or {}).get("claims", [])
    paired, extra = match(truth, claims)
    row = {
        "id": post["id"], "file": post["file"], "lang": post["lang"], "syntax": post["syntax"],
        "equations": len(truth), "listed": 0, "judged": 0, "errors": 0, "origin_errors": 0,
        "caught": 0, "caught_origin": 0, "missed": 0, "false_alarms": 0,
        "extra_claims": len(extra), "exit": code, "expect_exit": post["expect_exit"],
        "exit_ok": code == post["expect_exit"], "seconds": round(wall, 3),
        "read_ok": report is not None, "missed_lines": [], "false_alarm_lines": [],
    }
    for eq, claim in zip(truth, paired):
        if claim is not None:
            row["listed"] += 1
            if claim.get("status") in ("ok", "wrong"):
                row["judged"] += 1
        if eq["verdict"] == "wrong":
            row["errors"] += 1
            origin = "carried_from" not in eq
            row["origin_errors"] += origin
            if rejects(claim):
                row["caught"] += 1
                row["caught_origin"] += origin
            else:
                row["missed"] += 1
                state = "unlisted" if claim is None else claim.get("status")
                row["missed_lines"].append(f"{eq['line']} ({state}): {eq['text']}")
        elif rejects(claim) and not (eq.get("follows") is False and claim.get("status") != "wrong"):
            # a right line that truly does not follow (a second slip cancels the first) may say so
            row["false_alarms"] += 1
            how = claim.get("status") if claim.get("status") == "wrong" else "does not follow"
            row["false_alarm_lines"].append(f"{eq['line']} ({eq['verdict']}, {how}): {eq['text']}")
    return row


def totals(rows: list[dict]) -> dict:
    keys = ("equations", "listed", "judged", "errors", "origin_errors", "caught", "caught_origin",
            "missed", "false_alarms", "extra_claims")
    tot = {k: sum(r[k] for r in rows) for k in keys}
    secs = [r["seconds"] for r in rows]
    tot.update(
        posts=len(rows),
        posts_with_errors=sum(r["errors"] > 0 for r in rows),
        posts_exit_ok=sum(r["exit_ok"] for r in rows),
        wrong_posts_passed=sum(r["expect_exit"] == 1 and r["exit"] == 0 for r in rows),
        right_posts_rejected=sum(r["expect_exit"] == 0 and r["exit"] != 0 for r in rows),
        posts_with_false_alarms=sum(r["false_alarms"] > 0 for r in rows),
        posts_unreadable=sum(not r["read_ok"] for r in rows),
        judged_share=round(tot["judged"] / tot["equations"], 3) if tot["equations"] else 0.0,
        seconds_median=round(statistics.median(secs), 2) if secs else 0.0,
        seconds_max=round(max(secs), 2) if secs else 0.0,
    )
    return tot


def table(tot: dict) -> list[str]:
    pct = lambda a, b: f"{100 * a / b:.0f} %" if b else "-"
    return [
        "| measure | value |",
        "|---|---|",
        f"| posts | {tot['posts']} ({tot['posts_with_errors']} with at least one wrong equation) |",
        f"| equations in the truth | {tot['equations']} |",
        f"| equations listed by check | {tot['listed']} ({pct(tot['listed'], tot['equations'])}) |",
        f"| equations judged (ok or wrong) | {tot['judged']} ({pct(tot['judged'], tot['equations'])}) |",
        f"| real errors (wrong equations) | {tot['errors']} ({tot['origin_errors']} first errors, "
        f"{tot['errors'] - tot['origin_errors']} carried) |",
        f"| caught at their line (wrong, or does not follow) | {tot['caught']} "
        f"({tot['caught_origin']} of the {tot['origin_errors']} first errors) |",
        f"| missed | {tot['missed']} |",
        f"| false alarms (right or neutral equation called wrong or not following) | "
        f"{tot['false_alarms']} in {tot['posts_with_false_alarms']} posts |",
        f"| posts with the right exit code | {tot['posts_exit_ok']} of {tot['posts']} "
        f"({tot['wrong_posts_passed']} wrong posts passed, {tot['right_posts_rejected']} right posts rejected) |",
        f"| claims at lines without an equation | {tot['extra_claims']} |",
        f"| time per post (whole process) | median {tot['seconds_median']} s, max {tot['seconds_max']} s |",
    ]


def per_post_lines(rows: list[dict]) -> list[str]:
    out = ["| post | syntax | eqs | listed | judged | errors | caught | missed | false alarms | exit (want) | s |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['id']} | {r['syntax']} | {r['equations']} | {r['listed']} | {r['judged']} | "
                   f"{r['errors']} | {r['caught']} | {r['missed']} | {r['false_alarms']} | "
                   f"{r['exit']} ({r['expect_exit']}) | {r['seconds']} |")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ids", nargs="*", help="only these post ids (default: all)")
    ap.add_argument("-v", "--verbose", action="store_true", help="per-post rows, misses and false alarms")
    ap.add_argument("--markdown", metavar="FILE", help="also write the tables as Markdown to FILE")
    ap.add_argument("--json", nargs="?", const="-", metavar="FILE",
                    help="print totals and per-post figures as JSON (to FILE if given)")
    ap.add_argument("--corpus", default=str(CORPUS), help="corpus folder (default: tests/realposts)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per post (default 120)")
    args = ap.parse_args(argv)

    corpus = Path(args.corpus)
    posts = load_manifest(corpus)
    if args.ids:
        posts = [p for p in posts if p["id"] in set(args.ids)]
    rows = []
    for post in posts:
        truth = load_truth(corpus, post)
        code, report, wall, err = run_check(corpus / post["file"], args.timeout)
        row = score_post(post, truth, code, report, wall)
        if report is None:
            row["stderr"] = err
        rows.append(row)
        if args.verbose and args.json != "-":
            print(f"{post['id']}: exit {code} (want {post['expect_exit']}), {row['caught']}/{row['errors']} caught, "
                  f"{row['false_alarms']} false alarms, {row['judged']}/{row['equations']} judged, {wall:.2f} s",
                  file=sys.stderr)
            for m in row["missed_lines"]:
                print(f"    missed  {m}", file=sys.stderr)
            for f in row["false_alarm_lines"]:
                print(f"    alarm   {f}", file=sys.stderr)
            if report is None:
                print(f"    no JSON report: {err}", file=sys.stderr)
    tot = totals(rows)
    lines = table(tot)
    if args.verbose:
        lines += [""] + per_post_lines(rows)
    if args.json:
        blob = json.dumps({"totals": tot, "posts": rows}, ensure_ascii=False, indent=2)
        if args.json == "-":
            print(blob)
        else:
            Path(args.json).write_text(blob + "\n", encoding="utf-8")
    if args.json != "-":
        print("\n".join(lines))
    if args.markdown:
        Path(args.markdown).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
