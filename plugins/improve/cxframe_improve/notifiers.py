"""The built-in notifiers and their settings: e-mail over SMTP and a JSON webhook.

::

    [plugins.cxframe-improve.notify]
    recipients = { "Head of Contact Centre" = "email:cc.head@example.com", "North lead" = ["email:north@example.com", "webhook"], default = "webhook" }
    comment_chars = 160                  # how much of a comment an alert shows (0: none; default 160)

    [plugins.cxframe-improve.notify.email]
    host = "smtp.example.com"
    port = 587                           # default 587 with STARTTLS, 25 without
    starttls = true                      # default true
    sender = "CX loop <cx-loop@example.com>"
    username = "cx-loop"                 # optional; then password_env is required
    password_env = "CXFRAME_SMTP_PASSWORD"
    ca_file = "certs/internal-ca.pem"    # optional: a CA the server's certificate is checked against
    timeout = 30                         # seconds

    [plugins.cxframe-improve.notify.webhook]
    url = "https://hooks.example.com/…"  # or url_env = "CXFRAME_WEBHOOK_URL" (a webhook URL is often a secret)
    timeout = 10

A notifier is registered only when its table is there. Secrets never come
from the programme file: a ``password`` key is an error that says why, and
the password is read from the environment variable ``password_env`` names,
when the e-mail is sent.
"""

from __future__ import annotations

import email.utils
import json
import math
import os
import re
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import attrs

from cxframe import AlertMessage, Delivery, InvalidInput, Notifier, Programme
from cxframe_improve.settings import SETTINGS

PREFIX = f"plugins.{SETTINGS}.notify"
DEFAULT_COMMENT_CHARS = 160
_NOTIFY_KEYS = ("recipients", "comment_chars", "email", "webhook")
_EMAIL_KEYS = ("host", "port", "starttls", "sender", "username", "password_env", "ca_file", "timeout")
_WEBHOOK_KEYS = ("url", "url_env", "timeout")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NOTIFIER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_SECRET_KEYS = ("password", "pass", "secret", "token")


@attrs.frozen
class Destination:
    """Where an owner's alerts go: a notifier (by id) and the address in its terms (may be empty)."""

    notifier: str
    address: str = ""

    def __str__(self) -> str:
        return f"{self.notifier}:{self.address}" if self.address else self.notifier


@attrs.frozen
class EmailSettings:
    """``[plugins.cxframe-improve.notify.email]``: the SMTP server and the sender."""

    host: str
    sender: str
    port: int = 587
    starttls: bool = True
    username: str | None = None
    password_env: str | None = None
    ca_file: Path | None = None
    timeout: float = 30.0

    def password(self) -> str | None:
        """The password from its environment variable; `InvalidInput` naming the variable when it is not set."""
        if self.username is None or self.password_env is None:
            return None
        value = os.environ.get(self.password_env)
        if not value:
            raise InvalidInput(
                [
                    f"{PREFIX}.email.password_env: the environment variable {self.password_env} is not set; "
                    "set it to the SMTP password before sending"
                ]
            )
        return value


@attrs.frozen
class WebhookSettings:
    """``[plugins.cxframe-improve.notify.webhook]``: where to POST (or the variable holding it) and how long to wait."""

    url: str | None = None
    url_env: str | None = None
    timeout: float = 10.0

    def target(self) -> str:
        """The URL, from the file or its environment variable; `InvalidInput` naming the variable when it is not set."""
        if self.url is not None:
            return self.url
        value = os.environ.get(self.url_env or "")
        if not value:
            raise InvalidInput(
                [f"{PREFIX}.webhook.url_env: the environment variable {self.url_env} is not set; set it to the URL"]
            )
        problem = _url_problem(value)
        if problem:
            raise InvalidInput([f"{PREFIX}.webhook.url_env: the URL in {self.url_env} {problem}"])
        return value


@attrs.frozen
class NotifySettings:
    """``[plugins.cxframe-improve.notify]``: who gets which owner's alerts, and the notifiers' settings."""

    #: owner → where their alerts go, in the order written
    recipients: dict[str, tuple[Destination, ...]] = attrs.field(factory=dict)
    #: where the alerts of owners not named in ``recipients`` (and of cases without an owner) go
    default: tuple[Destination, ...] = ()
    comment_chars: int = DEFAULT_COMMENT_CHARS
    email: EmailSettings | None = None
    webhook: WebhookSettings | None = None

    def destinations(self, owner: str | None) -> tuple[Destination, ...]:
        """Where ``owner``'s alerts go: their own route, else the default (none: not alerted)."""
        if owner is not None and owner in self.recipients:
            return self.recipients[owner]
        return self.default


def _url_problem(url: str) -> str | None:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return "is not an http(s) URL"
    return None


def _seconds(value: Any, key: str, default: float, problems: list[str]) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        problems.append(f"{key}: expected a number of seconds more than 0, got {value!r}")
        return default
    return float(value)


def _env_name(value: Any, key: str, problems: list[str]) -> str | None:
    if not isinstance(value, str) or not _ENV_NAME.match(value):
        problems.append(
            f"{key}: expected the name of an environment variable (such as CXFRAME_SMTP_PASSWORD), got {value!r}"
        )
        return None
    return value


def _secrets(table: dict[str, Any], key: str, problems: list[str], instead: str) -> None:
    for name in sorted(table):
        if name.lower() in _SECRET_KEYS:
            problems.append(
                f"{key}.{name}: secrets are never read from the programme file (it is shared, kept in version "
                f"control and backups); put it in an environment variable and name that variable in {instead}"
            )


def _unknown(table: dict[str, Any], known: Sequence[str], key: str, problems: list[str]) -> None:
    for name in sorted(set(table) - set(known) - set(_SECRET_KEYS)):
        problems.append(f"{key}.{name}: unknown key (known: {', '.join(known)})")


def _text(table: dict[str, Any], name: str, key: str, problems: list[str], *, required: bool) -> str | None:
    value = table.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{key}.{name}: expected a text, got {value!r}")
        return None
    return value.strip()


def _email(table: Any, root: Path, problems: list[str]) -> EmailSettings | None:
    key = f"{PREFIX}.email"
    if not isinstance(table, dict):
        problems.append(f'{key}: expected a table such as {{ host = "smtp.example.com", sender = "cx@example.com" }}')
        return None
    before = len(problems)
    _secrets(table, key, problems, "password_env")
    _unknown(table, _EMAIL_KEYS, key, problems)
    host = _text(table, "host", key, problems, required=True)
    sender = _text(table, "sender", key, problems, required=True)
    if sender is not None and "@" not in email.utils.parseaddr(sender)[1]:
        problems.append(f"{key}.sender: expected an e-mail address such as 'CX loop <cx@example.com>', got {sender!r}")
    starttls = table.get("starttls", True)
    if not isinstance(starttls, bool):
        problems.append(f"{key}.starttls: expected true or false, got {starttls!r}")
        starttls = True
    port = table.get("port", 587 if starttls else 25)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        problems.append(f"{key}.port: expected a port number from 1 to 65535, got {port!r}")
    username = _text(table, "username", key, problems, required=False)
    password_env = (
        _env_name(table["password_env"], f"{key}.password_env", problems) if "password_env" in table else None
    )
    if username is not None and "password_env" not in table:
        problems.append(f"{key}.password_env: required with username: the environment variable holding the password")
    if username is not None and not starttls:
        problems.append(f"{key}.username: logging in without starttls would send the password unencrypted")
    ca_file: Path | None = None
    if "ca_file" in table:
        text = _text(table, "ca_file", key, problems, required=True)
        if text is not None:
            ca_file = root / text
            if not ca_file.is_file():
                problems.append(f"{key}.ca_file: no such file {str(ca_file)!r}")
    timeout = _seconds(table.get("timeout"), f"{key}.timeout", 30.0, problems)
    if len(problems) > before or host is None or sender is None or not isinstance(port, int):
        return None
    return EmailSettings(host, sender, port, starttls, username, password_env, ca_file, timeout)


def _webhook(table: Any, problems: list[str]) -> WebhookSettings | None:
    key = f"{PREFIX}.webhook"
    if not isinstance(table, dict):
        problems.append(f'{key}: expected a table such as {{ url = "https://hooks.example.com/…" }}')
        return None
    before = len(problems)
    _secrets(table, key, problems, "url_env")
    _unknown(table, _WEBHOOK_KEYS, key, problems)
    url = _text(table, "url", key, problems, required=False)
    if url is not None and (problem := _url_problem(url)):
        problems.append(f"{key}.url: {url!r} {problem}")
    url_env = _env_name(table["url_env"], f"{key}.url_env", problems) if "url_env" in table else None
    if ("url" in table) == ("url_env" in table):
        problems.append(f"{key}: give url, or url_env naming the environment variable that holds it (one of them)")
    timeout = _seconds(table.get("timeout"), f"{key}.timeout", 10.0, problems)
    if len(problems) > before:
        return None
    return WebhookSettings(url, url_env, timeout)


def _destinations(value: Any, key: str, problems: list[str]) -> tuple[Destination, ...]:
    items = value if isinstance(value, list) else [value]
    found: list[Destination] = []
    for item in items:
        notifier, _, address = item.partition(":") if isinstance(item, str) else ("", "", "")
        notifier, address = notifier.strip(), address.strip()
        if isinstance(item, str) and "@" in notifier and not address:
            problems.append(f"{key}: expected 'NOTIFIER:ADDRESS'; for an e-mail write 'email:{item.strip()}'")
            continue
        if not notifier or not _NOTIFIER_ID.match(notifier):
            problems.append(
                f"{key}: expected 'NOTIFIER:ADDRESS' (e.g. 'email:cx@example.com', 'webhook') or a list of them, "
                f"got {item!r}"
            )
            continue
        if notifier == "email" and "@" not in email.utils.parseaddr(address)[1]:
            problems.append(f"{key}: 'email:' needs an e-mail address, such as 'email:cx@example.com', got {item!r}")
            continue
        found.append(Destination(notifier, address))
    if not items:
        problems.append(f"{key}: expected at least one 'NOTIFIER:ADDRESS'")
    return tuple(found)


def _owner_key(owner: str) -> str:
    return f"{PREFIX}.recipients.{owner!r}" if not owner.replace("_", "").isalnum() else f"{PREFIX}.recipients.{owner}"


def unknown_notifiers(settings: NotifySettings, known: Iterable[str]) -> list[str]:
    """A problem for each recipient route naming a notifier no plugin registers, with its key."""
    registered = set(known)
    hint = {"email": f" (configure [{PREFIX}.email])", "webhook": f" (configure [{PREFIX}.webhook])"}
    problems = []
    for owner, destinations in [*settings.recipients.items(), ("default", settings.default)]:
        for notifier in dict.fromkeys(d.notifier for d in destinations if d.notifier not in registered):
            problems.append(
                f"{_owner_key(owner)}: no notifier {notifier!r} is registered{hint.get(notifier, '')}; "
                f"known: {', '.join(sorted(registered)) or 'none'}"
            )
    return problems


def load_notify_settings(programme: Programme | None) -> NotifySettings:
    """``[plugins.cxframe-improve.notify]`` (empty settings without one); `InvalidInput` naming every bad key."""
    if programme is None:
        return NotifySettings()
    table = programme.plugin_settings(SETTINGS).get("notify")
    if table is None:
        return NotifySettings()
    problems: list[str] = []
    if not isinstance(table, dict):
        raise InvalidInput([f"{PREFIX}: expected a table [{PREFIX}]"], where=str(programme.file))
    _unknown(table, _NOTIFY_KEYS, PREFIX, problems)
    _secrets(table, PREFIX, problems, "the notifier's table (password_env, url_env)")
    recipients: dict[str, tuple[Destination, ...]] = {}
    default: tuple[Destination, ...] = ()
    routes = table.get("recipients", {})
    if not isinstance(routes, dict):
        problems.append(f'{PREFIX}.recipients: expected a table such as {{ "CX team" = "email:cx@example.com" }}')
        routes = {}
    for owner, value in routes.items():
        destinations = _destinations(value, _owner_key(owner), problems)
        if owner == "default":
            default = destinations
        else:
            recipients[owner.strip()] = destinations
    comment_chars = table.get("comment_chars", DEFAULT_COMMENT_CHARS)
    if isinstance(comment_chars, bool) or not isinstance(comment_chars, int) or comment_chars < 0:
        problems.append(
            f"{PREFIX}.comment_chars: expected a whole number of characters, 0 or more, got {comment_chars!r}"
        )
        comment_chars = DEFAULT_COMMENT_CHARS
    email_settings = _email(table["email"], programme.root, problems) if "email" in table else None
    webhook = _webhook(table["webhook"], problems) if "webhook" in table else None
    if problems:
        raise InvalidInput(problems, where=str(programme.file))
    return NotifySettings(recipients, default, comment_chars, email_settings, webhook)


# --- e-mail over SMTP ----------------------------------------------------------------


def _email_message(settings: EmailSettings, message: AlertMessage) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = settings.sender
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    mail["Date"] = email.utils.formatdate(localtime=False, usegmt=True)
    mail["Message-ID"] = email.utils.make_msgid(domain=email.utils.parseaddr(settings.sender)[1].rpartition("@")[2])
    mail.set_content(message.body)
    return mail


def send_email(settings: EmailSettings, messages: Sequence[AlertMessage]) -> list[Delivery]:
    """Send each message as a plain-text e-mail over one SMTP connection; a refused one does not stop the others.

    A server that cannot be reached, refuses STARTTLS or the login fails
    every message (nothing was handed over).
    """
    password = settings.password()
    server = f"{settings.host}:{settings.port}"
    try:
        connection = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    except (OSError, smtplib.SMTPException) as exc:
        return [Delivery(message, False, f"SMTP server {server}: {_reason(exc)}") for message in messages]
    deliveries: list[Delivery] = []
    try:
        connection.ehlo()
        if settings.starttls:
            context = ssl.create_default_context(cafile=str(settings.ca_file) if settings.ca_file else None)
            connection.starttls(context=context)
            connection.ehlo()
        if settings.username is not None and password is not None:
            connection.login(settings.username, password)
        for message in messages:
            try:
                mail = _email_message(settings, message)
            except (ValueError, UnicodeError) as exc:
                # e.g. a line break in the subject (an owner's name): this message cannot be written, the others can
                deliveries.append(
                    Delivery(message, False, f"the e-mail to {message.recipient} cannot be written: {exc}")
                )
                continue
            try:
                connection.send_message(mail)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                deliveries.append(Delivery(message, False, f"SMTP server {server} refused it: {_reason(exc)}"))
            except smtplib.SMTPNotSupportedError as exc:
                # raised before anything is sent (an address outside ASCII and no SMTPUTF8): the connection is fine
                deliveries.append(
                    Delivery(message, False, f"SMTP server {server} cannot take {message.recipient}: {exc}")
                )
            else:
                deliveries.append(Delivery(message, True))
    except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
        # the connection broke: what was not handed over yet is not sent
        done = len(deliveries)
        deliveries += [Delivery(message, False, f"SMTP server {server}: {_reason(exc)}") for message in messages[done:]]
    finally:
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()
    return deliveries


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{who}: {code} {text.decode(errors='replace')}" for who, (code, text) in exc.recipients.items()
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace') if isinstance(exc.smtp_error, bytes) else exc.smtp_error}"
    return f"{type(exc).__name__}: {exc}"


def email_notifier(settings: EmailSettings) -> Notifier:
    def send(messages: Sequence[AlertMessage]) -> list[Delivery]:
        return send_email(settings, messages)

    starttls = "STARTTLS" if settings.starttls else "no TLS"
    return Notifier("email", f"E-mail over SMTP via {settings.host}:{settings.port} ({starttls})", send)


# --- webhook --------------------------------------------------------------------------


def chat_text(text: str) -> str:
    """Text for a chat message: ``&``, ``<`` and ``>`` escaped, so a comment cannot mention ``<!channel>`` or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webhook_payload(message: AlertMessage) -> dict[str, Any]:
    """The JSON posted: ``text`` for Slack/Teams-style incoming webhooks, ``alert`` (structured) for programs."""
    return {
        "text": chat_text(f"{message.subject}\n\n{message.body}"),
        "alert": {
            "owner": message.owner,
            "recipient": message.recipient or None,
            "subject": message.subject,
            "cases": list(message.cases),
            **message.data,
        },
    }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are not followed: urllib would follow one with a GET without the alert, and count its 2xx."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx answer then raises HTTPError: a failed delivery that names where it pointed


_OPENER = urllib.request.build_opener(_NoRedirect)


def post_webhook(settings: WebhookSettings, messages: Sequence[AlertMessage]) -> list[Delivery]:
    """POST each message as JSON; any 2xx answer counts as delivered, anything else (or no answer) as not."""
    url = settings.target()
    parts = urllib.parse.urlsplit(url)
    shown = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")  # the path may be a secret
    deliveries = []
    for message in messages:
        body = json.dumps(webhook_payload(message), ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
        )
        try:
            with _OPENER.open(request, timeout=settings.timeout) as response:  # http(s) only: checked
                status = response.status
        except urllib.error.HTTPError as exc:
            moved = exc.headers.get("Location") if 300 <= exc.code < 400 and exc.headers else None
            exc.close()
            # where it points, without its path (which may hold the webhook's secret, as the URL's may)
            target = urllib.parse.urlsplit(urllib.parse.urljoin(url, moved)) if moved else None
            where = (
                f" (a redirect to {target.scheme}://{target.netloc.rpartition('@')[2]}/…: set the webhook's URL to "
                "where it points)"
                if target is not None
                else ""
            )
            deliveries.append(Delivery(message, False, f"webhook {shown}: HTTP {exc.code} {exc.reason}{where}"))
            continue
        except (OSError, ValueError) as exc:
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            deliveries.append(Delivery(message, False, f"webhook {shown}: {reason}"))
            continue
        if 200 <= status < 300:
            deliveries.append(Delivery(message, True))
        else:
            deliveries.append(Delivery(message, False, f"webhook {shown}: HTTP {status}"))
    return deliveries


def webhook_notifier(settings: WebhookSettings) -> Notifier:
    def send(messages: Sequence[AlertMessage]) -> list[Delivery]:
        return post_webhook(settings, messages)

    return Notifier("webhook", 'A JSON POST to a chat webhook (Slack/Teams-style {"text": …})', send)


def configured_notifiers(programme: Programme | None) -> list[Notifier]:
    """The built-in notifiers the programme's settings configure."""
    settings = load_notify_settings(programme)
    found = []
    if settings.email is not None:
        found.append(email_notifier(settings.email))
    if settings.webhook is not None:
        found.append(webhook_notifier(settings.webhook))
    return found
