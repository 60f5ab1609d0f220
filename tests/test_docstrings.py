"""Every public function and class of the library documents its parameters and what it
returns, in numpydoc form (checked by ``numpydoc.validate``): the contributing guide's
convention, enforced. Shapes and units go in the descriptions."""

import importlib
import inspect
import pkgutil

import pytest
from numpydoc.validate import validate

import emergence

# the checks that matter to a reader: a docstring exists, every parameter is documented (with
# a description) and none is documented that the signature lacks, and what a function returns
# is documented
CHECKS = {"GL08", "PR01", "PR02", "PR07", "RT01", "RT03"}


def public_objects():
    names = []
    for info in pkgutil.walk_packages(emergence.__path__, "emergence."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isclass(obj) or inspect.isfunction(obj) or hasattr(obj, "__wrapped__"):
                names.append(f"{module.__name__}.{name}")
    return sorted(names)


OBJECTS = public_objects()


def test_the_walk_finds_the_library():
    # a broken walk would pass every check below vacuously
    assert "emergence.langevin.simulate" in OBJECTS
    assert "emergence.hopfield.network.retrieve" in OBJECTS
    assert len(OBJECTS) > 50


@pytest.mark.parametrize("name", OBJECTS)
def test_numpydoc(name):
    errors = [f"{code}: {msg}" for code, msg in validate(name)["errors"] if code in CHECKS]
    assert not errors, f"{name}:\n  " + "\n  ".join(errors)


def _undocumented(a, b):
    """Do something.

    Parameters
    ----------
    a : int
        Documented.
    """
    return a + b


def test_the_check_fires_on_a_missing_parameter_and_return():
    codes = {code for code, _ in validate(f"{__name__}._undocumented")["errors"]} & CHECKS
    assert codes == {"PR01", "RT01"}
