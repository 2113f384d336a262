"""The documentation site builds, and the parts of it that describe the code stay true.

- ``mkdocs build --strict`` passes: no broken link or anchor, no page missing from
  the nav, no ``:::`` reference that fails to resolve. Skipped when the docs tools
  are not installed, except in CI (``CI`` set), where that is a failure.
- The op table in docs/design.md is the one ``scripts/gen_op_table.py`` generates
  from the op registry.
- Every public name of the API contract has a docstring and is rendered by a
  ``:::`` directive of an API reference page.
- The module map in docs/design.md lists every module, and only existing ones.
- docs/cli.md documents every option of every subcommand, and shows only options
  and command lines the parser accepts.
- docs/quickstart.md names every runtime dependency, and "Coming from PyTorch"
  lives on one page (docs/pytorch.md), which concepts.md links.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib
import importlib.util
import inspect
import io
import os
import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
REFERENCE = DOCS / "reference"

# --------------------------------------------------------------------------- strict build
DOCS_TOOLS = ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python")


def _missing_docs_tools() -> list[str]:
    missing = []
    for name in DOCS_TOOLS:
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            missing.append(name)
    return missing


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the site once with ``mkdocs build --strict``; return its directory."""
    missing = _missing_docs_tools()
    if missing:
        message = (
            f"the docs tools are not installed (missing: {', '.join(missing)}); "
            "install them with: python -m pip install -e '.[docs]'"
        )
        if os.environ.get("CI"):
            pytest.fail(f"{message}. CI must install the docs extra.")
        pytest.skip(message)
    site = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [
        sys.executable, "-m", "mkdocs", "build", "--strict",
        "--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(site),
    ]  # fmt: skip
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        pytest.fail(
            f"mkdocs build --strict failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    return site


def test_site_builds_strict(built_site: Path) -> None:
    assert (built_site / "index.html").is_file()
    assert (built_site / "reference" / "autograd_mlp" / "index.html").is_file()


# --------------------------------------------------------------------------- op table
def test_op_table_is_up_to_date() -> None:
    # A fresh interpreter: the registry as the package defines it, untouched by
    # tests (or docs examples) that register ops of their own.
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_op_table.py"), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, (
        "the op table in docs/design.md does not match the op registry; run "
        f"python scripts/gen_op_table.py\n{proc.stdout}{proc.stderr}"
    )


# --------------------------------------------------------------------------- API coverage
# The public names of the API contract, by owner (a module, or a class), transcribed
# from its sections on tensors, functional, nn, optim, testing, viz and data.
# Operators and other special methods are described in prose on the reference page
# (mkdocstrings leaves them out), so they are not listed here.
API: dict[str, tuple[str, ...]] = {
    "autograd_mlp": (
        "Tensor", "tensor", "grad", "no_grad", "enable_grad", "concatenate", "stack",
        # v2: grad mode, custom ops, creation, randomness, combining and shape functions
        "set_grad_enabled", "is_grad_enabled", "Op", "register_op",
        "zeros", "ones", "empty", "full", "zeros_like", "ones_like", "full_like",
        "arange", "linspace", "eye", "rand", "randn", "randint", "from_numpy",
        "manual_seed",
        "maximum", "minimum", "where", "einsum", "tensordot", "outer", "gather",
        "scatter_add", "masked_fill", "one_hot",
        "cat", "split", "chunk", "pad", "tril", "triu", "diagonal",
        "AutogradError", "OpError", "ShapeError",
    ),
    "autograd_mlp.Tensor": (
        "data", "grad", "requires_grad", "is_leaf", "shape", "ndim", "size", "dtype",
        "numpy", "item", "detach", "backward",
        "exp", "log", "sqrt", "abs", "relu", "sigmoid", "tanh", "clip",
        "sum", "mean", "max", "min", "logsumexp",
        "reshape", "transpose", "T", "flatten",
        "softmax", "log_softmax",
        # v2
        "grad_fn", "numel", "tolist", "float", "double", "astype", "to",
        "requires_grad_", "retain_grad", "register_hook", "zero_",
        "clamp", "sign", "log1p", "expm1", "log2", "log10", "exp2", "sin", "cos",
        "tan", "reciprocal", "rsqrt", "square", "erf",
        "prod", "var", "std", "norm", "argmax", "argmin", "cumsum", "cumprod",
        "any", "all",
        "view", "permute", "squeeze", "unsqueeze", "expand", "broadcast_to",
        "unflatten", "flip", "roll", "repeat", "tile",
        "add_", "mul_", "clamp_", "fill_",
    ),
    "autograd_mlp.functional": (
        "relu", "sigmoid", "tanh", "softmax", "log_softmax", "linear",
        "cross_entropy", "nll_loss", "mse_loss", "binary_cross_entropy_with_logits",
        # v2
        "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "softplus",
        "log_sigmoid", "hardtanh", "relu6", "hardsigmoid", "hardswish", "softsign",
        "softmin", "normalize", "dropout",
        "binary_cross_entropy", "l1_loss", "smooth_l1_loss", "huber_loss", "kl_div",
        "one_hot",
    ),
    "autograd_mlp.func": (
        "vjp", "jvp", "jacobian", "hessian", "hvp", "grad", "value_and_grad",
    ),
    "autograd_mlp.nn": (
        "Module", "Parameter", "Linear", "ReLU", "Sigmoid", "Tanh", "Softmax",
        "LogSoftmax", "Sequential", "MLP", "init",
        # v2
        "ModuleList", "ModuleDict", "Identity", "Flatten", "Dropout", "LayerNorm",
        "BatchNorm1d", "Embedding", "LeakyReLU", "ELU", "SELU", "CELU", "GELU",
        "SiLU", "Mish", "Softplus", "LogSigmoid", "Hardtanh", "ReLU6", "Hardsigmoid",
        "Hardswish", "Softsign", "save", "load",
    ),
    "autograd_mlp.nn.Module": (
        "parameters", "named_parameters", "zero_grad", "train", "eval",
        "state_dict", "load_state_dict", "forward",
        # v2
        "children", "named_children", "modules", "named_modules", "buffers",
        "named_buffers", "register_buffer", "apply", "requires_grad_",
    ),
    "autograd_mlp.nn.init": (
        "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "zeros_",
        # v2
        "uniform_", "normal_", "constant_", "ones_", "orthogonal_", "calculate_gain",
    ),
    "autograd_mlp.nn.utils": (
        "clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters",
    ),
    "autograd_mlp.optim": (
        "SGD", "Adam",
        # v2
        "AdamW", "RMSprop", "Adagrad",
        "StepLR", "CosineAnnealingLR", "MultiStepLR", "ExponentialLR", "LinearLR",
        "OneCycleLR", "LambdaLR", "SequentialLR", "ReduceLROnPlateau",
    ),
    "autograd_mlp.optim.SGD": (
        "step", "zero_grad", "state_dict", "load_state_dict", "add_param_group",
    ),
    "autograd_mlp.optim.Adam": ("step", "zero_grad", "state_dict", "load_state_dict"),
    "autograd_mlp.testing": (
        "gradcheck", "gradgradcheck", "GradcheckError",
        # v2
        "check_op", "assert_grads_close",
    ),
    "autograd_mlp.testing.strategies": (
        "tensors", "broadcastable_shapes",
        # v2
        "op_inputs", "valid_axes", "index_expressions", "matmul_shapes", "modules",
    ),
    "autograd_mlp.viz": (
        "draw_graph",
        # v2
        "animate_backward", "BackwardAnimation", "plot_weights", "plot_samples",
    ),
    "autograd_mlp.viz.BackwardAnimation": ("save",),
    "autograd_mlp.data": (
        "load_mnist", "load_mnist_sample", "MNIST", "DataLoader", "train_test_split",
        "spiral", "xor", "parity",
    ),
}  # fmt: skip


def _resolve(path: str) -> Any:
    """Import ``a.b.C`` as a module if possible, else as an attribute of its parent."""
    try:
        return importlib.import_module(path)
    except ModuleNotFoundError:
        parent, _, name = path.rpartition(".")
        return getattr(_resolve(parent), name)


def _public_path(cls: type, near: str) -> str | None:
    """Where class ``cls`` is exported: the module ``near`` (or one of its parents)."""
    module = near
    while module:
        obj = sys.modules.get(module) or importlib.import_module(module)
        if getattr(obj, cls.__name__, None) is cls:
            return f"{module}.{cls.__name__}"
        module = module.rpartition(".")[0]
    return None


def _canonical(owner_path: str, name: str) -> tuple[str, Any, Any]:
    """The path under which ``owner.name`` is rendered, the raw object, and its owner.

    A method inherited from a base class is rendered under the base class (as
    mkdocstrings does without ``inherited_members``), so it resolves there.
    """
    owner = _resolve(owner_path)
    if inspect.isclass(owner):
        for klass in owner.__mro__:
            if name in vars(klass):
                break
        else:
            raise AssertionError(f"{owner_path} has no attribute {name!r}")
        if klass is owner:
            return f"{owner_path}.{name}", vars(klass)[name], klass
        where = _public_path(klass, owner_path.rpartition(".")[0])
        assert where, f"{owner_path}.{name} is inherited from {klass.__qualname__}, not exported"
        return f"{where}.{name}", vars(klass)[name], klass
    assert hasattr(owner, name), f"{owner_path} has no attribute {name!r}"
    return f"{owner_path}.{name}", getattr(owner, name), owner


def _listed_in_attributes(klass: type, name: str) -> bool:
    """Whether the numpydoc ``Attributes`` section of ``klass`` documents ``name``."""
    doc = inspect.cleandoc(klass.__doc__ or "")
    match = re.search(r"^Attributes\n-+\n(.*?)(?=^\S[^\n]*\n-+\n|\Z)", doc, re.S | re.M)
    if not match:
        return False
    for line in match.group(1).splitlines():
        if line and not line[0].isspace():
            names = line.split(":", 1)[0]
            if name in [n.strip() for n in names.split(",")]:
                return True
    return False


def _attribute_docstring(klass: type, name: str) -> bool:
    """Whether ``klass``'s source gives attribute ``name`` a docstring: a string
    literal right after ``self.name = ...`` in a method, or after ``name: T`` in
    the class body (the form mkdocstrings renders as the attribute's entry)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
    except (OSError, TypeError):
        return False
    bodies = [tree.body[0].body] + [
        node.body for node in ast.walk(tree.body[0]) if isinstance(node, ast.FunctionDef)
    ]
    for body in bodies:
        for stmt, after in zip(body, body[1:]):
            targets = (
                stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
            )
            for target in targets:
                named = (isinstance(target, ast.Name) and target.id == name) or (
                    isinstance(target, ast.Attribute)
                    and target.attr == name
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "self"
                )
                if (
                    named
                    and isinstance(after, ast.Expr)
                    and isinstance(after.value, ast.Constant)
                    and isinstance(after.value.value, str)
                ):
                    return True
    return False


def _is_attribute(obj: Any) -> bool:
    """A plain attribute (a ``__slots__`` entry, a constant), not a routine,
    class, module or property."""
    if isinstance(obj, (staticmethod, classmethod)):
        return False
    return type(obj).__name__ == "member_descriptor" or not (
        inspect.isroutine(obj)
        or inspect.isclass(obj)
        or inspect.ismodule(obj)
        or isinstance(obj, property)
    )


def _has_docstring(obj: Any, owner: Any, name: str) -> bool:
    if isinstance(obj, (staticmethod, classmethod)):
        obj = obj.__func__
    if _is_attribute(obj):
        return inspect.isclass(owner) and (
            _attribute_docstring(owner, name) or _listed_in_attributes(owner, name)
        )
    doc = vars(obj).get("__doc__") if inspect.isclass(obj) else obj.__doc__
    return bool(doc and doc.strip())


def _directives() -> dict[str, set[str] | None]:
    """``::: path`` directives of the reference pages, with their ``members`` list
    (``None`` when the directive renders all public members)."""
    found: dict[str, set[str] | None] = {}
    for page in sorted(REFERENCE.glob("*.md")):
        lines = page.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            match = re.match(r"^:::\s+(\S+)\s*$", line)
            if not match:
                continue
            block = []
            for following in lines[i + 1 :]:
                if following and not following[0].isspace():
                    break
                block.append(following)
            members: set[str] | None = None
            text = "\n".join(block)
            # One "- name" per line; [ \t] rather than \s, which would run across lines
            # and stop the list after its first entry.
            listed = re.search(
                r"^[ \t]+members:[ \t]*\n((?:[ \t]+-[ \t]*\S+[ \t]*(?:\n|\Z))+)", text, re.M
            )
            inline = re.search(r"^\s+members:\s*\[(.*?)\]", text, re.M)
            if re.search(r"^\s+members:\s*false\s*$", text, re.M):
                members = set()
            elif listed:
                members = set(re.findall(r"-\s*(\S+)", listed.group(1)))
            elif inline:
                members = {m.strip().strip("'\"") for m in inline.group(1).split(",")}
            found[match.group(1)] = members
    return found


def _rendered_by(path: str, directives: dict[str, set[str] | None]) -> str | None:
    """The directive that renders ``path``, if any: the object itself, its module
    or class, or the module of its class."""
    if path in directives:
        return path
    parent, _, name = path.rpartition(".")
    if parent in directives:
        members = directives[parent]
        owner = _resolve(parent)
        public = getattr(owner, "__all__", None) if inspect.ismodule(owner) else None
        if (members is None or name in members) and (public is None or name in public):
            return parent
        return None
    grandparent, _, class_name = parent.rpartition(".")
    if grandparent in directives and inspect.isclass(_resolve(parent)):
        members = directives[grandparent]
        public = getattr(_resolve(grandparent), "__all__", None)
        if (members is None or class_name in members) and (public is None or class_name in public):
            return grandparent
    return None


def _api_entries() -> list[tuple[str, str]]:
    return [(owner, name) for owner, names in API.items() for name in names]


def _paths(owner: str, name: str) -> list[str]:
    """The paths an API name may be rendered under: where it is public, and where
    it is defined. (``autograd_mlp.tensor`` is both a function and a submodule, so
    the reference renders the function as ``autograd_mlp.tensor.tensor``.)"""
    path, obj, _ = _canonical(owner, name)
    paths = [path]
    if inspect.isfunction(obj) or inspect.isclass(obj):
        defined = f"{obj.__module__}.{obj.__qualname__}"
        if defined != path:
            paths.append(defined)
    return paths


def test_api_contract_names_have_docstrings() -> None:
    pytest.importorskip("hypothesis")  # testing.strategies needs it
    undocumented = []
    for owner, name in _api_entries():
        path, obj, where = _canonical(owner, name)
        if not _has_docstring(obj, where, name):
            undocumented.append(f"{owner}.{name} (defined as {path})")
    assert not undocumented, "public names without a docstring:\n  " + "\n  ".join(undocumented)


def test_api_contract_names_are_on_reference_pages() -> None:
    pytest.importorskip("hypothesis")
    directives = _directives()
    missing = []
    for owner, name in _api_entries():
        paths = _paths(owner, name)
        if all(_rendered_by(path, directives) is None for path in paths):
            missing.append(f"{owner}.{name} (looked for {' or '.join(paths)})")
    assert not missing, (
        "public names no ::: directive in docs/reference/ renders:\n  " + "\n  ".join(missing)
    )


def test_reference_pages_render_the_api(built_site: Path) -> None:
    """In the built site, every API name has its anchor on a reference page."""
    html = "\n".join(
        p.read_text(encoding="utf-8") for p in (built_site / "reference").rglob("*.html")
    )
    missing = []
    for owner, name in _api_entries():
        path, obj, klass = _canonical(owner, name)
        if _is_attribute(obj) and not _attribute_docstring(klass, name):
            continue  # documented in its class's Attributes table, which has no anchors
        paths = _paths(owner, name)
        if not any(f'id="{path}"' in html for path in paths):
            missing.append(" or ".join(paths))
    assert not missing, "API names with no entry in the built reference:\n  " + "\n  ".join(missing)


def test_reference_page_describes_operators() -> None:
    page = (REFERENCE / "autograd_mlp.md").read_text(encoding="utf-8")
    assert "`+ - * / ** @`" in page and "`t[index]`" in page


# --------------------------------------------------------------------------- module map
def _module_map() -> str:
    page = (DOCS / "design.md").read_text(encoding="utf-8")
    start = page.index("## Module map")
    end = page.index("\n## ", start + 1)
    return page[start:end]


def test_module_map_lists_every_module() -> None:
    table = _module_map()
    package = ROOT / "autograd_mlp"
    listed = set(re.findall(r"^\| `([\w/]+\.py)` \|", table, re.M))
    public = {
        p.relative_to(package).as_posix()
        for p in package.rglob("*.py")
        if not p.name.startswith("_") and "__pycache__" not in p.parts
    }
    assert not public - listed, (
        f"modules missing from the module map in docs/design.md: {sorted(public - listed)}"
    )
    stale = {m for m in listed if not (package / m).is_file()}
    assert not stale, (
        f"the module map in docs/design.md lists modules that do not exist: {sorted(stale)}"
    )


# --------------------------------------------------------------------------- command line
def _cli_sections() -> dict[str, str]:
    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    parts = re.split(r"^## `autograd-mlp (\w[\w-]*)`\s*$", page, flags=re.M)
    sections = {parts[i]: parts[i + 1].split("\n## ", 1)[0] for i in range(1, len(parts), 2)}
    return sections


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    from autograd_mlp.cli import build_parser

    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {s for a in parser._actions for s in a.option_strings if s not in ("-h", "--help")}


def test_cli_page_documents_every_option() -> None:
    sections = _cli_sections()
    problems = []
    for name, sub in _subparsers().items():
        if name not in sections:
            problems.append(f"subcommand {name!r} has no section '## `autograd-mlp {name}`'")
            continue
        for option in sorted(_options(sub)):
            if not re.search(rf"`{re.escape(option)}[` =]", sections[name]):
                problems.append(f"{name}: option {option} is not documented")
    assert not problems, "docs/cli.md is out of date:\n  " + "\n  ".join(problems)


def _documented_options(section: str) -> set[str]:
    """Options in the first column of the section's tables (prose is not checked;
    the command lines are checked by parsing them)."""
    options: set[str] = set()
    for line in section.splitlines():
        cells = line.split("|")
        if line.startswith("|") and len(cells) > 2:
            options |= set(re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", cells[1]))
    return options


def test_cli_page_shows_only_real_options() -> None:
    subparsers = _subparsers()
    problems = []
    for name, text in _cli_sections().items():
        if name not in subparsers:
            problems.append(f"section for {name!r}, which is not a subcommand")
            continue
        known = _options(subparsers[name]) | {"-h", "--help"}
        for option in sorted(_documented_options(text) - known):
            problems.append(f"{name}: {option} is not an option of this subcommand")
    assert not problems, "docs/cli.md shows options that do not exist:\n  " + "\n  ".join(problems)


def _shown_command_lines() -> list[str]:
    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"^```(?:bash|console|sh)\n(.*?)^```", page, re.S | re.M):
        for line in block.splitlines():
            line = line.split(" #", 1)[0].strip().removeprefix("$ ")
            if line.startswith("autograd-mlp") or line.startswith("python -m autograd_mlp"):
                commands.append(line)
    return commands


def test_cli_page_command_lines_parse() -> None:
    from autograd_mlp.cli import build_parser

    commands = _shown_command_lines()
    assert commands, "no command lines found in docs/cli.md"
    for line in commands:
        words = shlex.split(line)
        argv = words[3:] if words[0] == "python" else words[1:]
        out, err = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                build_parser().parse_args(argv)
        except SystemExit as exc:  # --help and --version exit 0
            assert exc.code == 0, (
                f"docs/cli.md shows {line!r}, which the parser rejects:\n{err.getvalue()}"
            )


def test_cli_page_per_dataset_defaults() -> None:
    """The table of per-dataset defaults in docs/cli.md is the one train uses."""
    from autograd_mlp.cli.train import PRESETS

    section = _cli_sections()["train"]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0] in PRESETS:
            rows[cells[0]] = cells[1:]
    assert set(rows) == set(PRESETS), "docs/cli.md: the per-dataset table lists other datasets"
    for name, preset in PRESETS.items():
        shown = rows[name]
        actual = [
            ",".join(map(str, preset.hidden)),
            str(preset.epochs),
            str(preset.batch_size),
            f"{preset.sgd_lr:g}",
            f"{preset.adam_lr:g}",
        ]
        assert shown == actual, f"docs/cli.md: defaults of {name} are {actual}, page shows {shown}"


# --------------------------------------------------------------------------- install and pages
def _runtime_dependencies() -> list[str]:
    """The distribution names in pyproject.toml's ``dependencies`` list."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r"^dependencies\s*=\s*\[(.*?)\]", text, re.S | re.M)
    assert match, "pyproject.toml has no dependencies list"
    return [
        re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0] for d in re.findall(r'"([^"]+)"', match.group(1))
    ]


def test_quickstart_names_every_runtime_dependency() -> None:
    """The install section says what ``pip install`` brings in; a dependency it
    calls optional (threadpoolctl once was) or leaves out is a false claim."""
    page = (DOCS / "quickstart.md").read_text(encoding="utf-8")
    install = page[page.index("## Install") : page.index("Optional extras")]
    deps = _runtime_dependencies()
    assert "numpy" in deps
    missing = [d for d in deps if f"`{d}`" not in install]
    assert not missing, f"docs/quickstart.md's install section omits dependencies {missing}"


def test_one_coming_from_pytorch_page() -> None:
    """docs/pytorch.md is the one page; concepts.md links to it rather than keeping
    a second list of differences that drifts from the first."""
    concepts = (DOCS / "concepts.md").read_text(encoding="utf-8")
    start = concepts.index("## Coming from PyTorch")
    section = concepts[start : concepts.index("\n## ", start + 1)]
    assert "(pytorch.md)" in section, (
        "concepts.md's Coming from PyTorch section should link pytorch.md"
    )
    assert "```" not in section and len(section.splitlines()) < 12, (
        "concepts.md repeats docs/pytorch.md instead of linking it"
    )


def test_directive_member_lists_are_read_in_full() -> None:
    """A ``members:`` list is read to its last entry (it once stopped at the first,
    so names listed after it counted as not rendered)."""
    members = _directives()["autograd_mlp.op"]
    assert members is not None and {"Op", "register", "register_op", "dispatch"} <= members
