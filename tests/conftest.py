"""Shared test settings.

``EMERGENCE_TRACE_EVERY_TEST=1`` (set by ``make mutants`` for its coverage run) clears JAX's
caches before each test, so that every test traces the jitted code it uses: the coverage of
each test then includes the lines executed only while tracing, and a mutant on such a line is
tested by every test that depends on it, not only by the first one to compile it.
"""

import os

import pytest


@pytest.fixture(autouse=True)
def _trace_every_test():
    if os.environ.get("EMERGENCE_TRACE_EVERY_TEST") == "1":
        import jax

        jax.clear_caches()
    yield
