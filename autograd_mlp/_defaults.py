"""Integer defaults that ``pick`` can tell apart from the same value passed.

``cat(xs, axis=0, dim=1)`` must be an error ("passing both is an error"), but
``0 is 0`` in CPython, so a plain ``axis: int = 0`` default cannot tell
``axis=0`` passed from ``axis`` omitted. Such signatures use :data:`ZERO` etc.:
ints equal to (and printed as) their value, but distinct objects.

Examples
--------
>>> ZERO == 0, ZERO is 0, repr(ZERO)
(True, False, '0')
"""

from __future__ import annotations


class Default(int):
    """An int signature default, distinguishable from an explicitly passed value.

    Examples
    --------
    >>> isinstance(Default(-1), int), Default(-1) + 1
    (True, 0)
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(int(self))


ZERO = Default(0)
ONE = Default(1)
TWO = Default(2)
LAST = Default(-1)
