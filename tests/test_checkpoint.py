"""``nn.save``/``nn.load`` and training checkpoints: the architecture is rebuilt
exactly, PyTorch reads the ``.safetensors`` files, and crafted files are refused
with clear errors before anything large is allocated."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest
from conftest import optional

from autograd_mlp import nn, optim
from autograd_mlp.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from autograd_mlp.nn.serialization import META_KEY, SerializationError

X = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)


def outputs(model: nn.Module) -> np.ndarray:
    model.eval()
    return model(X).data


@pytest.mark.parametrize("suffix", [".safetensors", ".npz"])
@pytest.mark.parametrize(
    "build",
    [
        lambda: nn.MLP([4, 6, 3], activation="tanh"),
        lambda: nn.MLP([4, 5, 5, 2], activation="sigmoid"),
        lambda: nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2, bias=False)),
        lambda: nn.Linear(4, 2),
    ],
    ids=["mlp-tanh", "mlp-sigmoid", "sequential", "linear"],
)
def test_save_load_rebuilds_the_same_model(tmp_path: Path, suffix: str, build) -> None:
    nn.init.manual_seed(1)
    model = build()
    path = tmp_path / f"m{suffix}"
    nn.save(model, path)
    again = nn.load(path)
    assert type(again) is type(model) and repr(again) == repr(model)
    np.testing.assert_array_equal(outputs(again), outputs(model))


def test_a_training_checkpoint_is_loaded_by_nn_load(tmp_path: Path) -> None:
    model = nn.MLP([4, 6, 3], activation="tanh")
    save_checkpoint(tmp_path / "c.npz", model, optim.Adam(model.parameters()), epoch=3)
    np.testing.assert_array_equal(outputs(nn.load(tmp_path / "c.npz")), outputs(model))
    assert load_checkpoint(tmp_path / "c.npz").build_model().layers[1].__class__ is nn.Tanh


def test_state_dicts_round_trip_and_weights_only(tmp_path: Path) -> None:
    model = nn.MLP([4, 6, 3])
    nn.save(model.state_dict(), tmp_path / "sd.safetensors")
    sd = nn.load(tmp_path / "sd.safetensors")
    assert list(sd) == list(model.state_dict())
    nn.save(model, tmp_path / "m.npz")
    assert list(nn.load(tmp_path / "m.npz", weights_only=True)) == list(sd)


def test_a_custom_module_is_refused_with_advice(tmp_path: Path) -> None:
    class Mine(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(2, 2)

    with pytest.raises(SerializationError, match="state_dict"):
        nn.save(Mine(), tmp_path / "m.npz")
    assert not (tmp_path / "m.npz").exists()


def test_torch_loads_the_safetensors_file_into_matching_layers(tmp_path: Path) -> None:
    torch = optional("torch", "torch")
    from safetensors.torch import load_file

    nn.init.manual_seed(2)
    seq = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3))
    nn.save(seq, tmp_path / "seq.safetensors")
    tseq = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3))
    tseq.load_state_dict(load_file(tmp_path / "seq.safetensors"))  # strict: same names
    with torch.no_grad():
        expected = tseq(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(outputs(seq), expected, rtol=1e-5, atol=1e-6)

    mlp = nn.MLP([4, 5, 2])
    nn.save(mlp, tmp_path / "mlp.safetensors")
    tmlp = torch.nn.Module()
    tmlp.layers = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.ReLU(), torch.nn.Linear(5, 2))
    tmlp.load_state_dict(load_file(tmp_path / "mlp.safetensors"))
    with torch.no_grad():
        expected = tmlp.layers(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(outputs(mlp), expected, rtol=1e-5, atol=1e-6)
    # And the other way: torch's weights load into ours.
    from safetensors.torch import save_file

    save_file(tseq.state_dict(), tmp_path / "from_torch.safetensors")
    ours = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3))
    ours.load_state_dict(nn.load(tmp_path / "from_torch.safetensors"))
    np.testing.assert_allclose(outputs(ours), outputs(seq), rtol=1e-6)


# --------------------------------------------------------------------------- crafted files
def _safetensors(header: dict, payload: bytes = b"") -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + payload


def _meta(**extra) -> str:
    arch = {"class": "Linear", "args": {"in_features": 2, "out_features": 2, "bias": True}}
    return json.dumps(
        {
            "format": "autograd_mlp",
            "version": 2,
            "kind": "module",
            "architecture": arch,
            "keys": ["weight", "bias"],
            **extra,
        }
    )


def test_a_header_claiming_a_huge_tensor_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.safetensors"
    header = {
        "weight": {"dtype": "F32", "shape": [200000, 200000], "data_offsets": [0, 16]},
        "__metadata__": {META_KEY: _meta()},
    }
    path.write_bytes(_safetensors(header, b"\0" * 16))
    with pytest.raises(SerializationError, match=r"declares shape \(200000, 200000\)"):
        nn.load(path)


def test_an_architecture_larger_than_its_tensors_is_refused_before_building(
    tmp_path: Path,
) -> None:
    nn.save(nn.Linear(2, 2), tmp_path / "ok.npz")
    arch = {"class": "Linear", "args": {"in_features": 200000, "out_features": 200000}}
    meta = json.loads(_meta(architecture=arch))
    _rewrite_npz_meta(tmp_path / "ok.npz", tmp_path / "big.npz", meta)
    with pytest.raises(SerializationError, match="refusing to build it"):
        nn.load(tmp_path / "big.npz")


def test_shapes_and_dtypes_are_checked_against_the_architecture(tmp_path: Path) -> None:
    nn.save(nn.Linear(2, 2), tmp_path / "ok.npz")
    arch = {"class": "Linear", "args": {"in_features": 1, "out_features": 4, "bias": True}}
    _rewrite_npz_meta(
        tmp_path / "ok.npz", tmp_path / "bad.npz", json.loads(_meta(architecture=arch))
    )
    with pytest.raises(
        SerializationError, match=r"'weight' is float32\[2, 2\].*needs float32\[4, 1\]"
    ):
        nn.load(tmp_path / "bad.npz")


def _rewrite_npz_meta(src: Path, dst: Path, meta: dict) -> None:
    import io

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == META_KEY + ".npy":
                buf = io.BytesIO()
                np.save(buf, np.frombuffer(json.dumps(meta).encode(), np.uint8))
                data = buf.getvalue()
            zout.writestr(info.filename, data)


def test_deeply_nested_metadata_is_a_clear_error(tmp_path: Path) -> None:
    save_checkpoint(tmp_path / "ok.npz", nn.Linear(2, 2))
    deep = {"format": "autograd_mlp", "version": 2, "keys": [], "config": {}}
    text = json.dumps(deep)[:-1] + ', "x": ' + "[" * 50_000 + "]" * 50_000 + "}"
    import io

    with (
        zipfile.ZipFile(tmp_path / "ok.npz") as zin,
        zipfile.ZipFile(tmp_path / "deep.npz", "w") as z,
    ):
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == META_KEY + ".npy":
                buf = io.BytesIO()
                np.save(buf, np.frombuffer(text.encode(), np.uint8))
                data = buf.getvalue()
            z.writestr(info.filename, data)
    with pytest.raises(CheckpointError, match="nested deeper than 64 levels"):
        load_checkpoint(tmp_path / "deep.npz")


def test_object_arrays_and_pickles_are_never_loaded(tmp_path: Path) -> None:
    path = tmp_path / "pickle.npz"
    import io

    buf = io.BytesIO()
    np.save(buf, np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(META_KEY + ".npy", buf.getvalue())
        z.writestr("weight.npy", buf.getvalue())
    with pytest.raises(SerializationError, match="dtype object"):
        nn.load(path)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda m: m.update(epoch="3"), "'epoch' entry is a str"),
        (lambda m: m.update(config={"a": {"__array__": "nope"}}), "does not hold"),
        (lambda m: m.update(keys=["missing"]), "does not hold"),
        (lambda m: m.update(version=99), "format version 99"),
    ],
)
def test_tampered_metadata_is_a_clear_error(tmp_path: Path, mutate, message: str) -> None:
    save_checkpoint(tmp_path / "ok.npz", nn.Linear(2, 2), epoch=1)
    with zipfile.ZipFile(tmp_path / "ok.npz") as z:
        meta = json.loads(np.load(z.open(META_KEY + ".npy")).tobytes())
    mutate(meta)
    _rewrite_npz_meta(tmp_path / "ok.npz", tmp_path / "bad.npz", meta)
    with pytest.raises(CheckpointError, match=message):
        load_checkpoint(tmp_path / "bad.npz")


def test_recorded_constructor_arguments_are_used_when_modules_have_them(tmp_path: Path) -> None:
    # Modules that record their bound constructor arguments (``_init_args``) are
    # rebuilt from exactly those; generators and init functions are left out.
    layer = nn.Linear(3, 2, bias=False)
    layer._init_args = {"in_features": 3, "out_features": 2, "bias": False, "rng": None}
    seq = nn.Sequential(layer, nn.Tanh())
    seq._init_args = {"modules": (layer, seq[1])}
    mlp = nn.MLP([3, 4, 2], activation=nn.Sigmoid, init=lambda w: None)
    mlp._init_args = {"sizes": [3, 4, 2], "activation": nn.Sigmoid, "init": print}
    for model in (seq, mlp):
        nn.save(model, tmp_path / "m.npz")
        again = nn.load(tmp_path / "m.npz")
        assert repr(again) == repr(model)
        x = np.ones((2, 3), np.float32)
        np.testing.assert_array_equal(again(x).data, model(x).data)


@pytest.mark.parametrize("suffix", [".safetensors", ".npz"])
def test_zero_dimensional_tensors_keep_their_shape(tmp_path: Path, suffix: str) -> None:
    # e.g. BatchNorm's num_batches_tracked
    state = {"w": np.ones((2, 2), np.float32), "steps": np.array(7, np.int64)}
    nn.save(state, tmp_path / f"s{suffix}")
    again = nn.load(tmp_path / f"s{suffix}")
    assert again["steps"].shape == () and int(again["steps"]) == 7
