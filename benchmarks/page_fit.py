"""Run a chapter page up to one of its NUTS fits, and hand back that fit's model, data and settings.

Scripts that must fit *the page's* model (simulation-based calibration) get it from the page
itself rather than from a copy that could drift: :func:`capture` executes the page's code cells
in order, at the chosen scale, with :func:`emergence.inference.run_nuts` replaced. The fits
before the wanted one run short (their results only feed the page's figures); at the wanted one
the page stops, and its kernel, arguments and NUTS settings come back with the page's namespace.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[1]


class PageFit(NamedTuple):
    """A page's NUTS fit, captured before it ran."""

    kernel: Any  # numpyro.infer.NUTS around the page's model
    args: tuple  # the model's positional arguments (its data)
    kwargs: dict  # the model's keyword arguments
    nuts: dict  # num_warmup, num_samples, num_chains, var_names
    key: Any  # the page's key for this fit
    namespace: dict  # the page's globals at that point


class _Stop(Exception):
    pass


def code_cells(page: Path) -> list[str]:
    """The code cells of a jupytext percent-format page."""
    cells, current, is_code = [], [], False
    for line in page.read_text().splitlines():
        if line.startswith("# %%"):
            if is_code and current:
                cells.append("\n".join(current))
            current, is_code = [], "[markdown]" not in line
            continue
        current.append(line)
    if is_code and current:
        cells.append("\n".join(current))
    return cells


def capture(page: str | Path, call: int = 0, scale: str = "ci") -> PageFit:
    """Execute ``page`` up to its ``call``-th ``inference.run_nuts`` and capture that fit.

    Parameters
    ----------
    page : str or Path
        The page's ``.py`` file.
    call : int
        Which fit (0 = the page's first call of ``run_nuts``).
    scale : str
        The ``EMERGENCE_SCALE`` to run the page at.
    """
    # The page runs at `scale` without a display; the caller's environment is restored after,
    # with whatever the page's cells set in it (numpyro.set_host_device_count writes
    # XLA_FLAGS): a pytest-xdist worker that kept MPLBACKEND=Agg started its later pages'
    # kernels with it, and their plt.show() drew nothing.
    saved = dict(os.environ)
    os.environ["EMERGENCE_SCALE"] = scale
    os.environ.setdefault("MPLBACKEND", "Agg")
    page = (ROOT / page).resolve() if not Path(page).is_absolute() else Path(page)
    from emergence import inference

    real = inference.run_nuts
    seen = [0]

    def run_nuts(key, kernel, *args, num_warmup, num_samples, num_chains, **kw):
        i = seen[0]
        seen[0] += 1
        nuts_only = {"var_names", "show", "progress_bar", "r_hat_max", "min_ess_per_chain"}
        model_kw = {k: v for k, v in kw.items() if k not in nuts_only}
        if i == call:
            nuts = dict(
                num_warmup=num_warmup,
                num_samples=num_samples,
                num_chains=num_chains,
                var_names=kw.get("var_names"),
            )
            raise _Stop(PageFit(kernel, args, model_kw, nuts, key, {}))
        # an earlier fit: short, unchecked (the page only draws figures from it)
        return real(
            key,
            kernel,
            *args,
            num_warmup=100,
            num_samples=100,
            num_chains=num_chains,
            r_hat_max=float("inf"),
            min_ess_per_chain=1e-9,
            **model_kw,
        )

    namespace: dict = {"__name__": "__page__", "__file__": str(page)}
    cwd = os.getcwd()
    inference.run_nuts = run_nuts
    try:
        os.chdir(page.parent)
        for cell in code_cells(page):
            cell = re.sub(r"^\s*[%!].*$", "", cell, flags=re.M)  # no magics in a script
            exec(compile(cell, str(page), "exec"), namespace)
    except _Stop as stop:
        fit = stop.args[0]
        return fit._replace(namespace=namespace)
    finally:
        inference.run_nuts = real
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(saved)
    raise ValueError(f"{page} makes fewer than {call + 1} calls of inference.run_nuts")
