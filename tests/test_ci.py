"""CI runs exactly the test command that README.md gives users."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    match = re.search(r'^TEST_COMMAND="(.*)"$', ci, re.M)
    assert match, ".ci/run must define TEST_COMMAND"
    readme = (ROOT / "README.md").read_text()
    head = readme.split("\n## ", 1)[0]  # the two commands open the README
    assert match.group(1) in head, f"README's opening does not show {match.group(1)!r}"
