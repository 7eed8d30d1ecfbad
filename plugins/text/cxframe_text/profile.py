"""The text plugin's part of one customer's profile (the core's ``customer_profile`` hook): their comments.

Each comment of the customer (a customer-population response whose comment
holds more than white space, reviews and posts included), in time order,
masked as everywhere else (`cxframe.mask_personal_data`), with the themes of
the programme's codeframe it mentions (parents included, as ``cxframe text
themes`` counts them) and its sentiment (`cxframe_text.sentiment`). Employees'
comments are never listed per respondent: only the customer population is read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cxframe import Programme, Store
from cxframe import mask_personal_data as mask
from cxframe_text.comments import CUSTOMERS
from cxframe_text.sentiment import SentimentScorer
from cxframe_text.settings import load_codeframe
from cxframe_text.tagging import Tagger


def _shown(stored: str | None) -> str | None:
    """A stored time as the profile shows every time: ``2026-03-01T08:30:00Z``."""
    if stored is None:
        return None
    moment = dt.datetime.fromisoformat(stored.replace("Z", "+00:00"))
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def customer_comments(programme: Programme, store: Store, customer: str) -> dict[str, Any]:
    """``{comments: [{timestamp, source, response_id, comment, themes, sentiment: {score, label}}]}``, oldest first."""
    rows = store.db.execute(
        "SELECT timestamp, source, response_id, comment FROM responses WHERE respondent_id = ? AND population = ? "
        "AND comment IS NOT NULL AND trim(comment) != '' ORDER BY timestamp, id",
        [customer, CUSTOMERS],
    ).fetchall()
    texts = [row for row in rows if str(row[3]).strip()]  # trim() leaves tabs, newlines and U+3000
    if not texts:
        return {"comments": []}
    tagger = Tagger(load_codeframe(programme))
    scorer = SentimentScorer(tagger.segmenter)
    found = []
    for timestamp, source, response_id, text in texts:
        sentiment = scorer.score(str(text))
        found.append(
            {
                "timestamp": _shown(timestamp),
                "source": source,
                "response_id": response_id,
                "comment": mask(str(text)),
                "themes": list(tagger.tag(str(text))),
                "sentiment": {"score": round(sentiment.compound, 4), "label": sentiment.label},
            }
        )
    return {"comments": found}
