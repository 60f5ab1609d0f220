"""Shipped data: finding it, checking what it was made with, and reading its provenance aloud.

Every file in ``data/`` records how it was made (the command, the date, the device, the
experiment's settings, and any runs appended to it later) as a JSON ``provenance`` entry.

- :func:`data_dir` finds ``data/``: ``$EMERGENCE_DATA``, else the ``data/`` of the book's
  checkout (the folder with ``_toc.yml``) above the working directory or above this package;
- :func:`load` opens a shipped ``.npz`` and checks its provenance against the experiment the
  chapter runs (a dataclass such as :class:`emergence.langevin.ErasureExperiment`, or keyword
  settings), raising a ``ValueError`` that names every mismatch: data made with other settings
  never reach a figure;
- :func:`describe` turns a provenance into a few short lines a reader can take in.
"""

from __future__ import annotations

import dataclasses
import json
import os
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

ENV_VAR = "EMERGENCE_DATA"


def data_dir() -> Path | None:
    """The shipped-data folder.

    Returns
    -------
    pathlib.Path or None
        ``$EMERGENCE_DATA`` when set; else the ``data/`` folder of the book's checkout found
        from the working directory or from this package; ``None`` when there is none (an
        installed library without the checkout): chapters then skip what needs it.
    """
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env)
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for folder in (start, *start.parents):
            if (folder / "_toc.yml").is_file() and (folder / "data").is_dir():
                return folder / "data"
    return None


def _settings(experiment, expected: dict) -> dict:
    """The settings to check: the fields of ``experiment`` (a dataclass instance), then
    ``expected``."""
    if experiment is None:
        return dict(expected)
    if not dataclasses.is_dataclass(experiment) or isinstance(experiment, type):
        raise ValueError(f"experiment must be a dataclass instance, got {experiment!r}")
    return {**dataclasses.asdict(experiment), **expected}


class Shipped(NamedTuple):
    """A shipped file's contents.

    Parameters
    ----------
    arrays : dict of str to numpy.ndarray
        The file's arrays, by name.
    provenance : dict
        The parsed JSON provenance: date, device, command and the experiment's settings.
    """

    arrays: dict
    provenance: dict


def load(name: str, experiment: Any = None, **expected) -> Shipped | None:
    """Open a shipped file and check how it was made.

    Parameters
    ----------
    name : str
        The file's name in :func:`data_dir` (an ``.npz`` with a JSON ``provenance`` entry).
    experiment : dataclass instance, optional
        The experiment the chapter runs (e.g. ``langevin.ERASURE``): the provenance must hold
        each of its fields with an equal value.
    **expected
        Further settings the provenance must hold with these values.

    Returns
    -------
    Shipped or None
        The arrays and provenance; ``None`` if the file (or the data folder) is absent.

    Raises
    ------
    ValueError
        If the file has no provenance or was made with other settings (each mismatch named), or
        if ``experiment`` is not a dataclass instance.
    """
    import numpy as np

    expected = _settings(experiment, expected)  # a bad experiment fails even if the file is absent
    folder = data_dir()
    if folder is None or not (folder / name).is_file():
        return None
    path = folder / name
    with np.load(path, allow_pickle=False) as f:
        if "provenance" not in f.files:
            raise ValueError(
                f"{path} holds no 'provenance': every shipped file must say how it was made"
            )
        arrays = {k: f[k] for k in f.files if k != "provenance"}
        provenance = json.loads(str(f["provenance"]))
    check_provenance(path, provenance, **expected)
    return Shipped(arrays, provenance)


def check_provenance(path, provenance: Mapping, experiment: Any = None, **expected) -> None:
    """Check that a file's provenance records the expected settings.

    Parameters
    ----------
    path : str or os.PathLike
        The file, for the message.
    provenance : Mapping
        Its parsed provenance.
    experiment : dataclass instance, optional
        Each field must appear in ``provenance`` with an equal value.
    **expected
        Further settings that must appear with these values.

    Raises
    ------
    ValueError
        Naming every missing or different setting: data made with other settings are never
        mixed with the chapter's.
    """
    expected = _settings(experiment, expected)
    wrong = [
        f"{k} = {provenance.get(k, '<missing>')!r} (expected {v!r})"
        for k, v in expected.items()
        if provenance.get(k) != v
    ]
    if wrong:
        raise ValueError(f"{path} was made with other settings: {'; '.join(wrong)}")


WIDTH = 100


def describe(provenance: Mapping, extra: tuple[str, ...] = ()) -> str:
    """A readable account of how a shipped file was made.

    Parameters
    ----------
    provenance : Mapping
        The file's provenance: ``command``, ``date``, ``device``, optionally ``appended`` (a
        list of later runs with the same keys).
    extra : tuple of str, optional
        Further keys to show for each run (each must be present in the first run).

    Returns
    -------
    str
        One paragraph per run: its date and device, its command wrapped at ``WIDTH`` (100)
        characters, and the ``extra`` keys.

    Raises
    ------
    ValueError
        If ``provenance`` is not a mapping or lacks a required key.
    """
    if not isinstance(provenance, Mapping):
        raise ValueError(
            f"provenance must be a mapping (the file's JSON), got {type(provenance).__name__}"
        )
    missing = [k for k in ("command", "date", "device", *extra) if k not in provenance]
    if missing:
        raise ValueError(f"provenance has no {', '.join(missing)}: keys are {sorted(provenance)}")
    runs = [provenance, *provenance.get("appended", [])]
    out = []
    for i, run in enumerate(runs):
        head = "made" if i == 0 else "then appended"
        lines = [f"{head} {run.get('date', '?')} on {run.get('device', '?')}:"]
        lines += textwrap.wrap(
            str(run.get("command", "?")),
            WIDTH,
            initial_indent="  ",
            subsequent_indent="      ",
            break_on_hyphens=False,
        )
        for k in extra:
            if k in run:
                v = run[k]
                lines.append(f"  {k} = {v:.4g}" if isinstance(v, float) else f"  {k} = {v}")
        out.append("\n".join(lines))
    return "\n".join(out)
