"""derivator.app.cache: keyed by everything that changes the output, safe to delete, never stale, no SymPy."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from derivator.app import cache


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("DERIVATOR_NO_CACHE", raising=False)
    cache.fingerprint.cache_clear()
    yield
    cache.fingerprint.cache_clear()


def test_round_trip_in_the_xdg_cache_dir(tmp_path):
    k = cache.key("derive", "sigmoid", {"format": "latex"})
    assert cache.get(k) is None
    cache.put(k, "\\sigma'(x)")
    assert cache.get(k) == "\\sigma'(x)"
    assert (tmp_path / "xdg" / "derivator" / f"{k}.json").is_file()


def test_home_cache_when_xdg_unset(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "derivator"


KEYS = [
    ("derive", "sigmoid", {"format": "latex", "lang": "en"}),
    ("derive", "sigmoid", {"format": "latex", "lang": "ja"}),
    ("derive", "sigmoid", {"format": "json", "lang": "en"}),
    ("derive", "sigmoid ", {"format": "latex", "lang": "en"}),
    ("derive", "tanh", {"format": "latex", "lang": "en"}),
    ("check", "sigmoid", {"format": "latex", "lang": "en"}),
    ("derive", "sigmoid", {"format": "latex", "lang": "en", "param": ["a=1"]}),
]


def test_every_part_of_the_request_changes_the_key():
    assert len({cache.key(*k) for k in KEYS}) == len(KEYS)
    assert cache.key(*KEYS[0]) == cache.key("derive", "sigmoid", {"lang": "en", "format": "latex"})


def test_source_change_changes_the_key(monkeypatch, tmp_path):
    before = cache.key(*KEYS[0])
    fake = tmp_path / "pkg"
    fake.mkdir()
    (fake / "engine.py").write_text("RULES = 1\n")
    monkeypatch.setattr(cache, "__file__", str(fake / "cache.py"))
    cache.fingerprint.cache_clear()
    first = cache.key(*KEYS[0])
    (fake / "engine.py").write_text("RULES = 2\n")  # same size, new content
    cache.fingerprint.cache_clear()
    second = cache.key(*KEYS[0])
    assert len({before, first, second}) == 3


@pytest.mark.parametrize("body", [b"", b"{", b"\xff\xfe", b"[]", b'{"format": 1, "key": "other", "output": "x"}',
                                  b'{"format": 99, "output": "x"}', b"null"])
def test_corrupt_entries_are_misses_and_removed(body):
    k = cache.key(*KEYS[0])
    path = cache.cache_dir() / f"{k}.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(body)
    assert cache.get(k) is None
    assert not path.exists()
    cache.put(k, "fresh")
    assert cache.get(k) == "fresh"


def test_safe_to_delete_and_disable(monkeypatch):
    import shutil

    k = cache.key(*KEYS[0])
    cache.put(k, "out")
    shutil.rmtree(cache.cache_dir())
    assert cache.get(k) is None
    cache.put(k, "out")
    assert cache.clear() == 1 and cache.get(k) is None
    monkeypatch.setenv("DERIVATOR_NO_CACHE", "1")
    cache.put(k, "out")
    assert cache.get(k) is None


def test_unwritable_cache_is_silent(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a dir")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    k = cache.key(*KEYS[0])
    cache.put(k, "out")  # no exception
    assert cache.get(k) is None


def test_pruned_when_too_many(monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 8)
    for i in range(9):
        cache.put(cache.key("derive", str(i), {}), str(i))
    assert len(list(cache.cache_dir().glob("*.json"))) == 6


def test_key_and_lookup_never_import_sympy():
    code = ("import sys; from derivator.app import cache; k = cache.key('derive', 'sigmoid', {}); cache.get(k); "
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('sympy', 'mpmath'))))")
    out = subprocess.run([sys.executable, "-c", "import json; " + code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


# -- the command line's fast path (cache.serve) ------------------------------------------------------------
LATEX = ["derive", "sigmoid", "--format", "latex"]
SAME_KEY = [  # limits and where the output goes do not change what the output is
    LATEX + ["--timeout", "3"],
    LATEX + ["--max-memory=2G"],
    LATEX + ["-o", "out.tex"],
    LATEX + ["--output=out.tex"],
    LATEX + ["-oout.tex"],
]
NOT_SERVED = [
    ["derive", "sigmoid"],  # terminal: depends on the terminal
    LATEX + ["--no-cache"],
    LATEX + ["--help"],
    ["check", "post.md", "--format", "json"],
    ["list", "--format", "json"],
    ["derive"],
]


def test_argv_key_ignores_limits_and_output():
    base, out = cache.argv_request(LATEX)
    assert out is None
    for args in SAME_KEY:
        assert cache.argv_request(args)[0] == base, args
    assert cache.argv_request(LATEX + ["-o", "a.tex"])[1] == "a.tex"


@pytest.mark.parametrize("args", NOT_SERVED)
def test_argv_not_served(args):
    assert cache.argv_request(args) is None


def test_argv_every_other_word_is_part_of_the_key():
    keys = {cache.argv_request(LATEX)[0]}
    for extra in (["--lang", "ja"], ["--var", "z"], ["--standalone"], ["--some-future-option"], ["--", "-o"]):
        keys.add(cache.argv_request(LATEX + extra)[0])
    keys.add(cache.argv_request(["derive", "tanh", "--format", "latex"])[0])
    keys.add(cache.argv_request(["derive", "sigmoid", "-o", "a.txt"])[0])  # terminal format, to a file
    assert len(keys) == 8


def test_serve_answers_only_what_put_argv_stored(capsys):
    assert cache.serve(LATEX) is False
    cache.put_argv("\\sigma'(x)")  # what the derive command does after a miss
    assert cache.serve(LATEX + ["--timeout", "9"]) is True
    assert capsys.readouterr().out == "\\sigma'(x)\n"
    assert cache.serve(LATEX + ["--lang", "ja"]) is False


def test_repeated_command_line_imports_neither_sympy_nor_pydantic(tmp_path):
    import os

    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "xdg"))
    env.pop("DERIVATOR_NO_CACHE", None)
    argv = ["sigmoid", "--format", "latex"]
    first = subprocess.run([sys.executable, "-m", "derivator", *argv], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    probe = ("import sys, io, contextlib, json\nfrom derivator.app.cli import main\nbuf = io.StringIO()\n"
             "with contextlib.redirect_stdout(buf):\n    main(sys.argv[1:])\n"
             "print(json.dumps([buf.getvalue(), sorted({m.split('.')[0] for m in sys.modules} & "
             "{'sympy', 'mpmath', 'pydantic'})]))")
    second = subprocess.run([sys.executable, "-c", probe, *argv], env=env, capture_output=True, text=True)
    output, heavy = json.loads(second.stdout)
    assert output == first.stdout and heavy == []


# -- a cache folder and entries that cannot be trusted (issue 10) ----------------------------------------------
def _entry(k: str):
    return cache.cache_dir() / f"{k}.json"


@pytest.fixture
def fresh_warning(monkeypatch):
    monkeypatch.setattr(cache, "_warned", False)


def test_new_folder_is_private():
    import stat

    cache.put(cache.key(*KEYS[0]), "out")
    assert stat.S_IMODE(cache.cache_dir().stat().st_mode) == 0o700


def test_planted_symlink_is_replaced_not_followed(tmp_path, fresh_warning, capsys):
    k = cache.key(*KEYS[0])
    cache.put(k, "out")
    target = tmp_path / "elsewhere"
    _entry(k).unlink()
    _entry(k).symlink_to(target)
    assert cache.get(k) is None  # not read through
    cache.put(k, "fresh")
    assert not target.exists() and not _entry(k).is_symlink() and cache.get(k) == "fresh"
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_fifo_entry_is_dropped_without_waiting(fresh_warning):
    import os
    import time

    k = cache.key(*KEYS[0])
    cache.put(k, "out")
    _entry(k).unlink()
    os.mkfifo(_entry(k))
    start = time.monotonic()
    assert cache.get(k) is None
    assert time.monotonic() - start < 1 and not _entry(k).exists()


def test_nested_entry_is_dropped(fresh_warning):
    k = cache.key(*KEYS[0])
    cache.put(k, "out")
    _entry(k).write_text("[" * 100_000 + "]" * 100_000)
    assert cache.get(k) is None and not _entry(k).exists()


def test_entries_of_others_are_not_served(fresh_warning, capsys):
    k = cache.key(*KEYS[0])
    cache.put(k, "out")
    _entry(k).chmod(0o666)
    assert cache.get(k) is None
    cache.put(k, "out")
    cache.cache_dir().chmod(0o777)
    assert cache.get(k) is None  # a folder others can write to is not used at all
    assert len(capsys.readouterr().err.splitlines()) == 1  # one warning, however many problems


def test_checksum_is_checked(fresh_warning):
    k = cache.key(*KEYS[0])
    cache.put(k, "out")
    body = json.loads(_entry(k).read_text())
    body["output"] = "planted"
    _entry(k).write_text(json.dumps(body))
    assert cache.get(k) is None


def test_full_disk_is_one_warning(monkeypatch, fresh_warning, capsys):
    import errno
    import os

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(os, "write", full)
        cache.put(cache.key(*KEYS[0]), "out")
        cache.put(cache.key(*KEYS[1]), "out")
    assert len(capsys.readouterr().err.splitlines()) == 1
    assert not list(cache.cache_dir().glob(".*.tmp"))
