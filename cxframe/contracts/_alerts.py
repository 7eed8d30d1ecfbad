"""Alerts that reach people: the messages a plugin sends and the notifiers that carry them.

A plugin returns `Notifier` objects from the ``register_notifiers`` hook: a
way to reach people (e-mail over SMTP, a chat webhook, a ticketing system …).
Whoever has something to tell someone — the improve plugin's ``cxframe loop
notify``, say — builds one `AlertMessage` per recipient and hands a notifier
the messages meant for it; the notifier answers one `Delivery` per message.

A message carries only what its recipient needs: the improve plugin puts a
case's number, score, touchpoint, due time and a shortened comment in it, and
no respondent detail beyond the respondent id.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from cxframe.contracts._plugins import valid_id

__all__ = ["AlertMessage", "Delivery", "Notifier"]


def _case_ids(value: Iterable[int]) -> tuple[int, ...]:
    return tuple(value)


def _text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{attribute.name} must be a non-empty text, got {value!r}")


@attrs.frozen
class AlertMessage:
    """One alert for one recipient: what to tell them, and which records it covers.

    ``recipient`` is the address in the notifier's terms: an e-mail address
    for SMTP, a channel or a label for a webhook (may be empty when the
    notifier has one fixed destination). ``subject`` and ``body`` are plain
    text (a notifier escapes them for its medium); ``data`` is the same
    content structured, JSON-serialisable, for notifiers that post JSON.
    ``cases`` are the ids of the records the message covers (the improve
    plugin's case numbers), so the sender can record what was delivered.
    """

    #: who the alert is for, by the name the programme uses (a case's owner)
    owner: str = attrs.field(validator=_text)
    recipient: str
    subject: str = attrs.field(validator=_text)
    body: str
    cases: tuple[int, ...] = attrs.field(default=(), converter=_case_ids)
    data: Mapping[str, Any] = attrs.field(factory=dict, eq=False)


@attrs.frozen
class Delivery:
    """What became of one `AlertMessage`: sent, or not and why (``error``, for people to read)."""

    message: AlertMessage
    sent: bool
    error: str | None = None


@attrs.frozen
class Notifier:
    """A way to reach people: ``send(messages)`` delivers each message and says how it went.

    ``send`` gets the messages meant for this notifier (a sequence of
    `AlertMessage`) and returns one `Delivery` per message, in the same
    order. It should not raise for a message it could not deliver (a server
    that refuses, a recipient it does not know): it answers
    ``Delivery(message, sent=False, error="…")`` and goes on with the next.
    Callers use `deliver`, which also turns an exception or a wrong answer
    into failed deliveries, so nothing counts as sent by mistake.
    """

    id: str = attrs.field(validator=valid_id)
    description: str
    send: Callable[[Sequence[AlertMessage]], Sequence[Delivery]]

    def deliver(self, messages: Sequence[AlertMessage]) -> list[Delivery]:
        """`send` ``messages``, never raising: one `Delivery` per message, in order.

        If ``send`` raises, or answers something other than one delivery per
        message (for the same messages, in order), every message it was given
        counts as not sent, with the reason.
        """
        messages = list(messages)
        if not messages:
            return []
        try:
            answered = list(self.send(messages))
        except Exception as exc:
            last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
            where = f" ({last[0].filename}:{last[0].lineno})" if last else ""
            reason = f"notifier {self.id!r} failed: {type(exc).__name__}: {exc}{where}"
            return [Delivery(message, False, reason) for message in messages]
        if len(answered) != len(messages) or any(
            not isinstance(delivery, Delivery) or delivery.message != message
            for delivery, message in zip(answered, messages, strict=False)
        ):
            reason = (
                f"notifier {self.id!r} answered {len(answered)} item(s) for {len(messages)} message(s), "
                "not one Delivery per message in order"
            )
            return [Delivery(message, False, reason) for message in messages]
        return answered
