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
