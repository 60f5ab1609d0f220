"""JAX's persistent compilation cache, on for every chapter.

At the ``ci`` scale a chapter spends most of its time compiling (a NumPyro NUTS model costs
several seconds on two cores, most of them in XLA), not simulating. Importing :mod:`emergence`
therefore points JAX's persistent compilation cache at ``$EMERGENCE_JAX_CACHE`` (default
``~/.cache/emergence/jax``, or under ``$XDG_CACHE_HOME``), so the second run of a chapter, in a
fresh kernel or another process, loads its compiled programs from disk instead of compiling
them again. Every compilation is cached, however short: a NUTS fit makes a hundred small ones.
The cache is keyed by JAX on the program, the JAX version, the backend and the compile options,
so it never serves a program compiled for something else; it is capped at
``MAX_BYTES`` (least recently used entries go first).

``EMERGENCE_JAX_CACHE=off`` turns it off. A cache directory configured for JAX itself
(``JAX_COMPILATION_CACHE_DIR``) is left alone.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV_VAR = "EMERGENCE_JAX_CACHE"
MAX_BYTES = 2 * 1024**3


def default_cache_dir() -> Path:
    """Where the compilation cache lives by default.

    Returns
    -------
    pathlib.Path
        ``$XDG_CACHE_HOME/emergence/jax``, else ``~/.cache/emergence/jax``.
    """
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache"
    return Path(base) / "emergence" / "jax"


def compilation_cache_dir() -> Path | None:
    """The directory the compilation cache should use.

    Returns
    -------
    pathlib.Path or None
        ``$EMERGENCE_JAX_CACHE``, else :func:`default_cache_dir`; ``None`` when the variable says
        ``off`` (or ``0``, ``false``, ``no``).
    """
    value = os.environ.get(CACHE_ENV_VAR, "").strip()
    if value.lower() in ("off", "0", "false", "no"):
        return None
    return Path(value).expanduser() if value else default_cache_dir()


def enable_compilation_cache(path: str | os.PathLike | None = None) -> Path | None:
    """Turn on JAX's persistent compilation cache.

    Call it before the first compilation; later calls keep the directory already in use.

    Parameters
    ----------
    path : str or os.PathLike, optional
        The cache directory; default :func:`compilation_cache_dir`.

    Returns
    -------
    pathlib.Path or None
        The directory in use, or ``None`` when the cache is off (or the directory cannot be
        created, as in a read-only home).
    """
    import jax

    current = jax.config.jax_compilation_cache_dir
    if current:
        return Path(current)
    directory = Path(path) if path is not None else compilation_cache_dir()
    if directory is None:
        return None
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a read-only home: run without the cache rather than fail
    jax.config.update("jax_compilation_cache_dir", str(directory))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    try:  # the cap needs filelock (in requirements.txt); without it JAX would cache nothing
        import filelock  # noqa: F401

        jax.config.update("jax_compilation_cache_max_size", MAX_BYTES)
    except ImportError:
        pass
    return directory
