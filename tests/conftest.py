"""Shared test settings.

``EMERGENCE_TRACE_EVERY_TEST=1`` (set by ``make mutants`` for its coverage run) clears JAX's
caches before each test, so that every test traces the jitted code it uses: the coverage of
each test then includes the lines executed only while tracing, and a mutant on such a line is
tested by every test that depends on it, not only by the first one to compile it.

Every test must leave the process's environment as it found it (``monkeypatch.setenv`` does):
``make test`` runs the pages' kernels from the same pytest-xdist workers as the library tests,
and a kernel inherits its worker's environment. A test that left ``MPLBACKEND=Agg`` behind
made every page started after it on that worker draw no figure.
"""

import os

import pytest


@pytest.fixture(autouse=True)
def _trace_every_test():
    if os.environ.get("EMERGENCE_TRACE_EVERY_TEST") == "1":
        import jax

        jax.clear_caches()
    yield


@pytest.fixture(autouse=True)
def _environment_left_as_found():
    def now():  # pytest itself sets PYTEST_CURRENT_TEST for each phase of a test
        return {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}

    before = now()
    yield
    after = now()
    if after != before:
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        for k in changed:
            if k in before:
                os.environ[k] = before[k]
            else:
                del os.environ[k]
        pytest.fail(f"the test changed the environment and left it changed: {changed}")
