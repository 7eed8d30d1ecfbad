"""`cxframe.mask_personal_data`: e-mails, phone numbers and Chinese resident IDs in respondents' text, masked (#26)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxframe import PERSONAL_DATA_PLACEHOLDERS, is_resident_id, mask_personal_data, resident_id_check_character

mask = mask_personal_data
id_check_character = resident_id_check_character

#: a well-known sample ID (Beijing, born 1949-12-31) whose check character is X
SAMPLE_ID = "11010519491231002X"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("call me on 13812345678", "call me on [phone]"),
        ("手机：138 1234 5678，谢谢", "手机：[phone]，谢谢"),
        ("+86 139-1234-5678 anytime", "[phone] anytime"),
        ("我的电话是13912345678谢谢", "我的电话是[phone]谢谢"),
        ("office (020) 8123-4567", "office [phone]"),
        ("US +1 (555) 123-4567", "US [phone]"),
        ("write to Jane.Doe+cx@mail.example.co.uk!", "write to [email]!"),
        (f"身份证号{SAMPLE_ID}。", "身份证号[id]。"),
        (f"id {SAMPLE_ID.lower()}", "id [id]"),
        ("wrong check 110105194912310021", "wrong check [number]"),  # not an ID, still never shown
        ("card 6222 0212 3456 7890", "card [number]"),
        ("visited on 2026-03-01, order 12, 3 days", "visited on 2026-03-01, order 12, 3 days"),
        ("价格 199 元", "价格 199 元"),
        ("", ""),
        ("😀", "😀"),
    ],
)
def test_mask(text: str, masked: str) -> None:
    assert mask(text) == masked


def test_the_check_character_of_the_sample_id() -> None:
    assert id_check_character(SAMPLE_ID[:17]) == "X"
    assert is_resident_id(SAMPLE_ID)
    assert not is_resident_id("110105194912310021")
    assert not is_resident_id("110105194913310027")  # month 13


@given(
    st.from_regex(r"[1-6][0-9]{5}", fullmatch=True),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 28)),
    st.from_regex(r"[0-9]{3}", fullmatch=True),
)
@settings(max_examples=200, deadline=None)
def test_every_id_with_its_check_character_is_masked_and_any_other_check_is_not_an_id(
    region: str, born: dt.date, sequence: str
) -> None:
    first17 = f"{region}{born:%Y%m%d}{sequence}"
    check = id_check_character(first17)
    assert is_resident_id(first17 + check)
    assert mask(f"ID:{first17}{check}号") == "ID:[id]号"
    for wrong in "0123456789X":
        if wrong != check:
            assert not is_resident_id(first17 + wrong)
            assert first17 not in mask(first17 + wrong)  # never shown either


@given(st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=80))
@settings(max_examples=200, deadline=None)
def test_text_without_digits_or_at_signs_is_unchanged(text: str) -> None:
    if "@" not in text:
        assert mask(text) == text


@given(st.text(max_size=120))
@settings(max_examples=300, deadline=None)
def test_masking_is_idempotent_and_leaves_no_long_digit_run(text: str) -> None:
    once = mask(text)
    assert mask(once) == once
    digits = "".join(c if c.isascii() and c.isdigit() else " " for c in once).split()
    assert all(len(run) < 9 for run in digits)  # a phone needs 9 digits, an ID 17


def test_the_placeholders_are_what_masking_writes() -> None:
    assert set(PERSONAL_DATA_PLACEHOLDERS) == {"[email]", "[phone]", "[id]", "[number]"}


def test_an_alert_s_comment_excerpt_is_masked() -> None:
    """The improve plugin's alerts (mail, webhook) leave the store: their comment excerpt is masked too."""
    notify = pytest.importorskip("cxframe_improve.notify")
    excerpt = notify.shorten("Ring me\non 13812345678 or mail a.b@example.com", 160)
    assert excerpt == "Ring me on [phone] or mail [email]"
