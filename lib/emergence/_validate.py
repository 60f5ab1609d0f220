"""Argument checks shared by the kernels' public functions.

Every check raises a ``ValueError`` that names the argument, the valid range and the first
offending value, so that a reader who passes ``p=1.2`` reads ``p must be a probability in
[0, 1], got 1.2`` and not an XLA shape error three calls down. A chapter's kernel module
imports these rather than writing its own.
"""

from __future__ import annotations

import numpy as np


def positive_int(name: str, value) -> int:
    """``value`` as an ``int``, which must be an integer (not a bool, not a float) ``>= 1``.

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    value : object
        The value to check.

    Returns
    -------
    int
        ``value``.
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


def in_range(
    name: str, value, lo: float | None = None, hi: float | None = None, what: str | None = None
) -> np.ndarray:
    """``value`` as a float array, every element finite and within ``[lo, hi]``.

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    value : array_like
        The value(s) to check.
    lo, hi : float, optional
        The bounds, inclusive; None for no bound.
    what : str, optional
        The range in words for the message (``"a probability in [0, 1]"``); without it the
        message says ``finite and >= lo`` and so on.

    Returns
    -------
    numpy.ndarray
        ``value`` as float64.
    """
    v = np.asarray(value, dtype=float)
    bad = ~np.isfinite(v)
    if lo is not None:
        bad |= v < lo
    if hi is not None:
        bad |= v > hi
    if np.any(bad):
        if what is None:
            bounds = ([] if lo is None else [f">= {lo:g}"]) + ([] if hi is None else [f"<= {hi:g}"])
            what = " and ".join(["finite", *bounds])
        first = float(np.ravel(v)[np.argmax(np.ravel(bad))])
        raise ValueError(f"{name} must be {what}, got {first!r}")
    return v


def probability(name: str, value) -> np.ndarray:
    """``value`` as a float array of probabilities, each in ``[0, 1]``.

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    value : array_like
        The probabilities.

    Returns
    -------
    numpy.ndarray
        ``value`` as float64.
    """
    return in_range(name, value, 0.0, 1.0, what="a probability in [0, 1]")


def per_item(name: str, value: np.ndarray, n: int, item: str) -> np.ndarray:
    """A scalar or one value per ``item`` (shape ``(n,)``), broadcast to shape ``(n,)``.

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    value : numpy.ndarray
        A scalar or shape ``(n,)``.
    n : int
        The number of items.
    item : str
        What an item is, for the message (``"realization"``).

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``, a broadcast view.
    """
    v = np.asarray(value)
    if v.ndim > 1 or (v.ndim == 1 and v.shape[0] != n):
        raise ValueError(
            f"{name} must be a scalar or have one value per {item}, shape ({n},), got shape {v.shape}"
        )
    return np.broadcast_to(v, (n,))
