"""No path of the authors' machine leaks into what users read or run.

The package, the docs, the examples, the scripts and the README must not name an
absolute path of a particular machine (``/work/...``, ``/home/NAME/...``,
``C:\\Users\\...``) or a directory next to the checkout (``../shared``): a user
has neither. Placeholders such as ``/path/to/mnist`` or ``~/data/mnist`` are fine.
And a test's skip message must not print a path (a temporary directory, a
directory beside the clone): it is read in a report on another machine, where
the path means nothing; say what is missing and how to get it instead.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEXT_SUFFIXES = {".py", ".md", ".yml", ".yaml", ".toml", ".txt", ".cfg", ".css", ".html"}

#: What users read or run: the package, its docs and site config, examples, scripts.
SCANNED = [
    ROOT / "README.md",
    ROOT / "CONTRIBUTING.md",
    ROOT / "CHANGELOG.md",
    ROOT / "mkdocs.yml",
    ROOT / "pyproject.toml",
    *(
        path
        for folder in ("autograd_mlp", "docs", "examples", "scripts")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in TEXT_SUFFIXES and "__pycache__" not in path.parts
    ),
]

# Directories that only exist on some particular machine. `/usr/bin/...` and
# the like are left out on purpose: they name a tool, the same everywhere.
MACHINE_PATH = re.compile(
    r"(?<![\w.~$}/-])/(?:work|home|Users|root|tmp|mnt|srv|scratch|private|opt|data)/[\w.-]+"
    r"|\b[A-Za-z]:\\\\?(?:Users|Documents and Settings)\\"
)
BESIDE_THE_CHECKOUT = re.compile(r"\.\./shared\b|[\"']shared[\"']\s*/\s*[\"']data")


def machine_paths(text: str) -> list[str]:
    """The machine-specific paths in ``text`` (see the module docstring)."""
    return [m.group(0) for m in MACHINE_PATH.finditer(text)] + [
        m.group(0) for m in BESIDE_THE_CHECKOUT.finditer(text)
    ]


def test_the_pattern_catches_machine_paths() -> None:
    # Guards the scan itself: if the patterns stopped matching, every file would pass.
    leaky = (
        "made with --source /work/shared/data/mnist; see /home/ada/mnist, /tmp/pytest-of-root/x, "
        r"C:\Users\ada\mnist, '../shared/data/mnist' and REPO.parent / 'shared' / 'data'"
    )
    assert len(machine_paths(leaky)) == 6, machine_paths(leaky)
    fine = "--source /path/to/mnist, ~/data/mnist, ~/.cache/autograd_mlp, /usr/bin/time, a/tmp/b"
    assert machine_paths(fine) == []


def test_scan_covers_the_user_facing_files() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in SCANNED if p.exists()}
    for needed in ("README.md", "docs/data.md", "examples/_common.py", "autograd_mlp/cli/train.py"):
        assert needed in names


@pytest.mark.parametrize(
    "path", [p for p in SCANNED if p.exists()], ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_no_machine_paths(path: Path) -> None:
    found = machine_paths(path.read_text(encoding="utf-8"))
    assert not found, (
        f"{path.relative_to(ROOT)} names paths of one particular machine: {found}; "
        "use --data-dir DIR, $AUTOGRAD_MLP_DATA, the download cache or a placeholder"
    )


# ------------------------------------------------------------------ skip messages
PATHLIKE = re.compile(r"path|dir|tmp|temp|folder|root|mnist|file", re.I)


def _interpolated_names(node: ast.AST) -> list[str]:
    """Names and attributes interpolated into an f-string or ``%``/``+``/format message."""
    return [
        ast.unparse(value.value)
        for value in ast.walk(node)
        if isinstance(value, ast.FormattedValue)
    ] + [
        ast.unparse(arg)
        for call in ast.walk(node)
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "format"
        for arg in call.args
    ]


def skip_messages_with_paths(source: str) -> list[str]:
    """``pytest.skip(...)`` calls (and ``message = ...`` they print) that interpolate
    something named like a path."""
    tree = ast.parse(source)
    assigned: dict[str, ast.AST] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                assigned[target.id] = node.value
    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and ast.unparse(node.func) in ("pytest.skip", "skip", "pytest.importorskip")
            and (node.args or node.keywords)
        ):
            continue
        message: ast.AST = node.args[0] if node.args else node.keywords[0].value
        if isinstance(message, ast.Name) and message.id in assigned:
            message = assigned[message.id]
        leaks = [name for name in _interpolated_names(message) if PATHLIKE.search(name)]
        if leaks:
            found.append(f"line {node.lineno}: interpolates {', '.join(leaks)}")
    return found


def test_the_skip_check_catches_paths() -> None:
    leaky = (
        "import pytest\n"
        "def test(tmp_path):\n"
        "    message = f'no MNIST at {SHARED_MNIST}'\n"
        "    pytest.skip(message)\n"
        "    pytest.skip(f'cannot write {tmp_path / \"x\"}')\n"
    )
    assert len(skip_messages_with_paths(leaky)) == 2
    fine = "import pytest\npytest.skip(f'{module} is not installed (pip install {extra})')\n"
    assert skip_messages_with_paths(fine) == []


@pytest.mark.parametrize("path", sorted((ROOT / "tests").glob("*.py")), ids=lambda p: p.name)
def test_skip_messages_print_no_paths(path: Path) -> None:
    found = skip_messages_with_paths(path.read_text(encoding="utf-8"))
    assert not found, (
        f"{path.relative_to(ROOT)}: a skip message prints a path, which means nothing "
        f"on the machine that reads the report; say what is missing instead: {found}"
    )
