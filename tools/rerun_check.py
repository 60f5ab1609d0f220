"""A chapter executed twice prints the same numbers: execute every page again and compare.

``make test`` executes each page once under nbval and keeps the executed notebooks
(tools/nbrecord.py). This executes each page a second time in a fresh kernel, at the same scale,
and compares every code cell's outputs with the first run's: the text it printed, the values it
displayed (plain text and HTML: the adequacy and calibration tables) and its figures (PNG bytes).
Any difference fails, naming the page, the cell and where the first differing lines part. Only
wall times, the claim records' time stamps and objects' addresses are masked (``WALL_TIME``,
``STAMP``, ``ADDRESS``). Pages run ``--jobs`` at a
time.

Usage: python tools/rerun_check.py EXECUTED_DIR [--jobs N] PAGE.py ...
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
import book_build  # noqa: E402  (the key nbrecord saves the first run under)

COMPARED = ("text/plain", "text/html", "image/png")
# What is allowed to differ: wall times the pages print ("in 2.3 s", "NUTS: 6.0 s", "(9.3e+05
# jumps/s)"), the time stamp of each claim check's record (ISO 8601) and objects' addresses in
# their plain-text repr. Every other number must come back bit for bit. A time printed padded to
# a width ("in %5.1f s") takes its padding with it: 12.3 s and 3.2 s differ in their spaces.
WALL_TIME = re.compile(r" *\b\d+(\.\d+)?(e[+-]\d+)? (s\b(?!\^)|jumps/s\b)")
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)?")
ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def outputs(nb) -> list[list[str]]:
    """Each code cell's outputs as comparable strings."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        out, stdout = [], []
        for o in cell.get("outputs", []):
            kind = o["output_type"]
            if kind == "stream" and o["name"] == "stdout":
                stdout.append(WALL_TIME.sub(" (wall time)", o["text"]))
            elif kind in ("execute_result", "display_data"):
                for mime in COMPARED:
                    if mime in o["data"]:
                        value = o["data"][mime]
                        value = value if isinstance(value, str) else "".join(value)
                        if mime != "image/png":
                            value = ADDRESS.sub(" at (address)", STAMP.sub("(time stamp)", value))
                        out.append(f"{mime}: {value}")
            elif kind == "error":
                out.append(f"error: {o['ename']}: {o['evalue']}")
        # how a cell's printed text splits into stream messages depends on the kernel's
        # flushing, not on the page: compare the text as a whole
        cells.append(["stdout: " + "".join(stdout), *out])
    return cells


def _around_first_difference(lines: list[str]) -> list[str]:
    """Diff lines cut to 160 characters around where a removed and an added line first differ."""
    removed = [x for x in lines if x.startswith("-") and not x.startswith("---")]
    added = [x for x in lines if x.startswith("+") and not x.startswith("+++")]
    at = 0
    if removed and added:
        a, b = removed[0][1:], added[0][1:]
        at = next(
            (i for i, (p, q) in enumerate(zip(a, b, strict=False)) if p != q), min(len(a), len(b))
        )
    lo = max(0, at - 80)
    return [line[:1] + ("..." if lo else "") + line[1:][lo : lo + 160] for line in lines]


def rerun(page: Path, executed: Path) -> tuple[str, list[str], float]:
    import jupytext
    import nbformat
    from nbclient import NotebookClient

    text = page.read_text()
    first_path = executed / f"{book_build.source_hash(text)}.ipynb"
    if not first_path.exists():
        return str(page), [f"no first run of this source in {executed}"], 0.0
    first = nbformat.read(first_path, as_version=4)
    nb = jupytext.reads(text, fmt="py:percent")
    start = time.perf_counter()
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(page.parent)}}
    ).execute()
    took = time.perf_counter() - start
    problems = []
    a, b = outputs(first), outputs(nb)
    if len(a) != len(b):
        problems.append(f"{len(a)} code cells in the first run, {len(b)} in the second")
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            diff = [
                line
                for line in difflib.unified_diff(
                    "\n".join(x).splitlines(),
                    "\n".join(y).splitlines(),
                    "first run",
                    "second run",
                    lineterm="",
                    n=0,
                )
                if not line.startswith("@@")
            ]
            shown = _around_first_difference(diff[:8])
            problems.append(f"code cell {i + 1} differs:\n    " + "\n    ".join(shown))
    name = page.relative_to(ROOT) if page.is_relative_to(ROOT) else page
    return str(name), problems, took


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("executed", type=Path)
    ap.add_argument("pages", nargs="+", type=Path)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    pages = [p.resolve() for p in args.pages]
    with ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda p: rerun(p, args.executed.resolve()), pages))
    bad = 0
    for page, problems, took in results:
        if problems:
            bad += 1
            print(f"{page}: executed twice, the outputs differ ({took:.0f} s)")
            for p in problems:
                print("  " + p)
        else:
            print(f"{page}: the same outputs when executed again ({took:.0f} s)")
    if bad:
        print(f"{bad} of {len(results)} pages are not reproducible")
        return 1
    print(f"all {len(results)} pages print and draw the same when executed again")
    return 0


if __name__ == "__main__":
    sys.exit(main())
