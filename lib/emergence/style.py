"""The book's plotting style: readable on the website and in a notebook, colour-blind safe."""

from __future__ import annotations

import matplotlib as mpl
from cycler import cycler

# Okabe & Ito's colour-blind-safe palette, in the order the book uses it.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")

RC = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "figure.constrained_layout.use": True,
    "axes.prop_cycle": cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "axes.titlesize": 11,
    "axes.labelsize": 11,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "lines.linewidth": 1.6,
    "lines.markersize": 4,
    "image.cmap": "viridis",
}


def use() -> None:
    """Apply the book's matplotlib style (idempotent).

    Constrained layout is turned on: it is the book's only layout engine, so never call
    ``tight_layout`` after this.
    """
    mpl.rcParams.update(RC)


def color(i: int) -> str:
    """A colour of the book's palette.

    Parameters
    ----------
    i : int
        Index into Okabe and Ito's colour-blind-safe palette; wraps around after eight.

    Returns
    -------
    str
        The colour as ``"#RRGGBB"``.
    """
    return PALETTE[i % len(PALETTE)]
