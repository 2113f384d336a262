"""``ag.jit(step)``: trace one call of a training step, then replay it with less Python.

The first two calls of a jitted function run it eagerly while recording, per thread,
every op it applies (class, attributes, which values feed it), every backward
walk (in the engine's own order, so gradients are summed in the same order) and
every optimiser ``step()``/``zero_grad()``; the second recording must equal the
first (a value computed in Python from the arguments would show up as a changed
constant). Later calls with the same signature
replay that program directly on numpy arrays: each op's own ``forward`` and
``backward``, the engine's own fitting and ``.grad`` accumulation, the
optimiser's own update, so results are bit-identical to eager; what is skipped
is Tensor and node creation, ``Module.__call__``, the losses' argument checks,
the walk's sort and the bookkeeping checks.

A call retraces when the arguments' shapes, dtypes or ``requires_grad``, a
Python-number argument, the grad mode, or any tensor, module (parameters,
sub-modules, ``training``) or optimiser parameter list the trace read differs.
Python side effects inside the step (prints, counters, a scheduler's ``step``)
happen once, at trace time. What cannot be replayed exactly raises
:class:`TraceError` at trace time: call the function without ``jit`` instead.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from . import engine
from .errors import AutogradError
from .grad_mode import _local
from .nn.module import Module
from .optim.optimizer import Optimizer
from .random import default_generator
from .tensor import Tensor

_OP, _WALK, _CALL = 0, 1, 2
# Values are numbered: constants from 0, arguments ~i (negative), tensors read
# from outside the step from _EXT, op outputs from _OUT.
_EXT, _OUT = 1_000_000, 2_000_000
_READS = ("data", "numpy", "item", "tolist", "__float__", "__int__", "__bool__", "__array__")
_patch_lock = threading.Lock()


class TraceError(AutogradError):
    """``ag.jit`` cannot record this function so that a replay equals running it.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.jit import TraceError
    >>> @ag.jit
    ... def total(x):
    ...     return (x * 2).sum().item()  # a Python number: a replay could not redo it
    >>> try:
    ...     total(ag.tensor([1.0, 2.0], requires_grad=True))
    ... except TraceError as e:
    ...     print(isinstance(e, ag.AutogradError), ".item" in str(e))
    True True
    """


def _untraceable(why: str) -> TraceError:
    return TraceError(
        f"ag.jit cannot trace this step: {why}; call the function eagerly (without ag.jit) instead"
    )


def _module_key(m: Module) -> tuple[Any, ...]:
    """What a replay assumes of a module: its mode, parameters and sub-modules."""
    d = m.__dict__
    params, modules = d["_parameters"], d["_modules"]
    return (
        d["training"],
        tuple(map(id, params.values())) if params else (),
        tuple(map(id, modules.values())) if modules else (),
    )


class _Tracer:
    """What one traced call did, as a program over numbered values."""

    def __init__(self, args: tuple[Any, ...]) -> None:
        self.consts: list[Any] = []
        self.args = args
        self.exts: list[Tensor] = []
        self.slot: dict[int, int] = {}  # id(Tensor or arg array) -> value number
        self.keep: list[Any] = []  # keeps traced objects alive, so ids stay unique
        self.program: list[tuple[Any, ...]] = []
        self.n_ops = 0
        self.node_op: dict[int, int] = {}  # id(node) -> op number
        self.modules: dict[int, tuple[Module, Any]] = {}
        self.optimizers: dict[int, Optimizer] = {}
        self.bad_reads: list[str] = []
        self.start_seq = Tensor._make(np.zeros(0))._seq
        for i, a in enumerate(args):
            if isinstance(a, Tensor):
                self.slot[id(a)] = self.slot[id(a._data)] = ~i
            elif isinstance(a, np.ndarray):
                self.slot[id(a)] = ~i

    # ----------------------------------------------------------- values
    def _tensor(self, t: Tensor) -> int:
        known = self.slot.get(id(t))
        if known is not None:
            return known
        if t._node is not None:
            raise _untraceable(f"an input ({t._describe()}) has a graph built outside the step")
        if t._seq >= self.start_seq:
            raise _untraceable(
                f"the step creates {t._describe()} from data; pass it as an argument or create "
                "it outside the step"
            )
        self.exts.append(t)
        self.keep.append(t)
        self.slot[id(t)] = key = _EXT + len(self.exts) - 1
        return key

    def _source(self, x: Any, array: Any) -> tuple[int, Any]:
        """(value number, dtype to cast to or None) of one op input."""
        if isinstance(x, Tensor):
            return self._tensor(x), None
        known = self.slot.get(id(x)) if isinstance(x, np.ndarray) else None
        if known is not None:
            return known, (None if array is x else array.dtype)
        self.consts.append(array)
        return len(self.consts) - 1, None

    def record(
        self, cls: type, inputs: Any, arrays: Any, attrs: dict, needs: Any, result: Tensor
    ) -> None:
        """Called by ``op.apply`` for every op the step applies."""
        sources, casts = [], []
        for x, a in zip(inputs, arrays):
            s, c = self._source(x, a)
            sources.append(s)
            casts.append(c)
        from_args = tuple(
            (k, self.slot[id(v)])
            for k, v in attrs.items()
            if isinstance(v, np.ndarray) and id(v) in self.slot
        )
        j = self.n_ops
        self.n_ops += 1
        self.slot[id(result)] = _OUT + j
        self.keep.append(result)
        if result._node is not None:
            self.node_op[id(result._node)] = j
        cast = tuple(casts) if any(c is not None for c in casts) else None
        baked = {
            k: (None if any(k == name for name, _ in from_args) else v) for k, v in attrs.items()
        }
        self.program.append((_OP, cls, tuple(sources), cast, baked, from_args, tuple(needs)))

    def walk(self, root: Tensor, steps: list[engine.WalkStep]) -> None:
        def key(p: Any) -> int:
            if isinstance(p, Tensor):
                k = self._tensor(p)
                if k < _EXT:
                    raise _untraceable(
                        "backward reaches an argument of the step that requires grad"
                    )
                return k
            return _OUT + self.node_op[id(p)]

        plan: list[tuple[int, Any]] = []
        for s in steps:
            if s.node is None:
                plan.append((key(s.tensor), None))
                continue
            if s.node._hooks or s.node._retain is not None:
                raise _untraceable(
                    "a hook or retain_grad() is registered on a tensor the step computes"
                )
            j = self.node_op[id(s.node)]
            parents = tuple(
                key(p) if need else None for p, need in zip(s.node.parents, s.node.needs_input_grad)
            )
            plan.append((_OUT + j, parents))
        self.program.append((_WALK, self.slot[id(root)], tuple(plan)))

    def output(self, value: Any) -> Any:
        """A recipe to rebuild what the step returned from the replayed values."""
        if value is None:
            return None
        if isinstance(value, Tensor):
            k = self.slot.get(id(value), -1)
            if k < _OUT:
                raise _untraceable("it returns a tensor the step did not compute")
            return (k, value._requires_grad)
        if isinstance(value, (tuple, list)):
            return (type(value), [self.output(v) for v in value])
        raise _untraceable(f"it returns a {type(value).__name__}; return Tensors (or None) only")


class _Program:
    """A trace, checked against the world each time before it is replayed."""

    def __init__(self, tracer: _Tracer, result: Any) -> None:
        self.exts, self.program, self.consts = tracer.exts, tracer.program, tracer.consts
        self.base: dict[int, Any] = dict(enumerate(tracer.consts))
        self.recipe = tracer.output(result)
        self.ext_keys = [(t, t._data.shape, t._data.dtype, t._requires_grad) for t in self.exts]
        self.modules = list(tracer.modules.values())
        self.optimizers = [(o, _params_key(o)) for o in tracer.optimizers.values()]

    def still_valid(self) -> bool:
        for t, shape, dtype, rg in self.ext_keys:
            d = t._data
            if d.shape != shape or d.dtype is not dtype or t._requires_grad is not rg or t._node:
                return False
        for m, k in self.modules:
            if _module_key(m) != k:
                return False
        return all(_params_key(o) == k for o, k in self.optimizers)

    def replay(self, args: tuple[Any, ...]) -> Any:
        vals = self.base.copy()
        for i, a in enumerate(args):
            vals[~i] = a._data if isinstance(a, Tensor) else a
        for k, t in enumerate(self.exts):
            vals[_EXT + k] = t._data
        nodes: dict[int, Any] = {}
        j = 0
        for ins in self.program:
            kind = ins[0]
            if kind == _OP:
                _, cls, sources, cast, attrs, from_args, needs = ins
                arrays = [vals[s] for s in sources]
                if cast is not None:
                    arrays = [a if c is None else a.astype(c) for a, c in zip(arrays, cast)]
                if from_args:
                    attrs = dict(attrs)
                    for name, s in from_args:
                        attrs[name] = vals[s]
                node = cls()
                node.needs_input_grad = needs
                node.attrs = attrs
                out = node.forward(*arrays, **attrs)
                if type(out) is not np.ndarray:
                    out = np.asarray(out)
                vals[_OUT + j] = out
                nodes[_OUT + j] = (node, arrays)
                j += 1
            elif kind == _WALK:
                self._walk(ins[1], ins[2], vals, nodes)
            else:
                getattr(ins[1], ins[2])(*ins[3])
        return self._rebuild(self.recipe, vals)

    def _walk(self, root: int, plan: Any, vals: dict[int, Any], nodes: dict[int, Any]) -> None:
        out = vals[root]
        grads: dict[int, Any] = {root: np.ones(out.shape, dtype=out.dtype)}
        for key, parents in plan:
            g = grads.pop(key, None)
            if g is None:
                continue
            if parents is None:  # a leaf: the engine's own accumulation rule
                unshared = sys.getrefcount(g) <= engine._ONLY_A_LOCAL
                engine._accumulate(self.exts[key - _EXT], g, unshared)
            else:
                _node_step(nodes[key], vals[key], g, parents, grads)

    def _rebuild(self, recipe: Any, vals: dict[int, Any]) -> Any:
        if recipe is None:
            return None
        if type(recipe[0]) is type:
            return recipe[0](self._rebuild(r, vals) for r in recipe[1])
        return Tensor._make(vals[recipe[0]], recipe[1])


def _node_step(entry: Any, out: Any, g: Any, parents: Any, grads: dict[int, Any]) -> None:
    """``engine._node_step`` without the checks the trace already made."""
    node, arrays = entry
    raw = node.backward(g, out, *arrays)
    if type(raw) is not tuple:
        raw = tuple(raw)
    for key, gx, data in zip(parents, raw, arrays):
        if key is None or gx is None:
            continue
        if type(gx) is not np.ndarray or gx.shape != data.shape or gx.dtype is not data.dtype:
            gx = engine._fit(gx, data)
        prev = grads.get(key)
        grads[key] = gx if prev is None else prev + gx


def _params_key(o: Optimizer) -> tuple[Any, ...]:
    return tuple(tuple(map(id, g["params"])) for g in o.param_groups)


def _signature(args: tuple[Any, ...]) -> tuple[Any, ...]:
    key: list[Any] = [_local.state.grad_enabled]
    for a in args:
        if isinstance(a, Tensor):
            key.append((a._data.shape, a._data.dtype, a._requires_grad, a._node is None))
        elif isinstance(a, np.ndarray):
            key.append((a.shape, a.dtype))
        elif a is None or isinstance(a, (bool, int, float, str)):
            key.append((type(a), a))
        else:
            raise _untraceable(
                f"argument of type {type(a).__name__}; pass Tensors, arrays or numbers"
            )
    return tuple(key)


# --------------------------------------------------------------------------- tracing
def _legacy_state() -> bytes:
    # dropout may use numpy's global generator: a draw from it changes this
    return np.random.get_state(legacy=True)[1].tobytes()  # type: ignore[index]  # noqa: NPY002


def _reading(tracer: _Tracer, name: str, original: Any) -> Any:
    """``Tensor.<name>`` that notes reads of values the trace computes or writes."""

    def check(t: Tensor) -> None:
        if _local.state.tracer is not tracer:
            return
        k = tracer.slot.get(id(t), 0)
        if k < 0 or (_EXT <= k < _OUT and not t._requires_grad):
            return  # an argument, or a constant input: reading it is fine
        tracer.bad_reads.append(f".{name} of {t._describe()}")

    if isinstance(original, property):

        def getter(t: Tensor) -> Any:
            check(t)
            return original.fget(t)  # type: ignore[misc]

        return property(getter, original.fset, None, original.__doc__)

    @functools.wraps(original)
    def method(t: Tensor, *a: Any, **k: Any) -> Any:
        check(t)
        return original(t, *a, **k)

    return method


def _recording_call(tracer: _Tracer, original: Any, name: str) -> Any:
    """An optimiser method that records itself, then runs untraced."""

    @functools.wraps(original)
    def method(opt: Optimizer, *args: Any, **kwargs: Any) -> Any:
        state = _local.state
        if state.tracer is not tracer:
            return original(opt, *args, **kwargs)
        if kwargs or (args and (callable(args[0]) or name == "step")):
            raise _untraceable(f"{type(opt).__name__}.{name} is called with arguments")
        tracer.optimizers[id(opt)] = opt
        tracer.program.append((_CALL, opt, name, args))
        state.tracer = None
        try:
            return original(opt, *args)
        finally:
            state.tracer = tracer

    return method


def _trace(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[Any, _Program]:
    tracer = _Tracer(args)
    state = _local.state
    run_walk, module_call = engine._run, Module.__call__

    # The patches are seen by every thread; only this thread's calls are traced.
    def traced_run(roots: Any, seeds: Any, retain: Any, create: bool, capture: Any) -> Any:
        if _local.state is not state or state.tracer is not tracer:
            return run_walk(roots, seeds, retain, create, capture)
        if capture is not None or create or retain or len(roots) != 1 or seeds[0] is not None:
            raise _untraceable(
                "only loss.backward() without arguments can be traced (not ag.grad, "
                "retain_graph, create_graph or grad=)"
            )
        if id(roots[0]) not in tracer.slot:
            raise _untraceable("backward() of a tensor the step did not compute")
        steps: list[engine.WalkStep] = []
        state.tracer = None
        try:
            with engine.observe(steps.append):
                result = run_walk(roots, seeds, retain, create, capture)
        finally:
            state.tracer = tracer
        tracer.walk(roots[0], steps)
        return result

    def traced_call(m: Module, *a: Any, **k: Any) -> Any:
        if _local.state is state and state.tracer is tracer:
            tracer.modules.setdefault(id(m), (m, _module_key(m)))
            if m.training and m.__dict__["_buffers"]:
                raise _untraceable(f"{type(m).__name__} updates buffers while training")
        return module_call(m, *a, **k)

    patches: list[tuple[type, str, Any]] = [(Module, "__call__", traced_call)]
    for name in _READS:
        if name in Tensor.__dict__:
            patches.append((Tensor, name, _reading(tracer, name, Tensor.__dict__[name])))
    classes: list[type] = [Optimizer]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        for name in ("step", "zero_grad"):
            if name in cls.__dict__:
                patches.append((cls, name, _recording_call(tracer, cls.__dict__[name], name)))
    before = (default_generator().bit_generator.state, _legacy_state())
    with _patch_lock:
        saved = [(cls, name, cls.__dict__[name]) for cls, name, _ in patches]
        for cls, name, new in patches:
            setattr(cls, name, new)
        engine._run, state.tracer = traced_run, tracer  # type: ignore[assignment]
        try:
            result = fn(*args)
        finally:
            state.tracer, engine._run = None, run_walk
            for cls, name, old in saved:
                setattr(cls, name, old)
    for m, key in tracer.modules.values():
        if _module_key(m) != key:
            raise _untraceable(
                f"it changes the structure or mode of {type(m).__name__} while running"
            )
    if tracer.bad_reads:
        raise _untraceable(
            f"it reads {tracer.bad_reads[0]} (a value the trace computes or writes) in Python, "
            "which a replay would not redo (this call ran eagerly)"
        )
    if (default_generator().bit_generator.state, _legacy_state()) != before:
        raise _untraceable(
            "it draws random numbers (dropout in training mode?), which a replay would repeat"
        )
    program = _Program(tracer, result)
    return result, program


class jit:  # noqa: N801 - a decorator, lower case like functools.cache
    """Trace ``fn`` (a training step) on its first two calls and replay it on later ones.

    Replays are bit-identical to calling ``fn``: same ops, same summation order,
    same optimiser arithmetic. A call retraces when its arguments' shapes,
    dtypes, ``requires_grad`` or number values, the grad mode, or the tensors,
    modules and optimiser parameters the trace used differ. Python side effects
    inside ``fn`` run once, when it is traced.

    Parameters
    ----------
    fn : callable
        Takes Tensors, arrays or numbers and returns a Tensor, ``None`` or a
        tuple/list of those. It may run modules, losses, ``loss.backward()`` and
        optimiser ``zero_grad()``/``step()``.

    Raises
    ------
    TraceError
        At the first call, when the step cannot be replayed exactly (it reads a
        computed value in Python, draws random numbers, returns a number, ...):
        call ``fn`` itself instead.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> model = ag.nn.Linear(3, 1)
    >>> opt = ag.optim.SGD(model.parameters(), lr=0.01)
    >>> @ag.jit
    ... def step(x, y):
    ...     opt.zero_grad()
    ...     loss = ag.functional.mse_loss(model(x), y)
    ...     loss.backward()
    ...     opt.step()
    ...     return loss
    >>> x, y = ag.tensor([[1.0, 2.0, 3.0]]), ag.tensor([[1.0]])
    >>> losses = [step(x, y).item() for _ in range(3)]
    >>> step.traces, losses[2] < losses[0]
    (1, True)
    """

    def __init__(self, fn: Callable[..., Any]) -> None:
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.traces = 0
        self._programs: dict[tuple[Any, ...], _Program] = {}
        self._first: dict[tuple[Any, ...], _Program] = {}

    def __call__(self, *args: Any) -> Any:
        key = _signature(args)
        program = self._programs.get(key)
        if _local.state.observers or _local.state.tracer is not None:
            return self.fn(*args)  # observe() wants the real walk; nested traces run inline
        if program is not None and program.still_valid():
            return program.replay(args)
        # Two traced calls per signature: a value the step computes in Python
        # from its arguments (not through ops) would be baked into the program
        # as a constant; a second call with other data shows it changing.
        result, new = _trace(self.fn, args)
        first = self._first.pop(key, None)
        if first is None or not first.still_valid():
            self._programs.pop(key, None)
            self._first[key] = new
        elif not _same_program(first, new):
            raise _untraceable(
                "it computes values in Python (not with ops) that change from call to call, "
                "such as an array built from an argument's values"
            )
        else:
            self._programs[key] = new
            self.traces += 1
        return result


def _same(a: Any, b: Any) -> bool:
    """Whether two recorded constants are the same value (arrays: dtype, shape, bits)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and bool(a == b)


def _same_program(p: _Program, q: _Program) -> bool:
    """Whether two traces of one signature record the same program."""
    if len(p.program) != len(q.program) or not _same(p.consts, q.consts):
        return False
    for a, b in zip(p.program, q.program):
        if a[0] != b[0] or len(a) != len(b):
            return False
        if a[0] == _OP and not (a[1] is b[1] and a[2:4] == b[2:4] and _same(a[4], b[4])):
            return False
        if a[0] != _OP and a[1:] != b[1:]:
            return False
    return True
