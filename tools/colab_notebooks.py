"""The notebooks the Colab button opens: every page of the book as an ``.ipynb``, its first cell
installing the book on Colab.

Colab opens notebooks, not the jupytext ``.py`` pages, so the publishing workflow converts
each page listed in ``_toc.yml`` and pushes the result to a branch of its own (the Colab
buttons point there; the edit and source links stay on the main branch). The first cell,
tagged ``colab-install``, does nothing outside Colab; on Colab it clones the repository,
installs its pinned requirements and the ``emergence`` library, and points the chapters at the
shipped data.

    python tools/colab_notebooks.py OUT_DIR --repo https://github.com/ORG/REPO
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jupytext
import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
TAG = "colab-install"

INSTALL = """# On Colab only: install this book's library and its pinned requirements, and fetch the
# shipped data (elsewhere this cell does nothing). Run it first; it takes a minute or two.
import os
import subprocess
import sys

if "google.colab" in sys.modules and not os.path.isdir("/content/emergence"):
    subprocess.run(["git", "clone", "-q", "--depth", "1", "{repo}", "/content/emergence"], check=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "-r", "requirements.txt"],
        cwd="/content/emergence",
        check=True,
    )
if "google.colab" in sys.modules:
    sys.path.insert(0, "/content/emergence/lib")  # the editable install, without a restart
    os.environ["EMERGENCE_DATA"] = "/content/emergence/data"
"""


def toc_pages(root: Path = ROOT) -> list[str]:
    """The ``.py`` pages of the book, in the order of ``_toc.yml`` (paths without suffix)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    found: list[str] = []

    def walk(entries):
        for e in entries or []:
            if "file" in e and (root / f"{e['file']}.py").is_file():
                found.append(e["file"])
            walk(e.get("sections"))
            walk(e.get("chapters"))

    walk(toc.get("parts"))
    walk(toc.get("chapters"))
    return found


def install_cell(repo: str) -> nbformat.NotebookNode:
    """The first cell of every Colab notebook."""
    if not repo.startswith("https://") or any(c in repo for c in "\"'\n "):
        raise ValueError(f"repo must be an https URL of the repository, got {repo!r}")
    url = repo.removesuffix("/")
    source = INSTALL.replace("{repo}", url if url.endswith(".git") else url + ".git")
    return nbformat.v4.new_code_cell(source, metadata={"tags": [TAG]})


def colab_notebook(page: Path, repo: str) -> nbformat.NotebookNode:
    """The page as a notebook with the install cell first."""
    nb = jupytext.read(page)
    nb.cells.insert(0, install_cell(repo))
    nb.metadata.setdefault("colab", {})["provenance"] = []
    return nb


def write_all(out: Path, repo: str, root: Path = ROOT) -> list[Path]:
    """Write every page's Colab notebook under ``out`` (same relative paths); return them."""
    written = []
    for rel in toc_pages(root):
        target = out / f"{rel}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(colab_notebook(root / f"{rel}.py", repo), target)
        written.append(target)
    return written


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("out", type=Path, help="where to write the notebooks")
    ap.add_argument("--repo", required=True, help="the repository's https URL")
    args = ap.parse_args(argv)
    for path in write_all(args.out, args.repo):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
