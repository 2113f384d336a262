"""Tests for autograd_mlp.data: IDX files, MNIST loading/downloading, toy data, batching."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from autograd_mlp.data import (
    MIRRORS,
    MNIST,
    MNIST_FILES,
    DataLoader,
    DatasetError,
    DatasetNotFoundError,
    DownloadError,
    IDXError,
    load_mnist,
    load_mnist_sample,
    parity,
    parity_split,
    read_idx,
    spiral,
    train_test_split,
    write_idx,
    xor,
)

SHARED_MNIST = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mnist"


@pytest.fixture
def _real_mnist():
    """The real MNIST files beside the repository: skipped without them on a
    developer's machine, but a failure on CI, which always has shared/ beside
    the clone, so these tests cannot silently stop running there."""
    if not SHARED_MNIST.is_dir():
        message = "the real MNIST files are not in shared/data/mnist beside the repository"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI runs with shared/ beside the clone")
        pytest.skip(message)


needs_real_mnist = pytest.mark.usefixtures("_real_mnist")
STEMS = list(MNIST_FILES)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    # Never let a developer's own data dir or cache leak into (or receive) test data.
    monkeypatch.delenv("AUTOGRAD_MLP_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


def _files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


# --------------------------------------------------------------------------- IDX


@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("shape", [(7,), (3, 4, 5), (0, 28, 28)])
def test_idx_round_trip(tmp_path, compress, shape):
    rng = np.random.default_rng(0)
    array = rng.integers(0, 256, size=shape, dtype=np.uint8)
    # Misleading names on purpose: detection must use the magic bytes, not the suffix.
    path = tmp_path / ("data.idx" if compress else "data.idx.gz")
    assert write_idx(path, array, gzip=compress) == path
    assert (path.read_bytes()[:2] == b"\x1f\x8b") is compress
    out = read_idx(path, ndim=len(shape))
    assert out.dtype == np.uint8 and out.shape == shape
    np.testing.assert_array_equal(out, array)
    out[...] = 0  # the result is an ordinary writable array
    assert _files(tmp_path) == [path.name]  # no temporary files left behind


def test_idx_header_bytes(tmp_path):
    path = write_idx(tmp_path / "x", np.zeros((2, 3), np.uint8), gzip=False)
    assert path.read_bytes() == bytes([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3]) + bytes(6)


def _plain_idx(tmp_path: Path, array: np.ndarray) -> bytes:
    return write_idx(tmp_path / "src", array, gzip=False).read_bytes()


def test_idx_truncated(tmp_path):
    raw = _plain_idx(tmp_path, np.ones((2, 4, 4), np.uint8))
    bad = tmp_path / "truncated-idx3-ubyte"
    bad.write_bytes(raw[:-5])
    with pytest.raises(IDXError, match="truncated") as info:
        read_idx(bad)
    msg = str(info.value)
    assert str(bad) in msg and "32 bytes" in msg and "27 bytes" in msg


def test_idx_truncated_inside_gzip(tmp_path):
    raw = _plain_idx(tmp_path, np.ones((2, 4, 4), np.uint8))
    bad = tmp_path / "t.gz"
    bad.write_bytes(gzip.compress(raw[:-1]))
    with pytest.raises(IDXError, match=r"truncated.*32 bytes.*31 bytes"):
        read_idx(bad)


def test_idx_trailing_bytes(tmp_path):
    raw = _plain_idx(tmp_path, np.arange(10, dtype=np.uint8))
    bad = tmp_path / "trailing"
    bad.write_bytes(raw + b"\x00\x01\x02")
    with pytest.raises(IDXError, match=r"trailing bytes.*10 bytes.*13 bytes") as info:
        read_idx(bad)
    assert str(bad) in str(info.value)


@pytest.mark.parametrize(
    ("header", "pattern"),
    [
        (b"\x12\x34\x08\x01", "bad IDX magic number 0x12340801"),
        (b"\x00\x00\x0d\x01", r"0x0D \(float32\).*only 0x08"),
        (b"\x00\x00\x08\x00", "0 dimensions"),
    ],
)
def test_idx_bad_magic(tmp_path, header, pattern):
    bad = tmp_path / "bad"
    bad.write_bytes(header + (3).to_bytes(4, "big") + b"abc")
    with pytest.raises(IDXError, match=pattern):
        read_idx(bad)


def test_idx_wrong_dimension_count(tmp_path):
    path = write_idx(tmp_path / "labels", np.arange(5, dtype=np.uint8))
    with pytest.raises(IDXError, match=r"expected a 3-D IDX file .* declares 1-D"):
        read_idx(path, ndim=3)


def test_idx_short_header(tmp_path):
    short = tmp_path / "short"
    short.write_bytes(b"\x00\x00")
    with pytest.raises(IDXError, match="too short"):
        read_idx(short)
    short.write_bytes(b"\x00\x00\x08\x03" + bytes(6))
    with pytest.raises(IDXError, match="truncated header.*16-byte"):
        read_idx(short)


def test_idx_corrupt_gzip(tmp_path):
    good = write_idx(tmp_path / "good.gz", np.arange(200, dtype=np.uint8)).read_bytes()
    bad = tmp_path / "corrupt.gz"
    bad.write_bytes(good[:12] + bytes(b ^ 0xFF for b in good[12:-8]) + good[-8:])
    with pytest.raises(IDXError, match="corrupt gzip") as info:
        read_idx(bad)
    assert str(bad) in str(info.value)
    bad.write_bytes(good[: len(good) // 2])  # stream cut off mid-way
    with pytest.raises(IDXError, match="corrupt gzip"):
        read_idx(bad)


@pytest.mark.parametrize(
    ("array", "pattern"),
    [
        (np.array(5, np.uint8), "at least 1 dimension"),
        (np.array([0.5, 1.0]), "dtype float64"),
        (np.array([0, 256]), r"\[0, 255\].*256"),
        (np.array([-1, 3]), r"\[0, 255\].*-1"),
    ],
)
def test_write_idx_rejects_bad_arrays(tmp_path, array, pattern):
    with pytest.raises(ValueError, match=pattern):
        write_idx(tmp_path / "x", array)
    assert _files(tmp_path) == []


# ------------------------------------------------------------------ MNIST (local)


@needs_real_mnist
def test_load_real_mnist():
    m = load_mnist(SHARED_MNIST)
    assert m.train_images.shape == (60000, 28, 28) and m.train_labels.shape == (60000,)
    assert m.test_images.shape == (10000, 28, 28) and m.test_labels.shape == (10000,)
    for a in (m.train_images, m.train_labels, m.test_images, m.test_labels):
        assert a.dtype == np.uint8
    assert m.train_labels.max() == 9 and m.test_labels.max() == 9
    # Well-known MNIST statistics: mean pixel 0.1307 (x255 = 33.318...) and class counts.
    assert m.train_images.mean() == pytest.approx(33.318421449829934, abs=1e-9)
    assert m.test_images.mean() == pytest.approx(33.791224489795916, abs=1e-9)
    assert np.bincount(m.test_labels).tolist() == [
        980,
        1135,
        1032,
        1010,
        982,
        892,
        958,
        1028,
        974,
        1009,
    ]
    X, y = m.as_arrays("train")
    assert X.shape == (60000, 784) and X.dtype == np.float32 and y.dtype == np.int64
    assert float(X.mean()) == pytest.approx(0.1307, abs=1e-4)


def _write_fake_mnist(directory: Path, n_train=5, n_test=3, compress=(True, False, True, False)):
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": np.arange(n_train, dtype=np.uint8) % 10,
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": np.arange(n_test, dtype=np.uint8) % 10,
    }
    for (stem, array), gz in zip(arrays.items(), compress):
        write_idx(directory / (stem + ".gz" if gz else stem), array, gzip=gz)
    return arrays


def test_load_from_root_mixed_gzip_and_plain(tmp_path):
    arrays = _write_fake_mnist(tmp_path / "d")
    m = load_mnist(tmp_path / "d")
    np.testing.assert_array_equal(m.train_images, arrays["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(m.test_labels, arrays["t10k-labels-idx1-ubyte"])
    assert repr(m) == "MNIST(train=5, test=3, image_shape=(28, 28))"


def test_env_var_lookup_and_root_precedence(tmp_path, monkeypatch):
    env_arrays = _write_fake_mnist(tmp_path / "envdata" / "mnist", n_train=4)  # mnist/ subdir
    monkeypatch.setenv("AUTOGRAD_MLP_DATA", str(tmp_path / "envdata"))
    assert len(load_mnist().train_images) == 4
    np.testing.assert_array_equal(load_mnist().train_labels, env_arrays["train-labels-idx1-ubyte"])
    _write_fake_mnist(tmp_path / "explicit", n_train=6)
    assert len(load_mnist(tmp_path / "explicit").train_images) == 6


def test_default_cache_dir_honours_xdg(tmp_path):
    _write_fake_mnist(tmp_path / "xdg-cache" / "autograd_mlp" / "mnist", n_train=2)
    assert len(load_mnist().train_images) == 2


def test_missing_files_error_is_helpful(tmp_path):
    with pytest.raises(DatasetNotFoundError) as info:
        load_mnist(tmp_path)
    assert isinstance(info.value, FileNotFoundError)
    msg = str(info.value)
    assert str(tmp_path) in msg and str(tmp_path / "mnist") in msg
    for stem in STEMS:
        assert stem in msg
    for fix in ("--data-dir", "AUTOGRAD_MLP_DATA", "download=True", "load_mnist_sample"):
        assert fix in msg
    assert _files(tmp_path) == []  # download=False must not create anything


def test_missing_error_names_only_missing_files(tmp_path):
    _write_fake_mnist(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(DatasetNotFoundError, match=r"missing t10k-labels-idx1-ubyte\[\.gz\]\n"):
        load_mnist(tmp_path)


def test_missing_error_mentions_default_cache_dir(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="default cache directory") as info:
        load_mnist()
    assert str(tmp_path / "xdg-cache" / "autograd_mlp" / "mnist") in str(info.value)


def test_mismatched_split_sizes(tmp_path):
    _write_fake_mnist(tmp_path)
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(4, np.uint8), gzip=False)
    with pytest.raises(DatasetError, match=r"5 images but .*train-labels-idx1-ubyte holds 4"):
        load_mnist(tmp_path)


# --------------------------------------------------------------- MNIST (download)


class _FakeResponse(io.BytesIO):
    def __init__(self, data: bytes):
        super().__init__(data)
        self.headers = {"Content-Length": str(len(data))}


def _patch_urlopen(monkeypatch, serve):
    """Route urllib.request.urlopen to ``serve(url) -> bytes`` (or raise); log the URLs."""
    calls: list[str] = []

    def fake_urlopen(request, timeout=None):
        url = getattr(request, "full_url", request)
        calls.append(url)
        return _FakeResponse(serve(url))

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    return calls


def test_download_offline_error_says_it_tried_the_mirrors(tmp_path, monkeypatch):
    def offline(url):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    calls = _patch_urlopen(monkeypatch, offline)
    target = tmp_path / "cache"
    with pytest.raises(DownloadError) as info:
        load_mnist(target, download=True, progress=False)
    assert isinstance(info.value, FileNotFoundError)
    msg = str(info.value)
    assert calls == [m + "train-images-idx3-ubyte.gz" for m in MIRRORS]
    for url in calls:
        assert url in msg
    assert "URLError" in msg and "name resolution" in msg
    assert "load_mnist_sample" in msg and "AUTOGRAD_MLP_DATA" in msg
    assert _files(target) == []


@needs_real_mnist
def test_download_verifies_and_falls_back_to_next_mirror(tmp_path, monkeypatch):
    def serve(url):
        if url.startswith("https://first.example/"):
            raise urllib.error.HTTPError(url, 503, "Service Unavailable", {}, None)
        return (SHARED_MNIST / url.rsplit("/", 1)[1]).read_bytes()

    calls = _patch_urlopen(monkeypatch, serve)
    target = tmp_path / "new" / "dir"  # created on demand
    m = load_mnist(
        target,
        download=True,
        progress=False,
        mirrors=["https://first.example/mnist", "https://second.example/mnist/"],
    )
    assert len(calls) == 8  # every file: first mirror fails, second serves
    assert _files(target) == sorted(stem + ".gz" for stem in STEMS)
    for stem, (sha, size) in MNIST_FILES.items():
        landed = (target / (stem + ".gz")).read_bytes()
        assert landed == (SHARED_MNIST / (stem + ".gz")).read_bytes()
        content = gzip.decompress(landed)
        assert len(content) == size and hashlib.sha256(content).hexdigest() == sha
    assert m.train_images.shape == (60000, 28, 28) and m.test_labels.shape == (10000,)
    # Now present: no further network access.
    _patch_urlopen(monkeypatch, lambda url: pytest.fail(f"unexpected download of {url}"))
    assert load_mnist(target, download=True).test_images.shape == (10000, 28, 28)


@pytest.mark.parametrize("tqdm_installed", [True, False])
def test_download_only_fetches_missing_files(tmp_path, monkeypatch, tqdm_installed):
    if not tqdm_installed:
        # A None entry makes `import tqdm.auto` raise ImportError: the bar must be optional.
        monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    _write_fake_mnist(tmp_path)
    (tmp_path / "train-labels-idx1-ubyte").unlink()
    calls = _patch_urlopen(monkeypatch, lambda url: b"not the right bytes")
    with pytest.raises(DownloadError, match="sha256 mismatch"):
        load_mnist(tmp_path, download=True, progress=True)
    assert {url.rsplit("/", 1)[1] for url in calls} == {"train-labels-idx1-ubyte.gz"}


@pytest.mark.parametrize("kind", ["wrong-content", "garbage-gzip", "truncated"])
def test_download_wrong_bytes_rejected_and_nothing_left(tmp_path, monkeypatch, kind):
    fake = _plain_idx(tmp_path, np.zeros((3, 28, 28), np.uint8))
    if kind == "wrong-content":
        body = gzip.compress(fake)
    elif kind == "garbage-gzip":
        body = b"\x1f\x8b" + bytes(range(200))
    else:
        body = gzip.compress(fake)[:-10]
    _patch_urlopen(monkeypatch, lambda url: body)
    target = tmp_path / "cache"
    with pytest.raises(DownloadError) as info:
        load_mnist(target, download=True, progress=False)
    msg = str(info.value)
    expected = {
        "wrong-content": "sha256 mismatch",
        "garbage-gzip": "corrupt gzip",
        "truncated": "corrupt gzip",
    }[kind]
    assert msg.count(expected) == len(MIRRORS)
    if kind == "wrong-content":
        assert MNIST_FILES["train-images-idx3-ubyte"][0] in msg
    assert _files(target) == []  # no final file and no temporary .part file


def test_download_short_body_rejected(tmp_path, monkeypatch):
    class Short(_FakeResponse):
        def __init__(self, data):
            super().__init__(data)
            self.headers = {"Content-Length": str(len(data) + 100)}

    monkeypatch.setattr(urllib.request, "urlopen", lambda req, timeout=None: Short(b"abc"))
    with pytest.raises(DownloadError, match="connection closed after 3 of 103 bytes"):
        load_mnist(tmp_path, download=True, progress=False)
    assert _files(tmp_path) == []


# ------------------------------------------------------------------ bundled sample


def test_bundled_sample():
    m = load_mnist_sample()
    assert m.train_images.shape == (6000, 28, 28) and m.train_labels.shape == (6000,)
    assert m.test_images.shape == (1000, 28, 28) and m.test_labels.shape == (1000,)
    assert m.train_images.dtype == np.uint8 and m.train_labels.dtype == np.uint8
    assert np.bincount(m.train_labels, minlength=10).tolist() == [600] * 10
    assert np.bincount(m.test_labels, minlength=10).tolist() == [100] * 10
    assert 30 < m.train_images.mean() < 37  # real digits, not blank or noise
    X, y = m.as_arrays("test")
    assert X.shape == (1000, 784) and X.dtype == np.float32 and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert m.as_arrays("train", flatten=False)[0].shape == (6000, 28, 28)


@needs_real_mnist
def test_bundled_sample_matches_source_indices():
    full = load_mnist(SHARED_MNIST)
    with np.load(
        Path(__file__).resolve().parents[1]
        / "autograd_mlp"
        / "data"
        / "_bundled"
        / "mnist_sample.npz"
    ) as z:
        np.testing.assert_array_equal(z["train_images"], full.train_images[z["train_indices"]])
        np.testing.assert_array_equal(z["test_labels"], full.test_labels[z["test_indices"]])


def test_mnist_container_validation():
    imgs, labels = np.zeros((2, 28, 28), np.uint8), np.zeros(2, np.uint8)
    with pytest.raises(ValueError, match="2 images but 1 labels"):
        MNIST(imgs, labels[:1], imgs, labels)
    with pytest.raises(ValueError, match="test_images must be a 3-D"):
        MNIST(imgs, labels, imgs.reshape(2, -1), labels)
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        MNIST(imgs, labels, imgs, labels).as_arrays("valid")


# ------------------------------------------------------------------------ synthetic


def test_parity_labels():
    X, y = parity(10)
    assert X.shape == (1024, 10) and X.dtype == np.float32 and y.dtype == np.int64
    for i in (0, 1, 2, 3, 7, 512, 1023, 682):
        assert X[i].astype(int).tolist() == [int(b) for b in format(i, "010b")]
        assert y[i] == bin(i).count("1") % 2
    assert y.tolist() == [bin(i).count("1") % 2 for i in range(1024)]


def test_parity_split():
    X_tr, y_tr, X_te, y_te = parity_split(10, 700, seed=0)
    assert (len(X_tr), len(X_te)) == (700, 324)
    rows = {tuple(r) for r in np.concatenate([X_tr, X_te]).astype(int).tolist()}
    assert len(rows) == 1024  # disjoint and complete
    np.testing.assert_array_equal(y_tr, X_tr.sum(axis=1).astype(np.int64) % 2)
    again = parity_split(10, 700, seed=0)
    np.testing.assert_array_equal(again[0], X_tr)
    assert not np.array_equal(parity_split(10, 700, seed=1)[0], X_tr)
    with pytest.raises(ValueError, match="train_size must be <= 1024"):
        parity_split(10, 2000)


def test_spiral():
    X, y = spiral(n_per_class=100, n_classes=3, seed=0)
    assert X.shape == (300, 2) and X.dtype == np.float32 and y.dtype == np.int64
    assert np.bincount(y).tolist() == [100, 100, 100]
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[:100], np.linspace(0, 1, 100), atol=1e-6)
    np.testing.assert_array_equal(spiral(seed=0)[0], X)
    assert not np.array_equal(spiral(seed=1)[0], X)
    # Without noise, class j's angle runs linearly from 4j to 4(j+1).
    Xc, _ = spiral(n_per_class=5, n_classes=2, noise=0.0)
    t = np.linspace(4, 8, 5)
    r = np.linspace(0, 1, 5)
    np.testing.assert_allclose(Xc[5:], np.column_stack([r * np.sin(t), r * np.cos(t)]), atol=1e-6)


def test_xor():
    X, y = xor()
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and y.tolist() == [0, 1, 1, 0]
    Xn, yn = xor(n=400, noise=0.1, seed=3)
    assert (
        Xn.shape == (400, 2) and Xn.dtype == np.float32 and np.bincount(yn).tolist() == [200, 200]
    )
    corners = np.rint(Xn).astype(int)
    assert (corners[:, 0] ^ corners[:, 1]).tolist() == yn.tolist()
    np.testing.assert_array_equal(xor(n=400, noise=0.1, seed=3)[0], Xn)


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: parity(0), ValueError, "n_bits must be >= 1"),
        (lambda: parity(2.0), TypeError, "n_bits must be an int"),
        (lambda: spiral(n_per_class=0), ValueError, "n_per_class must be >= 1"),
        (lambda: spiral(noise=-1), ValueError, "noise must be a finite number >= 0"),
        (lambda: xor(n=True), TypeError, "n must be an int"),
    ],
)
def test_synthetic_argument_errors(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_train_test_split():
    X, y = np.arange(20).reshape(10, 2), np.arange(10)
    X_tr, y_tr, X_te, y_te = train_test_split(X, y, 0.7, seed=0)
    assert (len(X_tr), len(X_te)) == (7, 3)
    np.testing.assert_array_equal(X_tr[:, 0] // 2, y_tr)  # rows stay paired
    with pytest.raises(ValueError, match="X has 10 samples but y has 9"):
        train_test_split(X, y[:9], 5)
    with pytest.raises(ValueError, match=r"fraction must lie in \(0, 1\)"):
        train_test_split(X, y, 1.5)


# ----------------------------------------------------------------------- DataLoader


@pytest.mark.parametrize(
    ("n", "bs", "drop_last", "sizes"),
    [
        (100, 32, False, [32, 32, 32, 4]),
        (100, 32, True, [32, 32, 32]),
        (96, 32, False, [32, 32, 32]),
        (96, 32, True, [32, 32, 32]),
        (5, 10, False, [5]),
        (5, 10, True, []),
        (0, 4, False, []),
    ],
)
@pytest.mark.parametrize("shuffle", [False, True])
def test_loader_batch_counts(n, bs, drop_last, sizes, shuffle):
    X, y = np.zeros((n, 3), np.float32), np.arange(n)
    loader = DataLoader(X, y, batch_size=bs, shuffle=shuffle, drop_last=drop_last, seed=0)
    assert len(loader) == len(sizes)
    batches = list(loader)
    assert [len(xb) for xb, _ in batches] == sizes
    assert all(xb.shape[1:] == (3,) for xb, _ in batches)


def test_loader_no_shuffle_keeps_order():
    X, y = np.arange(10).reshape(5, 2), np.arange(5)
    batches = list(DataLoader(X, y, batch_size=2))
    assert [yb.tolist() for _, yb in batches] == [[0, 1], [2, 3], [4]]
    np.testing.assert_array_equal(batches[1][0], X[2:4])


def _epoch(loader):
    return np.concatenate([yb for _, yb in loader])


def test_loader_shuffle_covers_each_sample_once_and_is_reproducible():
    X, y = np.arange(200).reshape(100, 2), np.arange(100)
    a = DataLoader(X, y, batch_size=16, shuffle=True, seed=42)
    b = DataLoader(X, y, batch_size=16, shuffle=True, seed=42)
    epochs_a = [_epoch(a) for _ in range(3)]
    epochs_b = [_epoch(b) for _ in range(3)]
    for ea, eb in zip(epochs_a, epochs_b):
        np.testing.assert_array_equal(ea, eb)  # same seed, same sequence of epochs
        assert sorted(ea.tolist()) == list(range(100))  # every sample exactly once
    assert not np.array_equal(epochs_a[0], epochs_a[1])  # reshuffled each epoch
    assert not np.array_equal(epochs_a[0], np.arange(100))
    assert not np.array_equal(_epoch(DataLoader(X, y, 16, True, seed=7)), epochs_a[0])
    for xb, yb in a:  # X and y rows stay paired
        np.testing.assert_array_equal(xb[:, 0] // 2, yb)


def test_loader_drop_last_with_shuffle_has_no_repeats():
    y = np.arange(10)
    seen = _epoch(DataLoader(y, y, batch_size=3, shuffle=True, drop_last=True, seed=0))
    assert len(seen) == 9 and len(set(seen.tolist())) == 9


def test_loader_external_rng():
    y = np.arange(50)
    first = _epoch(DataLoader(y, y, 8, shuffle=True, rng=np.random.default_rng(5)))
    second = _epoch(DataLoader(y, y, 8, shuffle=True, rng=np.random.default_rng(5)))
    np.testing.assert_array_equal(first, second)


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"batch_size": 0}, ValueError, "batch_size must be >= 1, got 0"),
        ({"batch_size": 2.5}, TypeError, "batch_size must be an int"),
        ({"batch_size": True}, TypeError, "batch_size must be an int"),
        ({"y": np.arange(9)}, ValueError, "X has 10 samples but y has 9"),
        ({"X": np.float32(1.0)}, ValueError, "need a sample axis"),
        ({"seed": 1, "rng": np.random.default_rng()}, ValueError, "seed or rng, not both"),
        ({"rng": 3}, TypeError, "rng must be a numpy.random.Generator"),
        ({"shuffle": "yes"}, TypeError, "shuffle must be a bool"),
    ],
)
def test_loader_argument_errors(kwargs, error, pattern):
    args = {"X": np.zeros((10, 2)), "y": np.arange(10), **kwargs}
    with pytest.raises(error, match=pattern):
        DataLoader(**args)
