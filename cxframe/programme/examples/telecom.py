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
from pathlib import Path

from cxframe.programme.examples._generate import (
    EmployeeResponse,
    JourneyWalk,
    Option,
    QualtricsColumn,
    Response,
    Step,
    SurveyDesign,
    Surveyed,
    Team,
    employee_responses,
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

PROGRAMME = """\
# The telecom example programme (written by `cxframe init --example telecom`).
# Brightwave Telecom is fictional; its data are generated (see cxframe/examples/telecom.py).
name = "Brightwave Telecom — customer experience programme 2026"
journey_files = ["journeys/*.toml"]

[context]
organisation = "Brightwave Telecom"
scope = "Consumer broadband and mobile customers in five regions: sales, installation, service and fault repair, in stores, online, by phone, chat and social media"
sponsor = "Chief Executive Officer, with the Customer Director as programme lead"
strategy = "Fix it first time, tell customers before they have to ask — and make switching to fibre the easiest decision they make this year"
internal_factors = [
    "copper-to-fibre migration: 40,000 homes to move by 2027",
    "field engineering partly outsourced to two contractors",
    "new fault chatbot launched in June 2026",
    "a unified agent desktop rolled out to care teams in 2025",
]
external_factors = [
    "winter storms cause fault surges in January and February",
    "the regulator publishes complaint league tables every quarter",
    "automatic compensation for slow repairs and missed appointments",
    "price-comparison sites and aggressive retention offers from two rivals",
]

[[context.stakeholders]]
name = "Households"
role = "the customers"
needs = ["a working connection", "an engineer who comes when promised", "bills without surprises"]

[[context.stakeholders]]
name = "Home workers and small offices"
role = "customers who depend on the connection for income"
needs = ["faults fixed within a day", "proactive updates"]

[[context.stakeholders]]
name = "Care agents and field engineers"
role = "deliver the experience; voice of employee"
needs = ["see the line test before the call", "authority to book an engineer directly"]

[[context.stakeholders]]
name = "Board"
role = "sponsor"
needs = ["churn down", "complaints ranking out of the bottom quartile"]

# -- plan --------------------------------------------------------------------------------------------
# Designed outcomes over the generated year (the example's tests hold them):
# nps-2026 met, csat-fibre met, fcr-support not met, ces-chatbot not met,
# enps-2026 not met, csat-installation inconclusive (its interval straddles the target).

[[objectives]]
id = "nps-2026"
metric = "nps"
target = 0
comparison = ">="
deadline = 2026-12-31
owner = "Customer Director"
business_kpi = "monthly churn rate"
description = "Net promoters across all surveyed contacts: out of negative territory this year."

[[objectives]]
id = "fcr-support"
metric = "fcr"
target = 75
comparison = ">="
segment = { touchpoint = "support-call" }
deadline = 2026-12-31
owner = "Head of Customer Care"
business_kpi = "repeat calls per fault"

[[objectives]]
id = "csat-installation"
metric = "csat"
target = 85
comparison = ">="
segment = { touchpoint = "installation-visit" }
deadline = 2026-12-31
owner = "Head of Field Operations"
business_kpi = "fibre installations right first time"

[[objectives]]
id = "ces-chatbot"
metric = "ces"
target = 5
comparison = ">="
segment = { touchpoint = "fault-chatbot" }
deadline = 2026-10-31
owner = "Head of Digital Care"
business_kpi = "share of faults reported without a call"
description = "Mean agreement of at least 5 (of 7) that the chatbot made reporting a fault easy."

[[objectives]]
id = "csat-fibre"
metric = "csat"
target = 60
comparison = ">"
segment = { product = "fibre" }
deadline = 2026-12-31
owner = "Fibre programme director"
business_kpi = "fibre take-up among eligible homes"

[[objectives]]
id = "enps-2026"
metric = "enps"
target = 25
comparison = ">="
deadline = 2026-12-31
owner = "HR Director"
business_kpi = "care-agent attrition"

# -- improve: the action register (what the operator has already decided to do) ----------------------

[[actions]]
id = "chatbot-handover"
title = "Hand chatbot conversations to an agent with the transcript after two failed intents"
owner = "Head of Digital Care"
due = 2026-08-31
status = "done"
finding = "objective:ces-chatbot"
touchpoint = "fault-chatbot"
metric = "ces"
baseline = 4.6
effect = -0.3

[[actions]]
id = "first-fix-diagnostics"
title = "Run remote line diagnostics before every fault call is closed"
owner = "Head of Network Care"
due = 2027-02-28
status = "planned"
finding = "objective:fcr-support"
touchpoint = "remote-diagnostics"
metric = "fcr"

# -- design: personas (the journeys are in journeys/*.toml) -------------------------------------------

[[personas]]
id = "switching-family"
name = "The Okafors, switching to fibre"
description = "Family of four on old copper broadband; two teenagers gaming, one parent working from home."
goals = ["faster broadband without a gap in service", "an installation date that fits", "a price that stays put"]
segment = { product = "fibre" }

[[personas]]
id = "home-worker"
name = "Aoife, works from home"
description = "Freelance designer; a dead connection means lost income. Uses the app, phones when it is urgent."
goals = ["know at once whether it is her line or the network", "an engineer the next day", "compensation without a fight"]
segment = { product = "broadband" }

# -- design: the touchpoint inventory -----------------------------------------------------------------
# All five contact environments and all four experience elements are covered. Deliberate gaps:
# remote-diagnostics has no owner; paper-bill has no experience elements and is in no journey.

[[touchpoints]]
id = "price-comparison"
name = "Price-comparison sites"
channel = "web"
environment = "third-party"
elements = ["brand", "product-service"]
owner = "Marketing"

[[touchpoints]]
id = "retail-partner"
name = "Electronics retailer selling our plans"
channel = "partner-store"
environment = "third-party"
elements = ["brand", "product-service"]
owner = "Partner sales"

[[touchpoints]]
id = "website-plans"
name = "Plans and availability check on the website"
channel = "web"
environment = "digital"
elements = ["product-service", "platform-apps"]
owner = "Digital"

[[touchpoints]]
id = "store-visit"
name = "Visit a Brightwave store"
channel = "store"
environment = "physical"
elements = ["brand", "product-service"]
owner = "Retail"

[[touchpoints]]
id = "online-checkout"
name = "Order online"
channel = "web"
environment = "digital"
elements = ["service-process", "platform-apps"]
owner = "Digital"
moment_of_truth = true

[[touchpoints]]
id = "sales-call"
name = "Order by phone"
channel = "phone"
environment = "remote"
elements = ["service-process"]
owner = "Telesales"

[[touchpoints]]
id = "router-delivery"
name = "Router delivered by courier"
channel = "courier"
environment = "third-party"
elements = ["product-service", "service-process"]
owner = "Logistics"

[[touchpoints]]
id = "installation-visit"
name = "Fibre installation at home"
channel = "home"
environment = "interpersonal"
elements = ["service-process", "product-service", "brand"]
owner = "Field operations"
moment_of_truth = true

[[touchpoints]]
id = "my-account-app"
name = "My Brightwave app"
channel = "app"
environment = "digital"
elements = ["platform-apps"]
owner = "Digital"

[[touchpoints]]
id = "refer-friend"
name = "Refer a friend"
channel = "app"
environment = "digital"
elements = ["brand"]
owner = "Marketing"

[[touchpoints]]
id = "service-status"
name = "Service-status page"
channel = "web"
environment = "digital"
elements = ["service-process", "platform-apps"]
owner = "Network operations"

[[touchpoints]]
id = "fault-chatbot"
name = "Report a fault to the chatbot"
channel = "chat"
environment = "digital"
elements = ["service-process", "platform-apps"]
owner = "Digital care"

[[touchpoints]]
id = "support-call"
name = "Call customer care"
channel = "phone"
environment = "remote"
elements = ["service-process"]
owner = "Customer care"
moment_of_truth = true

[[touchpoints]]
id = "social-care"
name = "Ask for help on social media"
channel = "social"
environment = "third-party"
elements = ["brand", "service-process"]
owner = "Social care"

[[touchpoints]]
id = "remote-diagnostics"
name = "Remote line test"
channel = "network"
environment = "digital"
elements = ["service-process"]
description = "Automated line test. Network operations runs it, Customer care reads it; neither owns what the customer is told."

[[touchpoints]]
id = "engineer-visit"
name = "Engineer repair visit"
channel = "home"
environment = "interpersonal"
elements = ["service-process", "product-service"]
owner = "Field operations"
moment_of_truth = true

[[touchpoints]]
id = "fault-closed-sms"
name = "Fault closed text message"
channel = "sms"
environment = "digital"
elements = ["service-process"]
owner = "Customer care"

[[touchpoints]]
id = "paper-bill"
name = "Paper bill"
channel = "post"
environment = "physical"
owner = "Billing"

# -- measure: sources ---------------------------------------------------------------------------------

[[sources]]
id = "qualtrics-tnps"
collector = "qualtrics"
path = "data/qualtrics_export.csv"

# ResponseId and RecordedDate are the Qualtrics defaults; times are read in the zone row 3 names.
[sources.columns]
respondent_id = "ExternalReference"          # the account number, as in the event log
touchpoint = "Touchpoint"                    # embedded data, by column id
channel = "Channel"
comment = "QID5_TEXT"                        # by ImportId
segments = { region = "Region", product = "Product", team = "Team" }

[sources.columns.questions]
nps = "Q1"
csat = "Q2"
ces = "QID3"
fcr = "Was your issue resolved in this contact?"   # by question text (row 2)

[[sources]]
id = "network-events"
collector = "event-csv"
path = "data/network_events.csv"

[sources.columns]
case = "account"
activity = "step"
timestamp = "at"
touchpoint = "step"
channel = "channel"
resource = "handled_by"
outcome = "result"
attributes = ["journey", "region", "product"]

[[sources]]
id = "engagement-survey"
collector = "employee-survey"
path = "data/engagement_survey.csv"

[sources.options]
layout = "qualtrics"

[sources.columns]
segments = { team = "Team", role = "Role", site = "Site" }
comment = "Q4"

[sources.columns.questions]
enps = "Q1"
empowerment = "Q2_1"
engagement = "Q2_2"

# -- settings -----------------------------------------------------------------------------------------

[settings]
confidence = 0.95
min_sample = 30

[plugins.cxframe-nps]
csat_scale = [1, 5]
ces_scale = [1, 7]

# Qualtrics exports the recode values of "Yes" (1) and "No" (2)
[[plugins.cxframe-nps.metrics]]
id = "fcr"
title = "First-contact resolution"
question = "fcr"
kind = "share"
values = [1]
scale = [1, 2]
description = "Share answering Yes (1) to 'Was your issue resolved in this contact?'"

# -- the employee context -----------------------------------------------------------------------------
# Designed: decision authority fails (store advisers resolve under half of common issues alone),
# training warns (field engineers), staffing warns (care occupancy and service level), systems pass
# (unified desktop), the KPI mix passes, voice of employee warns (few suggestions acted on).

[plugins.cxframe-employee]
item_scale = [1, 5]
trend_period = "year"

[[plugins.cxframe-employee.roles]]
id = "care-agent"
name = "Customer-care agent"
headcount = 96
refund_limit = 40.0
can_close_complaints = true
common_issues_resolvable = 0.78
escalation_share = 0.16
training_hours_per_year = 30
cx_trained_share = 0.92
systems_per_interaction = 2
scorecard_kpis = ["fcr", "tnps", "aht"]
contacts_per_agent_hour = 8
occupancy = 0.88
service_level = 0.74
service_level_target = 0.80

[[plugins.cxframe-employee.roles]]
id = "digital-care-agent"
name = "Chat and social-media agent"
headcount = 22
refund_limit = 40.0
can_close_complaints = true
common_issues_resolvable = 0.8
escalation_share = 0.14
training_hours_per_year = 28
cx_trained_share = 0.95
systems_per_interaction = 2
scorecard_kpis = ["csat", "resolution_rate"]
contacts_per_agent_hour = 10
occupancy = 0.80
service_level = 0.85
service_level_target = 0.80

[[plugins.cxframe-employee.roles]]
id = "store-adviser"
name = "Store adviser"
headcount = 40
refund_limit = 0.0
can_close_complaints = false
common_issues_resolvable = 0.45
training_hours_per_year = 26
cx_trained_share = 0.9
systems_per_interaction = 3
scorecard_kpis = ["nps", "sales_conversion"]
contacts_per_agent_hour = 2
occupancy = 0.65
service_level = 0.9
service_level_target = 0.85

[[plugins.cxframe-employee.roles]]
id = "field-engineer"
name = "Field engineer"
headcount = 60
refund_limit = 0.0
can_close_complaints = false
common_issues_resolvable = 0.9
escalation_share = 0.08
training_hours_per_year = 16
cx_trained_share = 0.6
systems_per_interaction = 2
scorecard_kpis = ["right_first_time", "csat", "jobs_per_day"]
contacts_per_agent_hour = 0.5
occupancy = 0.84
service_level = 0.81
service_level_target = 0.80

[[plugins.cxframe-employee.roles]]
id = "care-manager"
name = "Care manager"
frontline = false
headcount = 12

[plugins.cxframe-employee.voice_of_employee]
channel = "'Fix it' suggestion app for frontline staff, reviewed monthly by the operations board"
suggestions = 38
acted_on = 6

[plugins.cxframe-employee.thresholds]
anonymity_threshold = 5
customer_kpis = ["right_first_time"]

[plugins.cxframe-employee.link]
employee_metric = "enps"
customer_metric = "nps"
"""

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
moments_of_truth = ["engineer-visit"]
scenarios = ["an engineer visits", "the fault is fixed outside, in the street cabinet"]
expectations = ["a visit the next working day", "the engineer knows the history"]
behaviours = ["works from a café meanwhile"]
emotion = { score = 1, note = "relieved when it works again" }
pain_points = ["repeat visits when the first engineer lacks parts"]
opportunities = ["parts prediction from the line test"]
departments = ["Field operations"]
measures = ["csat", "nps"]

# a deliberate gap: no measure is named for the confirmation stage (the nps.stage-measures check says so)
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

COMMENTS = {
    "promoter": (
        "Engineer was on time, tidy and explained everything",
        "Fibre is unbelievably fast, should have switched years ago",
        "Fault fixed the next morning, great communication",
        "The agent booked the engineer while I was on the phone",
    ),
    "passive": (
        "Works now, but I had to chase twice",
        "Installation fine, router delivery was a day late",
        "App is OK, bill layout confusing",
    ),
    "detractor": (
        "Chatbot went round in circles, had to call anyway",
        "Three days without internet and nobody told me anything",
        "Engineer didn't turn up, took a day off work for nothing",
        "Had to do the line test again with the agent after doing it myself",
        "Still waiting for the compensation I was promised",
    ),
}

SPECIAL_COMMENTS = {
    61: 'Speed < 10 Mbps & "up to 500" advertised?!',
    655: "<script>alert(1)</script>",
    1402: "Engineer said the box at the end of the road is <broken> & needs replacing",
    1999: "安装师傅很专业，网速比以前快多了。",
    2301: "It's 'fixed' — until the next storm",
}

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
    rows = []
    for r in responses:
        comment = SPECIAL_COMMENTS.get(r.number, r.comment)
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
