"""Grad mode is per thread and its managers are re-entrant (issue 9, items 1-2).

Threads interleave deterministically: each waits on an Event the other sets at
the exact point under test, never on a sleep."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import autograd_mlp as ag
from autograd_mlp import op as op_module


def run_in_thread(fn):
    """Run ``fn`` in a new thread; return its result or re-raise its exception."""
    box: dict = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            box["error"] = exc

    t = threading.Thread(target=target)
    t.start()
    return t, box


def finish(t, box, timeout=30):
    t.join(timeout)
    assert not t.is_alive(), "thread did not finish"
    if "error" in box:
        raise box["error"]
    return box.get("value")


def test_no_grad_in_one_thread_does_not_stop_another_recording() -> None:
    inside, recorded = threading.Event(), threading.Event()

    def other():
        with ag.no_grad():
            inside.set()
            assert recorded.wait(30)
            return ag.is_grad_enabled()

    t, box = run_in_thread(other)
    assert inside.wait(30)
    v = ag.tensor(2.0, requires_grad=True, dtype=np.float64)
    y = 3 * v + v * v  # recorded while the other thread is inside no_grad
    recorded.set()
    assert finish(t, box) is False
    y.backward()
    assert v.grad.item() == 7.0  # 3 + 2v


def test_backward_in_one_thread_does_not_stop_another_recording() -> None:
    # Thread A is inside backward() (a hook holds it there) while thread B records.
    in_backward, b_done = threading.Event(), threading.Event()
    a = ag.tensor(1.0, requires_grad=True, dtype=np.float64)

    def hold(g):
        in_backward.set()
        assert b_done.wait(30)
        return None

    a.register_hook(hold)

    def thread_a():
        (a * 2).backward()
        return a.grad.item()

    t, box = run_in_thread(thread_a)
    assert in_backward.wait(30)
    v = ag.tensor(2.0, requires_grad=True, dtype=np.float64)
    y = 3 * v + v * v
    enabled_here = ag.is_grad_enabled()
    b_done.set()
    assert finish(t, box) == 2.0
    assert enabled_here
    y.backward()
    assert v.grad.item() == 7.0


def test_two_threads_train_at_once() -> None:
    barrier = threading.Barrier(2)

    def train(seed):
        rng = np.random.default_rng(seed)
        w = ag.tensor(rng.normal(size=(3,)), requires_grad=True, dtype=np.float64)
        x = rng.normal(size=(5, 3))
        for step in range(20):
            if step % 5 == 0:
                barrier.wait(30)  # make the two loops overlap
            loss = ((ag.tensor(x, dtype=np.float64) @ w) ** 2).mean()
            w.grad = None
            loss.backward()
            with ag.no_grad():
                w -= 0.1 * w.grad
        return True

    t, box = run_in_thread(lambda: train(1))
    assert train(2)
    assert finish(t, box)


def test_scope_is_per_thread() -> None:
    pushed, checked = threading.Event(), threading.Event()

    def other():
        op_module.push_scope("other.layer")
        pushed.set()
        assert checked.wait(30)
        op_module.pop_scope()

    t, box = run_in_thread(other)
    assert pushed.wait(30)
    y = ag.tensor([1.0], requires_grad=True) * 2
    checked.set()
    finish(t, box)
    assert y.grad_fn.scope is None


def test_no_grad_decorator_on_recursive_function_restores_mode() -> None:
    @ag.no_grad()
    def depth(n):
        assert not ag.is_grad_enabled()
        return 0 if n == 0 else 1 + depth(n - 1)

    assert depth(3) == 3
    assert ag.is_grad_enabled()
    x = ag.tensor(1.0, requires_grad=True)
    assert (x * 2).grad_fn is not None


def test_one_no_grad_object_entered_twice() -> None:
    ctx = ag.no_grad()
    with ctx:
        with ctx:
            assert not ag.is_grad_enabled()
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()


def test_enable_grad_decorator_inside_no_grad() -> None:
    @ag.enable_grad()
    def f(x):
        return x * 2

    x = ag.tensor(1.0, requires_grad=True)
    with ag.no_grad():
        assert f(x).grad_fn is not None
        assert not ag.is_grad_enabled()


@pytest.mark.parametrize("flag", [True, False])
def test_set_grad_enabled_call_context_and_decorator(flag) -> None:
    x = ag.tensor(1.0, requires_grad=True)
    with ag.set_grad_enabled(flag):
        assert ag.is_grad_enabled() is flag
        assert ((x * 2).grad_fn is not None) is flag
    assert ag.is_grad_enabled()

    @ag.set_grad_enabled(flag)
    def f():
        return ag.is_grad_enabled()

    assert ag.is_grad_enabled()  # decorating changed nothing
    assert f() is flag and ag.is_grad_enabled()

    ag.set_grad_enabled(False)  # a plain call sets the mode
    try:
        assert not ag.is_grad_enabled()
    finally:
        ag.set_grad_enabled(True)
    assert ag.is_grad_enabled()


def test_no_grad_decorator_used_from_two_threads() -> None:
    entered, release = threading.Event(), threading.Event()

    @ag.no_grad()
    def wait_inside(first):
        if first:
            entered.set()
            assert release.wait(30)
        return ag.is_grad_enabled()

    t, box = run_in_thread(lambda: wait_inside(True))
    assert entered.wait(30)
    assert wait_inside(False) is False
    assert ag.is_grad_enabled()  # this thread's exit did not take the other's state
    release.set()
    assert finish(t, box) is False
    assert ag.is_grad_enabled()


def test_new_thread_starts_with_grad_enabled() -> None:
    with ag.no_grad():
        t, box = run_in_thread(ag.is_grad_enabled)
        assert finish(t, box) is True
