"""The scale knob: one place where a chapter gets every size, sample count and sweep.

``EMERGENCE_SCALE`` selects

- ``ci``: continuous integration and the tests; a chapter runs in at most 60 s on a 2-core CPU;
- ``default``: what a reader gets; a few minutes on a laptop CPU;
- ``full``: the paper's sizes, meant for a GPU.

A chapter writes its sizes once, for all three scales, and asks for the current one::

    from emergence.scale import pick
    SIZES = pick(ci=dict(L=[8, 16]), default=dict(L=[16, 32, 64]), full=dict(L=[40, 80, 160]))
"""

from __future__ import annotations

import os
from typing import TypeVar

SCALES = ("ci", "default", "full")
ENV_VAR = "EMERGENCE_SCALE"

T = TypeVar("T")


def validate_scale(name: str) -> str:
    """Check a scale's name.

    Parameters
    ----------
    name : str
        One of ``"ci"``, ``"default"``, ``"full"``.

    Returns
    -------
    str
        ``name`` unchanged.

    Raises
    ------
    ValueError
        If ``name`` is not a known scale; the message lists the valid ones.
    """
    if name not in SCALES:
        raise ValueError(f"unknown scale {name!r}; valid scales are {', '.join(SCALES)}")
    return name


def current_scale() -> str:
    """The scale this process runs at.

    Returns
    -------
    str
        The scale named by ``$EMERGENCE_SCALE``; ``"default"`` when it is unset or empty.

    Raises
    ------
    ValueError
        If the variable names an unknown scale.
    """
    return validate_scale(os.environ.get(ENV_VAR, "").strip() or "default")


def pick(*, ci: T, default: T, full: T, scale: str | None = None) -> T:
    """Choose the value for the current scale.

    Parameters
    ----------
    ci, default, full : object
        The value at each scale (typically a dict of sizes).
    scale : str, optional
        Pick for this scale instead of ``$EMERGENCE_SCALE``'s.

    Returns
    -------
    object
        The value given for the scale in force.

    Examples
    --------
    >>> pick(ci=dict(L=[8, 16]), default=dict(L=[16, 32]), full=dict(L=[40, 80]), scale="ci")
    {'L': [8, 16]}
    """
    name = current_scale() if scale is None else validate_scale(scale)
    return {"ci": ci, "default": default, "full": full}[name]
