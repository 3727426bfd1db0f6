"""Arithmetic as Excel does it.

``excel_round`` is ROUND: half away from zero, and – like Excel, which works on the
15 significant digits it displays – ``2.675`` rounds to ``2.68`` although the binary
double is 2.67499999…; Python's ``round`` (half to even, exact binary) would give 2.67.
"""

from __future__ import annotations

import math

import numpy as np


def _snap15(x: np.ndarray) -> np.ndarray:
    """Round to 15 significant digits, as Excel does before it rounds."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mag = np.floor(np.log10(np.abs(x)))
    tiny = ~np.isfinite(mag) | (mag < -280)  # 0, NaN, ∞ and values too small to scale: as they are
    mag = np.where(tiny, 0, mag)
    scale = 10.0 ** (14 - mag)
    return np.where(tiny | (x == 0), x, np.round(x * scale) / scale)


_NO_FRACTION = 1e15


def _digits15(v: float) -> float:
    """``v`` to 15 significant digits (the largest doubles stay themselves, never ∞)."""
    snapped = float(f"{v:.15g}")
    return v if math.isinf(snapped) else snapped


def excel_round(x: np.ndarray | float, digits: int = 0) -> np.ndarray | float:
    """ROUND(x, digits): half away from zero, after snapping to 15 significant digits.

    The common case is one vectorised floor; only values within a hair of a tie (where
    the 15-digit snap can matter) take the exact path. Written with few passes and
    in-place steps: it runs on every points column, 小计 and total of a million-row roster.
    """
    arr = np.atleast_1d(np.asarray(x, dtype=float))
    scale = 10.0**digits
    with np.errstate(over="ignore", invalid="ignore"):  # huge values are handled below
        y = np.abs(arr)
        y *= scale
        out = y + 0.5
        np.floor(out, out=out)  # half up on |x|·scale
        dist = y - out
        np.abs(dist, out=dist)  # 0.5 exactly at a tie
        # a tolerance from the largest value (NaN ignored) is at least as wide as one per value;
        # a wider band only sends more values down the exact path, which is right for any value
        top = float(np.fmax.reduce(y, initial=1.0)) if y.size else 1.0
        near = dist > 0.5 - 1e-9 * (top if top <= 1e6 else np.maximum(y, 1.0))
        if near.any():
            ys = _snap15(np.abs(_snap15(arr[near])) * scale)
            out[near] = np.floor(ys + 0.5)
        np.copysign(out, arr, out=out)
        out /= scale  # NaN stays NaN through every step
        if top >= _NO_FRACTION:  # |x|·scale ≥ 1e15: Excel's 15-digit snap leaves nothing finer to round
            big = y >= _NO_FRACTION
            out[big] = [_digits15(v) for v in arr[big].tolist()]  # rare: exact decimal text
    if np.ndim(x) == 0:
        return float(out[0])
    return out


def fmt_number(x: float) -> str:
    """A number as a person writes it: 30, 0.5, 1.25 (no trailing zeros, no exponent)."""
    if x != x:  # nan
        return "空"
    text = f"{x:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
