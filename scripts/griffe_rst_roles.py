"""Griffe extension for the docs site: show Sphinx roles in docstrings as code.

The docstrings use the numpy style, and some contain Sphinx cross-reference roles
such as ``:class:`Tensor``` or ``:func:`~autograd_mlp.engine.grad```. The API
reference renders docstrings as Markdown, which would print the role markup
literally. mkdocs.yml loads this extension, which rewrites each role into a code
span (`Tensor`, `grad`) before mkdocstrings renders the docstring. The source
files are not changed.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(
    r":(?:py:)?(?:class|func|meth|mod|data|attr|exc|obj|const|ref|term):`(~?)([^`]+)`"
)


def _code(match: re.Match[str]) -> str:
    tilde, target = match.groups()
    if target.endswith(">") and "<" in target:  # :ref:`text <target>`
        target = target.split("<", 1)[0].strip()
    if tilde:  # :func:`~a.b.c` shows as c
        target = target.rsplit(".", 1)[-1]
    return f"`{target}`"


def rewrite(text: str) -> str:
    """``text`` with every Sphinx role replaced by a Markdown code span.

    Examples
    --------
    >>> rewrite("See :func:`~autograd_mlp.engine.grad` and :class:`Tensor` s.")
    'See `grad` and `Tensor` s.'
    """
    return ROLE.sub(_code, text)


class RSTRoles(griffe.Extension):
    """Rewrite the docstring of every loaded object with :func:`rewrite`."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = rewrite(obj.docstring.value)
