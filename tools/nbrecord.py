"""pytest plugin: keep the notebooks nbval executes, and time each page.

``make test`` executes every chapter once, under nbval. With ``--executed-dir DIR`` this plugin
writes each notebook whose every cell passed to ``DIR/<sha256 of the chapter's .py>.ipynb``,
with the outputs nbval collected and the scale it ran at, which the test build of the book
then renders (``_ext/book_build.py``), so the site it checks is the site of that one run.

It also records each page's wall time, from its kernel's start to its stop (the way
``shared/tools/time-pages`` counts, start-up included), in ``DIR/times/``, and prints a table
of them at the end of the run. Pages run on pytest-xdist workers side by side, so a page's time
here is measured with the other core busy.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_ext"))
import book_build  # noqa: E402  (the build reads what this writes: one definition of the key)

BUDGET_S = 60.0


def _cache_entries() -> tuple[str, int]:
    from emergence import runtime

    d = runtime.compilation_cache_dir()
    return (str(d), sum(1 for _ in d.iterdir()) if d and d.is_dir() else 0) if d else ("off", 0)


def pytest_configure(config):
    config._nbrecord_cache_at_start = _cache_entries()
    _execute_like_jupyter()


def _execute_like_jupyter() -> None:
    """Make nbval execute cells as Jupyter and myst-nb do, with ``store_history=True``.

    nbval sends every cell with ``store_history=False``. IPython then cannot tell that a cell's
    last line ends in ``;`` (it reads that from the history), so the page built from nbval's
    run showed results that Jupyter suppresses (``az.plot_trace(...);`` printed an array of
    Axes), and ``_``, ``Out`` and the execution counts differed from a reader's run."""
    try:
        from nbval.kernel import RunningKernel
    except ImportError:
        return

    def execute_cell_input(self, cell_input, allow_stdin=None):
        return self.kc.execute(
            cell_input, store_history=True, allow_stdin=allow_stdin, stop_on_error=False
        )

    RunningKernel.execute_cell_input = execute_cell_input


def pytest_addoption(parser):
    parser.addoption(
        "--executed-dir",
        default=None,
        help="write each notebook nbval executed without a failure here (for the book build)",
    )


def _is_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell"


def _source_of(notebook: Path) -> Path:
    return notebook.with_suffix(".py")


def _page(notebook: Path) -> str:
    try:
        return str(notebook.resolve().relative_to(Path.cwd().resolve()).with_suffix(""))
    except ValueError:
        return str(notebook.with_suffix(""))


def _run_of(parent) -> dict:
    run = getattr(parent, "_nbrecord", None)
    if run is None:
        # the chapter's source as it is when its run starts: the executed notebook is filed
        # under this text's hash, so an edit made while the page runs cannot be credited to it
        source = _source_of(Path(str(parent.fspath)))
        text = source.read_text(encoding="utf-8") if source.exists() else None
        run = parent._nbrecord = {
            "t0": time.perf_counter(),
            "outputs": {},
            "failed": False,
            "source": text,
        }
    return run


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    if _is_cell(item):
        _run_of(item.parent)  # the first cell's setup starts the kernel: the clock starts here
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if not _is_cell(item):
        return
    report = outcome.get_result()
    run = _run_of(item.parent)
    if report.failed or report.skipped:
        run["failed"] = True
    if call.when == "call" and item.test_outputs is not None:
        run["outputs"][item.cell_num] = item.test_outputs


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield  # the last cell's teardown also stops the notebook's kernel
    if not _is_cell(item) or (nextitem is not None and nextitem.parent is item.parent):
        return
    run = _run_of(item.parent)
    seconds = time.perf_counter() - run["t0"]
    directory = item.config.getoption("executed_dir")
    if not directory:
        return
    notebook = Path(str(item.parent.fspath))
    page = _page(notebook)
    directory = Path(directory)
    times = directory / "times"
    times.mkdir(parents=True, exist_ok=True)
    status = "failed" if run["failed"] else "ok"
    record = {"page": page, "seconds": round(seconds, 1), "status": status}
    (times / (page.replace("/", "__") + ".json")).write_text(json.dumps(record) + "\n")
    if run["failed"] or run["source"] is None:
        return
    write_executed(item.parent.nb, run["outputs"], run["source"], page, directory)


def write_executed(nb, outputs: dict, source_text: str, page: str, directory: Path) -> Path | None:
    """Write ``nb`` with nbval's ``outputs`` (by code-cell number) under the hash of the
    chapter's ``source_text``; nothing when the notebook's cells are not that source's (a
    notebook generated before the chapter was edited)."""
    import jupytext
    import nbformat

    def code(notebook):
        return [c.source for c in notebook.cells if c.cell_type == "code"]

    if code(jupytext.reads(source_text, fmt="py:percent")) != code(nb):
        return None

    nb = nbformat.from_dict(json.loads(json.dumps(nb)))  # a copy
    n = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = list(outputs.get(n, []))
        cell.execution_count = n + 1
        for out in cell.outputs:
            if out.get("output_type") == "execute_result":
                out["execution_count"] = n + 1
        n += 1
    nb.metadata["emergence"] = {
        "page": page,
        "scale": book_build.scale(),
        "executed_by": "nbval (make test)",
    }
    nbformat.validate(nb)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{book_build.source_hash(source_text)}.ipynb"
    nbformat.write(nb, path)
    return path


def page_table(directory) -> list[str]:
    """The page-time table of a run that wrote to ``directory`` (empty if none)."""
    rows = [json.loads(p.read_text()) for p in sorted((Path(directory) / "times").glob("*.json"))]
    lines = []
    for r in sorted(rows, key=lambda r: r["page"]):
        flag = "  OVER BUDGET" if r["seconds"] > BUDGET_S else ""
        lines.append(f"{r['seconds']:7.1f} s  {r['status']:6s}  {r['page']}{flag}")
    if rows:
        total = sum(r["seconds"] for r in rows)
        lines.append(f"{total:7.1f} s  total over {len(rows)} pages (budget {BUDGET_S:.0f} s a page)")
    return lines


def pytest_terminal_summary(terminalreporter, config):
    directory = config.getoption("executed_dir")
    if not directory or hasattr(config, "workerinput"):
        return
    lines = page_table(directory)
    if not lines:
        return
    tr = terminalreporter
    scale = os.environ.get("EMERGENCE_SCALE", "") or "default"
    tr.section(f"page execution times (scale {scale}, kernel start to stop)")
    for line in lines:
        tr.write_line(line)
    where, before = config._nbrecord_cache_at_start
    after = _cache_entries()[1]
    state = "cold: every compilation ran" if before == 0 else "warm: compiled programs loaded from disk"
    tr.write_line(
        f"JAX compilation cache {where}: {before} entries before this run, {after} after ({state})"
    )


def main(argv=None) -> int:
    """``python tools/nbrecord.py EXECUTED_DIR [PHASES_FILE]``: print the phase and page times
    at the end of ``make test``."""
    import argparse

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("executed", type=Path)
    ap.add_argument("phases", type=Path, nargs="?")
    args = ap.parse_args(argv)
    if args.phases and args.phases.exists():
        print("make test, time per phase:")
        rows = [line.split() for line in args.phases.read_text().splitlines() if line.strip()]
        for name, seconds in rows:
            print(f"{float(seconds):7.1f} s  {name}")
        print(f"{sum(float(s) for _, s in rows):7.1f} s  in all")
    print("page execution times (scale ci, kernel start to stop, two pages at a time):")
    for line in page_table(args.executed) or ["  (no page ran)"]:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
