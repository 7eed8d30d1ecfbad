"""The ``retail-bank`` example: Harbour Bank's CX programme over one year, every stage filled in.

``cxframe init DIR --example retail-bank`` writes:

* ``cxframe.toml`` — context, six objectives, two personas, seventeen
  touchpoints over all five contact environments, two journey maps ("Open a
  current account" on the awareness → advocacy stages, "Resolve a card
  dispute" on service stages), three sources, and the settings of the nps and
  employee plugins (declared metrics, frontline roles, voice of employee);
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
from pathlib import Path

from cxframe.programme.examples._generate import (
    JourneyWalk,
    Option,
    Response,
    Step,
    SurveyDesign,
    Surveyed,
    Team,
    employee_responses,
    iso,
    stream,
    survey_responses,
    walk_journeys,
    write_csv,
)

SEED = 20261
START = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
MONTHS = 12

PROGRAMME = """\
# The retail-bank example programme (written by `cxframe init --example retail-bank`).
# Harbour Bank is fictional; its data are generated (see cxframe/examples/retail_bank.py).
name = "Harbour Bank — customer experience programme 2026"

[context]
organisation = "Harbour Bank"
scope = "Personal banking customers in five UK regions: current accounts, cards, savings and mortgages, across app, web, branch, phone and chat"
sponsor = "Chief Customer Officer (executive committee member)"
strategy = "Be the bank that is easiest to join and that puts things right first time — measured by NPS, first-contact resolution and effort"
internal_factors = [
    "new mobile app released in April 2026, with in-app account opening",
    "contact-centre attrition of 31% a year and two recruitment waves behind plan",
    "dispute handling split across three back-office systems",
    "branch network reduced from 112 to 96 branches",
]
external_factors = [
    "Consumer Duty: the regulator expects evidence of good customer outcomes",
    "app-only challenger banks open accounts in under ten minutes",
    "card fraud and authorised push-payment scams rising year on year",
    "cost-of-living pressure: more customers in financial difficulty",
]

[[context.stakeholders]]
name = "Personal customers"
role = "the people the programme serves"
needs = ["open an account in one sitting", "get a card dispute resolved without chasing", "reach a person when it matters"]

[[context.stakeholders]]
name = "Frontline staff (branches, contact centre, chat)"
role = "deliver the experience; voice of employee"
needs = ["authority to refund small amounts", "one screen with the customer's history", "time to resolve, not only to handle"]

[[context.stakeholders]]
name = "Executive committee"
role = "sponsor and funder"
needs = ["CX tied to attrition and cost to serve", "a quarterly view of objectives"]

[[context.stakeholders]]
name = "Conduct risk and compliance"
role = "second line of defence"
needs = ["evidence of good outcomes under Consumer Duty", "complaint root causes"]

# -- plan --------------------------------------------------------------------------------------------
# Designed outcomes over the generated year (the example's tests hold them):
# nps-2026 met, effort-app met, enps-frontline met, csat-contact-centre not met,
# nps-london not met, fcr-chat inconclusive (its interval straddles the target).

[[objectives]]
id = "nps-2026"
metric = "nps"
target = 15
comparison = ">="
deadline = 2026-12-31
owner = "Chief Customer Officer"
business_kpi = "current-account attrition rate"
description = "Relationship health across all surveyed contacts."

[[objectives]]
id = "csat-contact-centre"
metric = "csat"
target = 80
comparison = ">="
segment = { touchpoint = "contact-centre" }
deadline = 2026-12-31
owner = "Head of Contact Centre"
business_kpi = "complaints per 1,000 accounts"

[[objectives]]
id = "fcr-chat"
metric = "fcr"
target = 70
comparison = ">="
segment = { channel = "chat" }
deadline = 2026-12-31
owner = "Head of Digital Service"
business_kpi = "repeat contacts per dispute"
description = "Chat should resolve at least as well as the phone, now that chat agents may refund up to £50."

[[objectives]]
id = "effort-app"
metric = "ces_hard"
target = 12
comparison = "<="
segment = { channel = "app" }
deadline = 2026-09-30
owner = "Head of Digital"
business_kpi = "in-app account opening completion rate"
description = "At most 12% of app users find it hard (1–3 on the 7-point effort question)."

[[objectives]]
id = "nps-london"
metric = "nps"
target = 15
comparison = ">="
segment = { region = "London" }
deadline = 2026-12-31
owner = "Regional director, London"
business_kpi = "London current-account switching-out rate"

[[objectives]]
id = "enps-frontline"
metric = "enps"
target = 0
comparison = ">="
deadline = 2026-12-31
owner = "Chief People Officer"
business_kpi = "frontline attrition rate"

# -- improve: the action register (what the bank has already decided to do) --------------------------

[[actions]]
id = "dispute-callback-sla"
title = "Call back every card dispute within one working day"
stage = "improve"
owner = "Head of Card Services"
due = 2026-06-30
status = "done"
finding = "objective:csat-contact-centre"
touchpoint = "contact-centre"
metric = "csat"
baseline = 71.0
effect = 3.2

[[actions]]
id = "app-onboarding-redesign"
title = "Redesign the in-app ID check so that customers are not sent to a branch"
stage = "design"
owner = "Head of Digital"
due = 2026-04-30
status = "done"
touchpoint = "id-check"
metric = "ces_hard"

[[actions]]
id = "london-branch-queues"
title = "Book-ahead appointments in the five busiest London branches"
owner = "Regional director, London"
due = 2027-03-31
status = "in_progress"
finding = "objective:nps-london"
touchpoint = "branch-adviser"
metric = "nps"

[[actions]]
id = "dispute-tracker-owner"
title = "Name an owner for the dispute tracker and add it to the service blueprint"
stage = "design"
due = 2026-12-31
status = "planned"
finding = "maturity:iso.design.inventory"
touchpoint = "dispute-tracker"

# -- design: personas ---------------------------------------------------------------------------------

[[personas]]
id = "first-account"
name = "Maya, first salaried job"
description = "24, just started her first job, banks on her phone, compares offers online and asks friends."
goals = ["open an account before her first payday", "a debit card that works abroad", "no fees she did not expect"]
segment = { product = "current-account" }

[[personas]]
id = "established-customer"
name = "David, customer for twenty years"
description = "52, mortgage and credit card with the bank, uses the app but phones when something goes wrong."
goals = ["get his money back quickly when a card payment is wrong", "not have to explain twice"]
segment = { product = "credit-card" }

# -- design: the touchpoint inventory -----------------------------------------------------------------
# All five contact environments and all four experience elements are covered. Deliberate gaps:
# dispute-tracker has no owner, and atm has no experience elements and is in no journey.

[[touchpoints]]
id = "social-ad"
name = "Social-media campaign"
channel = "social"
environment = "third-party"
elements = ["brand"]
owner = "Marketing"

[[touchpoints]]
id = "comparison-site"
name = "Listing on price-comparison sites"
channel = "web"
environment = "third-party"
elements = ["brand", "product-service"]
owner = "Marketing"

[[touchpoints]]
id = "website-accounts"
name = "Current-account pages on the website"
channel = "web"
environment = "digital"
elements = ["product-service", "platform-apps"]
owner = "Digital"

[[touchpoints]]
id = "branch-visit"
name = "Visit a branch"
channel = "branch"
environment = "physical"
elements = ["brand", "product-service"]
owner = "Branch network"

[[touchpoints]]
id = "app-onboarding"
name = "Open an account in the app"
channel = "app"
environment = "digital"
elements = ["service-process", "platform-apps"]
owner = "Digital"
moment_of_truth = true
description = "Application, ID upload and selfie check, in one flow since the April app release."

[[touchpoints]]
id = "id-check"
name = "Identity and fraud checks"
channel = "app"
environment = "digital"
elements = ["service-process"]
owner = "Financial crime operations"

[[touchpoints]]
id = "card-delivery"
name = "Debit card delivered by post"
channel = "post"
environment = "third-party"
elements = ["product-service"]
owner = "Card services"

[[touchpoints]]
id = "mobile-banking"
name = "Everyday banking in the app"
channel = "app"
environment = "digital"
elements = ["platform-apps", "product-service"]
owner = "Digital"

[[touchpoints]]
id = "refer-a-friend"
name = "Refer a friend"
channel = "app"
environment = "digital"
elements = ["brand"]
owner = "Marketing"

[[touchpoints]]
id = "transaction-alert"
name = "Transaction alert (push notification)"
channel = "app"
environment = "digital"
elements = ["platform-apps", "service-process"]
owner = "Digital"

[[touchpoints]]
id = "contact-centre"
name = "Call the contact centre"
channel = "phone"
environment = "remote"
elements = ["service-process"]
owner = "Contact centre"
moment_of_truth = true

[[touchpoints]]
id = "web-chat"
name = "Chat with an agent"
channel = "chat"
environment = "remote"
elements = ["service-process", "platform-apps"]
owner = "Contact centre"

[[touchpoints]]
id = "branch-adviser"
name = "Talk to an adviser in branch"
channel = "branch"
environment = "interpersonal"
elements = ["service-process", "brand"]
owner = "Branch network"

[[touchpoints]]
id = "dispute-tracker"
name = "Track the dispute in the app"
channel = "app"
environment = "digital"
elements = ["service-process", "platform-apps"]
description = "Status page of an open dispute. Nobody owns it: Digital built it, Disputes fills it."

[[touchpoints]]
id = "outcome-call"
name = "Call-back with the dispute outcome"
channel = "phone"
environment = "remote"
elements = ["service-process", "product-service"]
owner = "Disputes"
moment_of_truth = true

[[touchpoints]]
id = "complaint"
name = "Complaint to the complaints team"
channel = "phone"
environment = "remote"
elements = ["service-process", "brand"]
owner = "Complaints"

[[touchpoints]]
id = "atm"
name = "Cash machine"
channel = "atm"
environment = "physical"
owner = "Branch network"

# -- design: journeys ---------------------------------------------------------------------------------

[[journeys]]
id = "open-account"
name = "Open a current account"
persona = "first-account"
frequency = "once, then monthly use"
departments = ["Marketing", "Digital", "Branch network", "Financial crime operations", "Card services"]
description = "From first seeing Harbour Bank to recommending it; the log's cases are new customers."

[[journeys.stages]]
id = "awareness"
name = "Awareness"
touchpoints = ["social-ad", "comparison-site"]
scenarios = ["sees a campaign on social media", "compares current accounts on a price-comparison site"]
expectations = ["clear fees and a switching incentive"]
behaviours = ["scrolls past most bank ads", "reads reviews before clicking"]
emotion = { score = 0, note = "indifferent: banks all look the same" }
pain_points = ["the switching offer is only explained in small print"]
opportunities = ["state the fee-free promise in the ad itself"]
departments = ["Marketing"]
measures = ["nps"]

[[journeys.stages]]
id = "consideration"
name = "Consideration"
touchpoints = ["website-accounts", "branch-visit"]
scenarios = ["reads the account pages on her phone", "drops into a branch to ask about overdrafts"]
expectations = ["compare accounts on one page", "a straight answer on fees"]
behaviours = ["opens three banks' pages side by side"]
emotion = { score = 1, note = "interested, the app looks modern" }
pain_points = ["the branch has no free adviser at lunchtime"]
opportunities = ["book a branch slot from the website"]
departments = ["Digital", "Branch network"]
measures = ["csat"]

[[journeys.stages]]
id = "decision"
name = "Decision"
touchpoints = ["app-onboarding", "id-check"]
moments_of_truth = ["app-onboarding"]
scenarios = ["applies in the app", "uploads her passport and a selfie"]
expectations = ["an account in ten minutes", "know at once if anything is missing"]
behaviours = ["abandons when asked for a document she does not have at hand"]
emotion = { score = -1, note = "anxious: the ID check fails twice on a dim photo" }
pain_points = ["ID photo rejected without saying why", "manual review takes up to three days"]
opportunities = ["guide the camera (light, glare) before upload", "save the application and resume later"]
departments = ["Digital", "Financial crime operations"]
measures = ["ces_hard", "ces"]

[[journeys.stages]]
id = "retention"
name = "Retention"
touchpoints = ["card-delivery", "mobile-banking"]
scenarios = ["waits for the debit card", "gets her first salary paid in", "uses the app every day"]
expectations = ["card within five working days", "instant notifications of payments"]
behaviours = ["checks the app several times a week"]
emotion = { score = 1, note = "reassured once the card arrives" }
pain_points = ["card delivery slips to ten days in December"]
opportunities = ["a virtual card in the app the moment the account opens"]
departments = ["Card services", "Digital"]
measures = ["nps", "csat"]

[[journeys.stages]]
id = "advocacy"
name = "Advocacy"
touchpoints = ["refer-a-friend"]
scenarios = ["recommends the bank to a colleague", "shares a referral link"]
expectations = ["the referral bonus arrives without asking"]
behaviours = ["recommends only after a good first month"]
emotion = { score = 2, note = "proud of the find" }
pain_points = ["referral bonus paid late"]
opportunities = ["pay the bonus the day the friend's account opens"]
departments = ["Marketing"]
measures = ["nps"]

[[journeys]]
id = "card-dispute"
name = "Resolve a card dispute"
persona = "established-customer"
frequency = "a few times in a customer's life"
departments = ["Digital", "Contact centre", "Branch network", "Disputes", "Complaints"]
description = "From an unrecognised card payment to the money back; a service journey with its own stages."

[[journeys.stages]]
id = "notice"
name = "Notice the problem"
touchpoints = ["transaction-alert"]
scenarios = ["an alert shows a payment he did not make"]
expectations = ["a button to say 'this was not me'"]
behaviours = ["looks for a phone number first"]
emotion = { score = -1, note = "worried about fraud" }
pain_points = ["the alert has no link to report the payment"]
opportunities = ["report from the alert, freeze the card in one tap"]
departments = ["Digital"]
measures = ["csat"]

[[journeys.stages]]
id = "report"
name = "Report"
touchpoints = ["contact-centre", "web-chat", "branch-adviser"]
moments_of_truth = ["contact-centre"]
scenarios = ["phones the contact centre", "opens a chat in the app", "walks into a branch"]
expectations = ["one person takes it from start to finish", "a refund while it is investigated"]
behaviours = ["calls again when he hears nothing"]
emotion = { score = -2, note = "frustrated: 25 minutes on hold, then asked to repeat everything" }
pain_points = ["long queues on Mondays", "agents cannot refund small amounts", "customers repeat their story on transfer"]
opportunities = ["let agents refund disputes under £50 on the spot", "call-back instead of queueing"]
departments = ["Contact centre", "Branch network"]
measures = ["csat", "fcr", "ces"]

[[journeys.stages]]
id = "investigate"
name = "Investigation"
touchpoints = ["dispute-tracker"]
scenarios = ["checks the status in the app", "waits for the merchant's answer"]
expectations = ["a date by which he will know", "updates without asking"]
behaviours = ["checks the tracker daily, then calls"]
emotion = { score = -1, note = "in the dark" }
pain_points = ["the tracker shows 'in progress' for weeks", "nobody owns the status page"]
opportunities = ["proactive updates at each investigation step"]
departments = ["Disputes", "Digital"]
measures = ["ces"]

[[journeys.stages]]
id = "resolve"
name = "Resolution"
touchpoints = ["outcome-call"]
moments_of_truth = ["outcome-call"]
scenarios = ["gets a call with the outcome", "sees the refund on his statement"]
expectations = ["the outcome explained, with the next step if declined"]
behaviours = ["asks for the decision in writing"]
emotion = { score = 1, note = "relieved when refunded" }
pain_points = ["declined outcomes explained in jargon"]
opportunities = ["plain-language outcome letter with the evidence used"]
departments = ["Disputes"]
measures = ["nps", "fcr"]

# a deliberate gap: no measure is named for the follow-up stage (the nps.stage-measures check says so)
[[journeys.stages]]
id = "follow-up"
name = "Follow-up"
touchpoints = ["complaint"]
scenarios = ["complains about how the dispute was handled"]
expectations = ["the complaint acknowledged within a day"]
behaviours = ["mentions the ombudsman"]
emotion = { score = -1, note = "wants someone to admit it went wrong" }
pain_points = ["complaints about disputes reopen the dispute from scratch"]
opportunities = ["a single owner from dispute to complaint"]
departments = ["Complaints"]

# -- measure: sources ---------------------------------------------------------------------------------

[[sources]]
id = "customer-survey"
collector = "survey-csv"
path = "data/customer_survey.csv"

[sources.columns]
response_id = "response_id"
respondent_id = "customer_id"
timestamp = "submitted_at"
touchpoint = "touchpoint"
channel = "channel"
comment = "comment"
segments = ["region", "product", "team"]

[sources.columns.questions]
nps = "likely_to_recommend"
csat = "satisfaction"
ces = "effort"
fcr = "got_what_needed"

[sources.options.labels.fcr]
"Yes" = 1
"No" = 0

[[sources]]
id = "journey-log"
collector = "event-csv"
path = "data/journey_events.csv"

[sources.columns]
case = "customer_id"
activity = "touchpoint"
timestamp = "occurred_at"
touchpoint = "touchpoint"
channel = "channel"
resource = "team"
outcome = "outcome"
attributes = ["journey", "region", "product"]

[sources.options]
timezone = "Europe/London"       # the export writes local times without an offset

[[sources]]
id = "staff-pulse"
collector = "employee-survey"
path = "data/staff_pulse.csv"

[sources.columns]
response_id = "response_id"
respondent_id = "employee_id"
timestamp = "submitted_at"
comment = "comment"
segments = ["team", "role", "site"]

[sources.columns.questions]
enps = "recommend_as_employer"
empowerment = "can_resolve_issues"
engagement = "engagement_index"

# -- settings -----------------------------------------------------------------------------------------

[settings]
confidence = 0.95
min_sample = 30

[plugins.cxframe-nps]
csat_scale = [1, 5]
ces_scale = [1, 7]

[[plugins.cxframe-nps.metrics]]
id = "fcr"
title = "First-contact resolution"
question = "fcr"
kind = "share"
values = [1]
scale = [0, 1]
description = "Share answering Yes to 'Did you get what you needed in this contact?'"

[[plugins.cxframe-nps.metrics]]
id = "ces_hard"
title = "Customer effort: share hard"
question = "ces"
kind = "share"
values = [1, 2, 3]
scale = [1, 7]
higher_is_better = false
description = "Share answering 1–3 ('it was hard') on the 7-point effort question."

# -- the employee context: frontline roles, checked by the employee.* checks ---------------------------
# Designed: decision authority warns (contact-centre agents resolve too little alone), training
# passes, staffing fails (contact-centre occupancy and service level), systems warn, the KPI mix
# fails (chat scorecard is efficiency only), voice of employee passes.

[plugins.cxframe-employee]
item_scale = [1, 5]
trend_period = "quarter"

[[plugins.cxframe-employee.roles]]
id = "branch-adviser"
name = "Branch customer adviser"
headcount = 34
refund_limit = 100.0
can_close_complaints = true
common_issues_resolvable = 0.84
escalation_share = 0.09
training_hours_per_year = 32
cx_trained_share = 0.94
systems_per_interaction = 3
scorecard_kpis = ["nps", "fcr", "appointments_kept"]
contacts_per_agent_hour = 3
occupancy = 0.71
service_level = 0.86
service_level_target = 0.80

[[plugins.cxframe-employee.roles]]
id = "cc-agent"
name = "Contact-centre agent"
headcount = 92
refund_limit = 25.0
can_close_complaints = true
common_issues_resolvable = 0.64
escalation_share = 0.18
training_hours_per_year = 26
cx_trained_share = 0.91
systems_per_interaction = 6
scorecard_kpis = ["aht", "fcr", "csat"]
contacts_per_agent_hour = 9
occupancy = 0.94
service_level = 0.66
service_level_target = 0.80

[[plugins.cxframe-employee.roles]]
id = "chat-agent"
name = "Chat agent"
headcount = 16
refund_limit = 50.0
can_close_complaints = false
common_issues_resolvable = 0.81
escalation_share = 0.11
training_hours_per_year = 24
cx_trained_share = 0.95
systems_per_interaction = 4
scorecard_kpis = ["aht", "contacts_handled", "adherence"]
contacts_per_agent_hour = 7
occupancy = 0.80
service_level = 0.83
service_level_target = 0.80

[[plugins.cxframe-employee.roles]]
id = "dispute-specialist"
name = "Card-dispute specialist"
headcount = 4
refund_limit = 500.0
can_close_complaints = true
common_issues_resolvable = 0.92
escalation_share = 0.05
training_hours_per_year = 40
cx_trained_share = 1.0
systems_per_interaction = 3
scorecard_kpis = ["resolution_rate", "aht"]
contacts_per_agent_hour = 4
occupancy = 0.78
service_level = 0.82
service_level_target = 0.80

[[plugins.cxframe-employee.roles]]
id = "team-leader"
name = "Team leader"
frontline = false
headcount = 14

[plugins.cxframe-employee.voice_of_employee]
channel = "quarterly frontline forum and an ideas board on the intranet"
suggestions = 46
acted_on = 17

[plugins.cxframe-employee.thresholds]
anonymity_threshold = 5

[plugins.cxframe-employee.link]
employee_metric = "enps"
customer_metric = "nps"
team_column = "team"
"""

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

COMMENTS = {
    "promoter": (
        "Opened the account on my lunch break, card arrived in four days",
        "The adviser in branch sorted it in five minutes",
        "App is brilliant, love the instant notifications",
        "Got my money back within a week, thank you",
        "Friendly, knew my history without me explaining",
    ),
    "passive": (
        "Fine, but the app logged me out twice",
        "OK in the end, took longer than promised",
        "Good rates, branch is a bit far now",
        "Chat was helpful but slow to connect",
    ),
    "detractor": (
        "Waited 35 minutes on hold, then got cut off",
        "Had to explain the dispute three times to three people",
        "ID check kept rejecting my passport photo",
        "Nobody told me what was happening with my dispute for three weeks",
        "The tracker just says 'in progress'. In progress since March!",
        "Agent said she could not refund £12 without a manager",
    ),
}

#: Comments with characters reports must escape, and one in Chinese: respondent data as it arrives.
SPECIAL_COMMENTS = {
    97: 'Fees < £5 & "no hidden charges"? Not what I was charged',
    412: "<script>alert(1)</script>",
    733: "Tom & Jerry's café <Leeds> payment still not refunded — 3rd call",
    1208: "客服很耐心，问题一次就解决了，谢谢！",
    1650: "Rated 10/10 <b>great</b> service",
}

STAFF_COMMENTS = (
    "Give us authority to refund small amounts",
    "Six screens per call is too many",
    "Team leader listens and acts on ideas",
    "Not enough people on Mondays",
    "Training on disputes was really useful",
)


def _survey_rows(responses: list[Response]) -> list[list[str]]:
    rows = []
    for response in responses:
        comment = SPECIAL_COMMENTS.get(response.number, response.comment)
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
