"""The argument checks every kernel module shares (emergence._validate)."""

from __future__ import annotations

import numpy as np
import pytest

from emergence import _validate


def test_positive_int_accepts_integers_and_refuses_the_rest():
    assert _validate.positive_int("n", 3) == 3
    assert _validate.positive_int("n", np.int64(1)) == 1
    assert type(_validate.positive_int("n", np.int32(7))) is int
    for bad in (0, -2, 2.0, True, "3", None):
        with pytest.raises(ValueError, match=f"n must be an integer >= 1, got {bad!r}"):
            _validate.positive_int("n", bad)


def test_in_range_names_the_first_bad_value_and_the_range():
    np.testing.assert_array_equal(_validate.in_range("x", [0.0, 2.5], 0.0, 2.5), [0.0, 2.5])
    with pytest.raises(ValueError, match=r"x must be finite and >= 0 and <= 2.5, got 2.6"):
        _validate.in_range("x", [1.0, 2.6, -1.0], 0.0, 2.5)
    with pytest.raises(ValueError, match=r"x must be finite and >= -1, got -1.5"):
        _validate.in_range("x", [0.0, -1.5], lo=-1.0)
    with pytest.raises(ValueError, match=r"x must be finite and <= 3, got 4.0"):
        _validate.in_range("x", 4.0, hi=3.0)
    with pytest.raises(ValueError, match=r"x must be finite, got inf"):
        _validate.in_range("x", [1.0, np.inf])
    with pytest.raises(ValueError, match=r"x must be a width, got nan"):
        _validate.in_range("x", np.nan, what="a width")


def test_probability_bounds_are_inclusive():
    np.testing.assert_array_equal(_validate.probability("p", [0.0, 1.0]), [0.0, 1.0])
    for bad in (-1e-9, 1 + 1e-9, np.nan):
        with pytest.raises(ValueError, match=r"p must be a probability in \[0, 1\]"):
            _validate.probability("p", bad)


def test_per_item_broadcasts_a_scalar_and_checks_the_length():
    np.testing.assert_array_equal(_validate.per_item("h", np.float64(0.5), 3, "ring"), [0.5] * 3)
    np.testing.assert_array_equal(_validate.per_item("h", np.array([1, 2]), 2, "ring"), [1, 2])
    with pytest.raises(
        ValueError,
        match=r"h must be a scalar or have one value per ring, shape \(3,\), got shape \(2,\)",
    ):
        _validate.per_item("h", np.zeros(2), 3, "ring")
    with pytest.raises(ValueError, match=r"got shape \(3, 1\)"):
        _validate.per_item("h", np.zeros((3, 1)), 3, "ring")
