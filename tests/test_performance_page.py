"""The performance page renders from the shipped benchmark files alone, and shows a GPU run's
rows beside the CPU's when a GPU file is present (no GPU run has been shipped yet, so this is
the only place that path runs)."""

import json
import shutil
from pathlib import Path

import jupytext
import nbclient

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "about" / "performance.py"


def _run(data_dir, monkeypatch):
    monkeypatch.setenv("EMERGENCE_DATA", str(data_dir))
    monkeypatch.setenv("EMERGENCE_SCALE", "ci")
    nb = jupytext.read(PAGE)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    texts, html = [], []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                texts.append(out["text"])
            html.append(out.get("data", {}).get("text/html", ""))
    return "".join(texts), "".join(html)


def test_a_gpu_file_adds_its_rows(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "benchmarks", data / "benchmarks")
    record = json.loads((data / "benchmarks" / "markov-cpu.json").read_text())
    for row in record["rows"]:
        row.update(jax=row["jax"] * 10, numpy=None, numba=None)
    record["provenance"]["device"] = "gpu: a test device"
    (data / "benchmarks" / "markov-gpu.json").write_text(json.dumps(record))
    text, html = _run(data, monkeypatch)
    assert "markov (gpu)" in text and "a test device" in text
    assert "per second, on GPU" in html and "per second, on CPU" in html


def test_without_files_the_page_says_so(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    text, _ = _run(tmp_path / "data", monkeypatch)
    assert "no benchmark files in data/benchmarks" in text


def _kernels():
    """The KERNELS dictionary's keys, read from the page's source (no kernel needed)."""
    import ast

    for node in ast.walk(ast.parse(PAGE.read_text())):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "KERNELS":
            return [k.value for k in node.value.keys]
    raise AssertionError("the performance page has no KERNELS dictionary")


def test_every_kernel_ships_its_cpu_file_and_make_bench_runs_it():
    # The page quotes every kernel's ratios only when all their CPU files are there, so a
    # benchmark added without its measurement breaks the book's build: caught here first.
    kernels = _kernels()
    shipped = {p.stem.rsplit("-", 1)[0] for p in (ROOT / "data" / "benchmarks").glob("*-cpu.json")}
    assert set(kernels) == shipped, (sorted(set(kernels) - shipped), sorted(shipped - set(kernels)))
    scripts = {p.stem.removeprefix("bench_") for p in (ROOT / "benchmarks").glob("bench_*.py")}
    assert set(kernels) == scripts
    makefile = (ROOT / "Makefile").read_text()
    for k in kernels:
        assert f"benchmarks/bench_{k}.py" in makefile, k
