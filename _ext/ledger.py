"""The claims ledger: every claim check of every chapter, in one table, from the same build.

``emergence.claims.check`` leaves a record of each verdict in the executed notebook (a hidden
HTML element carrying the verdict as JSON, see ``Verdict.ledger_html``). When Sphinx reads a
chapter, this extension collects those records from its doctree, with the section each one
stands in; the ``{claims-ledger}`` directive (in ``ledger.md``) becomes the table when the
ledger page is written. Nothing is read from a side directory, so the ledger cannot show a
verdict of another build, scale or claim name.

The build fails (a Sphinx error) if a chapter whose source calls ``claims.check`` left no
record, or if a record cannot be read: a claim that a chapter checks always reaches the
ledger, or nothing is published.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.errors import ExtensionError

MARK = "emergence-ledger-record"
RECORD = re.compile(r'data-verdict="([^"]*)"')
CALLS_CHECK = re.compile(r"\bclaims\.check\(")


class ledger_placeholder(nodes.General, nodes.Element):
    """Where the table goes; replaced when the ledger page is written."""


class ClaimsLedger(Directive):
    has_content = False

    def run(self):
        return [ledger_placeholder()]


def records_in(doctree) -> list[dict]:
    """The verdict records of one chapter's doctree, each with the id of its section."""
    found = []
    for raw in doctree.findall(nodes.raw):
        text = raw.astext()
        if MARK not in text:
            continue
        for payload in RECORD.findall(text):
            try:
                record = json.loads(html.unescape(payload))
            except json.JSONDecodeError as e:
                raise ExtensionError(f"a claims-ledger record cannot be read: {e}") from None
            section = raw.parent
            while section is not None and not isinstance(section, nodes.section):
                section = section.parent
            record["section"] = section["ids"][0] if section is not None and section["ids"] else ""
            found.append(record)
    return found


def _doctree_read(app, doctree):
    env = app.env
    docname = env.docname
    store = env.__dict__.setdefault("emergence_ledger", {})
    store.pop(docname, None)
    found = records_in(doctree)
    source = str(env.doc2path(docname))
    calls = False
    if source.endswith((".py", ".ipynb")):  # a page that runs (prose may quote the call)
        try:
            calls = bool(CALLS_CHECK.search(open(source, encoding="utf-8").read()))
        except OSError:
            pass
    if calls and not found:
        raise ExtensionError(
            f"{docname} calls claims.check but its executed notebook holds no verdict record: "
            "the claims ledger would miss its claims (was the page executed?)"
        )
    if found:
        store[docname] = found


def _purge(app, env, docname):
    env.__dict__.setdefault("emergence_ledger", {}).pop(docname, None)


def _merge(app, env, docnames, other):
    env.__dict__.setdefault("emergence_ledger", {}).update(other.__dict__.get("emergence_ledger", {}))


def _outdated(app, env, added, changed, removed):
    # the ledger shows every chapter: rebuild it whenever any page is read again
    ledgers = [d for d in env.found_docs if d.endswith("ledger")]
    return ledgers if (added or changed or removed) else []


def _fmt(x, digits=4):
    return f"{x:.{digits}g}"


def _estimate(r):
    if r["n_samples"] == 0:  # claims.decide: one number, no posterior
        return f"{_fmt(r['mean'])} (a single number)"
    return f"{_fmt(r['mean'])} ± {_fmt(r['sd'], 2)}"


def _interval(r):
    if r["n_samples"] == 0:
        return "–"
    return f"[{_fmt(r['hdi'][0])}, {_fmt(r['hdi'][1])}]"


def _table(app, fromdoc, rows):
    """Four columns, narrow enough for the page: the claim (its chapter, linked to the section
    that checks it, the quantity and the paper), the paper's value and region, this build's
    estimate, and the verdict with its scale and evidence."""
    table = nodes.table(classes=["emergence-ledger", "colwidths-given"])
    heads = ["claim", "paper's value (region)", "this build's estimate", "verdict"]
    group = nodes.tgroup(cols=len(heads))
    table += group
    for width in (8, 3, 4, 6):
        group += nodes.colspec(colwidth=width)
    thead = nodes.thead()
    row = nodes.row()
    for h in heads:
        row += nodes.entry("", nodes.paragraph(text=h))
    thead += row
    group += thead
    body = nodes.tbody()
    for docname, r in rows:
        claim = r["claim"]
        lo, hi = r["region"]
        uri = app.builder.get_relative_uri(fromdoc, docname)
        if r["section"]:
            uri += f"#{r['section']}"
        title = app.env.titles.get(docname)
        link = nodes.reference("", title.astext() if title else docname, refuri=uri, internal=True)
        what = nodes.paragraph()
        what += nodes.strong(text=claim["quantity"])
        what += nodes.Text(" — ")
        what += nodes.emphasis(text=claim["paper"])
        what += nodes.Text(" (")
        what += link
        what += nodes.Text(")")
        estimate = nodes.paragraph(text=_estimate(r))
        if r["n_samples"]:
            estimate += nodes.Text(f"; 94% HDI {_interval(r)}")
        verdict = nodes.paragraph()
        verdict += nodes.strong(text=r["verdict"])
        verdict += nodes.Text(" at ")
        verdict += nodes.literal(text=r["scale"])
        verdict += nodes.Text(f"; {claim.get('evidence') or 'this page’s run'}")
        if r.get("reason"):
            verdict += nodes.Text(f". Why: {r['reason']}")
        model = nodes.paragraph(classes=["emergence-ledger-model"])
        checks = r.get("adequacy") or []
        ok = all(a["adequate"] for a in checks)
        model += nodes.Text("model: ")
        model += nodes.strong(text="fits its data" if ok else "does NOT fit its data")
        if checks:
            worst = min((min(a["p_values"].values()) for a in checks), default=1.0)
            model += nodes.Text(f" (smallest predictive p = {worst:.2g}); ")
        else:  # a record from before the adequacy rule
            model += nodes.Text(" (no predictive check recorded); ")
        cal = r.get("calibration")
        model += nodes.Text("calibration: ")
        if cal is None:
            model += nodes.emphasis(text="no calibration run")
        else:
            model += nodes.strong(text="calibrated" if cal["calibrated"] else "NOT calibrated")
            detail = f"{cal['datasets']} simulated data sets"
            if not cal["calibrated"]:  # which parameters, with their 94% coverage
                bad = {k: v for k, v in cal["parameters"].items() if not v["calibrated"]}
                detail = (
                    "for "
                    + ", ".join(bad)
                    + "; 94% coverage "
                    + ", ".join(f"{v['coverage94'][0]:.2f}" for v in bad.values())
                )
            source = f"; {cal['source'].rsplit('/', 1)[-1]}" if cal.get("source") else ""
            model += nodes.Text(f" ({detail}{source})")
        cells = [
            what,
            nodes.paragraph(text=f"{_fmt(claim['value'])} [{_fmt(lo)}, {_fmt(hi)}]"),
            estimate,
            nodes.container("", verdict, model),
        ]
        row = nodes.row(classes=[f"verdict-{r['verdict'].replace(' ', '-')}"])
        for c in cells:
            row += nodes.entry("", c)
        body += row
    group += body
    return table


def _doctree_resolved(app, doctree, fromdoc):
    placeholders = list(doctree.findall(ledger_placeholder))
    if not placeholders:
        return
    store = app.env.__dict__.get("emergence_ledger", {})
    order = {d: i for i, d in enumerate(_toc_order(app))}
    rows = [(d, r) for d in sorted(store, key=lambda d: order.get(d, 1e9)) for r in store[d]]
    counts = Counter(r["verdict"] for _, r in rows)
    scales = sorted({r["scale"] for _, r in rows})
    summary = nodes.paragraph()
    summary += nodes.strong(text=f"{len(rows)} claim checks in {len(store)} pages: ")
    summary += nodes.Text(
        f"{counts['reproduced']} reproduced, {counts['not reproduced']} not reproduced, "
        f"{counts['inconclusive']} inconclusive, {counts['not testable']} not testable (a model "
        "that does not fit its data); this build ran at scale "
        + (" and ".join(scales) if scales else "(none)")
        + "."
    )
    for p in placeholders:
        p.replace_self([summary, _table(app, fromdoc, rows)] if rows else [summary])


def _toc_order(app):
    """Documents in the order of the table of contents (the reading order)."""
    order, seen = [], set()

    def walk(doc):
        if doc in seen:
            return
        seen.add(doc)
        order.append(doc)
        for child in app.env.toctree_includes.get(doc, []):
            walk(child)

    walk(app.config.root_doc)
    return order + sorted(set(app.env.found_docs) - seen)


def setup(app):
    app.add_node(ledger_placeholder)
    app.add_directive("claims-ledger", ClaimsLedger)
    app.connect("doctree-read", _doctree_read)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _outdated)
    app.connect("doctree-resolved", _doctree_resolved)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
