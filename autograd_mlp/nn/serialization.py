"""``nn.save`` / ``nn.load``: weights *and* architecture, in ``.safetensors`` or ``.npz``.

A file holds the ``state_dict`` tensors under their own names (``layers.0.weight``,
...; PyTorch's naming, so ``torch.nn`` layers load a ``.safetensors`` file) and one
JSON document: the format, and the *architecture* — class and constructor
arguments of every module built from :mod:`autograd_mlp.nn`'s layers — so that
:func:`load` rebuilds exactly the saved model, never a guess.

Loading treats the file as untrusted: nothing is unpickled; the JSON's size and
nesting depth are checked before it is parsed; every tensor's declared dtype and
shape are checked against the file's length before anything is allocated, and
against the recorded architecture before the model is built.

Examples
--------
>>> import tempfile, pathlib, numpy as np
>>> from autograd_mlp import nn
>>> net = nn.MLP([4, 8, 3], activation="tanh")
>>> path = pathlib.Path(tempfile.mkdtemp()) / "net.safetensors"
>>> nn.save(net, path)
>>> again = nn.load(path)
>>> type(again.layers[1]).__name__
'Tanh'
>>> x = np.ones((2, 4), np.float32)
>>> bool(np.array_equal(again(x).data, net(x).data))
True
"""

from __future__ import annotations

import inspect
import json
import math
import os
import struct
import zipfile
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..data._atomic import atomic_write
from .module import Module

__all__ = ["SerializationError", "is_package_file", "load", "read_file", "save", "write_file"]

FORMAT = "autograd_mlp"
VERSION = 2
META_KEY = "__autograd_mlp__"  # npz member / safetensors metadata key holding the JSON
MAX_META_BYTES = 64 << 20
MAX_DEPTH = 64
# Constructor arguments that only choose initial values, which the file overrides.
_INIT_ONLY = frozenset({"rng", "init", "generator", "device"})
_DTYPES = {
    "F64": "<f8",
    "F32": "<f4",
    "F16": "<f2",
    "I64": "<i8",
    "I32": "<i4",
    "I16": "<i2",
    "I8": "i1",
    "U8": "u1",
    "BOOL": "?",
}


class SerializationError(ValueError):
    """A file is not a usable autograd_mlp file, or an object cannot be saved.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import numpy as np
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> from autograd_mlp import nn
    >>> (folder / "junk.npz").write_bytes(b"not a zip file")
    14
    >>> try:
    ...     nn.load(folder / "junk.npz")
    ... except SerializationError as e:
    ...     print(isinstance(e, ValueError), "is corrupt" in str(e))
    True True
    """


# --------------------------------------------------------------------------- JSON
def check_depth(text: str, what: str, limit: int = MAX_DEPTH) -> None:
    """Refuse JSON nested deeper than ``limit`` before a parser recurses into it.

    Examples
    --------
    >>> check_depth("[[1]]", "x")
    >>> check_depth("[" * 100, "x")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    SerializationError: x: metadata nested deeper than 64 levels
    """
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                raise SerializationError(f"{what}: metadata nested deeper than {limit} levels")
        elif ch in "]}":
            depth -= 1


def parse_json(raw: bytes | str, what: str) -> Any:
    """``json.loads`` with size and depth limits; errors name ``what``."""
    if len(raw) > MAX_META_BYTES:
        raise SerializationError(f"{what}: metadata of {len(raw)} bytes is too large")
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise SerializationError(f"{what}: metadata is not UTF-8 ({exc})") from None
    check_depth(text, what)
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise SerializationError(f"{what}: metadata is not valid JSON ({exc})") from None


def dump_json(value: Any, what: str) -> str:
    """Strict JSON (no NaN); a value JSON cannot hold is an error naming ``what``."""
    try:
        return json.dumps(value, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise SerializationError(f"{what}: cannot store it as JSON ({exc})") from None


# --------------------------------------------------------------------------- architecture
def _nn_class(name: str) -> type[Module] | None:
    from .. import nn

    cls = getattr(nn, name, None) if isinstance(name, str) and name.isidentifier() else None
    return cls if isinstance(cls, type) and issubclass(cls, Module) else None


def _encode_arg(owner: str, name: str, value: Any) -> Any:
    if isinstance(value, Module):
        return {"module": _architecture(value)}
    if isinstance(value, type) and issubclass(value, Module):
        if _nn_class(value.__name__) is not value:
            raise SerializationError(
                f"nn.save: {owner} argument {name!r} is the class {value.__qualname__}, "
                "which is not one of autograd_mlp.nn's; save model.state_dict() instead"
            )
        return {"class": value.__name__}
    if isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
        return {"dtype": np.dtype(value).name}
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"dict": {k: _encode_arg(owner, f"{name}[{k!r}]", v) for k, v in value.items()}}
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SerializationError(f"nn.save: {owner} argument {name!r} is {value}")
        return value
    if isinstance(value, (list, tuple)):
        return {"list": [_encode_arg(owner, name, v) for v in value]}
    raise SerializationError(
        f"nn.save: cannot record {owner}'s argument {name!r} (a {type(value).__name__}); "
        "save model.state_dict() instead"
    )


def _inferred_args(module: Module) -> dict[str, Any] | None:
    """Constructor arguments of today's layers, for modules without ``_init_args``."""
    from . import layers as L

    if isinstance(module, L.MLP):
        acts = [type(m) for m in module.layers if not isinstance(m, L.Linear)]
        act: Any = acts[0] if acts else "relu"
        names = {L.ReLU: "relu", L.Sigmoid: "sigmoid", L.Tanh: "tanh"}
        return {"sizes": list(module.sizes), "activation": names.get(act, act)}
    if isinstance(module, L.Linear):
        return {
            "in_features": module.in_features,
            "out_features": module.out_features,
            "bias": module.bias is not None,
        }
    if isinstance(module, L.Sequential):
        return {"modules": tuple(module)}
    if isinstance(module, L.Softmax):
        return {"axis": module.axis}
    if type(module) in (L.ReLU, L.Sigmoid, L.Tanh):
        return {}
    return None


def _architecture(module: Module) -> dict[str, Any]:
    """``{"class": name, "args": {...}}`` describing how to rebuild ``module``.

    Reads ``module._init_args`` (the bound constructor arguments every layer
    records) and falls back to what today's layers expose.

    Examples
    --------
    >>> from autograd_mlp import nn
    >>> _architecture(nn.Linear(2, 3))["args"]
    {'in_features': 2, 'out_features': 3, 'bias': True}
    """
    cls = type(module)
    name = cls.__name__
    if _nn_class(name) is not cls:
        raise SerializationError(
            f"nn.save: {cls.__module__}.{cls.__qualname__} is not one of autograd_mlp.nn's "
            "layers, so its architecture cannot be recorded; save model.state_dict() and "
            "rebuild the model yourself"
        )
    args = getattr(module, "_init_args", None)
    if not isinstance(args, Mapping):
        args = _inferred_args(module)
    if args is None:
        raise SerializationError(
            f"nn.save: cannot tell the constructor arguments of {name}; save "
            "model.state_dict() instead"
        )
    encoded = {k: _encode_arg(name, k, v) for k, v in args.items() if k not in _INIT_ONLY}
    return {"class": name, "args": encoded}


def _decode_arg(value: Any, what: str) -> Any:
    if isinstance(value, dict):
        if set(value) == {"module"}:
            return build(value["module"], what)
        if set(value) == {"class"}:
            cls = _nn_class(value["class"])
            if cls is None:
                raise SerializationError(f"{what}: unknown layer class {value['class']!r}")
            return cls
        if set(value) == {"list"} and isinstance(value["list"], list):
            return [_decode_arg(v, what) for v in value["list"]]
        if set(value) == {"dict"} and isinstance(value["dict"], dict):
            return {k: _decode_arg(v, what) for k, v in value["dict"].items()}
        if set(value) == {"dtype"} and value["dtype"] in ("float16", "float32", "float64"):
            return np.dtype(value["dtype"])
        raise SerializationError(f"{what}: malformed architecture argument {value!r:.80}")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise SerializationError(f"{what}: malformed architecture argument {value!r:.80}")


def build(arch: Any, what: str = "nn.load") -> Module:
    """Rebuild the module ``arch`` (from :func:`_architecture`) describes."""
    if not isinstance(arch, dict) or not isinstance(arch.get("args"), dict):
        raise SerializationError(f"{what}: malformed architecture record")
    cls = _nn_class(arch.get("class", ""))
    if cls is None:
        raise SerializationError(f"{what}: unknown layer class {arch.get('class')!r}")
    args = {k: _decode_arg(v, what) for k, v in arch["args"].items()}
    positional: list[Any] = []
    params = inspect.signature(cls.__init__).parameters
    for key, param in params.items():
        if param.kind is inspect.Parameter.VAR_POSITIONAL and key in args:
            positional = list(args.pop(key))
        elif param.kind is inspect.Parameter.VAR_KEYWORD and isinstance(args.get(key), dict):
            args.update(args.pop(key))
    try:
        return cls(*positional, **args)
    except (TypeError, ValueError) as exc:
        raise SerializationError(f"{what}: cannot rebuild {cls.__name__}: {exc}") from None


def _size_bounds(arch: Any) -> list[int]:
    """For each module in ``arch``: an upper bound of what building it allocates."""
    out: list[int] = []
    stack = [arch]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        scalars, product = [], 1
        for value in (node.get("args") or {}).values():
            if isinstance(value, dict) and "module" in value:
                stack.append(value["module"])
            elif isinstance(value, dict) and isinstance(value.get("list"), list):
                items = value["list"]
                stack.extend(v["module"] for v in items if isinstance(v, dict) and "module" in v)
                ints = [abs(v) for v in items if isinstance(v, int) and not isinstance(v, bool)]
                pairs = [a * b for a, b in zip(ints, ints[1:])] or ints
                out.append(max(pairs, default=0))
            elif isinstance(value, int) and not isinstance(value, bool):
                scalars.append(abs(value))
        for v in scalars:
            product *= max(v, 1)
        out.append(product if scalars else 0)
    return out


def check_architecture_size(arch: Any, n_elements: int, what: str) -> None:
    """Refuse an architecture whose layers are larger than the tensors stored for them,
    before building it allocates anything."""
    limit = n_elements + 4096
    worst = max(_size_bounds(arch), default=0)
    if worst > limit:
        raise SerializationError(
            f"{what}: the recorded architecture needs a layer of about {worst} values but "
            f"the file stores {n_elements} in all; refusing to build it"
        )


# --------------------------------------------------------------------------- container
def _is_safetensors(path: Path) -> bool:
    return path.suffix.lower() == ".safetensors"


def _check_tensor(name: str, value: Any, what: str) -> np.ndarray:
    if not isinstance(value, np.ndarray):
        value = np.asarray(value)
    if value.dtype.hasobject or value.dtype.kind not in "biuf":
        raise SerializationError(
            f"{what}: tensor {name!r} has dtype {value.dtype}; only numbers can be stored"
        )
    # Not np.ascontiguousarray: it makes a 0-d array (a step counter) 1-d.
    return value if value.flags.c_contiguous else value.copy(order="C")


def write_file(
    path: str | os.PathLike[str],
    tensors: Mapping[str, np.ndarray],
    meta: Mapping[str, Any],
    *,
    overwrite: bool = False,
    what: str = "nn.save",
) -> None:
    """Write ``tensors`` and the JSON ``meta`` to ``path`` (format from the suffix).

    An existing file is replaced only if it is one of the package's (see
    :func:`is_package_file`) or ``overwrite`` is True.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import numpy as np
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_file(folder / "t.npz", {"w": np.ones(2, np.float32)}, {"kind": "state_dict"})
    >>> tensors, meta = read_file(folder / "t.npz")
    >>> tensors["w"].tolist(), meta["kind"]
    ([1.0, 1.0], 'state_dict')
    """
    path = Path(path)
    if META_KEY in tensors:
        raise SerializationError(f"{what}: a tensor may not be named {META_KEY!r}")
    arrays = {str(k): _check_tensor(str(k), v, what) for k, v in tensors.items()}
    text = dump_json({"format": FORMAT, "version": VERSION, **meta}, what)
    with atomic_write(path, overwrite=overwrite, ours=is_package_file) as f:
        if _is_safetensors(path):
            from safetensors.numpy import save as st_save

            f.write(st_save(arrays, metadata={META_KEY: text}))
            return
        with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
            zf.writestr(META_KEY + ".npy", _npy_bytes(np.frombuffer(text.encode(), np.uint8)))
            for key, value in arrays.items():
                with zf.open(key + ".npy", "w", force_zip64=True) as member:
                    np.lib.format.write_array(member, value, allow_pickle=False)


def _npy_bytes(array: np.ndarray) -> bytes:
    import io

    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, allow_pickle=False)
    return buf.getvalue()


def read_npy(f: Any, budget: int, name: str, what: str) -> np.ndarray:
    """Read one ``.npy`` stream of at most ``budget`` bytes; the header's dtype and
    shape are checked against ``budget`` before anything is allocated."""
    try:
        version = np.lib.format.read_magic(f)
        reader = (
            np.lib.format.read_array_header_1_0
            if version == (1, 0)
            else np.lib.format.read_array_header_2_0
        )
        shape, fortran, dtype = reader(f)
    except (ValueError, OSError) as exc:
        raise SerializationError(f"{what}: {name!r} is not an array ({exc})") from None
    if dtype.hasobject or dtype.kind not in "biuf":
        raise SerializationError(f"{what}: {name!r} has dtype {dtype}, not numbers")
    need = math.prod(shape) * dtype.itemsize
    if need > budget:
        raise SerializationError(
            f"{what}: {name!r} declares shape {shape} ({need} bytes) but holds at most "
            f"{budget} bytes"
        )
    data = f.read(need)
    if len(data) != need:
        raise SerializationError(f"{what}: {name!r} is truncated")
    flat = np.frombuffer(data, dtype=dtype)
    return (flat.reshape(shape, order="F") if fortran else flat.reshape(shape)).copy(order="K")


def _read_npy(zf: zipfile.ZipFile, info: zipfile.ZipInfo, total: int, what: str) -> np.ndarray:
    # Deflate expands at most ~1032x; a member claiming more is a zip bomb.
    if info.file_size > max(total, info.compress_size * 1100):
        raise SerializationError(f"{what}: member {info.filename!r} claims {info.file_size} bytes")
    with zf.open(info) as f:
        return read_npy(f, info.file_size, info.filename, what)


def _read_npz(path: Path, what: str) -> tuple[dict[str, np.ndarray], Any]:
    total = path.stat().st_size
    try:
        with zipfile.ZipFile(path) as zf:
            infos = {i.filename: i for i in zf.infolist()}
            if META_KEY + ".npy" not in infos:
                raise SerializationError(f"{what} is not an autograd_mlp file")
            meta_arr = _read_npy(zf, infos.pop(META_KEY + ".npy"), total, what)
            meta = parse_json(meta_arr.tobytes(), what)
            tensors = {}
            for name, info in infos.items():
                if not name.endswith(".npy"):
                    raise SerializationError(f"{what}: unexpected member {name!r}")
                tensors[name[:-4]] = _read_npy(zf, info, total, what)
    except (zipfile.BadZipFile, EOFError, struct.error, zipfile.LargeZipFile) as exc:
        raise SerializationError(f"{what} is corrupt ({exc})") from None
    return tensors, meta


def _read_safetensors(path: Path, what: str) -> tuple[dict[str, np.ndarray], Any]:
    total = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            raise SerializationError(f"{what} is too short for a safetensors file")
        (n,) = struct.unpack("<Q", head)
        if n > min(total - 8, MAX_META_BYTES):
            raise SerializationError(f"{what} declares a {n}-byte header; file is {total}")
        header = parse_json(f.read(n), what)
    if not isinstance(header, dict):
        raise SerializationError(f"{what} has a malformed header")
    payload = total - 8 - n
    for name, entry in header.items():
        if name != "__metadata__":
            _check_entry(name, entry, payload, what)
    meta_map = header.get("__metadata__") or {}
    meta = (
        parse_json(meta_map[META_KEY], what)
        if isinstance(meta_map, dict) and isinstance(meta_map.get(META_KEY), str)
        else None
    )
    from safetensors.numpy import load as st_load

    try:
        tensors = st_load(path.read_bytes())
    except Exception as exc:  # the library's own SafetensorError is not exported stably
        raise SerializationError(f"{what} is corrupt ({exc})") from None
    return dict(tensors), meta


def _check_entry(name: str, entry: Any, payload: int, what: str) -> None:
    ok = isinstance(entry, dict) and entry.get("dtype") in _DTYPES
    shape: Any = entry.get("shape") if ok else None
    offsets: Any = entry.get("data_offsets") if ok else None
    ok = ok and isinstance(shape, list) and all(isinstance(d, int) and d >= 0 for d in shape)
    ok = ok and isinstance(offsets, list) and len(offsets) == 2
    if not ok:
        raise SerializationError(f"{what}: tensor {name!r} has a malformed header entry")
    need = math.prod(shape) * np.dtype(_DTYPES[entry["dtype"]]).itemsize
    begin, end = offsets
    if not (
        isinstance(begin, int)
        and isinstance(end, int)
        and 0 <= begin <= end <= payload
        and end - begin == need
    ):
        raise SerializationError(
            f"{what}: tensor {name!r} declares shape {tuple(shape)} ({need} bytes) but the "
            f"file holds {payload} bytes of data"
        )


def read_file(
    path: str | os.PathLike[str], what: str = "nn.load"
) -> tuple[dict[str, np.ndarray], dict[str, Any] | None]:
    """The tensors and the JSON metadata (None for a plain safetensors file) at ``path``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import numpy as np
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> from autograd_mlp import nn
    >>> nn.save({"w": np.zeros(3, np.float32)}, folder / "w.safetensors")
    >>> tensors, meta = read_file(folder / "w.safetensors")
    >>> tensors["w"].shape, meta["keys"]
    ((3,), ['w'])
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"{what}: no file at {str(path)!r}")
    reader = _read_safetensors if _is_safetensors(path) else _read_npz
    try:
        tensors, meta = reader(path, f"{what}: {str(path)!r}")
    except OSError as exc:
        raise SerializationError(f"{what}: cannot read {path}: {exc}") from None
    if meta is not None and not (isinstance(meta, dict) and meta.get("format") == FORMAT):
        raise SerializationError(f"{what}: {str(path)!r} is not an autograd_mlp file")
    if meta is not None and meta.get("version") != VERSION:
        raise SerializationError(
            f"{what}: {str(path)!r} has format version {meta.get('version')!r}; this version reads "
            f"{VERSION}"
        )
    return tensors, meta


def is_package_file(path: Path) -> bool:
    """Whether ``path`` is a file this package wrote (so it may be replaced).

    Examples
    --------
    >>> is_package_file(Path("/nonexistent.npz"))
    False
    """
    try:
        with open(path, "rb") as f:
            head = f.read(8)
            if head[:2] == b"PK":  # npz: our metadata member, or the version-1 checkpoint's
                with zipfile.ZipFile(path) as zf:
                    names = set(zf.namelist())
                return META_KEY + ".npy" in names or "__meta__.npy" in names
            if len(head) < 8:
                return False
            (n,) = struct.unpack("<Q", head)
            if n > min(os.fstat(f.fileno()).st_size - 8, MAX_META_BYTES):
                return False
            header = parse_json(f.read(n), str(path))
    except (OSError, zipfile.BadZipFile, SerializationError):
        return False
    meta = header.get("__metadata__") if isinstance(header, dict) else None
    return isinstance(meta, dict) and META_KEY in meta


# --------------------------------------------------------------------------- public
def _split(tensors: Mapping[str, np.ndarray], keys: list[str]) -> OrderedDict[str, np.ndarray]:
    return OrderedDict((k, tensors[k]) for k in keys)


def module_from_file(
    tensors: Mapping[str, np.ndarray], arch: Any, keys: list[str], what: str
) -> Module:
    """Build the module ``arch`` describes and load ``tensors[keys]`` into it, checking
    every name, shape and dtype first."""
    stored = sum(int(tensors[k].size) for k in keys)
    check_architecture_size(arch, stored, what)
    model = build(arch, what)
    expected = model.state_dict()
    if set(expected) != set(keys):
        raise SerializationError(
            f"{what}: the tensors {sorted(set(keys) ^ set(expected))[:6]} do not fit the "
            f"recorded {arch.get('class')}"
        )
    for key, value in expected.items():
        got = tensors[key]
        if got.shape != value.shape or got.dtype != value.dtype:
            raise SerializationError(
                f"{what}: tensor {key!r} is {got.dtype}{list(got.shape)} but the recorded "
                f"architecture needs {value.dtype}{list(value.shape)}"
            )
    model.load_state_dict(_split(tensors, list(expected)))
    return model


def save(
    obj: Module | Mapping[str, Any],
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
) -> None:
    """Save a module (weights and architecture) or a ``state_dict`` to ``path``.

    Parameters
    ----------
    obj : Module or mapping of name to array
        A module built from :mod:`autograd_mlp.nn` layers is rebuilt exactly by
        :func:`load`; a state dict (or any other module's) is stored as tensors.
    path : str or PathLike
        ``*.safetensors`` (the ``safetensors`` format, loadable by PyTorch) or
        anything else for the package's ``.npz``. Written atomically.
    overwrite : bool, default False
        Replace an existing file that this package did not write.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from autograd_mlp import nn
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "lin.npz"
    >>> nn.save(nn.Linear(3, 2), p)
    >>> nn.load(p)
    Linear(in_features=3, out_features=2, bias=True)
    """
    meta: dict[str, Any]
    if isinstance(obj, Module):
        state: Mapping[str, Any] = obj.state_dict()
        meta = {"kind": "module", "architecture": _architecture(obj), "keys": list(state)}
    elif isinstance(obj, Mapping):
        state = {k: getattr(v, "data", v) for k, v in obj.items()}
        meta = {"kind": "state_dict", "architecture": None, "keys": [str(k) for k in state]}
    else:
        raise TypeError(f"nn.save: expected a Module or a state dict, got {type(obj).__name__}")
    write_file(path, state, meta, overwrite=overwrite)


def load(path: str | os.PathLike[str], *, weights_only: bool = False) -> Any:
    """Load what :func:`save` (or a training checkpoint) stored at ``path``.

    Returns the rebuilt module when the file records an architecture, else the
    state dict (an ``OrderedDict`` of arrays), as for a ``.safetensors`` file
    written by another library. ``weights_only=True`` always returns the state dict.

    Raises
    ------
    SerializationError
        The file is corrupt, not the package's, or its tensors do not fit the
        recorded architecture.

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np
    >>> from autograd_mlp import nn
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "lin.safetensors"
    >>> nn.save(nn.Linear(3, 2), path)
    >>> nn.load(path)
    Linear(in_features=3, out_features=2, bias=True)
    >>> state = nn.load(path, weights_only=True)
    >>> list(state), state["weight"].shape
    (['weight', 'bias'], (2, 3))
    """
    tensors, meta = read_file(path)
    if meta is None:
        return OrderedDict(sorted(tensors.items()))
    keys = meta.get("keys")
    if not (isinstance(keys, list) and all(isinstance(k, str) and k in tensors for k in keys)):
        raise SerializationError(f"nn.load: {path} lists tensors it does not hold")
    if weights_only or meta.get("architecture") is None:
        return _split(tensors, keys)
    return module_from_file(tensors, meta["architecture"], keys, f"nn.load({str(path)!r})")
