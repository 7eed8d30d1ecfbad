"""Personal data in respondents' free text: e-mail addresses, phone numbers and Chinese resident ID numbers, masked.

`mask_personal_data` replaces each with a placeholder before a comment
reaches any report, table, JSON or alert: the core's verbatims, the text
plugin's themes and samples, the improve plugin's alerts all go through it
(and, with the text plugin's ``mask_stored = true``, the store itself right
after each collect). It lives in the core, not in a plugin, so that no output
depends on a plugin being installed to be safe to share. What counts:

* **e-mail** — ``local@domain.tld`` → ``[email]``;
* **Chinese resident ID** (居民身份证号码, GB 11643-1999) — 17 digits and a
  check character (0–9 or X) whose ISO 7064 MOD 11-2 check holds, with a
  plausible birth date (year 1900–2099, month 01–12, day 01–31) → ``[id]``.
  An 18-digit run whose check fails is not an ID; it is still masked as a
  long number (below), never shown;
* **long numbers** — a run of 16 or more digits (a bank card, an ID with a
  wrong check character) → ``[number]``;
* **phone numbers** → ``[phone]``: a Chinese mobile number (11 digits
  starting 13–19, with or without +86 / 86 and spaces or hyphens in the
  3-4-4 groups), and any other run of 9–15 digits, allowing ``+``, spaces,
  dots, hyphens and brackets between them (landlines, international
  numbers). A long order or account number is masked too: privacy errs on
  the safe side. Dates such as 2026-03-01 (8 digits) are kept.

IDs are matched before phone numbers, so an ID is never half-masked as a phone.
"""

from __future__ import annotations

import re

EMAIL = "[email]"
PHONE = "[phone]"
ID_NUMBER = "[id]"
NUMBER = "[number]"
#: The placeholders, which tokenisers treat as no word at all.
PERSONAL_DATA_PLACEHOLDERS: tuple[str, ...] = (EMAIL, PHONE, ID_NUMBER, NUMBER)

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# an 18-character ID not inside a longer run of digits
_ID = re.compile(
    r"(?<![0-9])(\d{6})((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(\d{3})([0-9Xx])(?![0-9A-Za-z])"
)
_LONG = re.compile(r"(?<![0-9])\d(?:[\s-]?\d){15,}(?![0-9])")
_CN_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?![0-9])")
# any other phone-like run: 9–15 digits with the usual separators between them
_PHONE = re.compile(r"(?<![0-9])\+?\(?\d(?:[\s().-]{0,2}\d){8,14}(?![0-9])")

_CANDIDATE = re.compile(r"[\d@]")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def resident_id_check_character(first17: str) -> str:
    """The check character (ISO 7064 MOD 11-2) of a resident ID's first 17 digits."""
    return _CHECK[sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True)) % 11]


def is_resident_id(text: str) -> bool:
    """Whether ``text`` is exactly an 18-character Chinese resident ID number with a valid check character."""
    match = _ID.fullmatch(text.strip())
    return match is not None and resident_id_check_character(text.strip()[:17]) == text.strip()[17].upper()


def _id(match: re.Match[str]) -> str:
    found = match.group(0)
    return ID_NUMBER if resident_id_check_character(found[:17]) == found[17].upper() else found


def mask_personal_data(text: str) -> str:
    """``text`` with every e-mail address, resident ID, long number and phone number replaced by its placeholder.

    Idempotent (a masked text masks to itself), and a text with no digit and
    no ``@`` comes back as it was after one scan.
    """
    if _CANDIDATE.search(text) is None:  # the common case: no digit and no @, one C-speed scan
        return text
    text = _EMAIL.sub(EMAIL, text)
    text = _ID.sub(_id, text)
    text = _LONG.sub(NUMBER, text)
    text = _CN_MOBILE.sub(PHONE, text)
    return _PHONE.sub(PHONE, text)
