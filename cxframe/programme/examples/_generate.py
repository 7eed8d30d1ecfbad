"""Data generators shared by the worked examples (``retail-bank``, ``telecom``).

Every example writes the same three kinds of data, generated from a fixed seed
so that each ``cxframe init --example`` writes byte-identical files:

* an **event log** (`walk_journeys`): one case per customer walking a journey
  step by step, with drop-off between steps, optional steps, repeat contacts
  (the same touchpoint again within days) and the team that handled assisted
  contacts;
* **customer survey responses** (`survey_responses`): post-interaction surveys
  triggered by events of the log — so the respondent id equals the case id and
  experience can be joined to journeys — plus responses from the wider
  customer base. Scores follow one latent experience per response made of
  region, product, touchpoint, team and month effects, so NPS, CSAT, effort
  and resolution agree with each other and move together over the year;
* an **employee pulse survey** (`employee_responses`): eNPS, empowerment and
  engagement per employee and wave. Each team's quality drives both its
  employees' answers and its customers' scores, which is what gives the
  EX ↔ CX link its (moderate, noisy) positive association.

The generators return plain records; each example writes them in its own file
layout (a generic CSV, a Qualtrics export) and adds its deliberate bad rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import random
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import attrs


def stream(seed: int, name: str) -> random.Random:
    """An independent random stream for one data set of an example.

    Each data set (events, survey, file layout, staff) draws from its own
    stream, so that changing how one file is generated or spoiled does not
    reshuffle the figures of the others. A string seed is hashed with SHA-512
    by `random.Random`, the same on every platform and Python run.
    """
    return random.Random(f"{seed}:{name}")


# -- writing ------------------------------------------------------------------------------------------------------------


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A UTF-8 CSV with ``\\r\\n`` line ends (the csv module's, and Excel's), quoting only where needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@attrs.frozen
class QualtricsColumn:
    """One column of a Qualtrics export: its id (row 1), question text (row 2) and ImportId (row 3)."""

    id: str
    text: str
    import_id: str
    time_zone: str | None = None

    def import_cell(self) -> str:
        data = {"ImportId": self.import_id}
        if self.time_zone:
            data["timeZone"] = self.time_zone
        return json.dumps(data, separators=(",", ":"))


def write_qualtrics(path: Path, columns: Sequence[QualtricsColumn], rows: Iterable[Sequence[object]]) -> None:
    """A Qualtrics CSV export: three header rows (ids, question texts, ImportIds), then one row per response.

    Qualtrics writes its CSV exports in UTF-8 with a byte-order mark.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([column.id for column in columns])
        writer.writerow([column.text for column in columns])
        writer.writerow([column.import_cell() for column in columns])
        writer.writerows(rows)


def iso(moment: dt.datetime) -> str:
    """UTC ISO-8601 with a ``Z``, to the minute: what survey platforms' APIs write."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def month_index(start: dt.datetime, moment: dt.datetime) -> int:
    return (moment.year - start.year) * 12 + moment.month - start.month


def add_months(start: dt.datetime, months: int) -> dt.datetime:
    year, month = divmod(start.month - 1 + months, 12)
    return start.replace(year=start.year + year, month=month + 1)


def random_moment(rng: random.Random, start: dt.datetime, months: int, growth: float = 0.0) -> dt.datetime:
    """A moment in ``months`` months from ``start``; ``growth`` > 0 makes later months busier (volume grows)."""
    weights = [1 + growth * index for index in range(months)]
    month = rng.choices(range(months), weights=weights)[0]
    first = add_months(start, month)
    days = (add_months(start, month + 1) - first).days
    # service contacts cluster in the day: 08:00–20:00 local, a little at night
    minute = rng.randrange(8 * 60, 20 * 60) if rng.random() < 0.9 else rng.randrange(24 * 60)
    return first + dt.timedelta(days=rng.randrange(days), minutes=minute)


# -- event log ----------------------------------------------------------------------------------------------------------


@attrs.frozen
class Option:
    """A touchpoint a step may happen at: its id, channel, how often it is chosen, who handles it."""

    touchpoint: str
    channel: str
    weight: float = 1.0
    #: teams that handle the contact (empty: self-service, no team)
    teams: tuple[str, ...] = ()
    #: possible outcomes and their weights (empty: no outcome recorded)
    outcomes: tuple[tuple[str, float], ...] = ()


@attrs.frozen
class Step:
    """One step of a journey as customers walk it.

    ``reach`` is the share of the cases at the previous step that get here:
    for a required step, the others drop out of the journey (the funnel's
    drop-off); for an ``optional`` step, the others skip it and go on.
    ``repeat`` is the share that contact the same touchpoint again within
    ``repeat_days`` (chasing, or a first contact that did not resolve it).
    """

    options: tuple[Option, ...]
    reach: float = 1.0
    gap_hours: tuple[float, float] = (0.1, 48.0)
    optional: bool = False
    repeat: float = 0.0
    repeat_days: tuple[float, float] = (1.0, 6.0)


@attrs.frozen
class JourneyWalk:
    """How one journey is walked in the log: its steps and how many customers start it."""

    journey: str
    steps: tuple[Step, ...]
    cases: int
    case_prefix: str
    #: product the customers in this journey hold or buy
    products: tuple[tuple[str, float], ...]


@attrs.frozen
class Event:
    case: str
    touchpoint: str
    timestamp: dt.datetime
    channel: str
    team: str
    outcome: str
    journey: str
    region: str
    product: str


def _pick(rng: random.Random, weighted: Sequence[tuple[str, float]]) -> str:
    return rng.choices([name for name, _ in weighted], weights=[weight for _, weight in weighted])[0]


def walk_journeys(
    rng: random.Random,
    walks: Sequence[JourneyWalk],
    regions: Sequence[tuple[str, float]],
    start: dt.datetime,
    months: int,
) -> list[Event]:
    """Events of every case of every journey, sorted by time (ties by case), as a log export would be."""
    events: list[Event] = []
    for walk in walks:
        for number in range(1, walk.cases + 1):
            case = f"{walk.case_prefix}{number:05d}"
            region = _pick(rng, regions)
            product = _pick(rng, walk.products)
            moment = random_moment(rng, start, months, growth=0.03)
            for index, step in enumerate(walk.steps):
                happens = rng.random() < step.reach
                if not happens and not step.optional:
                    break  # dropped out of the journey here
                if not happens:
                    continue
                if index:
                    moment += dt.timedelta(hours=rng.uniform(*step.gap_hours))
                option = step.options[
                    rng.choices(range(len(step.options)), weights=[o.weight for o in step.options])[0]
                ]
                contacts = 2 if rng.random() < step.repeat else 1
                for contact in range(contacts):
                    if contact:
                        moment += dt.timedelta(days=rng.uniform(*step.repeat_days))
                    events.append(
                        Event(
                            case=case,
                            touchpoint=option.touchpoint,
                            timestamp=moment,
                            channel=option.channel,
                            team=rng.choice(option.teams) if option.teams else "",
                            outcome=_pick(rng, option.outcomes) if option.outcomes else "",
                            journey=walk.journey,
                            region=region,
                            product=product,
                        )
                    )
    # the log covers the programme's year: later events of cases started near its end are not exported yet
    end = add_months(start, months)
    events = [event for event in events if event.timestamp < end]
    events.sort(key=lambda event: (event.timestamp, event.case))
    return events


# -- customer survey ----------------------------------------------------------------------------------------------------


@attrs.frozen
class Surveyed:
    """A touchpoint that triggers a post-interaction survey, and how it tends to be experienced."""

    channel: str
    #: effect on the latent experience (in standard deviations of the noise)
    effect: float
    #: teams answering at this touchpoint (for responses not triggered by a logged event)
    teams: tuple[str, ...] = ()
    #: how often a response from the wider customer base is about this touchpoint
    weight: float = 1.0
    #: baseline log-odds that the issue was resolved at this contact
    resolution: float = 1.0


@attrs.frozen
class SurveyDesign:
    """What shapes the customer survey: segments and their effects, the year's trend, the comments."""

    start: dt.datetime
    months: int
    regions: tuple[tuple[str, float], ...]
    region_effects: dict[str, float]
    products: tuple[tuple[str, float], ...]
    product_effects: dict[str, float]
    touchpoints: dict[str, Surveyed]
    #: each team's quality, the shared cause of its employees' and its customers' experience
    team_quality: dict[str, float]
    #: (month index, touchpoint) → shift of the latent experience
    trend: Callable[[int, str], float]
    #: how many responses come from the wider base (not triggered by a logged event)
    base_responses: int
    #: share of logged contacts at surveyed touchpoints that answer the survey
    response_rate: float
    #: touchpoint → what the score says (`sentiment`) → the comments respondents leave
    comments: dict[str, dict[str, tuple[str, ...]]]
    base_customers: int = 40000
    base_prefix: str = "C"
    #: how strongly a team's quality shows in its customers' scores
    team_weight: float = 0.6


@attrs.frozen
class Response:
    number: int
    customer: str
    timestamp: dt.datetime
    region: str
    product: str
    touchpoint: str
    channel: str
    team: str
    nps: int
    csat: int
    ces: int
    resolved: bool
    comment: str


def sentiment(nps: int) -> str:
    """What a 0–10 recommendation score says: ``promoter`` (9–10), ``passive`` (7–8) or ``detractor`` (0–6)."""
    return "promoter" if nps >= 9 else "detractor" if nps <= 6 else "passive"


def survey_responses(rng: random.Random, design: SurveyDesign, events: Sequence[Event]) -> list[Response]:
    """Post-interaction survey responses, numbered in time order.

    Each logged contact at a surveyed touchpoint is surveyed a few hours
    later and answers with probability ``response_rate``; ``base_responses``
    more come from customers outside the log (other journeys, other products).
    """
    drafts: list[tuple[dt.datetime, str, str, str, str, str, str]] = []
    for event in events:
        if event.touchpoint in design.touchpoints and rng.random() < design.response_rate:
            when = event.timestamp + dt.timedelta(hours=rng.uniform(1, 30))
            if when < add_months(design.start, design.months):
                drafts.append(
                    (when, event.case, event.region, event.product, event.touchpoint, event.channel, event.team)
                )
    names = list(design.touchpoints)
    weights = [design.touchpoints[name].weight for name in names]
    for _ in range(design.base_responses):
        touchpoint = rng.choices(names, weights=weights)[0]
        surveyed = design.touchpoints[touchpoint]
        drafts.append(
            (
                random_moment(rng, design.start, design.months, growth=0.02),
                f"{design.base_prefix}{rng.randrange(1, design.base_customers):06d}",
                _pick(rng, design.regions),
                _pick(rng, design.products),
                touchpoint,
                surveyed.channel,
                rng.choice(surveyed.teams) if surveyed.teams else "",
            )
        )
    drafts.sort()
    responses = []
    for number, (when, customer, region, product, touchpoint, channel, team) in enumerate(drafts, start=1):
        surveyed = design.touchpoints[touchpoint]
        latent = (
            design.region_effects.get(region, 0.0)
            + design.product_effects.get(product, 0.0)
            + surveyed.effect
            + design.team_weight * design.team_quality.get(team, 0.0)
            + design.trend(month_index(design.start, when), touchpoint)
            + rng.gauss(0, 1)
        )
        nps = clamp(8.0 + 1.7 * latent + rng.gauss(0, 0.7), 0, 10)
        csat = clamp(4.1 + 0.85 * latent + rng.gauss(0, 0.45), 1, 5)
        ces = clamp(5.2 + 1.1 * latent + rng.gauss(0, 0.6), 1, 7)
        resolved = rng.random() < 1 / (1 + math.exp(-(surveyed.resolution + 0.9 * latent)))
        comment = ""
        if rng.random() < 0.35:
            # about the touchpoint surveyed, and a complaint when the score is one
            comment = rng.choice(design.comments[touchpoint][sentiment(nps)])
        responses.append(
            Response(
                number, customer, when, region, product, touchpoint, channel, team, nps, csat, ces, resolved, comment
            )
        )
    return responses


@attrs.frozen
class Special:
    """A comment as respondents really type them (characters a report must escape, another language).

    It replaces the comment of the first response from number ``near`` on
    that it fits: at one of ``touchpoints`` (any, when empty) with a score
    that says ``sentiment`` (any, when None). See `place_specials`.
    """

    near: int
    text: str
    touchpoints: tuple[str, ...] = ()
    sentiment: str | None = None

    def fits(self, response: Response) -> bool:
        return (not self.touchpoints or response.touchpoint in self.touchpoints) and (
            self.sentiment is None or sentiment(response.nps) == self.sentiment
        )


def place_specials(
    responses: Sequence[Response], specials: Iterable[Special], avoid: Iterable[int] = ()
) -> dict[int, str]:
    """Response number → special comment, each on the first response it fits; ``avoid``: numbers spoiled later."""
    taken = set(avoid)
    placed: dict[int, str] = {}
    for special in specials:
        response = next(
            (r for r in responses if r.number >= special.near and r.number not in taken and special.fits(r)), None
        )
        if response is None:
            raise ValueError(f"no response from number {special.near} on fits the comment {special.text!r}")
        taken.add(response.number)
        placed[response.number] = special.text
    return placed


# -- employee survey ----------------------------------------------------------------------------------------------------


@attrs.frozen
class Team:
    """A frontline team: its role, site, size and quality (shared with its customers' experience)."""

    id: str
    role: str
    site: str
    size: int
    quality: float


@attrs.frozen
class EmployeeResponse:
    number: int
    employee: str
    timestamp: dt.datetime
    team: str
    role: str
    site: str
    enps: int
    empowerment: int
    engagement: int
    comment: str


def employee_responses(
    rng: random.Random,
    teams: Sequence[Team],
    waves: Sequence[tuple[dt.datetime, float]],
    role_empowerment: dict[str, float],
    comments: Sequence[str],
    participation: float = 0.85,
) -> list[EmployeeResponse]:
    """Responses to a pulse survey run in ``waves`` (opening moment, shift of the latent experience).

    Employees keep their pseudonymous id across waves, so respondents are
    counted once per team however many waves they answer.
    """
    staff = []
    number = 0
    for team in teams:
        for _ in range(team.size):
            number += 1
            staff.append((f"E{number:04d}", team, rng.gauss(0, 0.5)))
    drafts = []
    for opening, shift in waves:
        for employee, team, own in staff:
            if rng.random() < participation:
                when = opening + dt.timedelta(days=rng.uniform(0, 10), minutes=rng.randrange(8 * 60, 18 * 60))
                drafts.append((when, employee, team, own + shift))
    drafts.sort(key=lambda draft: (draft[0], draft[1]))
    responses = []
    for index, (when, employee, team, personal) in enumerate(drafts, start=1):
        latent = team.quality + personal + rng.gauss(0, 0.6)
        responses.append(
            EmployeeResponse(
                number=index,
                employee=employee,
                timestamp=when,
                team=team.id,
                role=team.role,
                site=team.site,
                enps=clamp(7.7 + 1.8 * latent, 0, 10),
                empowerment=clamp(3.3 + role_empowerment.get(team.role, 0.0) + 0.6 * latent, 1, 5),
                engagement=clamp(3.6 + 0.6 * latent + rng.gauss(0, 0.4), 1, 5),
                comment=rng.choice(comments) if rng.random() < 0.2 else "",
            )
        )
    return responses
