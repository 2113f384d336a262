"""The options of a drawing, as one small dataclass instead of a dozen keywords."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

RANKDIRS = ("auto", "LR", "RL", "TB", "BT")


@dataclass(frozen=True)
class DrawOptions:
    """What :func:`~autograd_mlp.viz.draw_graph` draws and how.

    Every field is also a keyword of ``draw_graph``; see there for the meaning.
    ``rankdir="auto"`` (the default) lays the graph out top-down unless it is
    much wider than deep; ``size`` caps the picture (inches, Graphviz's
    ``size``: larger drawings are scaled down to fit).

    Examples
    --------
    >>> DrawOptions(grad_colors=True).rankdir
    'auto'
    >>> DrawOptions(rankdir="XY")
    Traceback (most recent call last):
    ...
    ValueError: draw_graph: rankdir must be one of ('auto', 'LR', 'RL', 'TB', 'BT'), got 'XY'
    """

    show_values: bool = True
    show_grads: bool = True
    group_modules: bool = True
    collapse_modules: bool = False
    max_nodes: int = 500
    rankdir: str = "auto"
    grad_colors: bool = False
    intermediate_grads: bool | None = None
    title: str | None = None
    legend: bool = True
    tooltips: bool = True
    size: str | None = "16,60"

    def __post_init__(self) -> None:
        if self.rankdir not in RANKDIRS:
            raise ValueError(f"draw_graph: rankdir must be one of {RANKDIRS}, got {self.rankdir!r}")
        if not isinstance(self.max_nodes, int) or self.max_nodes < 2:
            raise ValueError(f"draw_graph: max_nodes must be at least 2, got {self.max_nodes!r}")

    @classmethod
    def from_keywords(cls, options: DrawOptions | None, **keywords: Any) -> DrawOptions:
        """``options`` (or the defaults) with the given keywords replacing fields.

        Examples
        --------
        >>> from autograd_mlp.viz.options import DrawOptions
        >>> opts = DrawOptions.from_keywords(None, rankdir="LR")
        >>> opts.rankdir, DrawOptions.from_keywords(opts, max_nodes=50).rankdir
        ('LR', 'LR')
        >>> DrawOptions.from_keywords(None, colour="red")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
            ...
        TypeError: draw_graph: unknown option(s) ['colour']; choose from [...]
        """
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(keywords) - names)
        if unknown:
            raise TypeError(f"draw_graph: unknown option(s) {unknown}; choose from {sorted(names)}")
        base = options if options is not None else cls()
        values = {f.name: getattr(base, f.name) for f in fields(cls)}
        values.update(keywords)
        return cls(**values)


__all__ = ["RANKDIRS", "DrawOptions"]
