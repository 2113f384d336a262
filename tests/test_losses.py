"""Losses of autograd_mlp.functional against PyTorch (float64): values, gradients
and reductions for every option, K-dim inputs, and the target defects of issue 9
(byte order, out-of-range indices, integer (N, C) targets)."""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
import pytest
from conftest import optional
from hypothesis import given
from hypothesis.extra import numpy as hnp

import autograd_mlp as ag
import autograd_mlp.functional as F
from autograd_mlp.errors import OpError
from autograd_mlp.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(2024)
REDUCTIONS = ["mean", "sum", "none"]
PROBS_4 = RNG.dirichlet(np.ones(4))
_HUGE = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5.0]])


def t64(x, requires_grad=True):
    return ag.tensor(x, requires_grad=requires_grad, dtype=np.float64)


def _torch():
    return optional("torch", "torch")


def _compare(ours, theirs, arrays, grads=(0,), rtol=1e-10, atol=1e-12):
    """Run ``ours`` on Tensors and ``theirs`` on torch tensors built from the same
    float64 ``arrays``; compare the values and the gradients of inputs ``grads``."""
    torch = _torch()
    mine = [t64(a, requires_grad=i in grads) for i, a in enumerate(arrays)]
    ref = [
        torch.tensor(a, dtype=torch.float64, requires_grad=i in grads) for i, a in enumerate(arrays)
    ]
    out, expected = ours(*mine), theirs(*ref)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=rtol, atol=atol)
    assert out.shape == tuple(expected.shape)
    seed = RNG.normal(size=out.shape)
    out.backward(seed)
    expected.backward(torch.tensor(seed))
    for i in grads:
        np.testing.assert_allclose(
            mine[i].grad.data,
            ref[i].grad.numpy(),
            rtol=rtol,
            atol=atol,
            err_msg=f"gradient of input {i}",
        )


# --------------------------------------------------------------------------- issue 9 defects
@pytest.mark.parametrize("fn", [F.cross_entropy, F.nll_loss])
def test_big_endian_class_targets_work(fn):
    x = RNG.normal(size=(3, 5))
    native = np.array([0, 4, 2])
    expected = fn(x, native).item()
    for dtype in (">i2", ">i8", ">u4", "<i4"):
        assert fn(x, native.astype(dtype)).item() == pytest.approx(expected, rel=1e-12), dtype


@pytest.mark.parametrize("fn", [F.cross_entropy, F.nll_loss])
@pytest.mark.parametrize("bad", [-256, 256, 300, -1, -3])
def test_out_of_range_class_index_is_an_error_in_any_byte_order(fn, bad):
    x = RNG.normal(size=(3, 300))
    for dtype in (">i2", "<i2", "i8"):
        target = np.array([0, 1, bad], dtype=dtype)
        if bad == 300 or bad < 0:
            with pytest.raises(
                OpError, match=rf"{fn.__name__}: target\[2\] = {bad} is out of range"
            ):
                fn(x, target)
        else:  # 256 is a valid class of 300
            assert np.isfinite(fn(x, target).item())
    with pytest.raises(IndexError, match=rf"{fn.__name__}: target\[2\] = 300"):
        fn(x, np.array([0, 1, 300]))


def test_integer_class_targets_of_shape_n_c_are_an_error():
    x = RNG.normal(size=(3, 3))
    with pytest.raises(OpError, match=r"cross_entropy: .*integer.*\(3, 3\)"):
        F.cross_entropy(x, np.eye(3, dtype=np.int64))
    with pytest.raises(TypeError, match=r"cross_entropy"):
        F.cross_entropy(x, np.eye(3, dtype=np.int64))
    # floats of that shape are class probabilities
    assert np.isfinite(F.cross_entropy(x, np.eye(3)).item())


def test_out_of_range_in_k_dim_target_names_the_position():
    x = RNG.normal(size=(2, 3, 4))
    t = np.zeros((2, 4), dtype=np.int64)
    t[1, 2] = 3
    with pytest.raises(OpError, match=r"nll_loss: target\[1, 2\] = 3 is out of range.*0\.\.2"):
        F.nll_loss(x, t)


# ------------------------------------------------------------------ cross_entropy / nll vs torch
SHAPES = [(5, 4), (2, 3, 4, 2)]  # (N, C) and K-dim (N, C, d1, d2)


def _class_target(shape, ignore=False):
    n, c, rest = shape[0], shape[1], shape[2:]
    t = RNG.integers(0, c, size=(n, *rest))
    if ignore:
        t.flat[::3] = -100 if ignore is True else ignore
    return t


@pytest.mark.parametrize("shape", SHAPES, ids=["NC", "NCd1d2"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True], ids=["", "weight"])
@pytest.mark.parametrize("ignore", [False, True], ids=["", "ignore"])
@pytest.mark.parametrize("smoothing", [0.0, 0.2], ids=["", "smooth"])
def test_cross_entropy_class_indices_match_torch(shape, reduction, weighted, ignore, smoothing):
    torch = _torch()
    target = _class_target(shape, ignore)
    w = RNG.uniform(0.5, 2.0, size=shape[1]) if weighted else None
    tw = None if w is None else torch.tensor(w)
    _compare(
        lambda x: F.cross_entropy(
            x, target, reduction=reduction, weight=w, label_smoothing=smoothing
        ),
        lambda x: torch.nn.functional.cross_entropy(
            x, torch.tensor(target), reduction=reduction, weight=tw, label_smoothing=smoothing
        ),
        [RNG.normal(size=shape)],
    )


@pytest.mark.parametrize("shape", SHAPES, ids=["NC", "NCd1d2"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True], ids=["", "weight"])
@pytest.mark.parametrize("smoothing", [0.0, 0.3], ids=["", "smooth"])
def test_cross_entropy_probabilities_match_torch_with_target_gradient(
    shape, reduction, weighted, smoothing
):
    torch = _torch()
    w = RNG.uniform(0.5, 2.0, size=shape[1]) if weighted else None
    tw = None if w is None else torch.tensor(w)
    probs = RNG.dirichlet(np.ones(shape[1]), size=(shape[0], *shape[2:]))
    probs = np.moveaxis(probs, -1, 1)
    _compare(
        lambda x, p: F.cross_entropy(
            x, p, reduction=reduction, weight=w, label_smoothing=smoothing
        ),
        lambda x, p: torch.nn.functional.cross_entropy(
            x, p, reduction=reduction, weight=tw, label_smoothing=smoothing
        ),
        [RNG.normal(size=shape), probs],
        grads=(0, 1),
    )


@pytest.mark.parametrize("shape", SHAPES, ids=["NC", "NCd1d2"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True], ids=["", "weight"])
@pytest.mark.parametrize("ignore", [False, True, 2], ids=["", "ignore", "ignore2"])
def test_nll_loss_matches_torch(shape, reduction, weighted, ignore):
    torch = _torch()
    target = _class_target(shape, ignore)
    ignore_index = 2 if ignore == 2 else -100
    w = RNG.uniform(0.5, 2.0, size=shape[1]) if weighted else None
    tw = None if w is None else torch.tensor(w)
    _compare(
        lambda x: F.nll_loss(x, target, reduction=reduction, weight=w, ignore_index=ignore_index),
        lambda x: torch.nn.functional.nll_loss(
            x, torch.tensor(target), reduction=reduction, weight=tw, ignore_index=ignore_index
        ),
        [RNG.normal(size=shape)],
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_fused_cross_entropy_with_ignore_index_matches_torch(reduction):
    torch = _torch()
    target = np.array([0, -100, 3, 1, -100])
    _compare(
        lambda x: F.cross_entropy(x, target, reduction=reduction),
        lambda x: torch.nn.functional.cross_entropy(x, torch.tensor(target), reduction=reduction),
        [RNG.normal(size=(5, 4))],
    )


def test_fused_cross_entropy_ignoring_a_real_class_equals_the_composite_path():
    x = RNG.normal(size=(5, 4))
    t = np.array([0, 2, 3, 1, 2])
    fused = F.cross_entropy(x, t, ignore_index=2).item()
    composite = F.cross_entropy(x, t, ignore_index=2, weight=np.ones(4)).item()
    assert fused == pytest.approx(composite, rel=1e-6)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_everything_ignored_mean_is_nan_with_zero_gradient_as_torch():
    t = np.array([-100, -100])
    for fn, kwargs in [
        (F.cross_entropy, {}),
        (F.cross_entropy, {"weight": np.ones(3)}),
        (F.nll_loss, {}),
    ]:
        x = t64(RNG.normal(size=(2, 3)))
        loss = fn(x, t, **kwargs)
        assert np.isnan(loss.item())
        loss.backward()
        np.testing.assert_array_equal(x.grad.data, np.zeros((2, 3)))  # torch's gradient
    assert F.cross_entropy(np.zeros((2, 3)), t, reduction="sum").item() == 0.0


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    ("name", "target"),
    [("cross_entropy", np.array(2)), ("nll_loss", np.array(1)), ("cross_entropy", PROBS_4)],
    ids=["ce-index", "nll-index", "ce-probs"],
)
def test_unbatched_inputs_match_torch(name, target, reduction):
    torch = _torch()
    _compare(
        lambda a: getattr(F, name)(a, target, reduction=reduction),
        lambda a: getattr(torch.nn.functional, name)(a, torch.tensor(target), reduction=reduction),
        [RNG.normal(size=4)],
    )


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize(
    ("logits", "target"),
    [(_HUGE, np.array([1, 0])), (np.stack([_HUGE, _HUGE[::-1]], -1), np.array([[1, 0], [2, 1]]))],
    ids=["NC", "NCd"],
)
def test_cross_entropy_stable_at_huge_logits_every_path(logits, target, smoothing):
    torch = _torch()
    w = np.array([1.0, 2.0, 0.5])
    _compare(
        lambda a: F.cross_entropy(a, target, weight=w, label_smoothing=smoothing),
        lambda a: torch.nn.functional.cross_entropy(
            a, torch.tensor(target), weight=torch.tensor(w), label_smoothing=smoothing
        ),
        [logits],
        rtol=1e-9,
        atol=1e-9,
    )


def test_cross_entropy_and_nll_higher_order():
    x = t64(RNG.normal(size=(3, 4, 2)))
    t = np.array([[0, 1], [3, -100], [2, 2]])
    w = [1.0, 2.0, 0.5, 1.5]
    assert gradcheck(lambda a: F.cross_entropy(a, t, weight=w, label_smoothing=0.1), [x])
    assert gradgradcheck(lambda a: F.cross_entropy(a, t, weight=w, label_smoothing=0.1), [x])
    flat = t64(RNG.normal(size=(4, 3)))
    assert gradgradcheck(lambda a: F.cross_entropy(a, np.array([0, -100, 2, 1])), [flat])


# ------------------------------------------------------------------ elementwise losses vs torch
def _probs(shape):
    return RNG.uniform(0.05, 0.95, size=shape)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", [None, RNG.uniform(0.5, 2, size=(4,))], ids=["", "weight"])
def test_binary_cross_entropy_matches_torch(weight, reduction):
    torch = _torch()
    tw = None if weight is None else torch.tensor(weight)
    _compare(
        lambda p, t: F.binary_cross_entropy(p, t, weight=weight, reduction=reduction),
        lambda p, t: torch.nn.functional.binary_cross_entropy(p, t, weight=tw, reduction=reduction),
        [_probs((3, 4)), _probs((3, 4))],
        grads=(0, 1),
    )


def test_binary_cross_entropy_clamps_log_at_minus_100_as_torch():
    torch = _torch()
    p = np.array([0.0, 0.0, 1.0, 1.0, 1e-50])
    t = np.array([0.0, 1.0, 0.0, 1.0, 1.0])
    ours = F.binary_cross_entropy(t64(p), t, reduction="none")
    theirs = torch.nn.functional.binary_cross_entropy(
        torch.tensor(p), torch.tensor(t), reduction="none"
    )
    np.testing.assert_array_equal(ours.data, theirs.numpy())
    ours.sum().backward()
    assert np.isfinite(ours.data).all()


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", [None, RNG.uniform(0.5, 2, size=(3, 4))], ids=["", "w"])
@pytest.mark.parametrize("pos_weight", [None, RNG.uniform(0.5, 3, size=(4,))], ids=["", "pw"])
def test_bce_with_logits_weight_and_pos_weight_match_torch(weight, pos_weight, reduction):
    torch = _torch()
    tw = None if weight is None else torch.tensor(weight)
    tpw = None if pos_weight is None else torch.tensor(pos_weight)
    _compare(
        lambda x, t: F.binary_cross_entropy_with_logits(
            x, t, reduction=reduction, weight=weight, pos_weight=pos_weight
        ),
        lambda x, t: torch.nn.functional.binary_cross_entropy_with_logits(
            x, t, reduction=reduction, weight=tw, pos_weight=tpw
        ),
        [RNG.normal(size=(3, 4)) * 3, _probs((3, 4))],
        grads=(0, 1),
    )


def test_bce_with_logits_pos_weight_stable_at_huge_logits():
    torch = _torch()
    _compare(
        lambda x: F.binary_cross_entropy_with_logits(x, [1.0, 0.0, 1.0, 0.0], pos_weight=[2.0]),
        lambda x: torch.nn.functional.binary_cross_entropy_with_logits(
            x,
            torch.tensor([1.0, 0.0, 1.0, 0.0], dtype=torch.float64),
            pos_weight=torch.tensor([2.0], dtype=torch.float64),
        ),
        [np.array([1e4, -1e4, -1e4, 1e4])],
        rtol=1e-9,
        atol=1e-9,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    ("ours", "name", "kwargs"),
    [
        (F.mse_loss, "mse_loss", {}),
        (F.l1_loss, "l1_loss", {}),
        (F.smooth_l1_loss, "smooth_l1_loss", {"beta": 1.0}),
        (F.smooth_l1_loss, "smooth_l1_loss", {"beta": 0.3}),
        (F.smooth_l1_loss, "smooth_l1_loss", {"beta": 0.0}),
        (F.huber_loss, "huber_loss", {"delta": 1.0}),
        (F.huber_loss, "huber_loss", {"delta": 0.4}),
    ],
)
def test_regression_losses_match_torch(ours, name, kwargs, reduction):
    torch = _torch()
    theirs = getattr(torch.nn.functional, name)
    _compare(
        lambda x, t: ours(x, t, reduction=reduction, **kwargs),
        lambda x, t: theirs(x, t, reduction=reduction, **kwargs),
        [RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4))],
        grads=(0, 1),
    )


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides:UserWarning")
@pytest.mark.parametrize("reduction", REDUCTIONS + ["batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_matches_torch(reduction, log_target):
    torch = _torch()
    log_q = np.log(RNG.dirichlet(np.ones(4), size=3))
    p = RNG.dirichlet(np.ones(4), size=3)
    p[0, 1] = 0.0  # t log t = 0 at t = 0
    target = np.log(p + 1e-3) if log_target else p
    _compare(
        lambda x, t: F.kl_div(x, t, reduction=reduction, log_target=log_target),
        lambda x, t: torch.nn.functional.kl_div(x, t, reduction=reduction, log_target=log_target),
        [log_q, target],
        grads=(0,) if not log_target else (0, 1),
    )


def test_composite_losses_are_twice_differentiable():
    x, t = t64(RNG.normal(size=(2, 3))), t64(RNG.normal(size=(2, 3)))
    p = t64(_probs((2, 3)))
    for fn in (
        lambda a, b: F.huber_loss(a, b, delta=0.7),
        lambda a, b: F.smooth_l1_loss(a, b, beta=0.7),
        lambda a, b: F.binary_cross_entropy_with_logits(a, p, pos_weight=[1.0, 2.0, 3.0]),
        lambda a, b: F.binary_cross_entropy(p, F.sigmoid(a)),
    ):
        # Two of them ignore b: say so, or the check would refuse as vacuous.
        assert gradcheck(fn, [x, t], allow_unused=True)
        assert gradgradcheck(fn, [x, t], allow_unused=True)


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("fn", "args"),
    [
        (F.mse_loss, (np.zeros(3), np.zeros(3))),
        (F.l1_loss, (np.zeros(3), np.zeros(3))),
        (F.smooth_l1_loss, (np.zeros(3), np.zeros(3))),
        (F.huber_loss, (np.zeros(3), np.zeros(3))),
        (F.kl_div, (np.zeros(3), np.zeros(3))),
        (F.binary_cross_entropy, (np.zeros(3), np.zeros(3))),
        (F.cross_entropy, (np.zeros((2, 3)), np.zeros((2, 3)))),
        (F.cross_entropy, (np.zeros((2, 3)), np.array([0, 2]))),  # the fused op's check
        (F.cross_entropy, (np.zeros((2, 3, 2)), np.zeros((2, 2), dtype=int))),
        (F.nll_loss, (np.zeros((2, 3, 2)), np.zeros((2, 2), dtype=int))),
    ],
)
def test_unknown_reduction_is_a_clear_error(fn, args):
    with pytest.raises(ValueError, match=rf"{fn.__name__}: reduction must be one of .*'avg'"):
        fn(*args, reduction="avg")
    with pytest.raises(OpError):
        fn(*args, reduction="avg")


def test_bad_loss_arguments_are_clear_errors():
    x = np.zeros((2, 3))
    with pytest.raises(OpError, match=r"cross_entropy: weight must have shape \(3,\).*\(2,\)"):
        F.cross_entropy(x, [0, 1], weight=[1.0, 2.0])
    with pytest.raises(OpError, match=r"cross_entropy: label_smoothing must be in \[0, 1\]"):
        F.cross_entropy(x, [0, 1], label_smoothing=1.5)
    with pytest.raises(OpError, match=r"binary_cross_entropy: every element of input must be in"):
        F.binary_cross_entropy([1.5, 0.5], [1.0, 0.0])
    with pytest.raises(OpError, match=r"smooth_l1_loss: beta must be non-negative"):
        F.smooth_l1_loss([1.0], [0.0], beta=-1.0)
    with pytest.raises(OpError, match=r"huber_loss: delta must be positive"):
        F.huber_loss([1.0], [0.0], delta=0.0)
    with pytest.raises(OpError, match=r"nll_loss: target of shape \(2, 3\).*\(2, 4, 2\)"):
        F.nll_loss(np.zeros((2, 4, 2)), np.zeros((2, 3), dtype=int))
    with pytest.raises(OpError, match=r"cross_entropy: class-index targets must be integers"):
        F.cross_entropy(np.zeros((2, 4, 2)), np.zeros((2, 2)))
    with pytest.raises(OpError, match=r"kl_div: target of shape"):
        F.kl_div(np.zeros((2, 3)), np.zeros((2,)))


# --------------------------------------------------------------------------- one_hot
def test_one_hot_matches_torch_and_is_a_float_constant():
    torch = _torch()
    labels = np.array([[0, 3], [2, 2]])
    ours = F.one_hot(labels, 4)
    assert ours.dtype == np.float32 and not ours.requires_grad
    expected = torch.nn.functional.one_hot(torch.tensor(labels), 4).numpy()
    np.testing.assert_array_equal(ours.data, expected)
    np.testing.assert_array_equal(F.one_hot(labels).data, expected)  # inferred: max + 1
    np.testing.assert_array_equal(F.one_hot(labels.astype(">i2"), 4).data, expected)
    assert F.one_hot(ag.tensor(labels), 5, dtype=np.float64).shape == (2, 2, 5)


def test_one_hot_errors():
    with pytest.raises(IndexError, match=r"one_hot: labels\[1\] = 4 is out of range.*4"):
        F.one_hot(np.array([0, 4]), 4)
    with pytest.raises(OpError, match=r"one_hot: labels\[0\] = -1"):
        F.one_hot(np.array([-1, 0]), 4)
    with pytest.raises(TypeError, match=r"one_hot: labels must be integers, got dtype float64"):
        F.one_hot(np.array([0.0, 1.0]), 2)
    with pytest.raises(OpError, match=r"one_hot: cannot infer num_classes"):
        F.one_hot(np.zeros(0, dtype=int))


def test_smooth_l1_and_huber_take_beta_and_delta_third_as_api_md():
    x, t = [0.5, 3.0], [0.0, 0.0]
    assert F.smooth_l1_loss(x, t, 0.5, "sum").item() == pytest.approx(0.25 + 2.75)
    assert F.huber_loss(x, t, 2.0, "sum").item() == pytest.approx(0.125 + 4.0)
    with pytest.raises(TypeError, match=r"smooth_l1_loss: beta must be a number, got 'sum'"):
        F.smooth_l1_loss(x, t, "sum")
    with pytest.raises(TypeError, match=r"huber_loss: delta must be a number.*reduction='none'"):
        F.huber_loss(x, t, "none")


# ---------------------------------------------------------------- property: any shape and option
@st.composite
def _class_problems(draw):
    n, c = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    rest = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    logits = draw(hnp.arrays(np.float64, (n, c, *rest), elements=st.floats(-5, 5)))
    target = draw(hnp.arrays(np.int64, (n, *rest), elements=st.integers(0, c - 1)))
    if draw(st.booleans()):
        target = np.where(draw(hnp.arrays(bool, target.shape)), -100, target)
    weight = draw(st.none() | hnp.arrays(np.float64, (c,), elements=st.floats(0.1, 3)))
    options = {
        "reduction": draw(st.sampled_from(REDUCTIONS)),
        "label_smoothing": draw(st.sampled_from([0.0, 0.25])),
        "dtype": draw(st.sampled_from(["<i8", ">i4", "<i2"])),
    }
    return logits, target, weight, options


@given(_class_problems())
def test_cross_entropy_matches_torch_on_any_shape_and_options(problem):
    torch = _torch()
    logits, target, weight, options = problem
    reduction, smoothing = options["reduction"], options["label_smoothing"]
    tw = None if weight is None else torch.tensor(weight)
    _compare(
        lambda x: F.cross_entropy(
            x,
            target.astype(options["dtype"]),
            reduction=reduction,
            weight=weight,
            label_smoothing=smoothing,
        ),
        lambda x: torch.nn.functional.cross_entropy(
            x, torch.tensor(target), reduction=reduction, weight=tw, label_smoothing=smoothing
        ),
        [logits],
        rtol=1e-9,
        atol=1e-12,
    )
