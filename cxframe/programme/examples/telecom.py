"""The ``telecom`` example: Brightwave Telecom's CX programme over one year, every stage filled in.

``cxframe init DIR --example telecom`` writes:

* ``cxframe.toml`` — context, six objectives, two personas, eighteen
  touchpoints over all five contact environments, sources and the settings of
  the nps and employee plugins; the journey maps live in journey files:
* ``journeys/switch-to-fibre.toml`` ("Switch to a fibre plan", awareness →
  advocacy) and ``journeys/fix-a-fault.toml`` ("Fix a broadband fault", on
  service stages);
* ``data/qualtrics_export.csv`` — the transactional survey as Qualtrics
  exports it (three header rows, numeric values, times in Europe/Dublin,
  embedded data for region, channel, product, touchpoint and team), with
  survey previews, spam and unfinished responses that the collector leaves
  out, and a few answers it rejects;
* ``data/network_events.csv`` — the event log of both journeys (one case per
  customer account, ISO-8601 times with their UTC offset);
* ``data/engagement_survey.csv`` — the annual employee survey, also a
  Qualtrics export (read by ``employee-survey`` with ``layout = "qualtrics"``).

Deliberate imperfections, so that every check has something to say: one
touchpoint without an owner, one without experience elements and in no
journey, a journey stage that names no measure, and a few bad rows, spoiled where
the rows are written, a comment each (``tests/test_examples.py`` holds every reject and
exclusion they cause). Generated from a fixed seed: identical files and
figures on every run.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from importlib import resources
from pathlib import Path

from cxframe.programme.examples._generate import (
    EmployeeResponse,
    JourneyWalk,
    Option,
    QualtricsColumn,
    Response,
    Special,
    Step,
    SurveyDesign,
    Surveyed,
    Team,
    employee_responses,
    place_specials,
    stream,
    survey_responses,
    walk_journeys,
    write_csv,
    write_qualtrics,
)

SEED = 20262
START = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
MONTHS = 12
#: The survey account's time zone: Qualtrics writes its dates there and names it in row 3.
ZONE = "Europe/Dublin"

#: The programme file, kept as TOML next to this module (package data).
PROGRAMME = (resources.files("cxframe.programme.examples") / "telecom.toml").read_text(encoding="utf-8")

SWITCH_JOURNEY = """\
# "Switch to a fibre plan": a journey file of the telecom example (see journey_files in cxframe.toml).
id = "switch-to-fibre"
name = "Switch to a fibre plan"
persona = "switching-family"
frequency = "once every two to three years"
departments = ["Marketing", "Digital", "Retail", "Telesales", "Logistics", "Field operations"]
description = "From hearing fibre is available to recommending Brightwave; cases are customer accounts."

[[stages]]
id = "awareness"
name = "Awareness"
touchpoints = ["price-comparison", "retail-partner"]
scenarios = ["a neighbour gets fibre", "compares plans on a price-comparison site", "asks in an electronics store"]
expectations = ["know whether fibre reaches the house", "the real monthly price after the offer"]
behaviours = ["postpones: fears a gap in service"]
emotion = { score = 0, note = "curious but wary of the hassle" }
pain_points = ["availability differs between the comparison site and ours"]
opportunities = ["share live availability with comparison sites"]
departments = ["Marketing", "Partner sales"]
measures = ["nps"]

[[stages]]
id = "consideration"
name = "Consideration"
touchpoints = ["website-plans", "store-visit"]
scenarios = ["checks availability by postcode", "asks a store adviser about keeping the landline number"]
expectations = ["a clear yes or no on availability", "the switch without a gap"]
behaviours = ["checks the availability three times, on different pages"]
emotion = { score = 1, note = "excited by the speeds" }
pain_points = ["store advisers cannot see installation slots"]
opportunities = ["slot booking in the store tablet"]
departments = ["Digital", "Retail"]
measures = ["csat"]

[[stages]]
id = "decision"
name = "Decision"
touchpoints = ["online-checkout", "sales-call"]
moments_of_truth = ["online-checkout"]
scenarios = ["orders online", "phones to negotiate the price"]
expectations = ["an installation date at checkout", "no credit check surprises"]
behaviours = ["abandons the basket when no date is offered"]
emotion = { score = 0, note = "hopeful, nervous about the installation" }
pain_points = ["installation date only confirmed by e-mail two days later"]
opportunities = ["real-time slot booking at checkout"]
departments = ["Digital", "Telesales"]
measures = ["ces", "csat"]

[[stages]]
id = "retention"
name = "Retention"
touchpoints = ["router-delivery", "installation-visit", "my-account-app"]
final = true  # a customer using the fibre line has completed the switch
moments_of_truth = ["installation-visit"]
scenarios = ["receives the router", "engineer installs the fibre", "checks the first bill in the app"]
expectations = ["the engineer arrives in the slot", "speeds as advertised"]
behaviours = ["takes a day off work for the installation"]
emotion = { score = -1, note = "annoyed when the engineer is late or has to come back" }
pain_points = ["missed installation slots", "second visit needed for the wall socket"]
opportunities = ["engineer 'on the way' tracking", "survey the wall socket by video before the visit"]
departments = ["Logistics", "Field operations", "Digital"]
measures = ["csat", "nps"]

[[stages]]
id = "advocacy"
name = "Advocacy"
touchpoints = ["refer-friend"]
optional = true  # recommending is welcome, not a step every customer must take
scenarios = ["tells neighbours about the speed", "shares a referral code"]
expectations = ["a reward for both"]
behaviours = ["recommends once the first bill matches the price"]
emotion = { score = 2, note = "delighted with the speed" }
pain_points = ["referral credit appears on the bill two months late"]
opportunities = ["instant referral credit"]
departments = ["Marketing"]
measures = ["nps"]
"""

FAULT_JOURNEY = """\
# "Fix a broadband fault": a journey file of the telecom example (see journey_files in cxframe.toml).
id = "fix-a-fault"
name = "Fix a broadband fault"
persona = "home-worker"
frequency = "once or twice a year per household"
departments = ["Network operations", "Digital care", "Customer care", "Social care", "Field operations"]
description = "From a dead connection to a confirmed repair; a service journey, cases are customer accounts."

[[stages]]
id = "notice"
name = "Notice the fault"
touchpoints = ["service-status"]
optional = true  # many customers report the fault without checking the status page
scenarios = ["the connection drops during a video call", "checks the status page on mobile data"]
expectations = ["to know at once if it is a known outage"]
behaviours = ["restarts the router twice before anything else"]
emotion = { score = -1, note = "stressed: a client call in an hour" }
pain_points = ["status page says 'no known issues' during local outages"]
opportunities = ["postcode-level outage status, pushed by text"]
departments = ["Network operations"]
measures = ["ces"]

[[stages]]
id = "report"
name = "Report"
touchpoints = ["fault-chatbot", "support-call", "social-care"]
moments_of_truth = ["support-call"]
scenarios = ["tries the chatbot", "phones care", "complains publicly on social media"]
expectations = ["the fault logged once, with a reference", "an engineer date in the same contact"]
behaviours = ["abandons the chatbot and calls when it loops"]
emotion = { score = -2, note = "angry: the chatbot loops, the phone queue is 30 minutes" }
pain_points = ["chatbot cannot book an engineer", "agents repeat the line test the customer already did"]
opportunities = ["chatbot hands over to an agent with the conversation", "agents book engineers directly"]
departments = ["Digital care", "Customer care", "Social care"]
measures = ["fcr", "ces", "csat"]

[[stages]]
id = "diagnose"
name = "Diagnose"
touchpoints = ["remote-diagnostics"]
scenarios = ["a line test runs remotely"]
expectations = ["told what the test found, in plain words"]
behaviours = ["calls back to ask what the test showed"]
emotion = { score = -1, note = "left waiting without news" }
pain_points = ["nobody owns telling the customer the result"]
opportunities = ["text the line-test result with the next step"]
departments = ["Network operations", "Customer care"]
measures = ["ces"]

[[stages]]
id = "repair"
name = "Repair"
touchpoints = ["engineer-visit"]
optional = true  # faults fixed remotely go straight to the closing text
moments_of_truth = ["engineer-visit"]
scenarios = ["an engineer visits", "the fault is fixed outside, in the street cabinet"]
expectations = ["a visit the next working day", "the engineer knows the history"]
behaviours = ["works from a café meanwhile"]
emotion = { score = 1, note = "relieved when it works again" }
pain_points = ["repeat visits when the first engineer lacks parts"]
opportunities = ["parts prediction from the line test"]
departments = ["Field operations"]
measures = ["csat", "nps"]

# a deliberate gap: no measure is named for the confirmation stage (the journey.stage-measures check says so)
[[stages]]
id = "confirm"
name = "Confirm and compensate"
touchpoints = ["fault-closed-sms"]
scenarios = ["gets a text that the fault is closed", "asks for compensation for the days offline"]
expectations = ["automatic compensation", "a check that it really works"]
behaviours = ["tests the speed several times that evening"]
emotion = { score = 0, note = "relieved, but still owed compensation" }
pain_points = ["compensation must be claimed by phone"]
opportunities = ["pay compensation automatically with the closing text"]
departments = ["Customer care"]
"""

REGIONS = (("Dublin", 0.34), ("Cork", 0.18), ("Galway", 0.12), ("Limerick", 0.11), ("Midlands", 0.25))
REGION_EFFECTS = {"Dublin": -0.1, "Cork": 0.1, "Galway": 0.2, "Limerick": 0.0, "Midlands": -0.35}
PRODUCTS = (("fibre", 0.35), ("broadband", 0.35), ("mobile", 0.2), ("tv-bundle", 0.1))
PRODUCT_EFFECTS = {"fibre": 0.35, "broadband": -0.25, "mobile": 0.05, "tv-bundle": -0.1}

CARE = ("care-dublin-a", "care-dublin-b", "care-cork", "care-galway")
FIELD = ("field-east", "field-west")

#: Frontline teams; "social-care" has four people, below the anonymity threshold.
TEAMS = (
    Team("care-dublin-a", "care-agent", "Dublin", 26, 0.1),
    Team("care-dublin-b", "care-agent", "Dublin", 25, -0.6),
    Team("care-cork", "care-agent", "Cork", 24, 0.45),
    Team("care-galway", "care-agent", "Galway", 21, -0.3),
    Team("digital-care", "digital-care-agent", "Dublin", 18, 0.1),
    Team("store-team", "store-adviser", "Dublin", 30, 0.0),
    Team("field-east", "field-engineer", "Dublin", 32, 0.5),
    Team("field-west", "field-engineer", "Galway", 28, -0.3),
    Team("social-care", "digital-care-agent", "Dublin", 4, 0.2),
)
ROLE_EMPOWERMENT = {"care-agent": -0.1, "digital-care-agent": 0.1, "store-adviser": -0.6, "field-engineer": 0.4}

WALKS = (
    JourneyWalk(
        journey="switch-to-fibre",
        case_prefix="ACC-4",
        cases=1700,
        products=(("fibre", 1.0),),
        steps=(
            Step((Option("price-comparison", "web", 3), Option("retail-partner", "partner-store", 1))),
            Step(
                (Option("website-plans", "web", 4), Option("store-visit", "store", 2, teams=("store-team",))),
                reach=0.68,
                gap_hours=(2, 200),
                repeat=0.1,
                repeat_days=(1, 10),
            ),
            Step(
                (
                    Option("online-checkout", "web", 3),
                    Option("sales-call", "phone", 1, teams=CARE),
                ),
                reach=0.55,
                gap_hours=(1, 150),
            ),
            Step((Option("router-delivery", "courier"),), reach=0.97, gap_hours=(24, 96)),
            Step(
                (
                    Option(
                        "installation-visit",
                        "home",
                        teams=FIELD,
                        outcomes=(("installed", 0.84), ("return visit needed", 0.16)),
                    ),
                ),
                reach=0.94,
                gap_hours=(48, 400),
                repeat=0.16,
                repeat_days=(2, 9),
            ),
            Step((Option("my-account-app", "app"),), reach=0.85, gap_hours=(24, 700)),
            Step((Option("refer-friend", "app"),), reach=0.12, gap_hours=(300, 1500)),
        ),
    ),
    JourneyWalk(
        journey="fix-a-fault",
        case_prefix="ACC-7",
        cases=1300,
        products=(("broadband", 0.6), ("fibre", 0.25), ("tv-bundle", 0.15)),
        steps=(
            Step((Option("service-status", "web"),), reach=0.55, optional=True),
            Step(
                (
                    Option("fault-chatbot", "chat", 3),
                    Option("support-call", "phone", 5, teams=CARE),
                    Option("social-care", "social", 1, teams=("digital-care", "social-care")),
                ),
                reach=1.0,
                gap_hours=(0.1, 3),
                repeat=0.3,
                repeat_days=(0.5, 3),
            ),
            Step(
                (Option("remote-diagnostics", "network", outcomes=(("line fault", 0.7), ("no fault found", 0.3))),),
                reach=0.92,
                gap_hours=(0.05, 4),
            ),
            Step(
                (Option("engineer-visit", "home", teams=FIELD, outcomes=(("fixed", 0.82), ("not fixed", 0.18))),),
                reach=0.6,
                optional=True,  # the others are fixed remotely and go straight to the closing text
                gap_hours=(18, 120),
                repeat=0.12,
                repeat_days=(1, 5),
            ),
            Step((Option("fault-closed-sms", "sms"),), reach=0.95, gap_hours=(0.5, 6)),
        ),
    ),
)


def _trend(month: int, touchpoint: str) -> float:
    """The year as it went: winter storms (Jan–Feb) hit the fault journey; the June chatbot relaunch helps."""
    if touchpoint == "fault-chatbot":
        return -0.4 if month < 6 else 0.1
    if touchpoint in ("support-call", "engineer-visit", "service-status"):
        return -0.45 if month in (1, 2) else 0.0
    if touchpoint == "installation-visit":
        return -0.2 + 0.04 * month
    return 0.01 * month


SURVEYED = {
    "store-visit": Surveyed("store", 0.3, ("store-team",), weight=1.5, resolution=1.2),
    "online-checkout": Surveyed("web", 0.4, weight=2, resolution=1.8),
    "sales-call": Surveyed("phone", 0.1, CARE, weight=1, resolution=1.3),
    "installation-visit": Surveyed("home", 0.35, FIELD, weight=2, resolution=1.4),
    "my-account-app": Surveyed("app", 0.3, weight=2.5, resolution=1.6),
    "fault-chatbot": Surveyed("chat", -0.85, weight=2, resolution=-0.4),
    "support-call": Surveyed("phone", -0.5, CARE, weight=4, resolution=0.3),
    "social-care": Surveyed("social", -0.4, ("digital-care", "social-care"), weight=0.8, resolution=0.4),
    "engineer-visit": Surveyed("home", 0.15, FIELD, weight=1.5, resolution=1.3),
}

#: Respondents' comments, by touchpoint and by what the score says (promoter 9–10, passive 7–8, detractor 0–6):
#: a detractor's comment is a complaint about that touchpoint. Every touchpoint has as many comments for each
#: of the three as the others (four, three, five), so choosing one draws the random stream as it always did.
COMMENTS = {
    "store-visit": {
        "promoter": (
            "The store adviser explained the fibre plans without any pressure",
            "Checked availability for my address in the store in seconds",
            "Great demo of the speeds, signed up on the spot",
            "Helpful staff, they kept my landline number for me",
        ),
        "passive": (
            "Fine, but the adviser couldn't tell me an installation date",
            "Good advice, long queue at the counter",
            "OK, though the offer in store differed from the website",
        ),
        "detractor": (
            "The store couldn't book an installation slot, told me to ring",
            "Waited 30 minutes in the store for the one adviser",
            "Sold me a plan that isn't available at my address",
            "The adviser didn't know whether fibre reaches my street",
            "Pushed a TV bundle I didn't ask for",
        ),
    },
    "online-checkout": {
        "promoter": (
            "Ordered fibre online in five minutes",
            "Checkout was simple and the price matched the advert",
            "Got an installation date right at checkout",
            "Easy online order, confirmation email straight away",
        ),
        "passive": (
            "Order went through, but the date only came by email two days later",
            "OK, the credit check step was confusing",
            "Fine, but the basket kept adding a router upgrade",
        ),
        "detractor": (
            "The basket emptied twice at the payment step",
            "No installation date offered, just 'we'll be in touch'",
            "The price went up at the last step of checkout",
            "The website said fibre is available, then cancelled my order",
            "Charged at checkout but no order confirmation",
        ),
    },
    "sales-call": {
        "promoter": (
            "The agent matched the comparison site's price, very fair",
            "Clear explanation of the contract on the phone",
            "The sales agent booked my installation during the call",
            "Friendly, no hard sell",
        ),
        "passive": (
            "Good deal, but a long hold before getting through",
            "Fine, but I had to ask twice about the exit fees",
            "OK, the agent read from a script",
        ),
        "detractor": (
            "Promised a discount on the phone that never appeared",
            "On hold for 40 minutes just to place an order",
            "The agent signed me up for a plan I didn't agree to",
            "Rang three times to get the price confirmed in writing",
            "Pushy sales call, wouldn't take no for an answer",
        ),
    },
    "installation-visit": {
        "promoter": (
            "Engineer was on time, tidy and explained everything",
            "Fibre is unbelievably fast, should have switched years ago",
            "The installer set up the wifi on all our devices",
            "In and out in an hour, no mess",
        ),
        "passive": (
            "Installation fine, router delivery was a day late",
            "Works well, the engineer arrived at the very end of the slot",
            "OK, the cable run through the hall is a bit untidy",
        ),
        "detractor": (
            "Engineer didn't turn up, took a day off work for nothing",
            "Needed a second visit for the wall socket",
            "The installer left without testing the connection",
            "The slot moved twice, no apology",
            "Speeds nowhere near what was advertised after the install",
        ),
    },
    "my-account-app": {
        "promoter": (
            "The app shows my usage and bill clearly",
            "Paid my bill in the app in seconds",
            "Love the speed test and router restart in the app",
            "Changed my plan in the app, no phone call needed",
        ),
        "passive": (
            "App is OK, bill layout confusing",
            "Fine, but it logs me out every few days",
            "Works, wish it showed outages in my area",
        ),
        "detractor": (
            "The app says I owe money I have already paid",
            "Can't log in since the last update",
            "First bill in the app was double the price I signed up for",
            "The referral credit never showed up in the app",
            "The app crashes every time I open my bill",
        ),
    },
    "fault-chatbot": {
        "promoter": (
            "The chatbot spotted the outage and told me when it would be fixed",
            "The bot ran a line test and booked an engineer, impressive",
            "Quick answer from the chatbot, sorted in minutes",
            "Since the relaunch the chatbot actually understands me",
        ),
        "passive": (
            "The chatbot helped in the end, after a few tries",
            "OK, the bot handed me to an agent eventually",
            "Useful for the outage status, not much else",
        ),
        "detractor": (
            "Chatbot went round in circles, had to call anyway",
            "The bot can't book an engineer, so what's the point",
            "It kept asking me to restart the router I'd already restarted",
            "Asked for an agent five times, the bot ignored it",
            "The bot closed the chat and my fault was never logged",
        ),
    },
    "support-call": {
        "promoter": (
            "The agent booked the engineer while I was on the phone",
            "Fault fixed the next morning, great communication",
            "The agent ran the line test and found the fault straight away",
            "Short wait and a really knowledgeable agent",
        ),
        "passive": (
            "Works now, but I had to chase twice",
            "Helpful agent, 25 minutes in the queue though",
            "Sorted, though I was transferred to another team",
        ),
        "detractor": (
            "Had to do the line test again with the agent after doing it myself",
            "Three days without internet and nobody told me anything",
            "30 minutes on hold during the storm outage",
            "Still waiting for the compensation I was promised",
            "The agent gave me a fault reference nobody else could find",
        ),
    },
    "social-care": {
        "promoter": (
            "Replied on social media within ten minutes and sorted it",
            "The social team kept me updated by DM all day",
            "Posted about the outage and got a real person straight away",
            "The social care team got an engineer out the same week",
        ),
        "passive": (
            "Got a reply on social, but then had to call anyway",
            "Fine, the replies were slow overnight",
            "Helpful, but they asked for my details three times",
        ),
        "detractor": (
            "Only answered after I complained publicly",
            "Canned replies on social media, no actual help",
            "They told me to ring the number with a 40-minute wait",
            "Ignored my messages for two days",
            "Promised a call back by DM, it never happened",
        ),
    },
    "engineer-visit": {
        "promoter": (
            "The engineer fixed the fault in the street cabinet within the hour",
            "Repair engineer came the next day and explained what broke",
            "Brilliant engineer, tested everything before leaving",
            "Back online the morning after I reported it",
        ),
        "passive": (
            "Fixed, but the engineer came at the end of the slot",
            "Works now, took two visits",
            "OK, nobody told me what the repair found",
        ),
        "detractor": (
            "The engineer came without the parts and had to come back",
            "Repair visit missed, no call to say so",
            "Fixed for a day, then dropped again",
            "The engineer said it was an outside fault and left it",
            "Four days offline waiting for a repair slot",
        ),
    },
}

#: Comments with characters reports must escape, and one in Chinese ("the installer was very professional, the
#: connection is much faster than before"), each on a response it fits (`place_specials`).
SPECIAL_COMMENTS = (
    Special(61, 'Speed < 10 Mbps & "up to 500" advertised?!', ("installation-visit", "my-account-app"), "detractor"),
    Special(655, "<script>alert(1)</script>"),
    Special(1402, "Engineer said the box at the end of the road is <broken> & needs replacing", ("engineer-visit",)),
    Special(1999, "安装师傅很专业，网速比以前快多了。", ("installation-visit",), "promoter"),
    Special(2301, "It's 'fixed' — until the next storm", ("engineer-visit", "support-call"), "detractor"),
)
#: Responses whose rows `_customer_rows` spoils or leaves unfinished (a special comment there could be lost).
SPOILED = (301, 421, 901, 1251, 1501, 1801, 2101, 2201)

STAFF_COMMENTS = (
    "Let store staff book engineers",
    "Unified desktop is a big improvement",
    "Too many calls chained back to back",
    "Field parts availability is a constant problem",
    "Our suggestions disappear into the app",
)

_META = [
    QualtricsColumn("StartDate", "Start Date", "startDate", ZONE),
    QualtricsColumn("EndDate", "End Date", "endDate", ZONE),
    QualtricsColumn("Status", "Response Type", "status"),
    QualtricsColumn("IPAddress", "IP Address", "ipAddress"),
    QualtricsColumn("Progress", "Progress", "progress"),
    QualtricsColumn("Duration (in seconds)", "Duration (in seconds)", "duration"),
    QualtricsColumn("Finished", "Finished", "finished"),
    QualtricsColumn("RecordedDate", "Recorded Date", "recordedDate", ZONE),
    QualtricsColumn("ResponseId", "Response ID", "_recordId"),
]
NPS_TEXT = "How likely are you to recommend Brightwave to a friend or colleague?"
CUSTOMER_COLUMNS = [
    *_META,
    QualtricsColumn("ExternalReference", "External Data Reference", "externalDataReference"),
    QualtricsColumn("DistributionChannel", "Distribution Channel", "distributionChannel"),
    QualtricsColumn("UserLanguage", "User Language", "userLanguage"),
    QualtricsColumn("Q1", NPS_TEXT, "QID1"),
    QualtricsColumn("Q1_NPS_GROUP", f"{NPS_TEXT} - Group", "QID1_NPS_GROUP"),
    QualtricsColumn("Q2", "Overall, how satisfied are you with this contact?", "QID2"),
    QualtricsColumn("Q3", "Brightwave made it easy for me to handle my issue.", "QID3"),
    QualtricsColumn("Q4", "Was your issue resolved in this contact?", "QID4"),
    QualtricsColumn("Q5", "What is the main reason for your score?", "QID5_TEXT"),
    QualtricsColumn("Region", "Region", "Region"),
    QualtricsColumn("Channel", "Channel", "Channel"),
    QualtricsColumn("Product", "Product", "Product"),
    QualtricsColumn("Touchpoint", "Touchpoint", "Touchpoint"),
    QualtricsColumn("Team", "Team", "Team"),
]
STAFF_COLUMNS = [
    *_META,
    QualtricsColumn("Q1", "How likely are you to recommend Brightwave as a place to work?", "QID1"),
    QualtricsColumn(
        "Q2_1",
        "How far do you agree? - I have the authority to resolve customers' issues",
        "QID2_1",
    ),
    QualtricsColumn("Q2_2", "How far do you agree? - I am proud to work for Brightwave", "QID2_2"),
    QualtricsColumn("Q4", "What one thing would make your job easier?", "QID4_TEXT"),
    QualtricsColumn("Team", "Team", "Team"),
    QualtricsColumn("Role", "Role", "Role"),
    QualtricsColumn("Site", "Site", "Site"),
]


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(zoneinfo.ZoneInfo(ZONE)).strftime("%Y-%m-%d %H:%M:%S")


def _meta(rng: random.Random, number: int, prefix: str, when: dt.datetime) -> list[str]:
    """StartDate … ResponseId of a complete, normal response recorded at ``when``."""
    duration = rng.randrange(45, 600)
    ip = f"198.51.100.{rng.randrange(1, 255)}"  # a documentation range: no real address
    return [
        _local(when - dt.timedelta(seconds=duration)),
        _local(when),
        "0",
        ip,
        "100",
        str(duration),
        "1",
        _local(when),
        f"R_{prefix}{number:06d}",
    ]


def _nps_group(score: int) -> str:
    return "3" if score >= 9 else "1" if score <= 6 else "2"  # Qualtrics' numeric recodes of the groups


def _customer_rows(rng: random.Random, responses: list[Response]) -> list[list[str]]:
    specials = place_specials(responses, SPECIAL_COMMENTS, avoid=SPOILED)
    rows = []
    for r in responses:
        comment = specials.get(r.number, r.comment)
        rows.append(
            [
                *_meta(rng, r.number, "tnps", r.timestamp),
                r.customer,
                "email" if r.channel in ("web", "app", "chat") else "sms",
                "EN",
                str(r.nps),
                _nps_group(r.nps),
                str(r.csat),
                str(r.ces),
                "1" if r.resolved else "2",
                comment,
                r.region,
                r.channel,
                r.product,
                r.touchpoint,
                r.team,
            ]
        )
    # What it must reject, one answer or one response each:
    rows[420][14] = ""  # satisfaction skipped (not a forced-response question)
    rows[1250][14] = ""
    rows[1800][2] = "4"  # an imported paper response ...
    rows[1800][15] = "8"  # ... with effort scored on the paper form's 1–10 scale
    rows[2200][2] = "4"  # an imported response whose date was typed day first
    rows[2200][7] = "15/10/2026"
    # What the collector must leave out (not rejects), as Qualtrics exports it. Customers who closed
    # the survey half-way: Finished 0, the answers after the first question missing.
    for index in (300, 900, 1500, 2100):
        rows[index][4] = str(rng.randrange(20, 80))  # Progress
        rows[index][6] = "0"
        rows[index][14:18] = ["", "", "", ""]
    # Two bot submissions Qualtrics flagged as spam (Status 8), from the anonymous link.
    for index in (1600, 800):
        when = dt.datetime.fromisoformat(rows[index][7]).replace(tzinfo=zoneinfo.ZoneInfo(ZONE))
        spam = _meta(rng, 900000 + index, "tnps", when.astimezone(dt.UTC))
        spam[2] = "8"
        spam[5] = "3"  # answered in three seconds
        rows.insert(index, [*spam, "", "anonymous", "EN", "10", "3", "5", "7", "1", "cheap loans here", *[""] * 5])
    # The CX team's previews (Status 1) of the survey before it went live.
    previews = []
    for number in range(1, 4):
        when = dt.datetime(2025, 11, 26, 10, 0, tzinfo=dt.UTC) + dt.timedelta(hours=number)
        preview = _meta(rng, number, "preview", when)
        preview[2] = "1"
        previews.append([*preview, "", "preview", "EN", "9", "3", "4", "6", "1", "test - please ignore", *[""] * 5])
    rows[0:0] = previews
    return rows


def _staff_rows(rng: random.Random, responses: list[EmployeeResponse]) -> list[list[str]]:
    rows = [
        [
            *_meta(rng, r.number, "ees", r.timestamp),
            str(r.enps),
            str(r.empowerment),
            str(r.engagement),
            r.comment,
            r.team,
            r.role,
            r.site,
        ]
        for r in responses
    ]
    rows[77][-2] = "Agent (temp)"  # a free-text role typed into the embedded data by a contractor's manager
    return rows


def write(root: Path) -> None:
    """Write the programme file, its two journey files and its three data files into ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "cxframe.toml").write_text(PROGRAMME, encoding="utf-8")
    journeys = root / "journeys"
    journeys.mkdir(exist_ok=True)
    (journeys / "switch-to-fibre.toml").write_text(SWITCH_JOURNEY, encoding="utf-8")
    (journeys / "fix-a-fault.toml").write_text(FAULT_JOURNEY, encoding="utf-8")
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
        base_responses=1250,
        response_rate=0.28,
        comments=COMMENTS,
        base_prefix="ACC-1",
        base_customers=90000,
        team_weight=0.5,
    )
    responses = survey_responses(stream(SEED, "survey"), design, events)
    layout = stream(SEED, "layout")  # durations, addresses and the rows left out or spoiled
    write_qualtrics(root / "data" / "qualtrics_export.csv", CUSTOMER_COLUMNS, _customer_rows(layout, responses))
    event_rows = [
        [
            event.case,
            event.touchpoint,
            # ISO-8601 with the local offset (the network platform logs in Irish time)
            event.timestamp.astimezone(zoneinfo.ZoneInfo(ZONE)).isoformat(timespec="seconds"),
            event.channel,
            event.team,
            event.outcome,
            event.journey,
            event.region,
            event.product,
        ]
        for event in events
    ]
    event_rows[2500][1] = ""  # an event logged without its step (a network-platform bug)
    event_rows[7000][2] = "n/a"  # a timestamp the platform failed to write
    write_csv(
        root / "data" / "network_events.csv",
        ["account", "step", "at", "channel", "handled_by", "result", "journey", "region", "product"],
        event_rows,
    )
    staff = employee_responses(
        stream(SEED, "staff"),
        TEAMS,
        waves=((dt.datetime(2026, 9, 14, tzinfo=dt.UTC), 0.0),),
        role_empowerment=ROLE_EMPOWERMENT,
        comments=STAFF_COMMENTS,
        participation=0.8,
    )
    write_qualtrics(root / "data" / "engagement_survey.csv", STAFF_COLUMNS, _staff_rows(layout, staff))
