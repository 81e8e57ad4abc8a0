"""Issue 10, finding 1: `--output` never replaces a device file or a FIFO with a regular file.

Reproducer: `mknod fakenull c 1 3; derivator sigmoid -f json -o fakenull` left a regular file (as root,
`-o /dev/null` replaced the machine's /dev/null). A non-regular target is written in place or refused.
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from derivator.core.errors import DerivatorError
from derivator.app.fsutil import atomic_write_text

ROOT = Path(__file__).resolve().parents[2]
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a device needs root (CI runs as root)")


def run(args: list[str], cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    env = dict(os.environ, XDG_CACHE_HOME=str(cwd / "cache"), NO_COLOR="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, "-m", "derivator", *args], cwd=cwd, env=env,
                          capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)


def fake_null(tmp_path: Path) -> Path:
    node = tmp_path / "fakenull"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return node


def assert_char_device(node: Path) -> None:
    assert stat.S_ISCHR(os.lstat(node).st_mode), f"{node} was replaced by a {stat.filemode(os.lstat(node).st_mode)}"


@needs_root
@pytest.mark.parametrize("args", [
    ["sigmoid", "-f", "json", "--no-cache"],
    ["sigmoid", "-f", "json"],  # the second run below is answered by the cache's fast path
    ["check", "{post}", "-f", "json"],
], ids=["derive", "derive-cached", "check"])
def test_output_to_a_character_device_writes_into_it(args, tmp_path):
    post = tmp_path / "post.md"
    post.write_text("$$f(x) = x^2$$\n\n$$f'(x) = 2x$$\n")
    node = fake_null(tmp_path)
    argv = [a.replace("{post}", str(post)) for a in args] + ["-o", str(node)]
    for _ in range(2):
        done = run(argv, tmp_path)
        assert done.returncode == 0, done.stderr
        assert_char_device(node)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".fakenull")], "temporary file left behind"


def test_output_to_a_fifo_is_read_by_its_reader_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there before the write starts
    try:
        atomic_write_text(fifo, '{"ok": true}\n')
        received = os.read(reader, 1024)
    finally:
        os.close(reader)
    assert received == b'{"ok": true}\n'
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_to_a_fifo_nobody_reads_is_one_line_not_a_hang(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    done = run(["sigmoid", "-f", "json", "--no-cache", "-o", str(fifo)], tmp_path, timeout=60)
    lines = done.stderr.decode().strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "nobody reads" in lines[0], done.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_to_a_socket_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        with pytest.raises(DerivatorError, match="socket"):
            atomic_write_text(path, "x\n")
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
    finally:
        server.close()


@needs_root
def test_output_to_a_block_device_is_refused_and_left_alone(tmp_path):
    node = tmp_path / "fakedisk"
    os.mknod(node, 0o600 | stat.S_IFBLK, os.makedev(7, 0))  # loop0: refused before anything is opened
    with pytest.raises(DerivatorError, match="block device"):
        atomic_write_text(node, "x\n")
    assert stat.S_ISBLK(os.lstat(node).st_mode)


@needs_root
def test_symlink_to_a_device_writes_through_and_keeps_both(tmp_path):
    node = fake_null(tmp_path)
    link = tmp_path / "out.json"
    link.symlink_to(node)
    atomic_write_text(link, "x\n")
    assert link.is_symlink() and os.readlink(link) == str(node)
    assert_char_device(node)


def test_dash_is_stdout(tmp_path):
    done = run(["sigmoid", "-f", "json", "--no-cache", "-o", "-"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.lstrip().startswith(b"{")
    assert not (tmp_path / "-").exists()
