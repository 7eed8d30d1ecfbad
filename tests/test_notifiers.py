"""Notifiers (``register_notifiers``): collected like the other registries, and delivering without ever raising."""

from __future__ import annotations

import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import cxframe
from cxframe import AlertMessage, Delivery, Notifier, PluginConflict, testing
from cxframe.host._registry import build_registry
from tests.test_docs import code_blocks

MESSAGE = AlertMessage("CX team", "cx@example.com", "2 new cases", "case 1\ncase 2", cases=[1, 2])
OTHER = AlertMessage("North lead", "north@example.com", "1 overdue case", "case 3", cases=(3,))


def _all_sent(messages: Sequence[AlertMessage]) -> list[Delivery]:
    return [Delivery(message, True) for message in messages]


def _module(name: str, **hooks: Any) -> types.ModuleType:
    module = types.ModuleType(name)
    for hook, function in hooks.items():
        setattr(module, hook, cxframe.hookimpl(function))
    return module


def test_notifiers_are_collected_by_id_with_their_plugin() -> None:
    chat = _module("cxframe_chat", register_notifiers=lambda: [Notifier("chat", "Chat", _all_sent)])
    pager = _module("cxframe_pager", register_notifiers=lambda programme: [Notifier("pager", "Pager", _all_sent)])
    host = testing.plugin_host(chat, pager)
    registry = build_registry(host)
    assert host.failures == []
    assert sorted(registry.notifiers.ids()) == ["chat", "pager"]
    assert registry.notifiers.plugin_of("chat") == "cxframe_chat"
    assert registry.notifiers.get("pager").deliver([MESSAGE]) == [Delivery(MESSAGE, True)]


def test_the_same_notifier_id_from_two_plugins_is_an_error_naming_both() -> None:
    first = _module("cxframe_first", register_notifiers=lambda: [Notifier("email", "One", _all_sent)])
    second = _module("cxframe_second", register_notifiers=lambda: [Notifier("email", "Two", _all_sent)])
    registry = build_registry(testing.plugin_host(first, second))
    with pytest.raises(
        PluginConflict, match="notifier id 'email' is registered by both cxframe_first and cxframe_second"
    ):
        registry.raise_conflicts()


def test_a_failing_or_wrong_plugin_is_isolated_and_the_others_still_register() -> None:
    def explode() -> list[Notifier]:
        raise RuntimeError("boom")

    broken = _module("cxframe_broken", register_notifiers=explode)
    odd = _module("cxframe_odd", register_notifiers=lambda: ["email"])
    good = _module("cxframe_good", register_notifiers=lambda: [Notifier("chat", "Chat", _all_sent)])
    host = testing.plugin_host(broken, odd, good)
    registry = build_registry(host)
    assert registry.notifiers.ids() == ["chat"]
    failures = {(failure.plugin, failure.hook): failure.error for failure in host.failures}
    assert failures[("cxframe_broken", "register_notifiers")] == "RuntimeError: boom"
    assert "expected Notifier" in failures[("cxframe_odd", "register_notifiers")]


def test_deliver_turns_an_exception_into_failed_deliveries_never_sent() -> None:
    def refuse(messages: Sequence[AlertMessage]) -> list[Delivery]:
        raise ConnectionRefusedError("connection refused")

    deliveries = Notifier("email", "E-mail", refuse).deliver([MESSAGE, OTHER])
    assert [(d.message, d.sent) for d in deliveries] == [(MESSAGE, False), (OTHER, False)]
    assert deliveries[0].error is not None
    assert "notifier 'email' failed: ConnectionRefusedError: connection refused" in deliveries[0].error


@pytest.mark.parametrize(
    "answer",
    [
        lambda messages: [],  # too few
        lambda messages: [Delivery(messages[0], True)] * 3,  # too many
        lambda messages: [Delivery(OTHER, True), Delivery(MESSAGE, True)],  # out of order
        lambda messages: [True, True],  # not deliveries
    ],
)
def test_deliver_counts_a_wrong_answer_as_nothing_sent(answer: Any) -> None:
    deliveries = Notifier("chat", "Chat", answer).deliver([MESSAGE, OTHER])
    assert [d.sent for d in deliveries] == [False, False]
    assert all("not one Delivery per message in order" in (d.error or "") for d in deliveries)


def test_deliver_keeps_each_message_s_own_outcome() -> None:
    def half(messages: Sequence[AlertMessage]) -> list[Delivery]:
        return [Delivery(messages[0], True), Delivery(messages[1], False, "550 no such user")]

    deliveries = Notifier("email", "E-mail", half).deliver([MESSAGE, OTHER])
    assert [(d.sent, d.error) for d in deliveries] == [(True, None), (False, "550 no such user")]
    assert Notifier("email", "E-mail", half).deliver([]) == []


def test_contract_validation() -> None:
    assert MESSAGE.cases == (1, 2)
    with pytest.raises(ValueError, match="id must be a non-empty id without spaces"):
        Notifier("e mail", "E-mail", _all_sent)
    with pytest.raises(ValueError, match="owner must be a non-empty text"):
        AlertMessage("  ", "cx@example.com", "subject", "body")
    with pytest.raises(ValueError, match="subject must be a non-empty text"):
        AlertMessage("CX team", "cx@example.com", "", "body")


def test_hook_page_notifier_example_registers_a_notifier() -> None:
    root = Path(__file__).resolve().parents[1]
    blocks = [body for _, body in code_blocks((root / "docs" / "hooks.md").read_text(encoding="utf-8"), "py")]
    [example] = [body for body in blocks if "register_notifiers" in body]
    plugin = types.ModuleType("cxframe_tickets")
    exec(example, vars(plugin))
    host = testing.plugin_host(plugin)
    registry = build_registry(host)
    assert host.failures == [] and registry.notifiers.ids() == ["tickets"]
