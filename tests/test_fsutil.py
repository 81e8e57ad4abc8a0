"""derivator.app.fsutil: writes are all or nothing, reads never write, non-text input is one clear line."""

from __future__ import annotations

import os
import stat

import pytest

from derivator.core.errors import DerivatorError
from derivator.app.fsutil import atomic_write_text, decode_input, read_input, refuse_overwriting_input


def test_atomic_write_replaces_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.tex"
    target.write_text("old")
    atomic_write_text(target, "new ∂")
    assert target.read_text(encoding="utf-8") == "new ∂"
    assert [p.name for p in tmp_path.iterdir()] == ["out.tex"]


def test_atomic_write_keeps_permissions_and_follows_symlinks(tmp_path):
    real = tmp_path / "real.md"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.md"
    link.symlink_to(real)
    atomic_write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_new_file_gets_umask_mode_not_0600(tmp_path):
    mask = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "new.txt", "x")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.tex"
    target.write_text("precious")

    def boom(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(DerivatorError) as info:
        atomic_write_text(target, "half")
    assert "No space left" in str(info.value)
    assert target.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["out.tex"]


@pytest.mark.parametrize("where", ["missing/dir/out.tex", "."])
def test_unwritable_targets_are_one_line(tmp_path, where):
    with pytest.raises(DerivatorError):
        atomic_write_text(tmp_path / where, "x")


def test_output_may_not_be_an_input(tmp_path):
    post = tmp_path / "post.md"
    post.write_text("$$x$$")
    alias = tmp_path / "alias.md"
    alias.symlink_to(post)
    for output in (post, alias, tmp_path / "." / "post.md"):
        with pytest.raises(DerivatorError) as info:
            refuse_overwriting_input(output, [post])
        assert "never writes" in str(info.value)
    refuse_overwriting_input(tmp_path / "report.json", [post, "-"])  # fine


BAD = [
    (b"abc\n\x00\x01\x02", "binary", "line 2, column 1"),
    (b"$$x$$\n\xff\xfe bad", "not UTF-8", "line 2, column 1"),
    (b"\xe3\x81\x82\xe3\x81", "not UTF-8", "line 1, column 2"),  # a truncated multi-byte character
    (b"ok\r\nmore \xc0\xaf", "not UTF-8", "line 2, column 6"),  # overlong encoding of '/'
]


@pytest.mark.parametrize("data, what, where", BAD)
def test_non_text_is_one_line_with_position(data, what, where):
    with pytest.raises(DerivatorError) as info:
        decode_input(data, "post.md")
    message = str(info.value)
    assert what in message and where in message and "\n" not in message


def test_bom_and_text_are_read(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"\xef\xbb\xbf$$\\sigma(x)$$\n")
    before = path.stat()
    assert read_input(path) == "$$\\sigma(x)$$\n"
    after = path.stat()
    assert (before.st_mtime_ns, before.st_size) == (after.st_mtime_ns, after.st_size)


@pytest.mark.parametrize("name, fragment", [("nope.md", "no such file"), (".", "directory")])
def test_unreadable_inputs(tmp_path, monkeypatch, name, fragment):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DerivatorError) as info:
        read_input(name)
    assert fragment in str(info.value)


def test_oversized_input(tmp_path, monkeypatch):
    import derivator.app.fsutil as fsutil

    monkeypatch.setattr(fsutil, "MAX_INPUT_BYTES", 100)
    path = tmp_path / "big.md"
    path.write_text("x" * 101)
    with pytest.raises(DerivatorError) as info:
        read_input(path)
    assert "too large" in str(info.value)
