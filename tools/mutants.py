"""Mutation testing of the library (``make mutants``): plant a plausible bug, see whether a test fails.

Cosmic Ray (pinned in requirements-mutants.txt) finds the mutation sites and applies each mutant;
this driver chooses which mutants are worth running, runs them on every core and reports.

* **Which mutants.** The mistakes a person makes in numerical physics code, one mutant each: a
  sign (``+`` and ``-`` swapped, a unary minus dropped), a factor (``*`` and ``/`` swapped, ``**``
  made ``*``, ``//`` made ``/``), a number off by one (``2`` made ``3``: a wrong factor, an
  off-by-one; Cosmic Ray also makes ``2`` into ``1``, which a test that sees the first almost
  always sees too, so only the first is run), a boundary (``<`` and ``<=``, ``>`` and ``>=``),
  a condition negated (``<`` made ``>=``, ``==`` made ``!=``, ``is`` made ``is not``, an added
  ``not``, ``and`` and ``or`` swapped, ``True`` and ``False`` swapped), a loop that never runs,
  a ``break`` made ``continue``. Cosmic Ray's other operators (every binary operator into every
  other, bitwise ones, exception and decorator replacement) mostly give programs that fail to
  run at all, and multiply the cost without finding more weak tests. A line marked
  ``# pragma: no mutate`` is skipped (say why beside it), and so is a bare ``*`` in a signature
  (Cosmic Ray takes it for a multiplication).
* **Which tests.** Each module is tested by its own test file(s) only (``MODULES`` below), with
  ``-x`` so that a killed mutant stops at its first failing test.
* **Where.** Each worker (one per core) has its own copy of the working tree under
  ``_build/mutants/lane-N`` (the files git tracks plus the untracked ones it does not ignore),
  imported through ``PYTHONPATH``; the checkout itself is never mutated. The JAX compilation
  cache lives in ``_build/mutants/jax-cache``, so the mutants' programs do not fill the book's.
* **Resuming.** Results are kept per module in ``_build/mutants/<module>.sqlite`` (Cosmic Ray's
  session format: ``cr-report`` reads it); a rerun runs only what is still pending. ``--fresh``
  starts a module again (needed after its source changed: the mutation sites move);
  ``--survivors`` runs its surviving mutants again (after tests were added); ``--killed-in DIR
  REV`` takes over the kills of an earlier run of commit REV on lines that have not changed, so
  that after adding tests (and editing a module) only the rest run.

Usage::

    python tools/mutants.py                      # every module
    python tools/mutants.py sandpile langevin    # some modules
    python tools/mutants.py --count              # how many mutants each module has
    python tools/mutants.py --report             # the scores and the survivors so far

The report is ``_build/mutants/report.md`` (scores, then each survivor's diff) and
``_build/mutants/scores.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "mutants"
JAX_CACHE = ROOT / "_build" / "mutants-jax-cache"  # shared by every --out

# module (a path under lib/emergence) -> the test files that test it
MODULES = {
    "sandpile": ("sandpile.py", ["tests/test_sandpile.py"]),
    "langevin": ("langevin.py", ["tests/test_langevin.py"]),
    "ising": ("ising.py", ["tests/test_ising.py"]),
    "kuramoto": ("kuramoto.py", ["tests/test_kuramoto.py"]),
    "percolation": ("percolation.py", ["tests/test_percolation.py"]),
    "spins": ("spins.py", ["tests/test_spins.py"]),
    "flows": ("flows.py", ["tests/test_flows.py"]),
    "_validate": ("_validate.py", ["tests/test_validate.py"]),
    "markov": ("markov.py", ["tests/test_markov.py"]),
    "hopfield.network": ("hopfield/network.py", ["tests/test_hopfield.py"]),
    "hopfield.theory": ("hopfield/theory.py", ["tests/test_hopfield.py"]),
    "hopfield.capacity": ("hopfield/capacity.py", ["tests/test_hopfield.py"]),
    "hopfield": ("hopfield/__init__.py", ["tests/test_hopfield.py"]),
    "streams": ("streams.py", ["tests/test_streams.py"]),
    "inference": ("inference.py", ["tests/test_inference.py"]),
    "calibration": ("calibration.py", ["tests/test_calibration.py"]),
    "adequacy": ("adequacy.py", ["tests/test_adequacy.py"]),
    "claims": ("claims.py", ["tests/test_scale_and_claims.py", "tests/test_ledger.py"]),
    "scale": ("scale.py", ["tests/test_scale_and_claims.py"]),
    "data": ("data.py", ["tests/test_data.py"]),
    "runtime": ("runtime.py", ["tests/test_runtime.py"]),
    "prose": ("prose.py", ["tests/test_prose.py"]),
    "style": ("style.py", ["tests/test_style.py"]),
}

_BINARY = "Add_Sub|Sub_Add|Mul_Div|Div_Mul|Pow_Mul|FloorDiv_Div"
_COMPARE = "Lt_LtE|LtE_Lt|Gt_GtE|GtE_Gt|Lt_GtE|GtE_Lt|Gt_LtE|LtE_Gt|Eq_NotEq|NotEq_Eq|Is_IsNot|IsNot_Is"
KEEP = re.compile(
    rf"core/(ReplaceBinaryOperator_({_BINARY})|ReplaceComparisonOperator_({_COMPARE})"
    r"|ReplaceUnaryOperator_Delete_(USub|Not)|AddNot|ReplaceTrueWithFalse|ReplaceFalseWithTrue"
    r"|ReplaceAndWithOr|ReplaceOrWithAnd|ReplaceBreakWithContinue|ZeroIterationForLoop|NumberReplacer)$"
)
PRAGMA = "pragma: no mutate"
NOT_COVERED = "not run: no test executes this line"


def _cr():
    """Cosmic Ray's pieces (imported late: ``--help`` works without it installed)."""
    from cosmic_ray.commands import init
    from cosmic_ray.mutating import mutate_and_test
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import MutationSpec, TestOutcome, WorkerOutcome, WorkResult

    return init, mutate_and_test, WorkDB, use_db, MutationSpec, TestOutcome, WorkerOutcome, WorkResult


def tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [f for f in out.splitlines() if (ROOT / f).is_file()]


def make_lane(n: int, rev: str | None = None) -> Path:
    """A fresh copy for worker ``n``: of the working tree, or of the commit ``rev``."""
    lane = OUT / f"lane-{n}"
    shutil.rmtree(lane, ignore_errors=True)
    lane.mkdir(parents=True)
    if rev:
        archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(lane)], input=archive.stdout, check=True)
        return lane
    for f in tracked_files():
        dest = lane / f
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, dest)
    return lane


def test_command(
    lane: Path, tests: list[str], timeout: float | None = None, trace_every_test: bool = False
) -> str:
    """The shell command that runs ``tests`` in ``lane``; with ``timeout``, under coreutils'
    ``timeout``, so that a mutant's tests end even if this driver is killed (Cosmic Ray's own
    timeout lives in the driver)."""
    env = {
        "PYTHONPATH": str(lane / "lib"),
        "EMERGENCE_JAX_CACHE": str(JAX_CACHE),
        "XLA_PYTHON_CLIENT_PREALLOCATE": "false",
    }
    if trace_every_test:
        env["EMERGENCE_TRACE_EVERY_TEST"] = "1"
    pytest = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    inner = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()) + " exec " + shlex.join(pytest)
    limit = ["timeout", "-k", "10", str(round(timeout + 5))] if timeout else []
    return shlex.join([*limit, "sh", "-c", f"cd {shlex.quote(str(lane))} && {inner}"])


def session_path(name: str) -> Path:
    return OUT / f"{name}.sqlite"


def wanted(m, line: str) -> bool:
    """Whether to run mutant ``m`` (a MutationSpec) of source line ``line``."""
    if not KEEP.match(m.operator_name) or PRAGMA in line:
        return False
    if m.operator_name == "core/NumberReplacer" and m.occurrence % 2 == 1:
        return False  # the number's second offset (-1)
    if m.operator_name.startswith("core/ReplaceBinaryOperator_Mul"):
        # a bare * in a signature (the keyword-only marker) is not a multiplication
        after = line[m.start_pos[1] + 1 :].lstrip()
        if line[m.start_pos[1] : m.start_pos[1] + 1] == "*" and after[:1] in (",", ")", ""):
            return False
    return True


def source(rel: Path, rev: str | None) -> str:
    if rev is None:
        return (ROOT / rel).read_text()
    show = ["git", "show", f"{rev}:{rel}"]
    return subprocess.run(show, cwd=ROOT, capture_output=True, text=True, check=True).stdout


def init_session(name: str, path: Path | None = None, rev: str | None = None) -> dict:
    """Create the module's session: every mutant, the unwanted ones marked skipped."""
    init, _, WorkDB, use_db, _, _, WorkerOutcome, WorkResult = _cr()
    path = path or session_path(name)
    rel = Path("lib/emergence") / MODULES[name][0]
    lines = source(rel, rev).splitlines()
    counts = {"mutants": 0, "skipped": 0}
    OUT.mkdir(parents=True, exist_ok=True)
    cwd = os.getcwd()
    os.chdir(OUT / "lane-0" if rev else ROOT)  # the session stores the path relative to the root
    try:
        with use_db(str(path), WorkDB.Mode.create) as db:
            init([rel], db, {})
            skip = []
            for item in db.pending_work_items:
                (m,) = item.mutations
                if not wanted(m, lines[m.start_pos[0] - 1]):
                    skip.append(item.job_id)
            db.set_multiple_results(
                skip, WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output="not run")
            )
            counts["skipped"] = len(skip)
            counts["mutants"] = db.num_work_items - len(skip)
    finally:
        os.chdir(cwd)
    return counts


def baseline(lane: Path, name: str) -> tuple[float, set[int], dict]:
    """Run the unmutated tests once under coverage (they must pass), each test's coverage
    recorded apart (coverage's ``test_function`` contexts) and JAX's caches cleared before each
    test (``tests/conftest.py``), so that lines run only while tracing count for every test.

    Returns their time (it sets the mutants' timeout), the module's statements they never run
    (a mutant there survives without being run), and for each statement the tests that run it
    (``None`` for a statement run at import, e.g. a default argument: every test depends on it).
    """
    from coverage import CoverageData

    rel, tests = MODULES[name]
    data = OUT / f"{name}.coverage"
    rc = OUT / "coverage.rc"
    rc.write_text("[run]\ndynamic_context = test_function\n")
    cmd = test_command(lane, tests, trace_every_test=True).replace(
        f" exec {shlex.quote(sys.executable)} -m pytest",
        f" exec {shlex.quote(sys.executable)} -m coverage run --rcfile={rc} --data-file={data} "
        f"--include={lane / 'lib/emergence' / rel} -m pytest",
    )
    start = time.perf_counter()
    proc = subprocess.run(shlex.split(cmd), capture_output=True, text=True)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(
            f"the unmutated tests fail ({' '.join(tests)}):\n{proc.stdout[-3000:]}{proc.stderr[-2000:]}"
        )
    report = OUT / f"{name}.lines.json"
    subprocess.run(
        [sys.executable, "-m", "coverage", "json", f"--data-file={data}", "-o", str(report), "-q"],
        check=True,
        cwd=lane,
    )
    (info,) = json.loads(report.read_text())["files"].values()
    cov = CoverageData(basename=str(data))
    cov.read()
    (measured,) = cov.measured_files()
    files = {Path(t).stem: t for t in tests}
    by_line: dict = {}
    for line, contexts in cov.contexts_by_lineno(measured).items():
        if "" in contexts:  # run at import (or outside any test): every test depends on it
            by_line[line] = None
            continue
        ids = set()
        for c in contexts:  # "test_module.test_function" or "test_module.Class.test_method"
            module, *rest = c.split(".")
            ids.add("::".join([files[module], *rest]))
        by_line[line] = sorted(ids)
    return took, set(info["missing_lines"]), by_line


def tests_for(item, by_line: dict, tests: list[str]) -> list[str]:
    """The tests to run against a mutant: those that run its line, or all of the module's test
    files when the line runs at import or coverage does not name it (a statement's
    continuation line)."""
    chosen = by_line.get(item.mutations[0].start_pos[0])
    return list(tests) if chosen is None else chosen


def _keys(items, text: str) -> dict:
    """A key per mutant that survives edits elsewhere in the file: (function, line text,
    operator, k) for the k-th mutant of that operator on that line."""
    lines = text.splitlines()
    seen: dict = {}
    keys = {}
    for item in sorted(items, key=lambda i: (i.mutations[0].start_pos, i.mutations[0].occurrence)):
        m = item.mutations[0]
        base = (m.definition_name, lines[m.start_pos[0] - 1].strip(), m.operator_name)
        keys[item.job_id] = (*base, seen.get(base, 0))
        seen[base] = seen.get(base, 0) + 1
    return keys


def killed_before(name: str, before: Path, rev: str) -> tuple[set, set]:
    """The keys of the mutants an earlier run (sessions in ``before``, of commit ``rev``) killed,
    and of all it ran."""
    _, _, WorkDB, use_db, _, TestOutcome, _, _ = _cr()
    path = before / f"{name}.sqlite"
    if not path.exists():
        return set(), set()
    with use_db(str(path), WorkDB.Mode.open) as db:
        done = db.completed_work_items
    keys = _keys([i for i, _ in done], source(Path("lib/emergence") / MODULES[name][0], rev))
    killed = {keys[i.job_id] for i, r in done if r.test_outcome == TestOutcome.KILLED}
    ran = {keys[i.job_id] for i, r in done if r.test_outcome is not None}
    return killed, ran


def run(
    names: list[str],
    jobs: int,
    fresh: bool,
    survivors: bool,
    rev: str | None,
    carry: tuple[Path, str] | None = None,
    same_sample: bool = False,
) -> None:
    _, mutate_and_test, WorkDB, use_db, MutationSpec, TestOutcome, _, _ = _cr()
    OUT.mkdir(parents=True, exist_ok=True)
    lanes = [make_lane(n, rev) for n in range(jobs)]
    queue: list[tuple[str, object, float, list[str]]] = []
    for name in names:
        if fresh or not session_path(name).exists():
            print(f"{name}: {init_session(name, rev=rev)}", flush=True)
        with use_db(str(session_path(name)), WorkDB.Mode.open) as db:
            if survivors:
                again = [
                    i.job_id
                    for i, r in db.completed_work_items
                    if r.test_outcome == TestOutcome.SURVIVED
                ]
                _forget(session_path(name), again)
            pending = db.pending_work_items
        if carry:
            # the tests only grew since that run: a mutant it killed, on a line that has not
            # changed, is killed still (the line's text, its function and the operator match)
            gone, ran = killed_before(name, *carry)
            keys = _keys(pending, source(Path("lib/emergence") / MODULES[name][0], rev))
            if same_sample:  # only the mutants that run ran (a sample, when it did not finish)
                pending = [i for i in pending if keys[i.job_id] in ran]
            carried = [i for i in pending if keys[i.job_id] in gone]
            note = f"killed in the run of {carry[1]} ({carry[0]}); line unchanged"
            _record(name, carried, TestOutcome.KILLED, note)
            pending = [i for i in pending if i not in carried]
            print(f"{name}: {len(carried)} mutants killed in the earlier run, not run again")
        if not pending:
            continue
        took, missing, by_line = baseline(lanes[0], name)
        timeout = 3 * took + 30
        uncovered = [i for i in pending if i.mutations[0].start_pos[0] in missing]
        _record(name, uncovered, TestOutcome.SURVIVED, NOT_COVERED)
        pending = [i for i in pending if i not in uncovered]
        print(
            f"{name}: {len(pending)} mutants to run, {len(uncovered)} on lines no test runs"
            f" (survivors); tests take {took:.1f} s unmutated (under coverage)",
            flush=True,
        )
        queue += [(name, item, timeout, tests_for(item, by_line, MODULES[name][1])) for item in pending]

    lock = threading.Lock()
    done = [0]
    start = time.perf_counter()

    def worker(lane: Path) -> None:
        while True:
            with lock:
                if not queue:
                    return
                name, item, timeout, tests = queue.pop(0)
            (m,) = item.mutations
            spec = MutationSpec(
                module_path=lane / m.module_path,
                operator_name=m.operator_name,
                occurrence=m.occurrence,
                start_pos=m.start_pos,
                end_pos=m.end_pos,
            )
            command = test_command(lane, tests, timeout)
            result = mutate_and_test([spec], command, timeout)
            with lock:
                with use_db(str(session_path(name)), WorkDB.Mode.open) as db:
                    db.set_result(item.job_id, result)
                done[0] += 1
                if done[0] % 25 == 0 or not queue:
                    rate = (time.perf_counter() - start) / done[0]
                    print(
                        f"{done[0]} run, {len(queue)} left, {rate:.1f} s each (wall, {jobs} workers)",
                        flush=True,
                    )

    threads = [threading.Thread(target=worker, args=(lane,)) for lane in lanes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"{done[0]} mutants in {time.perf_counter() - start:.0f} s", flush=True)


def _record(name: str, items, outcome, output: str) -> None:
    """Record a result for mutants that are not run (carried over, or on untested lines)."""
    _, _, WorkDB, use_db, _, _, WorkerOutcome, WorkResult = _cr()
    result = WorkResult(worker_outcome=WorkerOutcome.NORMAL, test_outcome=outcome, output=output)
    with use_db(str(session_path(name)), WorkDB.Mode.open) as db:
        db.set_multiple_results([i.job_id for i in items], result)


def _forget(path: Path, job_ids: list[str]) -> None:
    """Drop results so that those mutants are pending again."""
    import sqlite3

    with sqlite3.connect(path) as con:
        con.executemany("DELETE FROM work_results WHERE job_id = ?", [(j,) for j in job_ids])


def report(names: list[str]) -> dict:
    _, _, WorkDB, use_db, _, TestOutcome, WorkerOutcome, _ = _cr()
    scores, sections = {}, []
    for name in names:
        if not session_path(name).exists():
            continue
        with use_db(str(session_path(name)), WorkDB.Mode.open) as db:
            completed = db.completed_work_items
            n_pending = len(db.pending_work_items)
        c = {"killed": 0, "survived": 0, "incompetent": 0, "pending": n_pending}
        surv = []
        for item, r in completed:
            if r.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            if r.test_outcome == TestOutcome.KILLED:
                c["killed"] += 1
            elif r.test_outcome == TestOutcome.SURVIVED:
                c["survived"] += 1
                surv.append((item, r))
            else:
                c["incompetent"] += 1
        judged = c["killed"] + c["survived"]
        c["score"] = round(c["killed"] / judged, 4) if judged else None
        scores[name] = c
        surv.sort(key=lambda ir: ir[0].mutations[0].start_pos)
        body = [f"## {name}: {len(surv)} survivors\n"]
        for item, r in surv:
            m = item.mutations[0]
            op = m.operator_name.removeprefix("core/")
            diff = r.diff if r.diff else r.output
            body.append(f"### line {m.start_pos[0]}, {op}\n```diff\n{diff}\n```\n")
        sections.append("\n".join(body))
    head = [
        "# Mutation scores\n",
        "| module | killed | survived | incompetent | pending | score |",
        "|---|---|---|---|---|---|",
    ]
    for name, c in scores.items():
        score = "–" if c["score"] is None else f"{c['score']:.3f}"
        row = [name, *(str(c[k]) for k in ("killed", "survived", "incompetent", "pending")), score]
        head.append("| " + " | ".join(row) + " |")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "report.md").write_text("\n".join(head) + "\n\n" + "\n".join(sections))
    (OUT / "scores.json").write_text(json.dumps(scores, indent=1) + "\n")
    print("\n".join(head))
    return scores


def count(names: list[str]) -> None:
    import tempfile

    total = 0
    for name in names:
        with tempfile.TemporaryDirectory() as tmp:  # never touches a session in progress
            c = init_session(name, Path(tmp) / "count.sqlite")
        total += c["mutants"]
        print(f"{name:20s} {c['mutants']:5d} mutants ({c['skipped']} of Cosmic Ray's others not run)")
    print(f"{'total':20s} {total:5d}")


def main(argv=None) -> None:
    global OUT
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("modules", nargs="*", help=f"default: all of {', '.join(MODULES)}")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--fresh", action="store_true", help="start the modules' sessions again")
    ap.add_argument("--survivors", action="store_true", help="run the surviving mutants again")
    ap.add_argument("--count", action="store_true", help="count the mutants to run")
    ap.add_argument("--report", action="store_true", help="only report")
    ap.add_argument("--rev", help="mutate and test this commit (git archive) instead of the tree")
    ap.add_argument("--out", type=Path, help=f"where the sessions and the report go ({OUT})")
    ap.add_argument(
        "--killed-in",
        nargs=2,
        metavar=("DIR", "REV"),
        help="take the kills of an earlier run (its sessions in DIR, of commit REV) on unchanged"
        " lines, when the tests have only grown since: only the rest run",
    )
    ap.add_argument(
        "--same-sample",
        action="store_true",
        help="with --killed-in: run only the mutants that run got to (it runs them in random"
        " order, so an unfinished run is a random sample), for a before/after on one sample",
    )
    args = ap.parse_args(argv)
    if args.out:
        OUT = args.out.resolve()
    names = args.modules or list(MODULES)
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        ap.error(f"unknown modules {unknown}; choose from {list(MODULES)}")
    if args.jobs < 1:
        ap.error(f"--jobs must be at least 1, got {args.jobs}")
    if args.count:
        return count(names)
    if not args.report:
        carry = (Path(args.killed_in[0]).resolve(), args.killed_in[1]) if args.killed_in else None
        run(names, args.jobs, args.fresh, args.survivors, args.rev, carry, args.same_sample)
    report(names)


if __name__ == "__main__":
    main()
