"""Shipped data: reading its provenance aloud.

Every file in ``data/`` records how it was made (the command, the date, the device, and any
runs appended to it later) as a JSON ``provenance`` entry. :func:`describe` turns that into a
few short lines a reader can take in, rather than a dict printed on one 300-character line.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

WIDTH = 100


def describe(provenance: Mapping, extra: tuple[str, ...] = ()) -> str:
    """One paragraph per run of ``provenance`` (the first run, then each of ``appended``): its
    date and device, its command wrapped at :data:`WIDTH` characters, and the ``extra`` keys."""
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
