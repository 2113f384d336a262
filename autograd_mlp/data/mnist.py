"""The MNIST handwritten digits: locate, download, verify and load them.

MNIST (Yann LeCun, Corinna Cortes, Christopher J.C. Burges; CC BY-SA 3.0) is 60 000
training and 10 000 test images of 28x28 grey-scale digits. :func:`load_mnist`
reads the four canonical IDX files (gzipped or not) from a directory, downloading
and verifying them first if asked to; :func:`load_mnist_sample` loads a small
subset shipped inside the package, for offline use and quick tests.

Examples
--------
>>> from autograd_mlp.data import load_mnist_sample
>>> mnist = load_mnist_sample()
>>> X, y = mnist.as_arrays("train")
>>> X.shape, X.dtype, y.dtype
((6000, 784), dtype('float32'), dtype('int64'))
"""

from __future__ import annotations

import hashlib
import importlib.resources
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from ._download import fetch_verified
from .errors import DatasetError, DatasetNotFoundError, DownloadError
from .idx import read_idx

__all__ = [
    "ENV_VAR",
    "MIRRORS",
    "MNIST",
    "MNIST_FILES",
    "default_data_dir",
    "load_mnist",
    "load_mnist_sample",
]

#: Environment variable naming the directory that holds the MNIST files.
ENV_VAR = "AUTOGRAD_MLP_DATA"

#: Base URLs tried in order by ``load_mnist(download=True)``. yann.lecun.com is
#: left out: it has often answered 403 Forbidden to scripted downloads since 2023.
MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)


@dataclass(frozen=True)
class _FileSpec:
    field: str
    stem: str
    ndim: int
    sha256: str  # of the decompressed IDX content; see _download for why
    size: int  # bytes of the decompressed IDX content


# Hashes of the decompressed files; they match the published MNIST content
# (the widely quoted sha256 of each uncompressed IDX file), whatever gzip wrapper a
# mirror uses. Order matters only for downloads: the big file first, so a bad
# connection fails fast.
_SPECS: tuple[_FileSpec, ...] = (
    _FileSpec(
        "train_images",
        "train-images-idx3-ubyte",
        3,
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        47_040_016,
    ),
    _FileSpec(
        "train_labels",
        "train-labels-idx1-ubyte",
        1,
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        60_008,
    ),
    _FileSpec(
        "test_images",
        "t10k-images-idx3-ubyte",
        3,
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        7_840_016,
    ),
    _FileSpec(
        "test_labels",
        "t10k-labels-idx1-ubyte",
        1,
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        10_008,
    ),
)

#: Canonical file stem -> (sha256 of the decompressed content, its size in bytes).
MNIST_FILES: dict[str, tuple[str, int]] = {s.stem: (s.sha256, s.size) for s in _SPECS}

Split = Literal["train", "test"]


@dataclass(frozen=True, eq=False, repr=False)
class MNIST:
    """The four MNIST arrays, as stored in the IDX files.

    Attributes
    ----------
    train_images, test_images : numpy.ndarray
        ``uint8`` arrays of shape ``(N, 28, 28)``, pixel values 0 (background) to 255.
    train_labels, test_labels : numpy.ndarray
        ``uint8`` arrays of shape ``(N,)`` with the digit 0-9 of each image.

    Examples
    --------
    >>> import numpy as np
    >>> imgs, labels = np.zeros((2, 28, 28), np.uint8), np.array([7, 1], np.uint8)
    >>> m = MNIST(imgs, labels, imgs[:1], labels[:1])
    >>> m
    MNIST(train=2, test=1, image_shape=(28, 28))
    >>> X, y = m.as_arrays("test")
    >>> X.shape, y.tolist()
    ((1, 784), [7])
    """

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray

    def __post_init__(self) -> None:
        for split in ("train", "test"):
            images = getattr(self, f"{split}_images")
            labels = getattr(self, f"{split}_labels")
            if not isinstance(images, np.ndarray) or images.ndim != 3:
                raise ValueError(
                    f"MNIST.{split}_images must be a 3-D (N, H, W) array, got {_describe(images)}"
                )
            if not isinstance(labels, np.ndarray) or labels.ndim != 1:
                raise ValueError(
                    f"MNIST.{split}_labels must be a 1-D (N,) array, got {_describe(labels)}"
                )
            if len(images) != len(labels):
                raise ValueError(
                    f"MNIST {split} split has {len(images)} images but {len(labels)} labels"
                )

    def as_arrays(
        self, split: Split = "train", flatten: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """Images as float32 in ``[0, 1]`` and labels as int64, ready for training.

        Parameters
        ----------
        split : {"train", "test"}, default "train"
            Which split to return.
        flatten : bool, default True
            Return images as ``(N, H*W)`` rows (what an MLP takes) rather than
            ``(N, H, W)``.

        Returns
        -------
        X : numpy.ndarray
            ``float32`` pixels divided by 255.
        y : numpy.ndarray
            ``int64`` class indices (what ``cross_entropy`` takes as targets).

        Examples
        --------
        >>> from autograd_mlp.data import load_mnist_sample
        >>> X, y = load_mnist_sample().as_arrays("test")
        >>> X.shape, float(X.max()) <= 1.0
        ((1000, 784), True)
        """
        if split not in ("train", "test"):
            raise ValueError(f"split must be 'train' or 'test', got {split!r}")
        images: np.ndarray = getattr(self, f"{split}_images")
        labels: np.ndarray = getattr(self, f"{split}_labels")
        X = images.astype(np.float32) / np.float32(255.0)
        if flatten:
            X = X.reshape(len(X), -1)
        return X, labels.astype(np.int64)

    def __repr__(self) -> str:
        # The dataclass default would print (summaries of) four large arrays.
        return (
            f"MNIST(train={len(self.train_images)}, test={len(self.test_images)}, "
            f"image_shape={tuple(self.train_images.shape[1:])})"
        )


def _describe(x: object) -> str:
    if isinstance(x, np.ndarray):
        return f"array of shape {x.shape}"
    return type(x).__name__


def default_data_dir() -> Path:
    """The cache directory used when neither ``root`` nor ``$AUTOGRAD_MLP_DATA`` is set.

    ``$XDG_CACHE_HOME/autograd_mlp/mnist`` if ``XDG_CACHE_HOME`` is set to an
    absolute path, else ``~/.cache/autograd_mlp/mnist``.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> default_data_dir().parts[-2:]
    ('autograd_mlp', 'mnist')
    """
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says relative values are invalid and must be ignored.
    cache = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return cache / "autograd_mlp" / "mnist"


def _resolve_base(root: str | os.PathLike[str] | None) -> tuple[Path, str]:
    """The directory to use, and where that choice came from (for error messages)."""
    if root is not None:
        if not isinstance(root, (str, os.PathLike)):
            raise TypeError(f"root must be a str, a path or None, got {type(root).__name__}")
        return Path(root).expanduser(), "the root argument"
    env = os.environ.get(ENV_VAR, "")
    if env:
        return Path(env).expanduser(), f"${ENV_VAR}"
    return default_data_dir(), "the default cache directory"


def _candidates(base: Path, origin: str) -> list[Path]:
    # A user-chosen directory may be a general data dir with MNIST in mnist/ below it.
    if origin == "the default cache directory":
        return [base]
    return [base, base / "mnist"]


def _find(directory: Path, spec: _FileSpec) -> Path | None:
    # Uncompressed first: it is the faster one to read when both are present.
    for name in (spec.stem, spec.stem + ".gz"):
        path = directory / name
        if path.is_file():
            return path
    return None


def _locate(directory: Path) -> dict[str, Path | None]:
    return {spec.field: _find(directory, spec) for spec in _SPECS}


def _advice(base: Path) -> str:
    return (
        "To fix, do one of:\n"
        f"  - put the 4 files in {base} (or pass the directory holding them: "
        "load_mnist(root=DIR), or --data-dir DIR on the command line);\n"
        f"  - set the environment variable {ENV_VAR}=DIR;\n"
        "  - download them: load_mnist(download=True) (needs network access);\n"
        "  - for a quick offline run, use the bundled subset: load_mnist_sample()."
    )


def _names(spec: _FileSpec) -> str:
    return f"{spec.stem}[.gz]"


def load_mnist(
    root: str | os.PathLike[str] | None = None,
    download: bool = False,
    progress: bool = True,
    *,
    mirrors: Sequence[str] = MIRRORS,
) -> MNIST:
    """Load the full MNIST data set from the four canonical IDX files.

    The directory is ``root`` if given, else ``$AUTOGRAD_MLP_DATA``, else
    :func:`default_data_dir`. For ``root`` and ``$AUTOGRAD_MLP_DATA``, a ``mnist``
    subdirectory is searched too. Each file may be gzipped
    (``train-images-idx3-ubyte.gz``) or not (``train-images-idx3-ubyte``).

    Parameters
    ----------
    root : str or PathLike, optional
        Directory holding the files.
    download : bool, default False
        Download missing files from ``mirrors`` into the directory, verifying the
        SHA-256 of each before it is moved into place.
    progress : bool, default True
        Show a download progress bar (only if the optional ``tqdm`` is installed).
    mirrors : sequence of str, default MIRRORS
        Base URLs to try, in order.

    Returns
    -------
    MNIST
        ``train_images`` (60000, 28, 28), ``train_labels`` (60000,),
        ``test_images`` (10000, 28, 28), ``test_labels`` (10000,), all uint8.

    Raises
    ------
    DatasetNotFoundError
        If files are missing and ``download`` is False. The message lists the
        directories searched, the missing files and how to fix it.
    DownloadError
        If every mirror failed for some file (offline, or wrong content).
    IDXError
        If a file is present but malformed.

    Examples
    --------
    >>> import tempfile
    >>> load_mnist(tempfile.mkdtemp())  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    DatasetNotFoundError: MNIST files not found...
    """
    if isinstance(mirrors, (str, bytes)):
        # A lone string would be iterated character by character as "mirrors".
        raise TypeError(f"mirrors must be a sequence of base URLs, got the string {mirrors!r}")
    base, origin = _resolve_base(root)
    if base.exists() and not base.is_dir():
        raise DatasetNotFoundError(
            f"MNIST data directory {base} (from {origin}) is a file, not a directory"
        )
    searched = _candidates(base, origin)
    found: dict[str, Path | None] = {}
    for directory in searched:
        found = _locate(directory)
        if all(found.values()):
            return _load(found)
    # Downloads go to the base directory, completing whatever is already there.
    found = _locate(base)
    missing = [spec for spec in _SPECS if found[spec.field] is None]
    if not download:
        raise DatasetNotFoundError(_not_found_message(base, origin, searched, missing))
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatasetError(f"cannot create MNIST data directory {base}: {exc}") from exc
    for spec in missing:
        try:
            found[spec.field] = fetch_verified(
                spec.stem + ".gz", base, mirrors, spec.sha256, spec.size, progress
            )
        except DownloadError as exc:
            still = ", ".join(_names(s) for s in _SPECS if found[s.field] is None)
            raise DownloadError(
                f"{exc}\nMNIST files still missing from {base}: {still}.\n{_advice(base)}"
            ) from None
    return _load(found)


def _not_found_message(
    base: Path, origin: str, searched: list[Path], missing: list[_FileSpec]
) -> str:
    lines = [f"MNIST files not found (directory chosen from {origin}). Searched:"]
    for directory in searched:
        if not directory.is_dir():
            lines.append(f"  - {directory}: directory does not exist")
            continue
        absent = [_names(s) for s in _SPECS if _find(directory, s) is None]
        lines.append(f"  - {directory}: missing {', '.join(absent)}")
    lines.append(
        f"Expected files (gzipped or not): {', '.join(_names(s) for s in _SPECS)}; "
        f"{len(missing)} of them missing from {base}."
    )
    lines.append(_advice(base))
    return "\n".join(lines)


def _check_content(spec: _FileSpec, path: Path, array: np.ndarray) -> None:
    """Labels 0-9, images 28x28, and the published hash for a file of MNIST's size."""
    if spec.ndim == 3 and array.shape[1:] != (28, 28):
        raise DatasetError(f"{path}: images are {array.shape[1:]}, not MNIST's 28x28")
    if spec.ndim == 1 and array.size and int(array.max()) > 9:
        raise DatasetError(f"{path}: holds label {int(array.max())}; MNIST labels are 0-9")
    header = 4 + 4 * array.ndim
    if header + array.size == spec.size:  # the full file: it must be the published one
        raw = bytes([0, 0, 8, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
        digest = hashlib.sha256(raw)
        digest.update(array.data)
        if digest.hexdigest() != spec.sha256:
            raise DatasetError(
                f"{path}: content differs from the published MNIST {spec.stem} (sha256 "
                f"{digest.hexdigest()[:16]}..., expected {spec.sha256[:16]}...); delete it "
                "and download again"
            )


def _load(paths: dict[str, Path | None]) -> MNIST:
    arrays = {}
    for spec in _SPECS:
        path = paths[spec.field]
        if path is None:  # callers only get here with every file found
            raise AssertionError(f"internal error: no path for {spec.stem}")
        arrays[spec.field] = read_idx(path, ndim=spec.ndim)
        _check_content(spec, path, arrays[spec.field])
    for split in ("train", "test"):
        n_img, n_lab = len(arrays[f"{split}_images"]), len(arrays[f"{split}_labels"])
        if n_img != n_lab:
            raise DatasetError(
                f"MNIST {split} files disagree: {paths[f'{split}_images']} holds {n_img} "
                f"images but {paths[f'{split}_labels']} holds {n_lab} labels"
            )
    return MNIST(**arrays)


_SAMPLE = "mnist_sample.npz"


def load_mnist_sample() -> MNIST:
    """Load the MNIST subset shipped with the package (no files or network needed).

    6000 training images (600 per digit) and 1000 test images (100 per digit),
    drawn class-stratified with a fixed seed by ``scripts/make_mnist_sample.py``;
    see ``docs/data.md`` for provenance.

    Returns
    -------
    MNIST
        ``train_images`` (6000, 28, 28), ``test_images`` (1000, 28, 28), uint8.

    Raises
    ------
    DatasetNotFoundError
        If the bundled file is missing (e.g. a source checkout where it was
        never generated).

    Examples
    --------
    >>> load_mnist_sample()
    MNIST(train=6000, test=1000, image_shape=(28, 28))
    """
    # One joinpath per level: multi-argument joinpath needs Python 3.11 for zipped installs.
    resource = importlib.resources.files(__package__).joinpath("_bundled").joinpath(_SAMPLE)
    try:
        with resource.open("rb") as f, np.load(f) as npz:
            arrays = {spec.field: npz[spec.field] for spec in _SPECS}
    except KeyError as exc:
        raise DatasetError(
            f"the bundled MNIST sample {_SAMPLE} lacks the array {exc}; regenerate it with "
            "`python scripts/make_mnist_sample.py --source DIR`"
        ) from exc
    except FileNotFoundError as exc:
        raise DatasetNotFoundError(
            f"the bundled MNIST sample ({__package__}/_bundled/{_SAMPLE}) is missing from "
            "this installation; regenerate it with "
            "`python scripts/make_mnist_sample.py --source DIR`"
        ) from exc
    return MNIST(**arrays)
