"""Arithmetic as Excel does it.

``excel_round`` is ROUND: half away from zero, and – like Excel, which works on the
15 significant digits it displays – ``2.675`` rounds to ``2.68`` although the binary
double is 2.67499999…; Python's ``round`` (half to even, exact binary) would give 2.67.
"""

from __future__ import annotations

import numpy as np


def _snap15(x: np.ndarray) -> np.ndarray:
    """Round to 15 significant digits, as Excel does before it rounds."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mag = np.floor(np.log10(np.abs(x)))
    mag = np.where(np.isfinite(mag), mag, 0)
    scale = 10.0 ** (14 - mag)
    return np.where(x == 0, 0.0, np.round(x * scale) / scale)


def excel_round(x: np.ndarray | float, digits: int = 0) -> np.ndarray | float:
    """ROUND(x, digits): half away from zero, after snapping to 15 significant digits.

    The common case is one vectorised floor; only values within a hair of a tie (where
    the 15-digit snap can matter) take the exact path.
    """
    arr = np.atleast_1d(np.asarray(x, dtype=float))
    scale = 10.0**digits
    y = np.abs(arr) * scale
    fl = np.floor(y)
    frac = y - fl
    out = fl + (frac >= 0.5)
    near = np.abs(frac - 0.5) < 1e-9 * np.maximum(y, 1.0)
    if near.any():
        ys = _snap15(np.abs(_snap15(arr[near])) * scale)
        out[near] = np.floor(ys + 0.5)
    out = np.copysign(out, arr) / scale
    out[np.isnan(arr)] = np.nan
    if np.ndim(x) == 0:
        return float(out[0])
    return out


def fmt_number(x: float) -> str:
    """A number as a person writes it: 30, 0.5, 1.25 (no trailing zeros, no exponent)."""
    if x != x:  # nan
        return "空"
    text = f"{x:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
