"""A group's respondent clusters summed in the same pass as its plain sums (SQLite).

The cluster-robust (linearised) variance needs, per group, sums over its
clusters: ``Σ_c W_c²``, ``Σ_c W_c·A_c``, ``Σ_c A_c²`` (``W_c = Σw``,
``A_c = Σw·d`` over the cluster's answers), the number of clusters, of
identified respondents and of those answering more than once. In SQL that
takes a ``GROUP BY`` per group and respondent and another per group: two
sorts of every answer, about 3 × a bare ``GROUP BY`` at a million answers
(see docs/performance.md). SQLite has no hash aggregate, so the clusters are
gathered here instead, in a dict per group, by an aggregate function that
runs inside the plain one-pass ``GROUP BY`` (one sort).
"""

from __future__ import annotations

import sqlite3
import struct

#: the SQL name of the aggregate: ``cx_respondent_clusters(respondent, response, weight, value)``
CLUSTER_SUMS = "cx_respondent_clusters"

_PACKED = struct.Struct("<dddqqq")

#: the most clusters of each kind one group holds in memory (about 180 bytes each, so ~90 MB); a larger group gives
#: up and its query runs again as two GROUP BYs, whose sorts SQLite spills to disk
MAX_CLUSTERS = 500_000


class RespondentClusters:
    """The SQLite aggregate: one call per answer, the group's cluster sums at the end.

    An answer with a respondent id joins that respondent's cluster; one
    without is a cluster of its own, keyed by its response (as the two-level
    SQL keys it), kept apart so that it never meets a respondent's id.
    """

    __slots__ = ("_full", "_respondents", "_responses")

    def __init__(self) -> None:
        #: [answers, Σw, Σw·d] per respondent id, and per response for answers without one
        self._respondents: dict[object, list[float]] = {}
        self._responses: dict[object, list[float]] = {}
        self._full = False

    def step(self, respondent: object, response: object, weight: float, value: float) -> None:
        # called once per answer, most often for a cluster not yet seen: no indirection, no call
        clusters = self._respondents if respondent is not None else self._responses
        key = respondent if respondent is not None else response
        found = clusters.get(key)
        if found is not None:
            found[0] += 1
            found[1] += weight
            found[2] += weight * value
        elif len(clusters) < MAX_CLUSTERS and not self._full:
            clusters[key] = [1, weight, weight * value]
        else:
            self._full = True
            clusters.clear()

    def finalize(self) -> bytes | None:
        """``Σ W_c·A_c``, ``Σ A_c²``, ``Σ W_c²``, clusters, identified and repeating respondents, packed.

        None for a group of more than `MAX_CLUSTERS` clusters: the caller sorts them in SQL instead.
        """
        if self._full:
            return None
        w_a = a_a = w_w = 0.0
        repeated = 0
        for count, w, a in self._respondents.values():
            w_a += w * a
            a_a += a * a
            w_w += w * w
            if count > 1:
                repeated += 1
        for _, w, a in self._responses.values():
            w_a += w * a
            a_a += a * a
            w_w += w * w
        identified = len(self._respondents)
        return _PACKED.pack(w_a, a_a, w_w, identified + len(self._responses), identified, repeated)


def register(connection: sqlite3.Connection) -> None:
    """Make `CLUSTER_SUMS` callable on ``connection`` (again is harmless)."""
    connection.create_aggregate(CLUSTER_SUMS, 4, RespondentClusters)  # type: ignore[arg-type]


def unpack(packed: bytes) -> tuple[float, float, int, float, int, int]:
    """The packed sums in the order of the two-level query's columns.

    ``Σ W_c·A_c``, ``Σ A_c²``, clusters, ``Σ W_c²``, identified respondents,
    repeating respondents.
    """
    w_a, a_a, w_w, clusters, identified, repeated = _PACKED.unpack(packed)
    return w_a, a_a, clusters, w_w, identified, repeated
