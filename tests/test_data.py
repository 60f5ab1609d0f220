import pytest

from emergence import data

PROV = {
    "command": "PYTHONPATH=lib python benchmarks/x.py " + " ".join(f"--opt{i} {i}" for i in range(40)),
    "date": "2026-11-28T20:44:34+00:00",
    "device": "cpu: cpu",
    "rate": 82424651.55828057,
    "appended": [{"command": "python y.py --append", "date": "2026-11-29", "device": "gpu"}],
}


def test_describe_keeps_every_word_on_short_lines():
    text = data.describe(PROV, extra=("rate",))
    lines = text.splitlines()
    assert max(map(len, lines)) <= data.WIDTH
    assert lines[0] == "made 2026-11-28T20:44:34+00:00 on cpu: cpu:"
    assert " ".join(t.strip() for t in lines[1:-3]) == PROV["command"]  # nothing lost in the wrap
    assert "  rate = 8.242e+07" in lines
    assert lines[-2:] == ["then appended 2026-11-29 on gpu:", "  python y.py --append"]


def test_describe_names_what_is_missing():
    with pytest.raises(ValueError, match="no device"):
        data.describe({"command": "x", "date": "d"})
    with pytest.raises(ValueError, match="mapping"):
        data.describe("not json")


def _ship(folder, name, provenance, **arrays):
    import json

    import numpy as np

    folder.mkdir(parents=True, exist_ok=True)
    np.savez(folder / name, provenance=json.dumps(provenance), **arrays)


def test_data_dir_is_the_checkouts_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("EMERGENCE_DATA", raising=False)
    (tmp_path / "_toc.yml").write_text("root: intro\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "chapters" / "part").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "chapters" / "part")  # where a chapter's kernel runs
    assert data.data_dir() == tmp_path / "data"
    monkeypatch.setenv("EMERGENCE_DATA", str(tmp_path / "elsewhere"))
    assert data.data_dir() == tmp_path / "elsewhere"


def test_load_checks_the_experiment_it_was_made_with(tmp_path, monkeypatch):
    import dataclasses

    import numpy as np

    from emergence import langevin

    monkeypatch.setenv("EMERGENCE_DATA", str(tmp_path))
    exp = langevin.ErasureExperiment(barrier=8.0, tilt=3.0, dt=0.001)
    _ship(tmp_path, "run.npz", {**PROV, **dataclasses.asdict(exp)}, x=np.arange(3))
    got = data.load("run.npz", exp)
    assert np.array_equal(got.arrays["x"], np.arange(3)) and got.provenance["tilt"] == 3.0
    with pytest.raises(ValueError, match=r"tilt = 3.0 \(expected 6.0\)"):
        data.load("run.npz", dataclasses.replace(exp, tilt=6.0))
    with pytest.raises(ValueError, match=r"dt = 0.001 \(expected 0.002\).*seed = '<missing>'"):
        data.load("run.npz", dataclasses.replace(exp, dt=0.002), seed=1)
    assert data.load("absent.npz", exp) is None
    np.savez(tmp_path / "bare.npz", x=np.arange(2))
    with pytest.raises(ValueError, match="holds no 'provenance'"):
        data.load("bare.npz")
    with pytest.raises(ValueError, match="dataclass instance"):
        data.load("run.npz", langevin.ErasureExperiment)


def test_the_shipped_landauer_runs_match_the_library_experiment(monkeypatch):
    """The files in data/ were made with the experiment the chapter runs (not a stale copy)."""
    import dataclasses
    from pathlib import Path

    from emergence import langevin

    monkeypatch.delenv("EMERGENCE_DATA", raising=False)
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    assert data.load("landauer_full_scale.npz", langevin.ERASURE) is not None
    half = dataclasses.replace(langevin.ERASURE, dt=langevin.ERASURE.dt / 2)
    assert data.load("landauer_dt_check.npz", half) is not None


def test_erasure_experiment():
    from emergence import langevin

    e = langevin.ErasureExperiment(barrier=8.0, tilt=3.0, dt=0.004)
    assert (e.barrier, e.tilt, e.dt) == (8.0, 3.0, 0.004)
    with pytest.raises(ValueError, match="dt must be a finite number > 0, got 0"):
        langevin.ErasureExperiment(dt=0)


def test_describe_wraps_at_exactly_100_columns_and_never_inside_an_option():
    base = {"date": "d", "device": "cpu"}
    # "  " + 97 letters + " b" is 101 columns: one too many
    lines = data.describe({**base, "command": "a" * 97 + " b"}).splitlines()
    assert lines[1:] == ["  " + "a" * 97, "      b"]
    lines = data.describe({**base, "command": "a" * 98}).splitlines()
    assert lines[1:] == ["  " + "a" * 98]  # exactly 100 columns fit
    lines = data.describe({**base, "command": "a" * 80 + " --alpha-beta-gamma-delta"}).splitlines()
    assert lines[2].strip() == "--alpha-beta-gamma-delta"


def test_data_dir_needs_both_the_book_and_its_data_folder(tmp_path, monkeypatch):
    """A folder with _toc.yml but no data/ is not the book's checkout: the search goes on (to
    the library's own checkout)."""
    monkeypatch.delenv("EMERGENCE_DATA", raising=False)
    (tmp_path / "_toc.yml").write_text("root: intro\n")
    monkeypatch.chdir(tmp_path)
    found = data.data_dir()
    assert found != tmp_path / "data"
    assert found is None or ((found.parent / "_toc.yml").is_file() and found.is_dir())


def test_shipped_files_never_unpickle(tmp_path, monkeypatch):
    import numpy as np

    monkeypatch.setenv("EMERGENCE_DATA", str(tmp_path))
    _ship(tmp_path, "pickled.npz", PROV, x=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="allow_pickle=False"):
        data.load("pickled.npz")
