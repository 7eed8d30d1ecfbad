"""The ``retail-bank`` example: Harbour Bank's CX programme over one year, every stage filled in.

``cxframe init DIR --example retail-bank`` writes:

* ``cxframe.toml`` — context, six objectives, two personas, seventeen
  touchpoints over all five contact environments, two journey maps ("Open a
  current account" on the awareness → advocacy stages, "Resolve a card
  dispute" on service stages), three sources, and the settings of the nps,
  improve, text and employee plugins (declared metrics, the closed loop's
  rule, closed by the dispute's outcome call in the journey log, a 14-theme
  codeframe for the comments, frontline roles, voice of employee);
* ``data/customer_survey.csv`` — post-interaction surveys (NPS 0–10, CSAT 1–5,
  CES 1–7, "did you get what you needed" Yes/No) with region, channel,
  product, touchpoint and team, December 2025 to November 2026;
* ``data/journey_events.csv`` — the event log of both journeys, one case per
  customer, naive local times (Europe/London);
* ``data/staff_pulse.csv`` — two waves of the employee pulse survey.

Deliberate imperfections, so that every check has something to say: one
touchpoint without an owner, one without experience elements and in no
journey, a journey stage that names no measure, and a handful of bad rows in
each data file (spoiled where the rows are written, a comment each; ``tests/test_examples.py``
holds the rejects they cause). Everything is generated from a fixed seed:
two runs write identical files and ``cxframe demo`` shows the same figures.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from importlib import resources
from pathlib import Path

from cxframe.programme.examples._generate import (
    JourneyWalk,
    Option,
    Response,
    Special,
    Step,
    SurveyDesign,
    Surveyed,
    Team,
    employee_responses,
    iso,
    place_specials,
    stream,
    survey_responses,
    walk_journeys,
    write_csv,
)

SEED = 20261
START = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
MONTHS = 12

#: The programme file, kept as TOML next to this module (package data).
PROGRAMME = (resources.files("cxframe.programme.examples") / "retail_bank.toml").read_text(encoding="utf-8")

REGIONS = (("North", 0.24), ("Midlands", 0.2), ("London", 0.26), ("South", 0.18), ("Scotland", 0.12))
REGION_EFFECTS = {"North": 0.1, "Midlands": 0.0, "London": -0.5, "South": 0.15, "Scotland": 0.3}
PRODUCTS = (("current-account", 0.5), ("credit-card", 0.25), ("savings", 0.15), ("mortgage", 0.1))
PRODUCT_EFFECTS = {"current-account": 0.0, "credit-card": -0.1, "savings": 0.15, "mortgage": 0.05}

CONTACT_CENTRE = ("cc-leeds-1", "cc-leeds-2", "cc-glasgow-1", "cc-glasgow-2")
BRANCHES = ("branch-north", "branch-south")

#: Frontline teams. Quality drives their employees' answers and their customers' scores alike.
#: "disputes" has four people: below the anonymity threshold, so its eNPS is never shown.
TEAMS = (
    Team("cc-leeds-1", "cc-agent", "Leeds", 24, 0.35),
    Team("cc-leeds-2", "cc-agent", "Leeds", 23, -0.55),
    Team("cc-glasgow-1", "cc-agent", "Glasgow", 22, 0.1),
    Team("cc-glasgow-2", "cc-agent", "Glasgow", 21, -0.2),
    Team("chat-team", "chat-agent", "Leeds", 16, 0.2),
    Team("branch-north", "branch-adviser", "Manchester", 18, 0.25),
    Team("branch-south", "branch-adviser", "Bristol", 16, 0.05),
    Team("disputes", "dispute-specialist", "Leeds", 4, 0.3),
)
ROLE_EMPOWERMENT = {"cc-agent": -0.5, "chat-agent": 0.0, "branch-adviser": 0.35, "dispute-specialist": 0.6}

WALKS = (
    JourneyWalk(
        journey="open-account",
        case_prefix="C5",
        cases=1900,
        products=(("current-account", 1.0),),
        steps=(
            Step((Option("social-ad", "social", 3), Option("comparison-site", "web", 2))),
            Step(
                (
                    Option("website-accounts", "web", 4),
                    Option("branch-visit", "branch", 1, teams=BRANCHES),
                ),
                reach=0.72,
                gap_hours=(2, 120),
            ),
            Step((Option("app-onboarding", "app"),), reach=0.62, gap_hours=(1, 96), repeat=0.08),
            Step(
                (Option("id-check", "app", outcomes=(("passed", 0.86), ("manual review", 0.14))),),
                reach=0.9,
                gap_hours=(0.05, 0.5),
                repeat=0.12,
                repeat_days=(0.5, 3),
            ),
            Step((Option("card-delivery", "post"),), reach=0.95, gap_hours=(72, 240)),
            Step((Option("mobile-banking", "app"),), reach=0.9, gap_hours=(4, 200)),
            Step((Option("refer-a-friend", "app"),), reach=0.17, gap_hours=(200, 1200)),
        ),
    ),
    JourneyWalk(
        journey="card-dispute",
        case_prefix="C2",
        cases=950,
        products=(("credit-card", 0.6), ("current-account", 0.4)),
        steps=(
            Step((Option("transaction-alert", "app"),), reach=1.0, optional=False),
            Step(
                (
                    Option("contact-centre", "phone", 6, teams=CONTACT_CENTRE),
                    Option("web-chat", "chat", 3, teams=("chat-team",)),
                    Option("branch-adviser", "branch", 1, teams=BRANCHES),
                ),
                reach=0.93,
                gap_hours=(0.2, 30),
                repeat=0.22,
                repeat_days=(1, 5),
            ),
            Step((Option("dispute-tracker", "app"),), reach=0.7, gap_hours=(24, 240), optional=True),
            Step(
                (
                    Option(
                        "outcome-call",
                        "phone",
                        teams=("disputes",),
                        outcomes=(("refunded", 0.74), ("declined", 0.26)),
                    ),
                ),
                reach=0.88,
                gap_hours=(120, 700),
            ),
            # some customers complain about how the dispute was handled
            Step((Option("complaint", "phone", teams=("complaints",)),), reach=0.12, gap_hours=(24, 240)),
        ),
    ),
)


def _trend(month: int, touchpoint: str) -> float:
    """The year as it went: the April app release lifts digital; contact-centre staffing dips in summer."""
    if touchpoint in ("app-onboarding", "mobile-banking", "dispute-tracker"):
        return -0.35 if month < 4 else 0.25 + 0.02 * (month - 4)
    if touchpoint == "contact-centre":
        return -0.35 if 7 <= month <= 9 else 0.0
    return 0.015 * month


SURVEYED = {
    "branch-visit": Surveyed("branch", 0.45, BRANCHES, weight=2, resolution=1.6),
    "app-onboarding": Surveyed("app", 0.35, weight=2, resolution=1.8),
    "mobile-banking": Surveyed("app", 0.65, weight=3, resolution=2.2),
    "contact-centre": Surveyed("phone", -0.35, CONTACT_CENTRE, weight=4, resolution=0.7),
    "web-chat": Surveyed("chat", -0.1, ("chat-team",), weight=2, resolution=0.85),
    "branch-adviser": Surveyed("branch", 0.35, BRANCHES, weight=1.5, resolution=1.4),
    "dispute-tracker": Surveyed("app", -0.6, weight=0.5, resolution=0.2),
    "outcome-call": Surveyed("phone", 0.1, ("disputes",), weight=0.5, resolution=1.2),
}

#: Respondents' comments, by touchpoint and by what the score says (promoter 9–10, passive 7–8, detractor 0–6):
#: a detractor's comment is a complaint about that touchpoint. Every touchpoint has as many comments for each
#: of the three as the others (five, four, six), so choosing one draws the random stream as it always did.
COMMENTS = {
    "branch-visit": {
        "promoter": (
            "Opened my account in branch in twenty minutes, card ordered there and then",
            "The adviser walked me through every form, no jargon",
            "Booked an appointment online and was seen on time",
            "Staff set up the app on my phone before I left the branch",
            "Friendly welcome, they explained the overdraft options clearly",
        ),
        "passive": (
            "Fine, but I waited 15 minutes for an adviser",
            "Account opened, though they asked for the same document twice",
            "Helpful staff, but branch hours don't suit people who work",
            "OK, but I had to come back with a utility bill",
        ),
        "detractor": (
            "Queued 40 minutes in branch only to be told to apply online",
            "The adviser couldn't open the account, their system was down",
            "Had to bring proof of address twice, nobody said so the first time",
            "Branch closed at 4, made the trip for nothing",
            "Nobody at the desk for ages, felt like a nuisance",
            "Told in branch the card would come in a week, it took three",
        ),
    },
    "app-onboarding": {
        "promoter": (
            "Opened the account on my lunch break, card arrived in four days",
            "ID check with my passport took a minute, really slick",
            "Sign-up in the app was quick and clear",
            "Loved opening the account without visiting a branch",
            "Account number straight away, could get paid the same week",
        ),
        "passive": (
            "Sign-up was fine, but the selfie step took a few goes",
            "OK, though the app asked for details I had already given",
            "Worked in the end, the progress bar was confusing",
            "Quick enough, but I wasn't sure my application had gone through",
        ),
        "detractor": (
            "ID check kept rejecting my passport photo",
            "App crashed twice during sign-up and I had to start again",
            "Stuck on 'manual review' for a week with no update",
            "The selfie check failed in every light I tried",
            "It asked for proof of address but wouldn't let me upload it",
            "Gave up on the app and had to go into a branch",
        ),
    },
    "mobile-banking": {
        "promoter": (
            "App is brilliant, love the instant notifications",
            "Paying friends and checking my balance takes seconds",
            "The spending breakdown actually helps me budget",
            "Froze my lost card in the app in seconds, a lifesaver",
            "The app is so much faster since the spring update",
        ),
        "passive": (
            "Fine, but the app logged me out twice",
            "Does what I need, the savings pots are hard to find",
            "Good app, but statements are a pain to download",
            "OK, wish I could see pending payments",
        ),
        "detractor": (
            "App keeps logging me out in the middle of a payment",
            "Couldn't log in for two days after the update",
            "Payment failed three times with no explanation",
            "Notifications arrive hours after the transaction",
            "Face login stopped working and there was no other way in",
            "A fee on a foreign payment the app never showed me",
        ),
    },
    "contact-centre": {
        "promoter": (
            "Friendly, knew my history without me explaining",
            "The agent sorted my card dispute on the first call",
            "Got through in two minutes and the problem was fixed",
            "The agent called me back exactly when she said she would",
            "Very patient with me, explained the refund process clearly",
        ),
        "passive": (
            "OK in the end, took longer than promised",
            "Sorted, but I was transferred twice",
            "Helpful agent, shame about the 20 minutes on hold",
            "Fine, but I had to go through security three times",
        ),
        "detractor": (
            "Waited 35 minutes on hold, then got cut off",
            "Had to explain the dispute three times to three people",
            "Agent said she could not refund £12 without a manager",
            "Promised a call back that never came",
            "Passed between departments for an hour, nothing resolved",
            "Told to call back on Monday because the system was down",
        ),
    },
    "web-chat": {
        "promoter": (
            "Chat agent answered in a minute and fixed it there and then",
            "Great to sort my dispute over chat while at work",
            "The adviser on chat sent me the form straight away",
            "Quick, clear answers, no waiting on the phone",
            "The chat kept the whole conversation, so I didn't repeat myself",
        ),
        "passive": (
            "Chat was helpful but slow to connect",
            "Got an answer, but the chat timed out once",
            "Fine, though the bot's questions before the agent were pointless",
            "Sorted eventually, long gaps between replies",
        ),
        "detractor": (
            "Chat closed while I was uploading my evidence",
            "The chat agent just told me to phone instead",
            "Waited 25 minutes in the chat queue",
            "Copy-pasted answers that didn't address my question",
            "Chat said someone would email me, nobody did",
            "Had to start a new chat and explain everything again",
        ),
    },
    "branch-adviser": {
        "promoter": (
            "The adviser in branch sorted it in five minutes",
            "Raised my dispute in branch, they handled everything",
            "Lovely adviser, took the time to go through my statement",
            "Much easier to sort it out face to face",
            "The adviser followed up with a call the next day",
        ),
        "passive": (
            "Helpful, but the branch is a bit far now",
            "The adviser was kind but had to phone the contact centre for me",
            "Dispute raised, but on a paper form",
            "Fine, after a short wait",
        ),
        "detractor": (
            "Branch staff couldn't raise the dispute and sent me to the phone line",
            "Waited an hour in branch to be told to call the helpline",
            "The adviser didn't know how disputes work",
            "They lost the form I filled in at the branch",
            "One adviser in the branch and a queue out the door",
            "Had to go back to the branch twice with the same receipts",
        ),
    },
    "dispute-tracker": {
        "promoter": (
            "Could see every step of my dispute in the app",
            "The tracker told me exactly when the refund would land",
            "Nice to get an update without having to ring",
            "Clear timeline, no surprises",
            "Uploaded my receipt to the tracker in seconds",
        ),
        "passive": (
            "The tracker is useful but updates are slow",
            "OK, though the status wording is vague",
            "Shows progress, but no date for a decision",
            "Fine, would like a notification when it changes",
        ),
        "detractor": (
            "The tracker just says 'in progress'. In progress since March!",
            "Nobody told me what was happening with my dispute for three weeks",
            "The tracker showed 'closed' but I never got my money",
            "Couldn't upload my evidence, the tracker kept erroring",
            "Status hasn't changed in a month",
            "The tracker and the call centre told me different things",
        ),
    },
    "outcome-call": {
        "promoter": (
            "Got my money back within a week, thank you",
            "The specialist explained the decision clearly and refunded me",
            "Called when promised, with good news",
            "Refund sorted, and they explained how to avoid it next time",
            "Very professional, kept me informed to the end",
        ),
        "passive": (
            "Refunded, but it took longer than I was told",
            "Fair outcome, the call was rushed",
            "Partial refund, at least they explained why",
            "OK result, shame it took so many weeks",
        ),
        "detractor": (
            "Dispute declined with no real explanation",
            "Told on the phone I'd lose the money, no chance to appeal",
            "Waited six weeks for a two-minute call saying no",
            "The outcome call came after I had already complained",
            "They declined it without looking at the evidence I sent",
            "The call cut off halfway through explaining the decision",
        ),
    },
}

#: Comments with characters reports must escape, and one in Chinese ("the agent was patient and solved it at the
#: first contact, thank you"): respondent data as it arrives, each on a response it fits (`place_specials`).
SPECIAL_COMMENTS = (
    Special(97, 'Fees < £5 & "no hidden charges"? Not what I was charged', ("mobile-banking",), "detractor"),
    Special(412, "<script>alert(1)</script>"),
    Special(733, "Tom & Jerry's café <Leeds> payment still not refunded — 3rd call", ("contact-centre",), "detractor"),
    Special(1208, "客服很耐心，问题一次就解决了，谢谢！", ("contact-centre", "web-chat"), "promoter"),
    Special(1650, "Rated 10/10 <b>great</b> service", ("branch-adviser", "contact-centre", "web-chat"), "promoter"),
)
#: Responses whose rows `_survey_rows` spoils (a special comment there could be lost with them).
SPOILED = (151, 481, 906, 1334, 1777, 2020)

STAFF_COMMENTS = (
    "Give us authority to refund small amounts",
    "Six screens per call is too many",
    "Team leader listens and acts on ideas",
    "Not enough people on Mondays",
    "Training on disputes was really useful",
)


def _survey_rows(responses: list[Response]) -> list[list[str]]:
    specials = place_specials(responses, SPECIAL_COMMENTS, avoid=SPOILED)
    rows = []
    for response in responses:
        comment = specials.get(response.number, response.comment)
        rows.append(
            [
                f"HB-{response.number:06d}",
                response.customer,
                iso(response.timestamp),
                response.region,
                response.channel,
                response.product,
                response.touchpoint,
                response.team,
                str(response.nps),
                str(response.csat),
                str(response.ces),
                "Yes" if response.resolved else "No",
                comment,
            ]
        )
    # the deliberate bad rows: each is a real response spoiled the way exports spoil them
    rows[150][8] = "11"  # a typo in a re-keyed paper survey
    rows[480][8] = "N/A"  # "not applicable" in a score column
    rows[905][9] = ""  # satisfaction skipped
    rows[1333][2] = "31/11/2026 09:40"  # a hand-edited timestamp in the wrong format (and no such date)
    rows.insert(1777, list(rows[1776]))  # the same response exported twice
    rows[2020] = rows[2020][:9]  # a row cut short (the export was truncated)
    return rows


def write(root: Path) -> None:
    """Write the programme file and its three data files into ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "cxframe.toml").write_text(PROGRAMME, encoding="utf-8")
    events = walk_journeys(stream(SEED, "events"), WALKS, REGIONS, START, MONTHS)
    design = SurveyDesign(
        start=START,
        months=MONTHS,
        regions=REGIONS,
        region_effects=REGION_EFFECTS,
        products=PRODUCTS,
        product_effects=PRODUCT_EFFECTS,
        touchpoints=SURVEYED,
        team_quality={team.id: team.quality for team in TEAMS},
        trend=_trend,
        base_responses=1150,
        response_rate=0.3,
        comments=COMMENTS,
    )
    responses = survey_responses(stream(SEED, "survey"), design, events)
    write_csv(
        root / "data" / "customer_survey.csv",
        [
            "response_id",
            "customer_id",
            "submitted_at",
            "region",
            "channel",
            "product",
            "touchpoint",
            "team",
            "likely_to_recommend",
            "satisfaction",
            "effort",
            "got_what_needed",
            "comment",
        ],
        _survey_rows(responses),
    )
    london = zoneinfo.ZoneInfo("Europe/London")
    event_rows = []
    for event in events:
        local = event.timestamp.astimezone(london)
        event_rows.append(
            [
                event.case,
                event.touchpoint,
                local.strftime("%Y-%m-%d %H:%M:%S"),
                event.channel,
                event.team,
                event.outcome,
                event.journey,
                event.region,
                event.product,
            ]
        )
    event_rows[3000][0] = ""  # an event the export could not attribute to a customer
    event_rows[9000][2] = "2026-02-30 11:20:00"  # no such date
    write_csv(
        root / "data" / "journey_events.csv",
        ["customer_id", "touchpoint", "occurred_at", "channel", "team", "outcome", "journey", "region", "product"],
        event_rows,
    )
    staff = employee_responses(
        stream(SEED, "staff"),
        TEAMS,
        waves=((dt.datetime(2026, 3, 2, tzinfo=dt.UTC), 0.05), (dt.datetime(2026, 9, 7, tzinfo=dt.UTC), 0.15)),
        role_empowerment=ROLE_EMPOWERMENT,
        comments=STAFF_COMMENTS,
    )
    staff_rows = [
        [
            f"EP-{r.number:05d}",
            r.employee,
            iso(r.timestamp),
            r.team,
            r.role,
            r.site,
            str(r.enps),
            str(r.empowerment),
            str(r.engagement),
            r.comment,
        ]
        for r in staff
    ]
    staff_rows[40][3] = ""  # a response from the survey link shared outside the team invitations
    staff_rows[200][4] = "contractor"  # a role the employee context does not know
    write_csv(
        root / "data" / "staff_pulse.csv",
        [
            "response_id",
            "employee_id",
            "submitted_at",
            "team",
            "role",
            "site",
            "recommend_as_employer",
            "can_resolve_issues",
            "engagement_index",
            "comment",
        ],
        staff_rows,
    )
