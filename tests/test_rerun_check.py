"""tools/rerun_check.py: a page executed again must print the same numbers; wall times may differ."""

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "_ext"))
import book_build  # noqa: E402
import rerun_check  # noqa: E402

PAGE = """# %%
import numpy as np
x = np.random.default_rng(3).normal(size=3)
print(f"mean {x.mean():.6f}, computed in 0.01 s")
x.round(6)
"""


def _first_run(tmp_path: Path, edit=None) -> tuple[Path, Path]:
    """The page and an 'executed' directory holding its first run (optionally edited)."""
    import jupytext
    from nbclient import NotebookClient

    page = tmp_path / "page.py"
    page.write_text(PAGE)
    nb = jupytext.reads(PAGE, fmt="py:percent")
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    if edit:
        edit(nb.cells[0].outputs)
    executed = tmp_path / "executed"
    executed.mkdir()
    nbformat.write(nb, executed / f"{book_build.source_hash(PAGE)}.ipynb")
    return page, executed


def test_the_same_page_passes_even_when_its_wall_time_differs(tmp_path, capsys):
    def slower(outputs):
        outputs[0]["text"] = outputs[0]["text"].replace("0.01 s", "12.5 s")

    page, executed = _first_run(tmp_path, slower)
    assert rerun_check.main([str(executed), str(page), "--jobs", "1"]) == 0
    assert "the same outputs" in capsys.readouterr().out


@pytest.mark.parametrize("where", ["stdout", "result"])
def test_a_changed_number_fails_naming_the_cell(tmp_path, capsys, where):
    def change(outputs):
        if where == "stdout":
            outputs[0]["text"] = outputs[0]["text"].replace("mean ", "mean 1")
        else:
            outputs[1]["data"]["text/plain"] = outputs[1]["data"]["text/plain"].replace("0.", "1.", 1)

    page, executed = _first_run(tmp_path, change)
    assert rerun_check.main([str(executed), str(page), "--jobs", "1"]) == 1
    out = capsys.readouterr().out
    assert "code cell 1 differs" in out and "not reproducible" in out


def test_a_page_without_a_first_run_fails(tmp_path):
    page = tmp_path / "page.py"
    page.write_text(PAGE)
    (tmp_path / "executed").mkdir()
    assert rerun_check.main([str(tmp_path / "executed"), str(page)]) == 1


def test_a_wall_time_padded_to_a_width_is_masked_with_its_padding():
    """The Ising page prints ``in %5.1f s``: 12.3 s and 3.2 s differ in their leading spaces."""

    def cell(text):
        return nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("stream", text=text)])]
        )

    slow, fast = (
        cell("L =   32: 1000 updates in  12.3 s\n"),
        cell("L =   32: 1000 updates in   3.2 s\n"),
    )
    assert rerun_check.outputs(slow) == rerun_check.outputs(fast)
    # the numbers around it are not masked
    other = cell("L =   64: 1000 updates in   3.2 s\n")
    assert rerun_check.outputs(other) != rerun_check.outputs(fast)
