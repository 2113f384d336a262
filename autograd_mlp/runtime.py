"""Process-wide performance settings, applied only when asked: :func:`tune_malloc`.

Importing ``autograd_mlp`` changes no process state; the CLI and ``fit`` call
``tune_malloc()``, and a program of your own may too.

There is one, and ``docs/performance.md`` has the measurements behind it.

**glibc malloc keeps freed memory for reuse.** An autograd engine allocates fresh
arrays for every activation and gradient of every step and frees them when the
graph goes. With glibc's defaults, freed memory at the top of the heap is trimmed
back to the OS and large blocks come from ``mmap`` and are unmapped when freed, so
the next step page-faults on every page of its arrays again: about 500 page faults
per SGD step of a 784-100-200-10 MLP at batch 512, and 10-30 % of its time at
batches 128 and 512. Raising ``M_TRIM_THRESHOLD`` and ``M_MMAP_THRESHOLD`` keeps
that memory in the process. The price: up to 64 MiB of freed memory stays with
the process instead of going back to the OS.

It changes nothing when:

- ``AUTOGRAD_MLP_MALLOC_TUNING=0`` is set (the opt-out);
- glibc's own variables (``MALLOC_TRIM_THRESHOLD_``, ``MALLOC_MMAP_THRESHOLD_``,
  ``MALLOC_TOP_PAD_``, ``MALLOC_MMAP_MAX_``) are set: the user has chosen already;
- the C library is not glibc (macOS, Windows, musl).

BLAS threads are left alone: a library should not change them for the whole
process, and ``docs/performance.md`` shows how to set them with threadpoolctl.

Examples
--------
>>> import autograd_mlp.runtime as rt
>>> rt.MALLOC_TUNING in (True, False)
True
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

# mallopt() parameter numbers, from glibc's <malloc.h>.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3

TRIM_THRESHOLD = 64 * 1024 * 1024  # keep up to 64 MiB of freed memory at the heap's top
MMAP_THRESHOLD = 32 * 1024 * 1024  # arrays up to 32 MiB come from the heap, not mmap

_GLIBC_VARIABLES = (
    "MALLOC_TRIM_THRESHOLD_",
    "MALLOC_MMAP_THRESHOLD_",
    "MALLOC_TOP_PAD_",
    "MALLOC_MMAP_MAX_",
)

_OFF = ("0", "false", "no", "off")

#: Whether :func:`tune_malloc` changed glibc's settings in this process.
MALLOC_TUNING = False


def tune_malloc() -> bool:
    """Raise glibc's trim and mmap thresholds (see the module docstring).

    Returns whether the settings were changed. Not called on import; the CLI
    and ``fit`` call it. Calling it again is harmless.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> from autograd_mlp.runtime import tune_malloc
    >>> with mock.patch.dict(os.environ, {"AUTOGRAD_MLP_MALLOC_TUNING": "0"}):
    ...     tune_malloc()  # switched off: changes nothing
    False
    """
    global MALLOC_TUNING
    if os.environ.get("AUTOGRAD_MLP_MALLOC_TUNING", "1").strip().lower() in _OFF:
        return False
    if not sys.platform.startswith("linux") or any(v in os.environ for v in _GLIBC_VARIABLES):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.gnu_get_libc_version  # noqa: B018 - raises AttributeError on other C libraries
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    done = mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
    done = mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1 and done
    MALLOC_TUNING = done
    return done
