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
    """Return ``name`` if it is a known scale, else raise a ``ValueError`` listing the valid ones."""
    if name not in SCALES:
        raise ValueError(f"unknown scale {name!r}; valid scales are {', '.join(SCALES)}")
    return name


def current_scale() -> str:
    """The scale named by ``$EMERGENCE_SCALE`` (``default`` when unset or empty)."""
    return validate_scale(os.environ.get(ENV_VAR, "").strip() or "default")


def pick(*, ci: T, default: T, full: T, scale: str | None = None) -> T:
    """Choose the value for the current scale (or for ``scale`` when given)."""
    name = current_scale() if scale is None else validate_scale(scale)
    return {"ci": ci, "default": default, "full": full}[name]
