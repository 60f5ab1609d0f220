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


def panel_grid(group_sizes, max_cols: int = 4, panel_size=(2.6, 2.3), **subplot_kw):
    """Small panels in rows of at most ``max_cols``, each group starting a new row.

    For figures with one panel per (group, size), such as a predictive check per data set and
    network size: however many sizes a scale has, the panels stay readable at the page's
    width instead of shrinking into one long row.

    Parameters
    ----------
    group_sizes : sequence of int
        Panels in each group (>= 1 each).
    max_cols : int, optional
        Panels per row (>= 1); default 4.
    panel_size : tuple of float, optional
        Width and height of one panel, in inches.
    **subplot_kw
        Passed to ``plt.subplots`` (e.g. ``sharey=True``).

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure; panels not used are switched off.
    groups : list of list of matplotlib.axes.Axes
        Each group's panels, in order.

    Raises
    ------
    ValueError
        If a group is empty or ``max_cols < 1``.
    """
    import matplotlib.pyplot as plt

    sizes = [int(n) for n in group_sizes]
    if not sizes or min(sizes) < 1:
        raise ValueError(f"group_sizes must be positive integers, got {list(group_sizes)!r}")
    if isinstance(max_cols, bool) or int(max_cols) < 1:
        raise ValueError(f"max_cols must be an integer >= 1, got {max_cols!r}")
    cols = min(int(max_cols), max(sizes))
    rows = [-(-n // cols) for n in sizes]
    w, h = panel_size
    fig, axes = plt.subplots(
        sum(rows), cols, figsize=(w * cols + 0.6, h * sum(rows) + 0.4), squeeze=False, **subplot_kw
    )
    groups, start = [], 0
    for n, r in zip(sizes, rows, strict=True):
        block = axes[start : start + r].ravel()
        groups.append(list(block[:n]))
        for ax in block[n:]:
            ax.axis("off")
        start += r
    return fig, groups
