"""CI runs exactly the test command that README.md gives users."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    match = re.search(r'^TEST_COMMAND="(.*)"$', ci, re.M)
    assert match, ".ci/run must define TEST_COMMAND"
    readme = (ROOT / "README.md").read_text()
    head = readme.split("\n## ", 1)[0]  # the two commands open the README
    assert match.group(1) in head, f"README's opening does not show {match.group(1)!r}"


# ----------------------------------------------------------------- pinned, complete lint
def _pyproject() -> dict:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _pins(requirements: list[str]) -> dict[str, str]:
    return dict(
        (m.group(1).lower(), m.group(2))
        for m in (re.match(r"^([\w.-]+)(?:\[[\w,]+\])?==([\w.]+)$", r) for r in requirements)
        if m
    )


def test_dev_extra_pins_the_lint_tools() -> None:
    pins = _pins(_pyproject()["project"]["optional-dependencies"]["dev"])
    assert {"ruff", "mypy"} <= set(pins), f"the dev extra must pin ruff and mypy with ==: {pins}"


def test_pre_commit_runs_the_pinned_versions() -> None:
    pins = _pins(_pyproject()["project"]["optional-dependencies"]["dev"])
    config = (ROOT / ".pre-commit-config.yaml").read_text()
    hooks = set(re.findall(r"^\s+- id: ([\w-]+)$", config, re.M))
    assert {"ruff-check", "ruff-format", "mypy"} <= hooks, hooks
    for tool in ("ruff", "mypy"):
        versions = set(re.findall(rf'"{tool}==([\w.]+)"', config))
        assert versions == {pins[tool]}, f"pre-commit runs {tool} {versions}, dev pins {pins[tool]}"


def test_ci_installs_the_dev_extra_and_runs_every_check() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    for step in (
        "pip install -q -e '.[dev]'",
        "ruff check .",
        "ruff format --check .",
        "mypy autograd_mlp",
        "mkdocs build --strict",
        ".ci/release",
    ):
        assert re.search(rf"^\s*[^#\n]*{re.escape(step)}", ci, re.M), f".ci/run does not run {step}"
    assert ci.index(".ci/release") < ci.index("TEST_COMMAND="), "release check before the tests"


def test_release_check_uses_the_wheel_outside_the_checkout() -> None:
    release = (ROOT / ".ci" / "release").read_text()
    for step in (
        "python -m build",
        "twine check",
        "python -m venv",
        "mktemp -d",
        "train --epochs 1",
        "README.md",
        "--doctest-modules --pyargs autograd_mlp",
        "pytest11",
        "mnist_sample.npz",
    ):
        assert step in release, f".ci/release lacks {step!r}"


# ----------------------------------------------------------------- version and packaging
def test_version_is_written_once() -> None:
    version = _pyproject()["project"]["version"]
    init = (ROOT / "autograd_mlp" / "__init__.py").read_text()
    assert not re.search(r"__version__\s*=\s*[\"']\d+\.\d+", init), (
        "__version__ must come from metadata"
    )
    assert "metadata" in init
    changelog = (ROOT / "CHANGELOG.md").read_text()
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", changelog, re.M)
    assert releases and releases[0] == version, (
        f"CHANGELOG.md's newest release is {releases[:1]}, pyproject.toml says {version}"
    )
    assert "0.1.0" in releases, "the changelog starts at 0.1.0"


def test_the_wheel_carries_the_bundled_sample() -> None:
    data = _pyproject()["tool"]["setuptools"]["package-data"]["autograd_mlp"]
    package = ROOT / "autograd_mlp"
    for pattern in data:
        assert list(package.glob(pattern)), f"package-data {pattern!r} matches no file"
    assert any(package.glob(p) for p in data if p.endswith(".npz"))
    assert "data/_bundled/mnist_sample.npz" in {
        p.relative_to(package).as_posix() for pattern in data for p in package.glob(pattern)
    }


# ----------------------------------------------------------------- docs site
def test_docs_theme_is_pinned_to_a_release_without_the_banner() -> None:
    pins = _pins(_pyproject()["project"]["optional-dependencies"]["docs"])
    # 9.7.2 and later print an "end of life" banner on every build.
    material = tuple(int(x) for x in pins["mkdocs-material"].split("."))
    assert material < (9, 7, 2), pins
    assert "ruff" in pins or "black" in pins, "mkdocstrings formats signatures with ruff or black"


def test_code_blocks_wrap() -> None:
    config = (ROOT / "mkdocs.yml").read_text()
    sheets = re.findall(r"^extra_css:\n((?:\s+- .+\n)+)", config, re.M)
    assert sheets, "mkdocs.yml has no extra_css"
    css = "".join((ROOT / "docs" / s).read_text() for s in re.findall(r"- (\S+)", sheets[0]))
    assert re.search(r"pre\s*>\s*code\s*\{[^}]*white-space:\s*pre-wrap", css), css
