"""How the two sides of a comparison enter its test under the programme's survey design.

Each side's mean gets the variance `cxframe measure` gives it (the
programme's ``weighted_variance``, or ``--variance``): linearised (Taylor)
over respondent clusters by default, the bootstrap, or Kish's effective n.
A side that is neither weighted nor has repeat respondents is a simple
random sample and keeps the textbook formulas (its linearised variance is
exactly ``s²/n``).

Respondents who answered on both sides (in both periods, or in a segment
and in its rest) make the two means correlated. With respondent clusters,
the covariance of the two linearised means is
``√(f₁f₀) · Σ_r z_r1 z_r0`` over those respondents, with
``z_rk = (Σwx_rk − x̄_k Σw_rk) / Σw_k`` a respondent's linearised
contribution to side k and ``f_k = G_k/(G_k − 1)`` the small-sample factor
of that side's variance (so the 2 × 2 covariance matrix is positive
semi-definite). The variance of the difference is ``V₁ + V₀ − 2C``. With
the bootstrap the covariance is the linearised correlation times the two
bootstrap standard errors; Kish's effective n assumes independent answers
and has no covariance.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Protocol

import attrs

from cxframe.contracts._records import MetricDefinition, Period, WeightedVariance
from cxframe.measurement._engine import Engine
from cxframe.measurement._intervals import (
    Design,
    bootstrap_variance,
    centred_variance,
    design_effective_n,
    effective_n,
    linearised_variance,
)


class Side(Protocol):
    """One side's sufficient statistics (`cxframe.measurement._comparisons.GroupStats`)."""

    @property
    def n(self) -> int: ...

    @property
    def sum_w(self) -> float: ...

    @property
    def sum_w2(self) -> float: ...

    @property
    def sum_wd(self) -> float: ...

    @property
    def sum_wd2(self) -> float: ...

    @property
    def shift(self) -> float: ...

    @property
    def design(self) -> Design | None: ...

    @property
    def repeats(self) -> int | None: ...

    @property
    def mean(self) -> float | None: ...


@attrs.frozen
class PairDesign:
    """The two sides' effective sizes, variances of their means and covariance (natural scale).

    ``method`` is the variance method used (None: both sides simple random
    samples); ``shared`` counts the respondents on both sides.
    """

    n1: float
    n0: float
    variance1: float
    variance0: float
    df1: float
    df0: float
    covariance: float = 0.0
    method: WeightedVariance | None = None
    shared: int = 0

    @property
    def shrink(self) -> float:
        """The variance of the difference over what independent sides would give: ``1 − 2C/(V₁ + V₀)``, ≥ 0."""
        total = self.variance1 + self.variance0
        return max(1.0 - 2.0 * self.covariance / total, 0.0) if total > 0 else 1.0


def designed(side: Side) -> bool:
    """Whether a side is not a simple random sample: weighted, or respondents answering more than once."""
    weighted = abs(side.sum_w2 - side.n) > 1e-9 or abs(side.sum_w - side.n) > 1e-9
    return weighted or bool(side.repeats)


def _kish(side: Side) -> tuple[float, float, float]:
    """``(n, V, df)`` by Kish's effective n: ``V = s²/n = σ²/(n − 1)``."""
    n = effective_n(side.n, side.sum_w, side.sum_w2)
    if n <= 1 or side.sum_w <= 0:
        return n, 0.0, max(n - 1, 0.0)
    return n, centred_variance(side.sum_w, side.sum_wd, side.sum_wd2) / (n - 1), n - 1


def side_variance(
    side: Side, method: WeightedVariance, bootstrapped: float | None = None
) -> tuple[float, float, float, WeightedVariance | None]:
    """``(effective n, variance of the mean, degrees of freedom, method used)`` of one side.

    ``bootstrapped`` is the side's bootstrap variance when ``method`` is the
    bootstrap (without it the linearised variance stands in). Where a design
    variance cannot be used (no spread), Kish's n decides, as in ``measure``.
    """
    if not designed(side) or side.sum_w <= 0:
        return (*_kish(side), None)
    used = method
    variance: float | None = None
    if method is WeightedVariance.BOOTSTRAP:
        variance = bootstrapped
        if variance is None:
            used = WeightedVariance.LINEARISED
    if used is WeightedVariance.LINEARISED and side.design is not None:
        variance = linearised_variance(side.sum_w, side.sum_wd, side.design)
    spread = centred_variance(side.sum_w, side.sum_wd, side.sum_wd2)
    n = design_effective_n(side.n, spread, variance) if used is not WeightedVariance.KISH else None
    if n is None or variance is None:
        return (*_kish(side), WeightedVariance.KISH)
    clusters = side.design.clusters if side.design is not None else side.n
    return n, variance, min(n, float(clusters)) - 1, used


def simple_design(group: Side, baseline: Side) -> PairDesign:
    """Both sides as simple random samples of their Kish effective n (no covariance): the textbook tests."""
    n1, v1, df1, _ = side_variance(group, WeightedVariance.KISH)
    n0, v0, df0, _ = side_variance(baseline, WeightedVariance.KISH)
    return PairDesign(n1, n0, v1, v0, df1, df0)


def covariance(
    group: Side, baseline: Side, shared: Mapping[str, tuple[tuple[float, float], tuple[float, float]]]
) -> float:
    """The linearised covariance of the two sides' means from the respondents on both.

    ``shared`` maps a respondent to its ``(Σw, Σwx)`` on the group's side
    and on the baseline's.
    """
    first, second = group.mean, baseline.mean
    if not shared or first is None or second is None or group.design is None or baseline.design is None:
        return 0.0
    g1, g0 = group.design.clusters, baseline.design.clusters
    if g1 < 2 or g0 < 2:
        return 0.0
    total = math.fsum((s1 - first * w1) * (s0 - second * w0) for (w1, s1), (w0, s0) in shared.values()) / (
        group.sum_w * baseline.sum_w
    )
    return math.sqrt(g1 / (g1 - 1) * g0 / (g0 - 1)) * total


def pair_design(
    group: Side,
    baseline: Side,
    method: WeightedVariance,
    *,
    shared: Mapping[str, tuple[tuple[float, float], tuple[float, float]]] | None = None,
    bootstrapped: tuple[float | None, float | None] = (None, None),
) -> PairDesign:
    """Both sides' variances under ``method``, with their covariance from respondents on both sides."""
    n1, v1, df1, used1 = side_variance(group, method, bootstrapped[0])
    n0, v0, df0, used0 = side_variance(baseline, method, bootstrapped[1])
    together = dict(shared or {})
    covariance_ = 0.0
    if together and method is not WeightedVariance.KISH:
        linear = covariance(group, baseline, together)
        if method is WeightedVariance.BOOTSTRAP and linear:
            # the linearised correlation, carried over to the bootstrap's standard errors
            l1 = _linearised(group)
            l0 = _linearised(baseline)
            linear = linear / math.sqrt(l1 * l0) * math.sqrt(v1 * v0) if l1 > 0 and l0 > 0 else 0.0
        covariance_ = linear
    # the method named is the one used on a side with a design (linearised beats Kish when they differ)
    used = next((u for u in (used1, used0) if u is not None and u is not WeightedVariance.KISH), used1 or used0)
    if used is None and together:
        used = method
    return PairDesign(n1, n0, v1, v0, df1, df0, covariance_, used, len(together))


def _linearised(side: Side) -> float:
    if side.design is None:
        return 0.0
    return linearised_variance(side.sum_w, side.sum_wd, side.design) or 0.0


_Key = tuple[tuple[str | None, ...], str | None]
_Sums = dict[str, tuple[float, float]]


class Sides:
    """What a comparison's design needs beyond the aggregates: respondents on both sides, bootstrap clusters.

    Asked of the engine only when the variance method uses them (an engine
    without `respondent_sums` or `resampling_units` gets none: no covariance,
    the linearised variance instead of the bootstrap).
    """

    def __init__(
        self,
        engine: Engine,
        metric: MetricDefinition,
        method: WeightedVariance,
        by: Sequence[str],
        period: Period | None,
        across: str | None,
    ) -> None:
        self.method = method
        self.shared: dict[_Key, _Sums] = {}
        self.units: dict[_Key, tuple[list[float], list[float]]] = {}
        # a period is the group of one comparison and the baseline of the next: resampled once
        self._bootstrapped: dict[tuple[_Key, ...], float | None] = {}
        if method is WeightedVariance.KISH:
            return
        respondent_sums = getattr(engine, "respondent_sums", None)
        if respondent_sums is not None:
            self.shared = respondent_sums(metric, by=by, period=period, across=across)
        resampling = getattr(engine, "resampling_units", None)
        if method is WeightedVariance.BOOTSTRAP and resampling is not None:
            self.units = resampling(metric, by=by, period=period)

    def bootstrapped(self, keys: Sequence[_Key]) -> float | None:
        """The bootstrap variance of the side made of the groups ``keys`` (None: not the bootstrap, or no clusters)."""
        if self.method is not WeightedVariance.BOOTSTRAP or not any(key in self.units for key in keys):
            return None
        cached = tuple(keys)
        if cached not in self._bootstrapped:
            weights = [w for key in keys for w in self.units.get(key, ([], []))[0]]
            sums = [s for key in keys for s in self.units.get(key, ([], []))[1]]
            self._bootstrapped[cached] = bootstrap_variance(weights, sums, repr(cached))
        return self._bootstrapped[cached]

    def design(
        self,
        group: Side,
        against: Side,
        shared: Mapping[str, tuple[tuple[float, float], tuple[float, float]]],
        keys: tuple[Sequence[_Key], Sequence[_Key]],
    ) -> PairDesign:
        # only a side with a design is resampled: a simple random sample keeps s²/n
        boot = (
            self.bootstrapped(keys[0]) if designed(group) else None,
            self.bootstrapped(keys[1]) if designed(against) else None,
        )
        return pair_design(group, against, self.method, shared=shared, bootstrapped=boot)


def chosen_method(engine: Engine, variance: WeightedVariance | None) -> WeightedVariance:
    found = variance or getattr(engine, "variance", None)
    return found if isinstance(found, WeightedVariance) else WeightedVariance.LINEARISED
