"""Check the built book in a real browser, the way a reader sees it.

Serves the site on 127.0.0.1, opens every page in headless Chromium (Debian's, driven by
Playwright; no browser is downloaded) and checks, per page:

- it loads (HTTP 200), and every image, script and stylesheet it references answers 200;
- no console error or uncaught exception comes from the book's own assets, and the page asks
  for nothing outside the site (the book must be complete as built);
- MathJax has typeset every formula: no raw TeX (``\\(``, ``$$``, ``\\frac``, ...) is left in the
  prose, and no math element is left untypeset;
- the number of figures on the page equals the number of image outputs in its executed
  notebook, and every figure has loaded; no figure is shown as a bare ``<Figure size ...>``;
  every cell that draws a figure (``plt.subplots``, ``plt.figure``, ``az.plot_*``) shows one,
  and no cell ending in ``;`` shows its result (the page was executed as Jupyter executes);
- no output is a stray repr (``Text(...)``, ``<matplotlib.legend.Legend ...>``,
  ``np.float64(...)``), a warning, or a printed line too long for the output box;
- the download menu offers the page's ``.py`` and ``.ipynb``, both resolve, and the notebook
  carries the page's figures;
- every internal link resolves, anchors included.

It saves a screenshot of every page in ``--screenshots`` and exits 1 if any check failed, naming
the page and what is wrong::

    python tools/site_check.py _build/ci/_build/html --screenshots _build/ci/screenshots
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import re
import shutil
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")
HIDDEN_OUTPUT_TAGS = {"remove-output", "remove-cell"}
# TeX that MathJax should have turned into math; searched in the prose (not in code or outputs)
RAW_TEX = re.compile(
    r"\\\(|\\\)|\\\[|\\\]|\$\$|\\(frac|sum|int|mathrm|mathcal|langle|sqrt|hat|tfrac|le|ge)\b"
)

# JavaScript run in each page once it has loaded
PAGE_FACTS = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const main = document.querySelector('main') || document.body;
  const clone = main.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, mjx-container, .cell_input, .cell_output, '
                         + '.MathJax, .headerlink').forEach(e => e.remove());
  const untypeset = [...main.querySelectorAll('.math')].filter(
      e => !e.querySelector('mjx-container') && e.tagName !== 'MJX-CONTAINER').length;
  const figures = [...main.querySelectorAll('.cell_output img')];
  const abs = (u) => new URL(u, document.baseURI).href;
  return {
    text: clone.innerText,
    math: main.querySelectorAll('mjx-container').length,
    untypeset: untypeset,
    figures: figures.length,
    broken_figures: figures.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src),
    figure_reprs: [...main.querySelectorAll('.cell_output pre')]
        .map(p => p.innerText).filter(t => /<Figure size \\d+x\\d+ with \\d+ Axes>/.test(t)).length,
    assets: [...document.querySelectorAll('img[src], script[src]')].map(e => abs(e.getAttribute('src')))
        .concat([...document.querySelectorAll('link[rel~="stylesheet"][href], link[rel~="icon"][href]')]
        .map(e => abs(e.getAttribute('href')))),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    downloads: [...document.querySelectorAll('.dropdown-download-buttons a[href], '
                                             + 'a.btn-download-source-button[href]')].map(a => a.href),
  };
}"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path):
    """Serve ``directory`` on 127.0.0.1 (a free port) in a thread; return (server, base URL)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


class Fetcher:
    """GETs local URLs once each; remembers the status and the ids of HTML pages."""

    def __init__(self):
        self.status: dict[str, int] = {}
        self.ids: dict[str, set[str]] = {}
        self.bodies: dict[str, bytes] = {}

    def get(self, url: str) -> int:
        url = urldefrag(url)[0]
        if url not in self.status:
            try:
                with urllib.request.urlopen(url, timeout=30) as r:
                    body = r.read()
                    self.status[url] = r.status
                    self.bodies[url] = body
            except urllib.error.HTTPError as e:
                self.status[url] = e.code
            except OSError:
                self.status[url] = 0
        return self.status[url]

    def has_anchor(self, url: str, anchor: str) -> bool:
        url = urldefrag(url)[0]
        if url not in self.ids:
            self.get(url)
            html = self.bodies.get(url, b"").decode("utf-8", "replace")
            self.ids[url] = set(re.findall(r'\sid="([^"]+)"', html))
        return anchor in self.ids[url]


# a cell that calls one of these draws a figure, and must show it
FIGURE_CALL = re.compile(r"\b(plt\.(subplots|figure|subplot_mosaic)|az\.plot_\w+)\(")


def shown_code_cells(notebook: dict):
    """``(number, source, outputs)`` of each code cell whose outputs the page shows (numbered
    from 0 among all code cells, as the failure messages count them)."""
    n = -1
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        n += 1
        if not HIDDEN_OUTPUT_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            yield n, "".join(cell.get("source", "")), cell.get("outputs", [])


def _is_image(out: dict) -> bool:
    return any(m in out.get("data", {}) for m in IMAGE_MIMES)


def _first_line(source: str, width: int = 60) -> str:
    return (source.strip().splitlines() or [""])[0][:width]


def figureless_cells(notebook: dict) -> list[tuple[int, str]]:
    """Code cells (with their first line) that draw a figure but have no image output."""
    return [
        (n, _first_line(src))
        for n, src, outs in shown_code_cells(notebook)
        if FIGURE_CALL.search(src) and not any(map(_is_image, outs))
    ]


def unsuppressed_results(notebook: dict) -> list[tuple[int, str]]:
    """Code cells whose last line ends in ``;`` but that still show a result (Jupyter hides it:
    a notebook executed differently from a reader's run)."""
    return [
        (n, _first_line(src))
        for n, src, outs in shown_code_cells(notebook)
        if src.strip().endswith(";") and any(o.get("output_type") == "execute_result" for o in outs)
    ]


# what a reader should never see in an output: an artist's or a NumPy scalar's repr (a cell that
# ends in a plotting call without ';'), and warnings
STRAY_REPR = re.compile(
    r"^(Text\(|<matplotlib\.|\[<matplotlib\.|array\(\[\[?<Axes|<Axes|\(<Figure|np\.(float|int|bool_)\w*\()"
)
WARNING = re.compile(r"\b\w*Warning\b")
MAX_LINE = 110  # characters of printed output that fit the page's output box without scrolling


def output_problems(notebook: dict) -> list[str]:
    """Stray reprs, warnings and over-long printed lines in a notebook's outputs."""
    problems = []
    for n, src, outs in shown_code_cells(notebook):
        where = f"code cell {n} ({_first_line(src, 50)!r})"
        for out in outs:
            data = out.get("data", {})
            plain = "".join(data.get("text/plain", ""))
            if out.get("output_type") == "execute_result" and set(data) == {"text/plain"}:
                if STRAY_REPR.match(plain):
                    problems.append(f"{where} shows a stray repr: {plain.splitlines()[0][:70]}")
            if out.get("output_type") == "stream":
                text = "".join(out.get("text", ""))
                if out.get("name") == "stderr" and WARNING.search(text):
                    problems.append(f"{where} shows a warning: {WARNING.search(text).group(0)}")
                longest = max((len(line) for line in text.splitlines()), default=0)
                if longest > MAX_LINE:
                    problems.append(f"{where} prints a {longest}-character line (at most {MAX_LINE})")
    return problems


def split_streams(notebook: dict) -> list[tuple[int, str]]:
    """Code cells with two consecutive outputs of the same stream: the page merges them, a
    downloaded notebook should too (some viewers box each piece separately)."""
    found = []
    for n, src, outs in shown_code_cells(notebook):
        pairs = zip(outs, outs[1:], strict=False)
        if any(
            a.get("output_type") == b.get("output_type") == "stream" and a.get("name") == b.get("name")
            for a, b in pairs
        ):
            found.append((n, _first_line(src)))
    return found


def image_outputs(notebook: dict) -> int:
    """Image outputs of a notebook's code cells, those the page hides excluded."""
    return sum(_is_image(out) for _, _, outs in shown_code_cells(notebook) for out in outs)


# A full-page screenshot waits for the page's web fonts; with two pages' worth of work on two
# cores (make test runs the check after the book build) the longest page (the API, ~350 links)
# once took longer than Playwright's default 30 s. A screenshot is bookkeeping, not a check:
# it gets a longer limit and one more try before the page is reported.
SCREENSHOT_TIMEOUT_MS = 90_000
SCREENSHOT_TRIES = 2


def screenshot(
    page, path: Path, *, timeout_ms: int = SCREENSHOT_TIMEOUT_MS, tries: int = SCREENSHOT_TRIES
):
    """Save a full-page screenshot, trying again after a time-out (the last one is raised)."""
    for attempt in range(1, tries + 1):
        try:
            return page.screenshot(path=str(path), full_page=True, timeout=timeout_ms)
        except Exception as err:  # playwright's TimeoutError; its module is imported lazily
            if type(err).__name__ != "TimeoutError" or attempt == tries:
                raise


def pages_of(site: Path) -> list[Path]:
    skip = {"_static", "_sources", "_images", "_sphinx_design_static", "_panels_static"}
    return sorted(p for p in site.rglob("*.html") if not skip & set(p.relative_to(site).parts))


def check_page(page, rel: str, base: str, site: Path, executed: Path, fetch: Fetcher, shots: Path):
    """Open one page; return (facts, list of problems)."""
    problems: list[str] = []
    console: list[str] = []
    external: list[str] = []
    local_failures: list[str] = []

    def on_console(msg):
        if msg.type == "error":
            where = (msg.location or {}).get("url", "")
            if not where or where.startswith(base):
                console.append(f"{msg.text} ({where or 'inline'})")

    def on_response(resp):
        if resp.url.startswith(base) and resp.status >= 400:
            local_failures.append(f"{resp.status} {resp.url[len(base) - 1 :]}")

    def on_failed(req):
        if req.url.startswith(base):
            local_failures.append(f"failed {req.url[len(base) - 1 :]}: {req.failure}")

    page.on("console", on_console)
    page.on("pageerror", lambda err: console.append(f"uncaught: {err}"))
    page.on("response", on_response)
    page.on("requestfailed", on_failed)

    def route(r):
        if r.request.url.startswith(base) or r.request.url.startswith("data:"):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    url = urljoin(base, rel)
    resp = page.goto(url, wait_until="load")
    if resp is None or resp.status != 200:
        problems.append(f"does not load: HTTP {resp.status if resp else 'no response'}")
        return {}, problems
    page.wait_for_load_state("networkidle")
    facts = page.evaluate(PAGE_FACTS)
    shot = shots / (rel.replace("/", "__").removesuffix(".html") + ".png")
    screenshot(page, shot)

    for a in sorted(set(facts["assets"])):
        if not a.startswith(base):
            external.append(a)
        elif fetch.get(a) != 200:
            problems.append(f"asset answers {fetch.get(a)}: {a[len(base) - 1 :]}")
    problems += [f"request {f}" for f in sorted(set(local_failures))]
    problems += [f"asks for something outside the site: {u}" for u in sorted(set(external))]
    problems += [f"console error: {c}" for c in console]
    raw = sorted({m.group(0) for m in RAW_TEX.finditer(facts["text"])})
    if raw:
        problems.append(f"raw TeX left in the prose: {', '.join(raw)}")
    if facts["untypeset"]:
        problems.append(f"{facts['untypeset']} math element(s) not typeset by MathJax")
    if facts["broken_figures"]:
        problems.append(f"figure(s) not loaded: {facts['broken_figures']}")
    if facts["figure_reprs"]:
        problems.append(
            f"{facts['figure_reprs']} figure(s) shown as '<Figure size ...>' text, not an image"
        )

    notebook_path = executed / rel.replace(".html", ".ipynb")
    if notebook_path.exists():
        notebook = json.loads(notebook_path.read_text())
        for n, first_line in figureless_cells(notebook):
            problems.append(f"code cell {n} ({first_line!r}) draws a figure but shows no image")
        problems += output_problems(notebook)
        for n, first_line in unsuppressed_results(notebook):
            problems.append(f"code cell {n} ({first_line!r}) ends in ';' but shows its result")
        expected = image_outputs(notebook)
        facts["expected_figures"] = expected
        if facts["figures"] != expected:
            problems.append(
                f"{facts['figures']} figures on the page, but {expected} image outputs in its "
                f"executed notebook ({notebook_path})"
            )
        downloads = {Path(urlparse(d).path).suffix: d for d in facts["downloads"]}
        for suffix in (".py", ".ipynb"):
            if suffix not in downloads:
                problems.append(f"the download menu offers no {suffix}")
            elif fetch.get(downloads[suffix]) != 200:
                problems.append(f"download {suffix} answers {fetch.get(downloads[suffix])}")
        if ".ipynb" in downloads and fetch.get(downloads[".ipynb"]) == 200:
            downloaded = json.loads(fetch.bodies[urldefrag(downloads[".ipynb"])[0]])
            got = image_outputs(downloaded)
            if got != expected:
                problems.append(f"the downloadable .ipynb holds {got} figures, the page {expected}")
            for n, first in split_streams(downloaded):
                problems.append(f"the downloadable .ipynb splits the output of cell {n} ({first!r})")

    for link in sorted(set(facts["links"])):
        if not link.startswith(base):
            continue
        target, anchor = urldefrag(link)
        status = fetch.get(target)
        if status != 200:
            problems.append(f"internal link answers {status}: {link[len(base) - 1 :]}")
        elif anchor and target.endswith(".html") and not fetch.has_anchor(target, anchor):
            problems.append(f"internal link to a missing anchor: {link[len(base) - 1 :]}")
    return facts, problems


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("site", type=Path, help="the built HTML (the folder with index.html)")
    ap.add_argument(
        "--executed",
        type=Path,
        default=None,
        help="the executed notebooks of the build (default: SITE/../jupyter_execute)",
    )
    ap.add_argument("--screenshots", type=Path, default=None, help="default: SITE/../screenshots")
    ap.add_argument(
        "--chromium",
        default=os.environ.get("EMERGENCE_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("google-chrome")
        or "/usr/bin/chromium",
        help="the browser to drive (default: $EMERGENCE_CHROMIUM, chromium, google-chrome)",
    )
    args = ap.parse_args(argv)
    site = args.site.resolve()
    if not (site / "index.html").exists():
        print(f"site check: no index.html in {site}: build the book first", file=sys.stderr)
        return 2
    executed = (args.executed or site.parent / "jupyter_execute").resolve()
    shots = (args.screenshots or site.parent / "screenshots").resolve()
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    if not Path(args.chromium).exists():
        print(f"site check: no Chromium at {args.chromium} (apt-get install chromium)", file=sys.stderr)
        return 2

    from playwright.sync_api import sync_playwright

    server, base = serve(site)
    fetch = Fetcher()
    failed = 0
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            for path in pages_of(site):
                rel = path.relative_to(site).as_posix()
                page = context.new_page()
                try:
                    facts, problems = check_page(page, rel, base, site, executed, fetch, shots)
                except Exception as e:  # a page that breaks the checker is a failed page
                    facts, problems = {}, [f"check crashed: {e!r}"]
                finally:
                    page.close()
                status = "FAIL" if problems else "ok"
                failed += bool(problems)
                rows.append((status, rel, facts))
                figures, formulas = facts.get("figures", "-"), facts.get("math", "-")
                links = len(set(facts.get("links", [])))
                print(f"{status:4s} {figures:>3} figures {formulas:>4} formulas {links:>4} links {rel}")
                for problem in problems:
                    print(f"      {rel}: {problem}")
            browser.close()
    finally:
        server.shutdown()
    n_links = sum(1 for u, s in fetch.status.items() if s == 200)
    print(
        f"site check: {len(rows) - failed} of {len(rows)} pages passed; {n_links} local URLs fetched; "
        f"screenshots in {shots}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
