"""Offer each chapter's executed notebook (.ipynb) for download.

The chapters are jupytext percent ``.py`` files. MyST-NB writes the executed notebook of every
chapter to ``_build/jupyter_execute``; sphinx-book-theme copies it next to the page sources only
for Markdown notebooks. This extension does the same for ``.py`` chapters, so the page's
download menu offers ``.ipynb`` beside ``.py``, with each cell's printed output merged into
one stream per cell as the page shows it.
"""

from pathlib import Path

import nbformat


def merge_streams(nb):
    """Join consecutive outputs of one stream (stdout or stderr) in every code cell, as the
    page shows them: a cell that printed in a loop otherwise downloads as many small outputs,
    and some viewers show each one in a box of its own."""
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        merged = []
        for out in cell.get("outputs", []):
            prev = merged[-1] if merged else None
            if (
                out.get("output_type") == "stream"
                and prev is not None
                and prev.get("output_type") == "stream"
                and prev.get("name") == out.get("name")
            ):
                prev["text"] = "".join(prev["text"]) + "".join(out["text"])
            else:
                merged.append(out)
        cell["outputs"] = merged
    return nb


def _add_ipynb(app, pagename, templatename, context, doctree):
    if not context.get("sourcename", "").endswith((".py", ".py.txt")):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.exists():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nb = merge_streams(nbformat.read(executed, as_version=4))
    nbformat.write(nb, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def colab_url(url: str, pagename: str, branch: str) -> str:
    """The Colab button's address rewritten to open the page's generated notebook on
    ``branch`` (the theme points it at the ``.py`` source on the main branch, which Colab
    cannot open)."""
    head, sep, _ = url.partition("/blob/")
    if not sep:
        return url
    return f"{head}/blob/{branch}/{pagename}.ipynb"


def _point_colab_at_notebooks(app, pagename, templatename, context, doctree):
    branch = app.config.emergence_colab_branch
    if not branch:
        return

    def walk(buttons):
        for b in buttons or []:
            if isinstance(b, dict):
                if b.get("text") == "Colab" and "url" in b:
                    b["url"] = colab_url(b["url"], pagename, branch)
                walk(b.get("buttons"))

    walk(context.get("header_buttons"))


def setup(app):
    # the branch the publishing workflow pushes the Colab notebooks to (empty: no rewrite)
    app.add_config_value("emergence_colab_branch", "", "html")
    # before sphinx-book-theme builds the header buttons (default priority 500)
    app.connect("html-page-context", _add_ipynb, priority=400)
    # after it has built the launch buttons (priority 501)
    app.connect("html-page-context", _point_colab_at_notebooks, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
