"""``cxframe loop notify`` against real servers on 127.0.0.1: an SMTP server (aiosmtpd) and an HTTP server.

Each owner gets one alert per destination with their new and overdue cases;
what was delivered is never sent again; a server that refuses or fails marks
nothing sent and is tried again on the next run; ``--dry-run`` records nothing.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import http.server
import json
import socket
import ssl
import threading
import time
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

import cxframe
import cxframe_improve
import cxframe_nps
from cxframe import InvalidInput, Notifier, testing

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
HEADER = "response_id,customer_id,email,submitted_at,touchpoint,region,comment,likely_to_recommend"
# (response, customer, e-mail, hours ago, touchpoint, region, comment, nps)
ROWS: list[tuple[Any, ...]] = [
    ("r1", "c1", "ann@example.org", 10, "contact-centre", "North", "Waited an hour <!channel> & more", 3),
    ("r2", "c2", "bob@example.org", 60, "web", "South", "Page broke twice", 6),
    ("r3", "c3", "cat@example.org", 5, "web", "North", "x" * 300, 5),
    ("r4", "c4", "dan@example.org", 2, "web", "South", "Great", 10),
]
OWNERS = {"touchpoint:contact-centre": "Head of Contact Centre", "region:North": "North lead", "default": "CX team"}
#: every case to one owner, for the tests about one alert
SOLO = {"default": "CX team"}


def stamp(hours_ago: float) -> str:
    return (NOW - dt.timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def make_programme(
    tmp_path: Path, notify: dict[str, Any], rows: list[tuple[Any, ...]] = ROWS, owners: dict[str, str] = OWNERS
) -> Path:
    root = testing.make_programme(
        tmp_path / "p",
        sources=[
            {
                "id": "survey",
                "collector": "survey-csv",
                "path": "data/survey.csv",
                "columns": {
                    "response_id": "response_id",
                    "respondent_id": "customer_id",
                    "timestamp": "submitted_at",
                    "touchpoint": "touchpoint",
                    "comment": "comment",
                    "segments": ["region", "email"],
                    "questions": {"nps": "likely_to_recommend"},
                },
            }
        ],
        plugins={
            "cxframe-improve": {"loop": [{"metric": "nps", "at_or_below": 6, "owners": owners}], "notify": notify}
        },
    )
    write_survey(root, rows)
    return root


def write_survey(root: Path, rows: list[tuple[Any, ...]]) -> None:
    lines = [HEADER]
    for rid, customer, mail, hours, touchpoint, region, comment, nps in rows:
        lines.append(f"{rid},{customer},{mail},{stamp(hours)},{touchpoint},{region},{comment},{nps}")
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def host() -> Any:
    return testing.plugin_host(cxframe_nps, cxframe_improve)


def cli(root: Path, *args: str) -> Any:
    return testing.invoke(["-C", str(root), *args], host=host())


def collected(
    tmp_path: Path, notify: dict[str, Any], rows: list[tuple[Any, ...]] = ROWS, owners: dict[str, str] = OWNERS
) -> Path:
    root = make_programme(tmp_path, notify, rows, owners)
    result = cli(root, "collect")
    assert result.exit_code == 0, result.output
    return root


# --- servers ----------------------------------------------------------------------------


class Mailbox:
    """An aiosmtpd handler keeping what it was given; ``refuse`` makes it answer 451 to every message.

    ``unknown`` are addresses it answers 550 to, as a server does for a mailbox it does not have.
    """

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse = False
        self.unknown: set[str] = set()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.unknown:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 Requested action aborted: try again later"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, email.message.EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


class Hook:
    """What the HTTP server was posted, and the status it answers with."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.status = 200
        self.delay = 0.0


@pytest.fixture
def webhook() -> Iterator[tuple[Hook, str]]:
    hook = Hook()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            body = self.rfile.read(length)
            time.sleep(hook.delay)
            if hook.status == 200:
                assert self.headers["Content-Type"].startswith("application/json")
                hook.posts.append(json.loads(body))
            self.send_response(hook.status)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook, f"http://127.0.0.1:{server.server_address[1]}/hooks/secret-token"
    finally:
        server.shutdown()
        server.server_close()


def email_settings(port: int, **extra: Any) -> dict[str, Any]:
    return {"host": "127.0.0.1", "port": port, "starttls": False, "sender": "CX loop <loop@example.com>", **extra}


ROUTES = {
    "Head of Contact Centre": "email:cc.head@example.com",
    "North lead": ["email:north@example.com", "webhook:#north-cx"],
    "default": "email:cx@example.com",
}


def notified(root: Path, *args: str, code: int = 0) -> dict[str, Any]:
    result = cli(root, "loop", "notify", "--json", *args)
    assert result.exit_code == code, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


# --- e-mail and webhook ---------------------------------------------------------------


def test_each_owner_gets_one_alert_per_destination_with_new_and_overdue_cases(
    tmp_path: Path, smtp: tuple[Mailbox, int], webhook: tuple[Hook, str]
) -> None:
    mailbox, port = smtp
    hook, url = webhook
    root = collected(tmp_path, {"recipients": ROUTES, "email": email_settings(port), "webhook": {"url": url}})
    # cases: 1 = r2 (web, South, 60 h ago: overdue), 2 = r1 (contact centre), 3 = r3 (North)
    result = notified(root)
    assert result["dry_run"] is False and result["unrouted"] == []
    sent = [(a["owner"], a["notifier"], a["recipient"], a["new"], a["overdue"], a["status"]) for a in result["alerts"]]
    assert sent == [
        ("CX team", "email", "cx@example.com", [], [1], "sent"),
        ("Head of Contact Centre", "email", "cc.head@example.com", [2], [], "sent"),
        ("North lead", "email", "north@example.com", [3], [], "sent"),
        ("North lead", "webhook", "#north-cx", [3], [], "sent"),
    ]
    assert sorted(str(m["To"]) for m in mailbox.messages) == [
        "cc.head@example.com",
        "cx@example.com",
        "north@example.com",
    ]
    head = next(m for m in mailbox.messages if m["To"] == "cc.head@example.com")
    assert str(head["From"]) == "CX loop <loop@example.com>"
    assert head["Subject"] == "Test programme: 1 new case to follow up — Head of Contact Centre"
    body = head.get_content()
    assert "Case 2 · nps 3 · contact-centre · due " in body and "respondent c1" in body
    assert '"Waited an hour <!channel> & more"' in body
    overdue = next(m for m in mailbox.messages if m["To"] == "cx@example.com")
    assert "1 overdue case" in overdue["Subject"] and "Overdue (past their due time):" in overdue.get_content()
    # the webhook: Slack/Teams-style text, escaped, plus the structured part
    [post] = hook.posts
    assert post["text"].startswith("Test programme: 1 new case to follow up — North lead")
    assert "&lt;!channel&gt;" not in post["text"] and "<" not in post["text"]
    alert = post["alert"]
    assert (alert["owner"], alert["recipient"], alert["cases"], alert["overdue"]) == (
        "North lead",
        "#north-cx",
        [3],
        [],
    )
    [item] = alert["new"]
    assert set(item) == {"case", "metric", "score", "touchpoint", "due", "respondent_id", "comment"}
    assert item["comment"] == "x" * 159 + "…" and item["respondent_id"] == "c3"


def test_personal_data_in_an_alert_is_kept_to_what_the_owner_needs(
    tmp_path: Path, smtp: tuple[Mailbox, int], webhook: tuple[Hook, str]
) -> None:
    mailbox, port = smtp
    hook, url = webhook
    notify = {"recipients": ROUTES, "email": email_settings(port), "webhook": {"url": url}, "comment_chars": 0}
    root = collected(tmp_path, notify)
    notified(root)
    everything = " ".join(m.as_string() for m in mailbox.messages) + json.dumps(hook.posts)
    # the respondents' e-mail addresses (a segment column) and regions never leave; nor do comments with 0 chars
    assert "@example.org" not in everything and "South" not in everything
    assert "Waited an hour" not in everything and "Page broke" not in everything
    assert "respondent c1" in everything


def test_never_the_same_alert_twice_but_a_case_that_falls_overdue_is_told_again(
    tmp_path: Path, smtp: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtp
    root = collected(
        tmp_path, {"recipients": {"default": "email:cx@example.com"}, "email": email_settings(port)}, owners=SOLO
    )
    assert len(notified(root)["alerts"]) == 1
    assert notified(root)["alerts"] == []
    assert len(mailbox.messages) == 1
    # a new unhappy answer: only its case is sent
    write_survey(root, [*ROWS, ("r5", "c5", "eve@example.org", 1, "store", "South", "Rude", 0)])
    assert cli(root, "collect").exit_code == 0
    [alert] = notified(root)["alerts"]
    assert (alert["new"], alert["overdue"]) == ([4], [])
    # 50 hours later cases 2, 3 and 4 are overdue: told once more, as overdue; the already overdue case 1 is not
    later = NOW + dt.timedelta(hours=50)
    result = cxframe_improve.notify_owners(root, now=later, host=host())
    [late] = result.alerts
    assert (late.new, late.overdue, late.status) == ((), (2, 3, 4), "sent")
    assert cxframe_improve.notify_owners(root, now=later, host=host()).alerts == ()
    # a closed case is not alerted
    assert len(mailbox.messages) == 3


def test_a_closed_case_is_not_alerted(tmp_path: Path, smtp: tuple[Mailbox, int]) -> None:
    _, port = smtp
    root = collected(
        tmp_path, {"recipients": {"default": "email:cx@example.com"}, "email": email_settings(port)}, owners=SOLO
    )
    cxframe_improve.update_case(root, 1, "resolved", host=host())
    [alert] = notified(root)["alerts"]
    assert (alert["new"], alert["overdue"]) == ([2, 3], [])


def test_dry_run_shows_the_alerts_and_records_nothing(tmp_path: Path, smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    root = collected(
        tmp_path, {"recipients": {**ROUTES, "North lead": "email:north@example.com"}, "email": email_settings(port)}
    )
    shown = cli(root, "loop", "notify", "--dry-run")
    assert shown.exit_code == 0, shown.output
    assert "would send to Head of Contact Centre (email:cc.head@example.com): 1 new" in shown.stdout
    assert "Subject: Test programme: 1 new case to follow up — Head of Contact Centre" in shown.stdout
    assert "Waited an hour <!channel> & more" in shown.stdout  # shown as it is, never read as markup
    planned = notified(root, "--dry-run")
    assert {a["status"] for a in planned["alerts"]} == {"dry_run"}
    assert mailbox.messages == []
    assert testing.read_table(root, "improve_alerts_sent") == []
    assert testing.read_table(root, "improve_alert_sends") == []
    # the real run then sends exactly what the dry run showed
    sent = notified(root)
    assert [(a["owner"], a["recipient"], a["body"]) for a in sent["alerts"]] == [
        (a["owner"], a["recipient"], a["body"]) for a in planned["alerts"]
    ]


# --- failing servers -------------------------------------------------------------------


def test_a_refusing_smtp_server_marks_nothing_sent_and_the_next_run_retries(
    tmp_path: Path, smtp: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtp
    closed = free_port()  # nothing listens there: connection refused
    root = collected(
        tmp_path, {"recipients": {"default": "email:cx@example.com"}, "email": email_settings(closed)}, owners=SOLO
    )
    result = cli(root, "loop", "notify", "--json")
    assert result.exit_code == 4, result.output
    [alert] = json.loads(result.stdout)["alerts"]
    assert alert["status"] == "failed" and f"SMTP server 127.0.0.1:{closed}" in alert["error"]
    assert "1 of 1 alert(s) could not be delivered" in result.stderr and "Traceback" not in result.output
    assert testing.read_table(root, "improve_alerts_sent") == []
    [attempt] = cxframe_improve.alert_log(root, host=host())
    assert attempt["sent"] is False and attempt["cases"] == [1, 2, 3] and attempt["error"]
    # the server answers 451 to the message: still nothing sent
    mailbox.refuse = True
    root_file = root / "cxframe.toml"
    root_file.write_text(root_file.read_text(encoding="utf-8").replace(f"port = {closed}", f"port = {port}"), "utf-8")
    [alert] = notified(root, code=4)["alerts"]
    assert alert["status"] == "failed" and "451" in alert["error"]
    assert testing.read_table(root, "improve_alerts_sent") == []
    # the server is back: the same alert goes out, once
    mailbox.refuse = False
    [alert] = notified(root)["alerts"]
    assert (alert["status"], alert["overdue"], alert["new"]) == ("sent", [1], [2, 3])
    assert notified(root)["alerts"] == []
    assert len(mailbox.messages) == 1
    assert [entry["sent"] for entry in cxframe_improve.alert_log(root, host=host())] == [False, False, True]


def test_a_refused_recipient_fails_alone_on_the_same_connection(tmp_path: Path, smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    mailbox.unknown = {"cc.head@example.com"}
    routes = {"Head of Contact Centre": "email:cc.head@example.com", "default": "email:cx@example.com"}
    root = collected(tmp_path, {"recipients": routes, "email": email_settings(port)})
    result = notified(root, code=4)
    assert [(a["owner"], a["status"]) for a in result["alerts"]] == [
        ("CX team", "sent"),
        ("Head of Contact Centre", "failed"),
        ("North lead", "sent"),
    ]
    assert "cc.head@example.com: 550 5.1.1 No such user here" in result["alerts"][1]["error"]
    assert sorted(str(m["To"]) for m in mailbox.messages) == ["cx@example.com", "cx@example.com"]
    # the address is fixed on the server: only the refused alert goes out on the next run
    mailbox.unknown = set()
    [alert] = notified(root)["alerts"]
    assert (alert["owner"], alert["new"], alert["status"]) == ("Head of Contact Centre", [2], "sent")
    assert len(mailbox.messages) == 3


def test_a_failing_webhook_marks_nothing_sent_and_the_email_still_goes(
    tmp_path: Path, smtp: tuple[Mailbox, int], webhook: tuple[Hook, str]
) -> None:
    mailbox, port = smtp
    hook, url = webhook
    hook.status = 500
    routes = {"default": ["webhook", "email:cx@example.com"]}
    root = collected(
        tmp_path, {"recipients": routes, "email": email_settings(port), "webhook": {"url": url}}, owners=SOLO
    )
    result = notified(root, code=4)
    assert [(a["notifier"], a["status"]) for a in result["alerts"]] == [("webhook", "failed"), ("email", "sent")]
    error = result["alerts"][0]["error"]
    assert "HTTP 500" in error and "secret-token" not in error  # a webhook's path may be its secret
    hook.status = 200
    result = notified(root)
    assert [(a["notifier"], a["status"], a["new"], a["overdue"]) for a in result["alerts"]] == [
        ("webhook", "sent", [2, 3], [1])
    ]
    assert notified(root)["alerts"] == [] and len(mailbox.messages) == 1 and len(hook.posts) == 1


def test_two_runs_at_once_send_each_alert_once(tmp_path: Path, webhook: tuple[Hook, str]) -> None:
    hook, url = webhook
    hook.delay = 0.5  # a slow server: the second run starts while the first is sending
    root = collected(tmp_path, {"recipients": {"default": "webhook"}, "webhook": {"url": url}}, owners=SOLO)
    results: list[Any] = []

    def run() -> None:
        results.append(cxframe_improve.notify_owners(root, host=host()))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(len(result.alerts) for result in results) == [0, 1]
    assert len(hook.posts) == 1


def test_an_unreachable_webhook_is_a_failed_send(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/hook"
    root = collected(
        tmp_path, {"recipients": {"default": "webhook"}, "webhook": {"url": url, "timeout": 2}}, owners=SOLO
    )
    [alert] = notified(root, code=4)["alerts"]
    assert alert["status"] == "failed" and alert["error"].startswith("webhook http://127.0.0.1:")
    assert "/hook" not in alert["error"]


# --- STARTTLS and login ------------------------------------------------------------------


def test_starttls_with_login_and_a_password_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        return AuthResult(success=data.password == b"s3cret", handled=False)

    mailbox = Mailbox()
    port = free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_context,
        require_starttls=True,
        authenticator=authenticator,
        auth_require_tls=True,
    )
    controller.start()
    try:
        settings = email_settings(
            port,
            starttls=True,
            username="loop",
            password_env="CXFRAME_TEST_SMTP_PASSWORD",
            ca_file="ca.pem",
            timeout=5,
        )
        root = make_programme(
            tmp_path, {"recipients": {"default": "email:cx@example.com"}, "email": settings}, owners=SOLO
        )
        authority.cert_pem.write_to_path(str(root / "ca.pem"))
        assert cli(root, "collect").exit_code == 0
        # the variable is not set: a clear error before anything is sent
        monkeypatch.delenv("CXFRAME_TEST_SMTP_PASSWORD", raising=False)
        missing = cli(root, "loop", "notify")
        assert missing.exit_code == 1
        assert "the environment variable CXFRAME_TEST_SMTP_PASSWORD is not set" in missing.stderr
        # a wrong password: the login fails, nothing is sent
        monkeypatch.setenv("CXFRAME_TEST_SMTP_PASSWORD", "wrong")
        [alert] = notified(root, code=4)["alerts"]
        assert alert["status"] == "failed" and "535" in alert["error"]
        monkeypatch.setenv("CXFRAME_TEST_SMTP_PASSWORD", "s3cret")
        [alert] = notified(root)["alerts"]
        assert alert["status"] == "sent" and len(mailbox.messages) == 1
        # smtplib tries each method the server offers before giving up on a wrong password
        assert set(logins[:-1]) == {(b"loop", b"wrong")} and logins[-1] == (b"loop", b"s3cret")
    finally:
        controller.stop()


def test_starttls_refuses_a_certificate_it_cannot_verify(tmp_path: Path) -> None:
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, tls_context=server_context)
    controller.start()
    try:
        settings = email_settings(port, starttls=True)  # no ca_file: the test CA is not trusted
        root = collected(tmp_path, {"recipients": {"default": "email:cx@example.com"}, "email": settings}, owners=SOLO)
        [alert] = notified(root, code=4)["alerts"]
        assert alert["status"] == "failed" and "CERTIFICATE_VERIFY_FAILED" in alert["error"]
        assert mailbox.messages == []
    finally:
        controller.stop()


# --- settings --------------------------------------------------------------------------------


def test_a_password_in_the_programme_file_is_an_error_that_says_why(tmp_path: Path) -> None:
    settings = email_settings(25, starttls=True, username="loop", password="hunter2")
    root = make_programme(tmp_path, {"recipients": {"default": "email:cx@example.com"}, "email": settings})
    result = cli(root, "validate")
    assert result.exit_code == 1
    assert (
        "plugins.cxframe-improve.notify.email.password: secrets are never read from the programme file" in result.output
    )
    assert "name that variable in password_env" in result.output
    assert "plugins.cxframe-improve.notify.email.password_env: required with username" in result.output


@pytest.mark.parametrize(
    ("notify", "message"),
    [
        ({"colour": "red"}, "plugins.cxframe-improve.notify.colour: unknown key"),
        ({"recipients": {"CX team": "cx@example.com"}}, "for an e-mail write 'email:cx@example.com'"),
        ({"recipients": {"CX team": "email:nobody"}}, "recipients.'CX team': 'email:' needs an e-mail address"),
        ({"recipients": {"default": 3}}, "recipients.default: expected 'NOTIFIER:ADDRESS'"),
        ({"comment_chars": -1}, "notify.comment_chars: expected a whole number of characters"),
        ({"email": {"host": "smtp.example.com"}}, "notify.email.sender: expected a text"),
        ({"email": {"sender": "loop@example.com"}}, "notify.email.host: expected a text"),
        ({"email": {"host": "h", "sender": "no-address"}}, "notify.email.sender: expected an e-mail address"),
        ({"email": {"host": "h", "sender": "a@b.c", "port": 70000}}, "notify.email.port: expected a port number"),
        ({"email": {"host": "h", "sender": "a@b.c", "starttls": "yes"}}, "notify.email.starttls: expected true or"),
        (
            {"email": {"host": "h", "sender": "a@b.c", "starttls": False, "username": "u", "password_env": "P"}},
            "notify.email.username: logging in without starttls would send the password unencrypted",
        ),
        ({"email": {"host": "h", "sender": "a@b.c", "password_env": "not a name"}}, "notify.email.password_env:"),
        ({"email": {"host": "h", "sender": "a@b.c", "ca_file": "nowhere.pem"}}, "notify.email.ca_file: no such file"),
        ({"webhook": {}}, "notify.webhook: give url, or url_env"),
        ({"webhook": {"url": "ftp://x"}}, "notify.webhook.url: 'ftp://x' is not an http(s) URL"),
        ({"webhook": {"url": "http://x", "timeout": 0}}, "notify.webhook.timeout: expected a number of seconds"),
        ({"webhook": {"url": "http://x", "token": "t"}}, "notify.webhook.token: secrets are never read"),
    ],
)
def test_bad_notify_settings_are_errors_naming_the_key(tmp_path: Path, notify: dict[str, Any], message: str) -> None:
    root = make_programme(tmp_path, notify)
    result = cli(root, "validate")
    assert result.exit_code == 1
    assert message in result.output, result.output
    assert "Traceback" not in result.output


def test_an_unknown_notifier_is_caught_by_validate_naming_the_file_and_key(
    tmp_path: Path, smtp: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtp
    routes = {"Head of Contact Centre": "pager:cc", "default": "email:cx@example.com"}
    root = make_programme(tmp_path, {"recipients": routes, "email": email_settings(port)})
    result = cli(root, "validate")
    assert result.exit_code == 1
    assert (
        f"{root / 'cxframe.toml'}: plugins.cxframe-improve.notify.recipients.'Head of Contact Centre': "
        "no notifier 'pager' is registered; known: email" in result.stderr
    )
    # any command stops on it, before anything is stored or sent
    result = cli(root, "collect")
    assert result.exit_code == 1 and "no notifier 'pager' is registered" in result.stderr
    result = cli(root, "loop", "notify")
    assert result.exit_code == 1 and mailbox.messages == []
    unconfigured = make_programme(tmp_path / "webhook", {"recipients": {"default": "webhook"}})
    problems = cxframe.validate(unconfigured, host=host())
    assert problems == [
        f"{unconfigured / 'cxframe.toml'}: plugins.cxframe-improve.notify.recipients.default: no notifier 'webhook' "
        "is registered (configure [plugins.cxframe-improve.notify.webhook]); known: none"
    ]
    with pytest.raises(InvalidInput, match=r"no notifier 'webhook' is registered \(configure \["):
        cxframe_improve.notify_owners(unconfigured, host=host())
    # a notifier another plugin registers is known
    routes = {"default": "pager:cx"}
    pager = types.ModuleType("cxframe_pager")
    pager.register_notifiers = cxframe.hookimpl(lambda: [Notifier("pager", "Pager", lambda m: [])])  # type: ignore[attr-defined]
    paged = make_programme(tmp_path / "paged", {"recipients": routes})
    assert cxframe.validate(paged, host=testing.plugin_host(cxframe_nps, cxframe_improve, pager)) == []


def test_owners_without_a_recipient_are_reported_not_alerted(tmp_path: Path, smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    root = collected(tmp_path, {"recipients": {"North lead": "email:north@example.com"}, "email": email_settings(port)})
    result = cli(root, "loop", "notify")
    assert result.exit_code == 0, result.output
    assert "sent to North lead (email:north@example.com): 1 new" in result.stdout
    assert "no recipient for CX team (case 1)" in result.stderr
    assert "no recipient for Head of Contact Centre (case 2)" in result.stderr
    data = notified(root)
    assert data["alerts"] == [] and data["unrouted"] == [
        {"owner": "CX team", "cases": [1]},
        {"owner": "Head of Contact Centre", "cases": [2]},
    ]
    assert len(mailbox.messages) == 1


def test_a_webhook_url_from_the_environment(
    tmp_path: Path, webhook: tuple[Hook, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    hook, url = webhook
    root = collected(
        tmp_path, {"recipients": {"default": "webhook"}, "webhook": {"url_env": "CXFRAME_TEST_HOOK"}}, owners=SOLO
    )
    monkeypatch.delenv("CXFRAME_TEST_HOOK", raising=False)
    with pytest.raises(InvalidInput, match="the environment variable CXFRAME_TEST_HOOK is not set"):
        cxframe_improve.notify_owners(root, host=host())
    assert cxframe_improve.notify_owners(root, dry_run=True, host=host()).alerts  # a dry run needs no secret
    monkeypatch.setenv("CXFRAME_TEST_HOOK", url)
    [alert] = cxframe_improve.notify_owners(root, host=host()).alerts
    assert alert.status == "sent" and hook.posts[0]["alert"]["recipient"] is None


def test_no_notify_settings_no_alerts_and_the_output_says_recipients_are_missing(tmp_path: Path) -> None:
    root = collected(tmp_path, {})
    for args in ([], ["--dry-run"]):
        result = cli(root, "loop", "notify", *args)
        assert result.exit_code == 0, result.output
        assert "no recipient for CX team" in result.stderr
        said = result.stdout
        # not "every owner with a recipient has been told", which reads as if all were done
        assert "every owner with a recipient has been told" not in said
        assert said.startswith(
            "nothing to send: the owners of the open cases (CX team, Head of Contact Centre, North lead) "
            "have no recipient"
        )
        assert '[plugins.cxframe-improve.notify]\nrecipients = { default = "email:cx@example.com" }' in said


def test_shorten() -> None:
    from cxframe_improve.notify import shorten

    assert shorten("  a\n\tb  ", 10) == "a b"
    assert shorten("abcdef", 4) == "abc…"
    assert shorten("abc", 0) is None and shorten(None, 5) is None and shorten("\x00\n", 5) is None


def test_a_message_the_server_cannot_take_fails_alone_and_the_others_still_go() -> None:
    # an address outside ASCII needs SMTPUTF8, which this server lacks; a header with a line break cannot be
    # written at all: each is that message's failure, not the connection's, so the others (before and after)
    # are delivered and counted as sent (else `loop notify` would send them again on every run, or never)
    from cxframe import AlertMessage
    from cxframe_improve.notifiers import EmailSettings, send_email

    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, enable_SMTPUTF8=False)
    controller.start()
    settings = EmailSettings("127.0.0.1", "CX loop <loop@example.com>", port=port, starttls=False)
    messages = [
        AlertMessage(owner="A", recipient="a@example.com", subject="1 new case", body="Case 1"),
        AlertMessage(owner="B", recipient="josé@example.com", subject="1 new case", body="Case 2"),
        AlertMessage(owner="C", recipient="c@example.com", subject="1 new case\nBcc: x@example.com", body="Case 3"),
        AlertMessage(owner="D", recipient="d@example.com", subject="1 new case", body="Case 4"),
    ]
    try:
        deliveries = send_email(settings, messages)
    finally:
        controller.stop()
    assert [d.sent for d in deliveries] == [True, False, False, True]
    assert "josé@example.com" in (deliveries[1].error or "") and "SMTPUTF8" in (deliveries[1].error or "")
    assert "line" in (deliveries[2].error or "")
    assert sorted(str(m["To"]) for m in mailbox.messages) == ["a@example.com", "d@example.com"]


def test_a_webhook_that_redirects_is_not_counted_as_delivered() -> None:
    # urllib follows a 301/302 answer to a POST with a GET without the body: the alert never reaches the
    # webhook, so a 2xx answer to that GET must not count as delivered (else it is marked sent and lost)
    from cxframe import AlertMessage
    from cxframe_improve.notifiers import WebhookSettings, post_webhook

    got: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            got.append("POST")
            self.send_response(301)
            self.send_header("Location", "/moved")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            got.append("GET")
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings = WebhookSettings(f"http://127.0.0.1:{server.server_address[1]}/hook", None, 5.0)
        message = AlertMessage(owner="CX team", recipient="", subject="1 new case", body="Case 1")
        [delivery] = post_webhook(settings, [message])
    finally:
        server.shutdown()
        server.server_close()
    assert not delivery.sent
    error = delivery.error or ""
    assert "HTTP 301" in error and f"a redirect to http://127.0.0.1:{server.server_address[1]}/…" in error
    assert "/moved" not in error and "/hook" not in error  # a path may hold the webhook's secret
    assert got == ["POST"]
