"""The ``kpixl`` command: a thin skin over the library, with the same verbs. Each command parses
its options, calls one library function (mostly :mod:`kpixl.jobs`) and prints what it returns.

Exit codes: 0 success, 1 input errors (listed), 2 usage errors.
"""

from . import logs, month, schemes, workbooks  # noqa: F401  (each module adds its commands to the group)
from ._app import MONTH_ORDER, main

__all__ = ["MONTH_ORDER", "main"]
