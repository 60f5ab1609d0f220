"""Numbers in a chapter's prose that come from the run.

A sentence that quotes a posterior mean should quote *this* build's posterior mean, at the
scale it was built at, not a number typed in from some earlier run. :func:`glue` hands values
to MyST-NB's ``glue``; the prose then writes ``{glue:text}`W_inf_mean:.3f```, and the book shows
the value the page computed (a glued name the page never computed fails the build). Outside a
book build (a reader's Jupyter, Colab without MyST-NB) it does nothing: the notebook shows the
values in its outputs anyway.
"""

from __future__ import annotations


def glue(**values) -> None:
    """Glue numbers for the page's prose, without displaying them.

    Parameters
    ----------
    **values : float
        Each keyword's value is glued under its name. Values must be real scalars (Python,
        NumPy or 0-d JAX); format them in the prose: ``{glue:text}`name:.3f```.

    Raises
    ------
    ValueError
        If a value is not a real scalar (a bool, a string, an array, a complex number).
    """
    import numpy as np

    numbers_ = {}
    for name, value in values.items():
        # a Python, NumPy or 0-d JAX real number; not a bool, a string or an array
        if isinstance(value, bool | str | bytes) or np.ndim(value) != 0 or np.iscomplexobj(value):
            raise ValueError(f"glue {name}: need a real number, got {value!r}")
        numbers_[name] = float(value)
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        return
    for name, value in numbers_.items():
        myst_glue(name, value, display=False)
