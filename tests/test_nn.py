"""Tests for autograd_mlp.nn: Module bookkeeping, layers, MLP, init."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_mlp as ag
from autograd_mlp import nn, op
from autograd_mlp.errors import ShapeError


class Affine(nn.Module):
    def __init__(self, n: int = 3) -> None:
        super().__init__()
        self.scale = nn.Parameter(np.full(n, 2.0))
        self.shift = nn.Parameter(np.zeros(n))

    def forward(self, x):
        return x * self.scale + self.shift


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.first = nn.Linear(2, 3)
        self.act = nn.Tanh()
        self.head = Affine(3)

    def forward(self, x):
        return self.head(self.act(self.first(x)))


# --------------------------------------------------------------------------- Parameter
def test_parameter_is_a_float32_leaf_requiring_grad():
    p = nn.Parameter([1, 2])
    assert isinstance(p, ag.Tensor)
    assert p.requires_grad and p.is_leaf and p.dtype == np.float32
    assert repr(p).startswith("Parameter containing:\ntensor([1., 2.]")


# --------------------------------------------------------------------------- registration
def test_parameters_and_modules_register_in_assignment_order():
    net = Net()
    names = [name for name, _ in net.named_parameters()]
    assert names == ["first.weight", "first.bias", "head.scale", "head.shift"]
    assert [name for name, _ in net.named_children()] == ["first", "act", "head"]
    assert [name for name, _ in net.named_modules()] == ["", "first", "act", "head"]
    assert len(list(net.parameters())) == 4
    assert [type(m).__name__ for m in net.children()] == ["Linear", "Tanh", "Affine"]


def test_shared_parameter_listed_once():
    net = Net()
    net.head.shift = net.head.scale
    assert [name for name, _ in net.named_parameters()] == [
        "first.weight",
        "first.bias",
        "head.scale",
    ]


def test_reassigning_and_deleting_update_the_registry():
    m = Affine()
    m.shift = nn.Parameter([5.0, 5.0, 5.0])
    assert m.shift.data.tolist() == [5.0, 5.0, 5.0]
    assert [n for n, _ in m.named_parameters()] == ["scale", "shift"]
    del m.scale
    assert [n for n, _ in m.named_parameters()] == ["shift"]
    m.extra = 3  # plain attributes are not registered
    assert [n for n, _ in m.named_parameters()] == ["shift"]


def test_assigning_a_plain_tensor_to_a_parameter_slot_is_an_error():
    m = Affine()
    with pytest.raises(TypeError, match=r"Affine: cannot assign Tensor to parameter 'scale'"):
        m.scale = ag.tensor([1.0, 2.0, 3.0])


def test_forgetting_super_init_is_a_clear_error():
    class Broken(nn.Module):
        def __init__(self):
            self.w = nn.Parameter([1.0])

    with pytest.raises(AttributeError, match=r"Broken: Module.__init__\(\) was not called"):
        Broken()


def test_zero_grad_sets_grads_to_none():
    net = Net()
    net(np.ones((4, 2), np.float32)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_train_and_eval_set_the_flag_recursively():
    net = Net()
    assert net.training and net.head.training
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_forward_must_be_defined():
    with pytest.raises(NotImplementedError, match="Module does not define forward"):
        nn.Module()(1)


# --------------------------------------------------------------------------- scopes
def _scopes(out: ag.Tensor) -> dict[str, str | None]:
    """Op name -> scope for every node behind ``out``."""
    found = {}
    for t in ag.engine.toposort([out]):
        if t.grad_fn is not None:
            found.setdefault(t.grad_fn.name, set()).add(t.grad_fn.scope)
    return found


def test_call_records_qualified_module_names_on_nodes():
    net = nn.MLP([2, 3, 2])
    out = net(ag.tensor(np.ones((1, 2))))
    assert _scopes(out) == {"linear": {"layers.0", "layers.2"}, "relu": {"layers.1"}}
    assert op._scope == []


def test_names_follow_when_a_built_module_is_nested_later():
    inner = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid())
    outer = nn.Sequential(nn.Linear(2, 2), inner)
    root = Net()
    root.body = outer
    assert inner[1]._name == "body.1.1"
    out = inner(ag.tensor(np.ones((1, 2))))
    assert _scopes(out) == {"linear": {"body.1.0"}, "sigmoid": {"body.1.1"}}


def test_a_slice_of_a_sequential_keeps_the_original_names():
    net = nn.MLP([2, 3, 3, 2])
    head = net.layers[2:]
    assert len(head) == 3 and head[0] is net.layers[2]
    assert head[0]._name == "layers.2"


def test_scope_is_popped_when_forward_raises():
    layer = nn.Linear(3, 2)
    with pytest.raises(ShapeError):
        layer(np.ones((1, 4)))
    assert op._scope == []


# --------------------------------------------------------------------------- state dict
def test_state_dict_is_an_ordered_copy():
    net = Net()
    sd = net.state_dict()
    assert list(sd) == ["first.weight", "first.bias", "head.scale", "head.shift"]
    sd["head.scale"][:] = 99
    assert net.head.scale.data.tolist() == [2.0, 2.0, 2.0]


def test_load_state_dict_round_trip_in_place():
    a, b = Net(), Net()
    weight = b.first.weight
    b.load_state_dict(a.state_dict())
    assert b.first.weight is weight  # in place: optimisers keep working
    for (na, pa), (nb, pb) in zip(a.named_parameters(), b.named_parameters()):
        assert na == nb and np.array_equal(pa.data, pb.data)
    x = np.ones((2, 2), np.float32)
    np.testing.assert_array_equal(a(x).data, b(x).data)


def test_load_state_dict_mismatch_names_every_bad_key():
    net = Net()
    sd = net.state_dict()
    del sd["first.bias"]
    sd["head.bogus"] = np.zeros(3)
    sd["first.weight"] = np.zeros((4, 2))
    before = net.head.scale.data.copy()
    sd["head.scale"] = np.full(3, 7.0)
    with pytest.raises(nn.StateDictError) as info:
        net.load_state_dict(sd)
    message = str(info.value)
    assert "missing keys: ['first.bias']" in message
    assert "unexpected keys: ['head.bogus']" in message
    assert "first.weight: checkpoint (4, 2) vs model (3, 2)" in message
    np.testing.assert_array_equal(net.head.scale.data, before)  # nothing half-loaded


def test_load_state_dict_non_strict_reports_keys():
    net = Net()
    sd = net.state_dict()
    del sd["first.bias"]
    sd["extra"] = np.zeros(1)
    sd["head.scale"] = np.full(3, 7.0)
    result = net.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["first.bias"] and result.unexpected_keys == ["extra"]
    assert net.head.scale.data.tolist() == [7.0, 7.0, 7.0]
    sd["first.weight"] = np.zeros((1, 1))
    with pytest.raises(nn.StateDictError, match=r"first.weight: checkpoint \(1, 1\)"):
        net.load_state_dict(sd, strict=False)


# --------------------------------------------------------------------------- repr
def test_repr_like_pytorch():
    assert repr(Net()) == (
        "Net(\n"
        "  (first): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (act): Tanh()\n"
        "  (head): Affine()\n"
        ")"
    )
    assert repr(nn.Softmax(axis=0)) == "Softmax(axis=0)"
    assert repr(nn.Sequential(nn.Sequential(nn.ReLU()))) == (
        "Sequential(\n  (0): Sequential(\n    (0): ReLU()\n  )\n)"
    )


# --------------------------------------------------------------------------- Linear
def test_linear_forward_matches_numpy():
    layer = nn.Linear(4, 3)
    x = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    expected = x @ layer.weight.data.T + layer.bias.data
    np.testing.assert_allclose(layer(x).data, expected, rtol=1e-6)
    no_bias = nn.Linear(4, 3, bias=False)
    assert no_bias.bias is None and [n for n, _ in no_bias.named_parameters()] == ["weight"]
    np.testing.assert_allclose(no_bias(x).data, x @ no_bias.weight.data.T, rtol=1e-6)


def test_linear_backward_gives_parameter_gradients():
    layer = nn.Linear(4, 3)
    x = np.ones((5, 4), np.float32)
    layer(x).sum().backward()
    np.testing.assert_allclose(layer.weight.grad.data, np.full((3, 4), 5.0))
    np.testing.assert_allclose(layer.bias.grad.data, np.full(3, 5.0))


def test_linear_default_init_is_pytorch_uniform():
    layer = nn.Linear(400, 300, rng=np.random.default_rng(0))
    bound = 1 / math.sqrt(400)
    for p in (layer.weight.data, layer.bias.data):
        assert p.dtype == np.float32
        assert np.abs(p).max() <= bound
        assert np.abs(p).max() > 0.95 * bound  # uses the whole range
    # Variance of U(-b, b) is b²/3.
    assert layer.weight.data.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)


def test_init_is_reproducible_with_manual_seed_or_rng():
    nn.init.manual_seed(7)
    a = nn.MLP([3, 5, 2]).state_dict()
    nn.init.manual_seed(7)
    b = nn.MLP([3, 5, 2]).state_dict()
    c = nn.MLP([3, 5, 2]).state_dict()
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not all(np.array_equal(a[k], c[k]) for k in a)
    d = nn.Linear(3, 2, rng=np.random.default_rng(1)).weight.data
    e = nn.Linear(3, 2, rng=np.random.default_rng(1)).weight.data
    np.testing.assert_array_equal(d, e)


def test_linear_input_errors_name_the_layer():
    net = nn.MLP([4, 3, 2])
    with pytest.raises(ShapeError, match=r"layer 'layers.0' \(in_features=4, .*\(5, 3\)"):
        net(np.ones((5, 3)))
    with pytest.raises(ValueError, match=r"Linear: in_features must be a positive integer"):
        nn.Linear(0, 3)
    with pytest.raises(ValueError, match=r"Linear: out_features must be a positive integer"):
        nn.Linear(3, 2.5)


# --------------------------------------------------------------------------- activations
@pytest.mark.parametrize(
    ("module", "ref"),
    [
        (nn.ReLU(), lambda x: np.maximum(x, 0)),
        (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
        (nn.Tanh(), np.tanh),
        (nn.Softmax(), lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True)),
        (nn.Softmax(axis=0), lambda x: np.exp(x) / np.exp(x).sum(0, keepdims=True)),
        (nn.LogSoftmax(), lambda x: x - np.log(np.exp(x).sum(-1, keepdims=True))),
    ],
)
def test_activation_modules(module, ref):
    x = np.random.default_rng(3).normal(size=(3, 4))
    np.testing.assert_allclose(module(x).data, ref(x), rtol=1e-5, atol=1e-6)


# --------------------------------------------------------------------------- Sequential
def test_sequential_indexing_and_errors():
    a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    seq = nn.Sequential(a, b, c)
    assert len(seq) == 3 and seq[0] is a and seq[-1] is c and list(seq) == [a, b, c]
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    x = np.ones((2, 2), np.float32)
    np.testing.assert_array_equal(seq(x).data, c(b(a(x))).data)
    with pytest.raises(IndexError, match=r"Sequential: index 3 out of range for 3 modules"):
        seq[3]
    with pytest.raises(TypeError, match=r"Sequential: argument 1 must be a Module, got function"):
        nn.Sequential(a, lambda x: x)


# --------------------------------------------------------------------------- MLP
def test_mlp_layers_names_and_logits():
    net = nn.MLP([4, 8, 6, 3], activation="sigmoid")
    kinds = [type(m).__name__ for m in net.layers]
    assert kinds == ["Linear", "Sigmoid", "Linear", "Sigmoid", "Linear"]
    assert [n for n, _ in net.named_parameters()] == [
        "layers.0.weight", "layers.0.bias",
        "layers.2.weight", "layers.2.bias",
        "layers.4.weight", "layers.4.bias",
    ]  # fmt: skip
    x = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    h = x
    for i, lin in enumerate(net.layers[0::2]):
        h = h @ lin.weight.data.T + lin.bias.data
        if i < 2:
            h = 1 / (1 + np.exp(-h))
    np.testing.assert_allclose(net(x).data, h, rtol=1e-5, atol=1e-6)  # no final activation


def test_mlp_activation_class_and_errors():
    net = nn.MLP([2, 3, 3, 1], activation=nn.Tanh)
    tanhs = [m for m in net.layers if isinstance(m, nn.Tanh)]
    assert len(tanhs) == 2 and tanhs[0] is not tanhs[1]
    with pytest.raises(ValueError, match=r"MLP: activation must be one of .*'gelu'.*'swish'"):
        nn.MLP([2, 2], activation="swish")
    with pytest.raises(ValueError, match=r"MLP: sizes must be a list of at least two"):
        nn.MLP([2])
    with pytest.raises(ValueError, match=r"MLP: sizes\[1\] must be a positive integer, got 0"):
        nn.MLP([2, 0, 1])
    with pytest.raises(ValueError, match=r"MLP: init must be one of"):
        nn.MLP([2, 2], init="orthogonal")


def test_mlp_named_init_zeroes_biases_and_uses_the_activation_gain():
    rng = np.random.default_rng(0)
    net = nn.MLP([500, 400, 300], activation="tanh", init="kaiming_normal", rng=rng)
    first = net.layers[0]
    assert not first.bias.data.any()
    assert first.weight.data.std() == pytest.approx((5 / 3) / math.sqrt(500), rel=0.02)
    net = nn.MLP([500, 300], init="xavier_uniform", rng=rng)
    assert np.abs(net.layers[0].weight.data).max() <= math.sqrt(6 / 800)
    seen = []
    nn.MLP([3, 2, 2], init=lambda w: seen.append(w.shape))
    assert seen == [(2, 3), (2, 2)]


# --------------------------------------------------------------------------- nn.init
def _t(*shape):
    return ag.Tensor(np.zeros(shape, np.float32))


def test_init_functions_fill_in_place_and_return_the_tensor():
    rng = np.random.default_rng(0)
    for fn in (
        nn.init.xavier_uniform_,
        nn.init.xavier_normal_,
        nn.init.kaiming_uniform_,
        nn.init.kaiming_normal_,
    ):
        t = _t(30, 20)
        data = t.data
        assert fn(t, rng=rng) is t and t.data is data and t.data.any()
    t = nn.Parameter(np.ones((2, 2)))
    assert nn.init.zeros_(t) is t and not t.data.any()


@pytest.mark.parametrize(
    ("fn", "kwargs", "stat", "expected"),
    [
        (nn.init.xavier_uniform_, {}, "max", math.sqrt(6 / (600 + 400))),
        (nn.init.xavier_uniform_, {"gain": 2.0}, "max", 2 * math.sqrt(6 / 1000)),
        (nn.init.xavier_normal_, {}, "std", math.sqrt(2 / 1000)),
        (nn.init.kaiming_uniform_, {}, "max", math.sqrt(2) * math.sqrt(3 / 400)),
        (nn.init.kaiming_normal_, {}, "std", math.sqrt(2 / 400)),
        (nn.init.kaiming_normal_, {"mode": "fan_out"}, "std", math.sqrt(2 / 600)),
        (nn.init.kaiming_normal_, {"nonlinearity": "tanh"}, "std", (5 / 3) / math.sqrt(400)),
        (
            nn.init.kaiming_uniform_,
            {"a": math.sqrt(5), "nonlinearity": "leaky_relu"},
            "max",
            1 / math.sqrt(400),
        ),
    ],
)
def test_init_scales(fn, kwargs, stat, expected):
    t = fn(_t(600, 400), rng=np.random.default_rng(0), **kwargs)
    if stat == "max":
        assert np.abs(t.data).max() <= expected * (1 + 1e-6)
        assert np.abs(t.data).max() > 0.99 * expected
    else:
        assert t.data.std() == pytest.approx(expected, rel=0.01)


def test_init_errors():
    with pytest.raises(
        ValueError, match=r"xavier_uniform_: .*at least 2 dimensions, got shape \(5,\)"
    ):
        nn.init.xavier_uniform_(_t(5))
    with pytest.raises(ValueError, match=r"kaiming_normal_: mode must be"):
        nn.init.kaiming_normal_(_t(2, 2), mode="fan_avg")
    with pytest.raises(ValueError, match=r"calculate_gain: unknown nonlinearity 'swish'"):
        nn.init.calculate_gain("swish")


def test_calculate_gain_values_match_pytorch():
    assert nn.init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert nn.init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert nn.init.calculate_gain("sigmoid") == 1.0
    assert nn.init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
