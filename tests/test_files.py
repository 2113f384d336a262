"""The one writer every file goes through: what it refuses, keeps and cleans up.

Each test is an attack case of issue 13; on the old writer each one lost or
replaced a file.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from autograd_mlp import nn
from autograd_mlp.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from autograd_mlp.data._atomic import UnsafeTargetError, atomic_write

ROOT = Path(__file__).resolve().parents[1]


def small() -> nn.Module:
    nn.init.manual_seed(0)
    return nn.MLP([3, 4, 2])


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".part"))


def test_a_file_that_is_not_ours_is_never_replaced_without_overwrite(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    with pytest.raises(FileExistsError, match="not a file this package wrote"):
        save_checkpoint(notes, small())
    with pytest.raises(FileExistsError):
        nn.save(small(), notes)
    assert notes.read_text() == "my notes"
    save_checkpoint(notes, small(), overwrite=True)
    assert load_checkpoint(notes).epoch is None
    # Our own checkpoint is replaced without asking.
    save_checkpoint(notes, small(), epoch=2)
    assert load_checkpoint(notes).epoch == 2


def test_permissions_of_the_target_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "secret.npz"
    save_checkpoint(path, small())
    os.chmod(path, 0o600)
    save_checkpoint(path, small(), epoch=1)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_read_only_file_is_refused_and_kept_read_only(tmp_path: Path) -> None:
    # Refused even with overwrite=True, and for root too: the permission bits are read.
    path = tmp_path / "frozen.npz"
    save_checkpoint(path, small(), epoch=1)
    os.chmod(path, 0o444)
    for overwrite in (False, True):
        with pytest.raises(UnsafeTargetError, match="read-only"):
            save_checkpoint(path, small(), epoch=2, overwrite=overwrite)
    assert load_checkpoint(path).epoch == 1 and stat.S_IMODE(path.stat().st_mode) == 0o444


def test_a_symlink_is_written_through_to_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real.npz"
    save_checkpoint(target, small(), epoch=1)
    link = tmp_path / "link.npz"
    link.symlink_to(target)
    save_checkpoint(link, small(), epoch=2)
    assert link.is_symlink() and load_checkpoint(target).epoch == 2


@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_fifos_devices_and_directories_are_refused(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        path = tmp_path / "pipe"
        os.mkfifo(path)
    elif kind == "directory":
        path = tmp_path / "dir"
        path.mkdir()
    else:
        path = Path("/dev/null")
    with pytest.raises(UnsafeTargetError, match="FIFO|directory|device"):
        save_checkpoint(path, small(), overwrite=True)
    assert leftovers(tmp_path) == []
    if kind == "fifo":
        assert stat.S_ISFIFO(os.stat(path).st_mode)


def test_a_failed_write_leaves_no_part_file_and_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "x.bin"
    path.write_bytes(b"old")
    for exc in (RuntimeError, KeyboardInterrupt):
        with pytest.raises(exc), atomic_write(path) as f:
            f.write(b"half")
            raise exc
    assert path.read_bytes() == b"old" and leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "config, message",
    [
        ({"a": np.array([object()], dtype=object)}, "dtype object"),
        ({"x": {"__array__": "model/0"}}, "'__array__', which is reserved"),
        ({"n": float("nan")}, "is nan"),
    ],
)
def test_unloadable_config_is_refused_before_writing(
    tmp_path: Path, config: dict, message: str
) -> None:
    path = tmp_path / "good.npz"
    save_checkpoint(path, small(), epoch=1)
    before = path.read_bytes()
    with pytest.raises(CheckpointError, match=message):
        save_checkpoint(path, small(), epoch=2, config=config)
    assert path.read_bytes() == before and load_checkpoint(path).epoch == 1


_SAVER = textwrap.dedent(
    """
    import sys
    from autograd_mlp import nn
    from autograd_mlp.checkpoint import save_checkpoint
    nn.init.manual_seed(0)
    model = nn.MLP([400, 400, 400, 10])
    save_checkpoint(sys.argv[1], model, epoch=1)
    print("ready", flush=True)
    i = 1
    while True:
        i += 1
        save_checkpoint(sys.argv[1], model, epoch=i)
    """
)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_killed_while_saving_the_file_stays_loadable(tmp_path: Path, sig: int) -> None:
    """SIGINT and kill -9 in a loop of saves: the checkpoint is always complete; SIGINT
    leaves no .part file (kill -9 cannot be caught, and may)."""
    path = tmp_path / "run.npz"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for attempt in range(2):
        proc = subprocess.Popen(
            [sys.executable, "-c", _SAVER, str(path)], stdout=subprocess.PIPE, env=env
        )
        assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
        time.sleep(0.15 + 0.1 * attempt)
        proc.send_signal(sig)
        proc.wait(timeout=30)
        assert load_checkpoint(path).epoch >= 1
        if sig == signal.SIGINT:
            assert leftovers(tmp_path) == []
        for stale in tmp_path.glob(".*.part"):
            stale.unlink()


def test_a_new_file_gets_the_umask_permissions(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        save_checkpoint(tmp_path / "new.npz", small())
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.npz").stat().st_mode) == 0o640


def test_our_safetensors_file_with_a_large_header_is_still_ours(tmp_path: Path) -> None:
    from autograd_mlp.nn.serialization import is_package_file

    state = {f"t{i:05d}": np.zeros(1, np.float32) for i in range(3000)}  # header > 64 KiB
    nn.save(state, tmp_path / "big.safetensors")
    assert is_package_file(tmp_path / "big.safetensors")
    nn.save(state, tmp_path / "big.safetensors")  # replaced without overwrite=True
