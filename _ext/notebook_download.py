"""Offer each chapter's executed notebook (.ipynb) for download.

The chapters are jupytext percent ``.py`` files. MyST-NB writes the executed notebook of every
chapter to ``_build/jupyter_execute``; sphinx-book-theme copies it next to the page sources only
for Markdown notebooks. This extension does the same for ``.py`` chapters, so the page's
download menu offers ``.ipynb`` beside ``.py``.
"""

from pathlib import Path
from shutil import copy2


def _add_ipynb(app, pagename, templatename, context, doctree):
    if not context.get("sourcename", "").endswith((".py", ".py.txt")):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.exists():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    copy2(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app):
    # before sphinx-book-theme builds the header buttons (default priority 500)
    app.connect("html-page-context", _add_ipynb, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
