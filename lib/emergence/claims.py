"""Executable claim checks, and the ledger that collects their verdicts.

A chapter states a paper's quantitative claim as a :class:`Claim` (the paper's exact title, the
quantity, the paper's value and the tolerance within which we call it reproduced), then calls
:func:`check` with posterior samples of the same quantity and the verdict its prose states.

The decision rule is Kruschke's HDI + ROPE rule: the claim's tolerance defines a region of
practical equivalence (ROPE) around the paper's value; with the posterior's highest-density
interval (HDI, 94 % by default)

- inside the region  -> ``reproduced``;
- disjoint from it   -> ``not reproduced``;
- overlapping its edge -> ``inconclusive`` (the data cannot decide at this size).

A verdict also needs a model that describes the data: :func:`check` and :func:`decide` take the
model's posterior predictive evidence (:class:`emergence.adequacy.Adequacy`), and when the model
fails it they return ``not testable`` with the reason, never ``reproduced`` or ``not
reproduced``. They also carry, for the ledger, the model's simulation-based calibration
(:func:`emergence.calibration.status`) when the chapter ships one.

:func:`check` records every verdict as a JSON file (for the book's claims ledger) and raises
:class:`ClaimMismatch` when the verdict differs from the one the chapter's prose states, so
prose and code cannot disagree.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from emergence.scale import SCALES, current_scale

VERDICTS = ("reproduced", "not reproduced", "inconclusive", "not testable")
LEDGER_ENV_VAR = "EMERGENCE_LEDGER"


class ClaimMismatch(AssertionError):
    """The verdict computed from the data differs from the verdict the chapter states."""


@dataclass(frozen=True)
class Claim:
    """A paper's quantitative claim and its region of practical equivalence.

    Parameters
    ----------
    chapter : str
        The chapter that checks it, as ``part/slug``.
    paper : str
        The paper's exact title.
    quantity : str
        What is claimed, with its unit.
    value : float
        The paper's value.
    tolerance : float, optional
        The region is ``value +- tolerance`` (> 0).
    interval : tuple of float, optional
        The region is ``[lo, hi]``, for claims stated as a range. Give exactly one of
        ``tolerance`` and ``interval``.
    note : str, optional
        How the value was read, shown under the verdict.
    evidence : str, optional
        What the posterior comes from, for the ledger: empty for the page's own run, else
        e.g. ``"shipped data: data/landauer_full_scale.npz (made on a GPU, 2026-11-30)"``.

    Raises
    ------
    ValueError
        If both or neither of ``tolerance`` and ``interval`` are given, the tolerance is not
        positive, or the interval is empty or excludes ``value``.
    """

    chapter: str
    paper: str
    quantity: str
    value: float
    tolerance: float | None = None
    interval: tuple[float, float] | None = None
    note: str = ""
    evidence: str = ""

    def __post_init__(self) -> None:
        if (self.tolerance is None) == (self.interval is None):
            raise ValueError("give exactly one of tolerance and interval")
        if self.tolerance is not None and not self.tolerance > 0:
            raise ValueError(f"tolerance must be > 0, got {self.tolerance!r}")
        if self.interval is not None:
            lo, hi = self.interval
            if not lo < hi:
                raise ValueError(f"interval must have lo < hi, got {self.interval!r}")
            if not lo <= self.value <= hi:
                raise ValueError(f"value {self.value!r} lies outside its interval {self.interval!r}")

    @property
    def region(self) -> tuple[float, float]:
        """The region of practical equivalence, ``(lo, hi)``."""
        if self.interval is not None:
            return (float(self.interval[0]), float(self.interval[1]))
        return (self.value - self.tolerance, self.value + self.tolerance)


@dataclass(frozen=True)
class Verdict:
    """The outcome of comparing posterior samples with a :class:`Claim`.

    Parameters
    ----------
    claim : Claim
        The claim checked.
    verdict : str
        ``"reproduced"``, ``"not reproduced"`` or ``"inconclusive"``.
    mean, sd : float
        Posterior mean and standard deviation of the quantity.
    hdi : tuple of float
        The highest-density interval.
    hdi_prob : float
        Its probability (0.94).
    prob_in_region : float
        Posterior mass inside the claim's region.
    n_samples : int
        Posterior draws used.
    scale : str
        The scale the check ran at.
    adequacy : tuple of dict, optional
        The model's posterior predictive checks (``Adequacy.as_dict``).
    calibration : dict, optional
        The model's simulation-based calibration (:func:`emergence.calibration.status`), or
        None when the chapter ships no run.
    reason : str, optional
        Why the verdict is ``not testable``.
    time : str, optional
        When (ISO 8601, UTC); default now.
    """

    claim: Claim
    verdict: str
    mean: float
    sd: float
    hdi: tuple[float, float]
    hdi_prob: float
    prob_in_region: float
    n_samples: int
    scale: str
    adequacy: tuple = ()
    calibration: dict | None = None
    reason: str = ""
    time: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def as_dict(self) -> dict:
        """The verdict as a JSON-ready record (for the ledger).

        Returns
        -------
        dict
            Every field, the claim's too, and its region.
        """
        d = asdict(self)
        d["region"] = list(self.claim.region)
        return d

    def model_lines(self) -> list[str]:
        """The model's adequacy and calibration, one line each (for the text and HTML forms).

        Returns
        -------
        list of str
            One line per predictive check, then the calibration's.
        """
        lines = []
        for a in self.adequacy:
            worst = min(a["p_values"], key=a["p_values"].get)
            lines.append(
                f"{a['model']}: {'adequate' if a['adequate'] else 'NOT adequate'} (smallest "
                f"posterior predictive p-value {a['p_values'][worst]:.3f}, for {worst}; fails "
                f"below {a['cut']:.2g})"
            )
        c = self.calibration
        if c is None:
            lines.append("calibration: no simulation-based calibration run for this model")
        else:
            lines.append(f"calibration: {c['line']}")
        return lines

    def __str__(self) -> str:
        lo, hi = self.claim.region
        head = f"{self.claim.quantity}: {self.verdict.upper()} at scale {self.scale}\n"
        if self.reason:
            head += f"  why: {self.reason}\n"
        tail = "".join(f"\n  {line}" for line in self.model_lines())
        if self.n_samples == 0:  # a claim about one number (decide)
            return head + f"  value {self.mean:.4g}, region [{lo:.4g}, {hi:.4g}]" + tail
        return (
            head + f"  posterior mean {self.mean:.4g} (sd {self.sd:.2g}), {self.hdi_prob:.0%} HDI "
            f"[{self.hdi[0]:.4g}, {self.hdi[1]:.4g}]\n"
            f"  paper {self.claim.value:.4g}, region [{lo:.4g}, {hi:.4g}], "
            f"posterior mass inside {self.prob_in_region:.2f}" + tail
        )

    def ledger_html(self) -> str:
        """The verdict as a hidden HTML element carrying its JSON, for the claims ledger.

        Returns
        -------
        str
            ``<div hidden class="emergence-ledger-record" data-verdict="...">``: invisible on
            the page; the book's ledger extension collects it from the executed notebook.
        """
        payload = html.escape(json.dumps(self.as_dict()), quote=True)
        return f'<div hidden class="emergence-ledger-record" data-verdict="{payload}"></div>'

    def _repr_html_(self) -> str:
        """A short block coloured by the verdict (an admonition in the book's theme)."""
        lo, hi = self.claim.region
        kind = {
            "reproduced": "tip",
            "not reproduced": "danger",
            "inconclusive": "attention",
            "not testable": "warning",
        }[self.verdict]
        e = html.escape
        note = f"<br><em>{e(self.claim.note)}</em>" if self.claim.note else ""
        if self.reason:
            note = f"<br><strong>Why:</strong> {e(self.reason)}." + note
        note += "".join(f"<br><small>{e(line)}</small>" for line in self.model_lines())
        title = (
            f'<p class="admonition-title">{e(self.verdict.capitalize())}: {e(self.claim.quantity)}</p>'
        )
        if self.n_samples == 0:  # a claim about one number (decide)
            return (
                f'<div class="admonition {kind} emergence-verdict">{title}'
                f"<p>value <strong>{self.mean:.4g}</strong>; region [{lo:.4g}, {hi:.4g}]; "
                f"scale <code>{e(self.scale)}</code>.<br>{e(self.claim.paper)}{note}</p></div>"
            )
        return (
            f'<div class="admonition {kind} emergence-verdict">{title}'
            f"<p>posterior mean <strong>{self.mean:.4g}</strong> ± {self.sd:.2g}, "
            f"{self.hdi_prob:.0%} HDI [{self.hdi[0]:.4g}, {self.hdi[1]:.4g}]; "
            f"paper's value {self.claim.value:.4g}, region of equivalence [{lo:.4g}, {hi:.4g}], "
            f"posterior mass inside it {self.prob_in_region:.2f}; scale <code>{e(self.scale)}</code>."
            f"<br>{e(self.claim.paper)}{note}</p></div>"
        )


def hdi(samples, prob: float = 0.94) -> tuple[float, float]:
    """The highest-density interval of samples.

    Parameters
    ----------
    samples : array_like
        Draws of one scalar quantity (any shape; flattened).
    prob : float, optional
        Probability the interval holds, in (0, 1); default 0.94.

    Returns
    -------
    tuple of float
        ``(lo, hi)``, the shortest interval holding a fraction ``prob`` of the samples (exact
        for unimodal posteriors).

    Raises
    ------
    ValueError
        If ``prob`` lies outside (0, 1).
    """
    if not 0 < prob < 1:
        raise ValueError(f"prob must lie in (0, 1), got {prob!r}")
    x = np.sort(np.asarray(samples, dtype=float).ravel())
    n_in = int(np.ceil(prob * x.size))
    widths = x[n_in - 1 :] - x[: x.size - n_in + 1]
    i = int(np.argmin(widths))
    return (float(x[i]), float(x[i + n_in - 1]))


def assess(claim: Claim, samples, hdi_prob: float = 0.94) -> Verdict:
    """Compare posterior samples of the claimed quantity with a claim.

    The rule: *reproduced* when the HDI lies inside the claim's region, *not reproduced* when it
    lies entirely outside, *inconclusive* otherwise.

    Parameters
    ----------
    claim : Claim
        The claim.
    samples : array_like
        At least 100 finite posterior draws of the quantity, in the claim's unit.
    hdi_prob : float, optional
        The HDI's probability; default 0.94.

    Returns
    -------
    Verdict
        The verdict with the numbers behind it.

    Raises
    ------
    ValueError
        If there are fewer than 100 samples or a sample is not finite.
    """
    x = np.asarray(samples, dtype=float).ravel()
    if x.size < 100:
        raise ValueError(f"need at least 100 posterior samples, got {x.size}")
    if not np.all(np.isfinite(x)):
        raise ValueError("posterior samples contain NaN or infinite values")
    lo, hi = claim.region
    h = hdi(x, hdi_prob)
    if lo <= h[0] and h[1] <= hi:
        verdict = "reproduced"
    elif h[1] < lo or h[0] > hi:
        verdict = "not reproduced"
    else:
        verdict = "inconclusive"
    return Verdict(
        claim=claim,
        verdict=verdict,
        mean=float(x.mean()),
        sd=float(x.std(ddof=1)),
        hdi=h,
        hdi_prob=hdi_prob,
        prob_in_region=float(np.mean((x >= lo) & (x <= hi))),
        n_samples=int(x.size),
        scale=current_scale(),
    )


def ledger_dir() -> Path:
    """Where verdicts are recorded.

    Returns
    -------
    pathlib.Path
        ``$EMERGENCE_LEDGER``; else ``_build/ledger`` in the book's checkout (when the package is
        installed from one); else ``./emergence-ledger``.
    """
    env = os.environ.get(LEDGER_ENV_VAR, "").strip()
    if env:
        return Path(env)
    root = Path(__file__).resolve().parents[2]
    if (root / "_toc.yml").exists():
        return root / "_build" / "ledger"
    return Path.cwd() / "emergence-ledger"


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def record(verdict: Verdict, directory: str | os.PathLike | None = None) -> Path:
    """Write a verdict as JSON for the claims ledger.

    Parameters
    ----------
    verdict : Verdict
        The verdict.
    directory : str or os.PathLike, optional
        Default :func:`ledger_dir`.

    Returns
    -------
    pathlib.Path
        The file written (one per chapter, quantity and scale).
    """
    d = Path(directory) if directory is not None else ledger_dir()
    d.mkdir(parents=True, exist_ok=True)
    name = f"{_slug(verdict.claim.chapter)}--{_slug(verdict.claim.quantity)}--{verdict.scale}.json"
    path = d / name
    path.write_text(json.dumps(verdict.as_dict(), indent=2) + "\n")
    return path


def collect(directory: str | os.PathLike | None = None) -> list[dict]:
    """All recorded verdicts.

    Parameters
    ----------
    directory : str or os.PathLike, optional
        Default :func:`ledger_dir`.

    Returns
    -------
    list of dict
        The verdicts as written by :func:`record`, sorted by chapter, quantity and scale.
    """
    d = Path(directory) if directory is not None else ledger_dir()
    rows = [json.loads(p.read_text()) for p in sorted(d.glob("*.json"))]
    return sorted(rows, key=lambda r: (r["claim"]["chapter"], r["claim"]["quantity"], r["scale"]))


def _show_ledger_record(verdict: Verdict) -> None:
    """In a notebook, leave the verdict's ledger record among the cell's outputs (hidden)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return
    if get_ipython() is None:
        return
    display({"text/html": verdict.ledger_html(), "text/plain": ""}, raw=True)


def _model_evidence(verdict: Verdict, adequacy, calibration) -> Verdict:
    """The verdict with the model's evidence attached, ``not testable`` if the model fails."""
    from dataclasses import replace

    from emergence.adequacy import Adequacy

    checks = (adequacy,) if isinstance(adequacy, Adequacy) else tuple(adequacy)
    if not checks or not all(isinstance(a, Adequacy) for a in checks):
        raise ValueError(
            "adequacy must be an emergence.adequacy.Adequacy (or several): a verdict needs the "
            f"model's posterior predictive check, got {adequacy!r}"
        )
    if calibration is not None and not {"calibrated", "line"} <= set(calibration):
        raise ValueError("calibration must be emergence.calibration.status(...) or None")
    failing = [a for a in checks if not a.adequate]
    reason = "; ".join(a.reason() for a in failing)
    return replace(
        verdict,
        verdict="not testable" if failing else verdict.verdict,
        reason=reason,
        adequacy=tuple(a.as_dict() for a in checks),
        calibration=None if calibration is None else dict(calibration),
    )


def check(
    claim: Claim,
    samples,
    expect: str | Mapping[str, str],
    hdi_prob: float = 0.94,
    directory: str | os.PathLike | None = None,
    *,
    adequacy,
    calibration: Mapping | None = None,
) -> Verdict:
    """Assess a claim, record the verdict, and fail if it differs from what the prose states.

    Parameters
    ----------
    claim : Claim
        The claim.
    samples : array_like
        Posterior draws of the quantity (see :func:`assess`).
    expect : str or Mapping of str to str
        The verdict the chapter's prose states, or one per scale (all three given) when the
        prose says that the data at small sizes cannot decide.
    adequacy : emergence.adequacy.Adequacy or sequence of them
        The posterior predictive checks of the model(s) the samples come from (required). When
        one fails, the verdict is ``not testable`` whatever the posterior says.
    calibration : Mapping, optional
        The model's calibration, :func:`emergence.calibration.status` of its shipped run,
        recorded for the ledger; None when there is no run.
    hdi_prob : float, optional
        The HDI's probability; default 0.94.
    directory : str or os.PathLike, optional
        Where to record the verdict; default :func:`ledger_dir`.

    Returns
    -------
    Verdict
        The verdict (it renders as a block coloured by the verdict).

    Raises
    ------
    ClaimMismatch
        If the data's verdict differs from ``expect``.
    ValueError
        If ``expect`` names an unknown verdict or misses a scale.
    """
    expected = _expected(expect)
    v = _model_evidence(assess(claim, samples, hdi_prob), adequacy, calibration)
    record(v, directory)
    _show_ledger_record(v)
    if v.verdict != expected:
        raise ClaimMismatch(
            f"the chapter states '{expected}' for '{claim.quantity}' ({claim.paper}), "
            f"but the data say '{v.verdict}': {v}. Update the prose to what the data show; "
            "do not loosen the claim until it passes."
        )
    return v


def decide(
    claim: Claim,
    statistic: float,
    expect: str | Mapping[str, str],
    directory=None,
    *,
    adequacy,
    calibration: Mapping | None = None,
) -> Verdict:
    """Check a claim about a single number, such as a Bayes factor, rather than a posterior.

    The verdict is *reproduced* when ``statistic`` lies in the claim's region and *not
    reproduced* otherwise (a number has no interval, so nothing is inconclusive); it is
    recorded and shown in the ledger like :func:`check`'s, with the number in place of the
    posterior mean and of both ends of the HDI.

    Parameters
    ----------
    claim : Claim
        The claim; give its region as ``interval`` (an end may be infinite, e.g.
        ``interval=(2, np.inf)`` for "log10 K > 2").
    statistic : float
        The number the claim is about (finite).
    expect : str or Mapping of str to str
        The verdict the prose states, or one per scale.
    directory : str or os.PathLike, optional
        Where to record the verdict; default :func:`ledger_dir`.
    adequacy : emergence.adequacy.Adequacy or sequence of them
        The posterior predictive checks of the model(s) behind the number (as in :func:`check`).
    calibration : Mapping, optional
        As in :func:`check`.

    Returns
    -------
    Verdict
        With ``sd = 0`` and ``n_samples = 0``.

    Raises
    ------
    ClaimMismatch
        If the verdict differs from ``expect``.
    ValueError
        If ``statistic`` is not finite or ``expect`` is invalid.
    """
    x = float(statistic)
    if not np.isfinite(x):
        raise ValueError(f"statistic must be a finite number, got {statistic!r}")
    expected = _expected(expect)
    lo, hi = claim.region
    inside = lo <= x <= hi
    v = Verdict(
        claim=claim,
        verdict="reproduced" if inside else "not reproduced",
        mean=x,
        sd=0.0,
        hdi=(x, x),
        hdi_prob=1.0,
        prob_in_region=float(inside),
        n_samples=0,
        scale=current_scale(),
    )
    v = _model_evidence(v, adequacy, calibration)
    record(v, directory)
    _show_ledger_record(v)
    if v.verdict != expected:
        raise ClaimMismatch(
            f"the chapter states '{expected}' for '{claim.quantity}' ({claim.paper}), "
            f"but the data say '{v.verdict}': {v}. Update the prose to what the data show."
        )
    return v


def _expected(expect) -> str:
    if isinstance(expect, Mapping):
        missing = [s for s in SCALES if s not in expect]
        if missing:
            raise ValueError(f"expect is missing the scale(s) {missing}; give all of {SCALES}")
        expected = expect[current_scale()]
    else:
        expected = expect
    if expected not in VERDICTS:
        raise ValueError(f"unknown verdict {expected!r}; valid verdicts are {VERDICTS}")
    return expected
