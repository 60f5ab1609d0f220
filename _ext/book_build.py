"""How the book is built: scale-keyed execution, pages from nbval's run, math served locally.

Four things a plain jupyter-book build gets wrong for this book, each fixed here:

1. **The scale.** Every chapter reads ``EMERGENCE_SCALE``, but neither jupyter-cache (which keys
   on cell sources) nor Sphinx's incremental build (which keys on source files) knows it: a
   ``ci`` build followed by a ``default`` one served the ``ci`` outputs. The execution cache
   therefore lives in ``_build/.jupyter_cache/<scale>-<library hash>`` (a change of scale, of
   ``lib/``, ``data/`` or the pinned environment gets a cache of its own); the cache path is a
   config value that Sphinx keys its environment on, so a new key also makes it read every page
   again.
2. **Executing once.** ``make test`` executes every chapter under nbval, which saves each
   executed notebook (``tools/nbrecord.py``). With ``EMERGENCE_EXECUTED`` pointing at those
   notebooks, :func:`read_py` hands the build the executed notebook of each ``.py`` chapter
   instead of its bare source, after checking that it was executed from exactly this source at
   this scale; the test build runs with execution off, so nothing runs twice, and a page that
   nbval did not execute fails the build.
3. **The executed notebook on a cached build.** myst-nb writes a page's notebook without its
   outputs when they came from the cache; :func:`_complete_executed_copy` writes them back, so
   the download menu's ``.ipynb`` is the executed one after every build.
4. **Math without the network.** MathJax is installed from a pinned package (``make install``
   puts it in ``.venv/share/emergence-static/mathjax``) and copied into the site's
   ``_static``; without it the build warns (an error under ``-W``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXECUTED_ENV_VAR = "EMERGENCE_EXECUTED"
SCALE_ENV_VAR = "EMERGENCE_SCALE"
# What a chapter's outputs depend on besides its own cells: the library, the shipped data and
# the pinned environment.
KEY_INPUTS = ("lib", "data", "requirements.txt", "constraints.txt")
STATIC = Path(sys.prefix) / "share" / "emergence-static"
MATHJAX = "mathjax/tex-mml-chtml.js"


def scale() -> str:
    """The scale this build executes at, as the chapters read it (``default`` when unset)."""
    return os.environ.get(SCALE_ENV_VAR, "").strip() or "default"


def inputs_hash(root: Path = ROOT, inputs=KEY_INPUTS) -> str:
    """A short hash of every file the chapters' outputs depend on besides their own source."""
    h = hashlib.sha256()
    for name in inputs:
        p = root / name
        files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
        for f in files:
            if f.exists() and "__pycache__" not in f.parts:
                h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:12]


def build_key(root: Path = ROOT) -> str:
    """``<scale>-<inputs hash>``: a build with another key never reuses this one's outputs."""
    return f"{scale()}-{inputs_hash(root)}"


def source_hash(text: str) -> str:
    """The key under which nbval's run saves the executed notebook of a chapter's source."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_py(text: str, fmt: str = "py:percent"):
    """Read a jupytext chapter; with ``$EMERGENCE_EXECUTED`` set, the executed notebook instead.

    The executed notebook must come from exactly this source (same hash, same code cells) and
    the scale of this build; anything else raises, naming the page, so that a stale or missing
    run fails the build instead of showing outputs the page did not produce.
    """
    import jupytext
    import nbformat

    notebook = jupytext.reads(text, fmt=fmt)
    directory = os.environ.get(EXECUTED_ENV_VAR, "").strip()
    if not directory:
        return notebook
    title = next((line.lstrip("# ") for line in text.splitlines() if line.startswith("# # ")), "?")
    path = Path(directory) / f"{source_hash(text)}.ipynb"
    if not path.exists():
        raise RuntimeError(
            f"page '{title}': no executed notebook for its current source in {directory} "
            "(nbval did not run it, or it failed, or the source changed since): run "
            "`make test-notebooks` first"
        )
    executed = nbformat.read(path, as_version=4)
    meta = executed.metadata.get("emergence", {})
    if meta.get("scale") != scale():
        raise RuntimeError(
            f"page '{meta.get('page', title)}': executed at scale {meta.get('scale')!r}, "
            f"but this build is at scale {scale()!r}"
        )

    def code(nb):
        return [c.source for c in nb.cells if c.cell_type == "code"]

    if code(executed) != code(notebook):
        raise RuntimeError(f"page '{meta.get('page', title)}': executed cells differ from its source")
    return executed


def _config_inited(app, config) -> None:
    key = build_key(Path(app.confdir))
    # one execution cache per key; caches of the same scale with another key are stale
    base = Path(app.outdir).parent / ".jupyter_cache"
    if config.nb_execution_cache_path:
        base = Path(config.nb_execution_cache_path)
        if not base.is_absolute():
            base = Path(app.confdir) / base
    base.mkdir(parents=True, exist_ok=True)
    for old in base.glob(f"{scale()}-*"):
        if old.name != key:
            shutil.rmtree(old, ignore_errors=True)
    config.nb_execution_cache_path = str(base / key)
    if os.environ.get(EXECUTED_ENV_VAR, "").strip() and config.nb_execution_mode != "off":
        raise RuntimeError(f"${EXECUTED_ENV_VAR} is set: the build must run with execution off")
    if (STATIC / MATHJAX).exists():
        config.html_static_path = [*config.html_static_path, str(STATIC)]
        config.mathjax_path = MATHJAX


def _complete_executed_copy(app, doctree) -> None:
    """Put the outputs into ``jupyter_execute/<page>.ipynb`` when they came from the cache.

    On a cache hit myst-nb renders the cached outputs but writes the page's notebook *without*
    them (it writes its input, not the merged copy), so after any cached build the download
    menu's ``.ipynb`` was empty. Write the merged notebook instead."""
    import nbformat
    from jupyter_cache import get_cache

    config = app.env.mystnb_config
    path = Path(app.outdir).parent / "jupyter_execute" / f"{app.env.docname}.ipynb"
    if config.execution_mode != "cache" or not path.exists():
        return
    nb = nbformat.read(path, as_version=4)
    if any(c.get("outputs") for c in nb.cells if c.cell_type == "code"):
        return
    try:
        _, merged = get_cache(config.execution_cache_path).merge_match_into_notebook(nb)
    except KeyError:
        return
    nbformat.write(merged, path)


def _builder_inited(app) -> None:
    if app.builder.format == "html" and app.config.mathjax_path != MATHJAX:
        from sphinx.util import logging

        logging.getLogger(__name__).warning(
            f"MathJax is not installed in {STATIC} (run `make install`): the pages will load it "
            "from the network, and show raw TeX offline"
        )


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    """Drop repeated script tags. sphinx-thebe adds its inline configuration at every
    ``env-before-read-docs``, which this Sphinx emits more than once: the second copy redeclares
    ``const THEBE_JS_URL`` and throws on every page."""
    seen, unique = set(), []
    for js in context.get("script_files", []):
        # an inline script is registered once with filename None and once with ''
        key = (js.filename or "", *sorted(js.attributes.items()))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    context["script_files"][:] = unique


def setup(app):
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    app.connect("doctree-read", _complete_executed_copy)
    # early: a handler that returns a template name ends the event for those after it
    app.connect("html-page-context", _dedupe_scripts, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
