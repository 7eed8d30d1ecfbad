"""Texts a reader sees, in every language of the reports: catalogues of templates, and the texts made from them.

One mechanism serves the core and every plugin. A `Catalogue` holds
``{lang: {key: template}}``; calling it, ``catalogue("key", **values)``, gives a
`Text`: a ``str`` whose value is the English sentence (so that it goes
wherever a text goes — a finding's title, a check's evidence, JSON — and reads
as before), which also remembers its key and values. When the assessment
document is built, every `Text` in it is said again in each language
(`texts_of`) and the document keeps those translations in ``texts``; the
reports show a generated text in the reader's language from there, names from
the programme file and respondents' words as they are.

Numbers go in as values, never by joining sentences: ``{count} of {total}``.
A key ``<key>.one`` is used instead of ``<key>`` when the count among the values
(``n``, else ``count``) is 1: the singular, where a language has one. A value that is a list is joined
with the language's separator; a value that is a `Text` is said in the same
language.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from cxframe.contracts._plugins import Check

__all__ = ["FLAG_WORDS", "LANGUAGES", "Catalogue", "Text", "texts_of"]

#: The languages of the reports, English first (every catalogue has its English).
LANGUAGES = ("en", "zh-CN")

#: A result's flags (`cxframe.MetricResult` ``flags``) in words, ``flag.<flag>: {lang: text}``: the core's reports
#: and every plugin's section (`cxframe.ReportContext.flag`) say them alike; a flag not here is shown as it is.
FLAG_WORDS: dict[str, dict[str, str]] = {
    "flag.small_sample": {"en": "small sample", "zh-CN": "样本量小"},
    "flag.weighted": {"en": "weighted", "zh-CN": "已加权"},
    "flag.no_interval": {"en": "no interval", "zh-CN": "无区间"},
    "flag.no_variance": {"en": "no variance in the answers", "zh-CN": "答复没有差异"},
    "flag.no_test": {"en": "not tested", "zh-CN": "未检验"},
    "flag.linearised_variance": {"en": "linearised variance", "zh-CN": "线性化方差"},
    "flag.kish_effective_n": {"en": "Kish effective n", "zh-CN": "Kish 有效样本量"},
    "flag.bootstrap_variance": {"en": "bootstrap variance", "zh-CN": "自助法方差"},
    "flag.repeat_respondents": {"en": "repeat respondents", "zh-CN": "有重复回答者"},
    "flag.partial_period": {"en": "partial period", "zh-CN": "不完整周期"},
    "flag.too_few_periods": {"en": "too few periods", "zh-CN": "周期太少"},
    "flag.fdr_bh": {"en": "FDR (Benjamini–Hochberg)", "zh-CN": "错误发现率（Benjamini–Hochberg）"},
    # a privacy rule (a plugin's protect_metric_results) hid the group; the plugin's own outputs give its threshold
    "flag.suppressed": {
        "en": "hidden: too few respondents, or showing it would reveal a group that small",
        "zh-CN": "已隐藏：回答者太少，或显示它会推算出这样的小群组",
    },
}

#: How each language lists items inside a sentence.
LIST_SEPARATORS = {"en": ", ", "zh-CN": "、"}


def _fields(template: str) -> set[str]:
    """The placeholders of a template (``{count}``, ``{share:.0%}`` → count, share)."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


class Catalogue(Mapping[str, Mapping[str, str]]):
    """A plugin's (or the core's) texts: ``{lang: {key: template}}``, the English for every key.

    Made once, at import; a mistake in it is a ``ValueError`` naming the key.
    It is a mapping of languages, so it serves as `cxframe.ReportSection` ``translations``
    and `cxframe.MaturityModel` ``translations`` too.
    """

    __slots__ = ("_templates",)

    def __init__(self, templates: Mapping[str, Mapping[str, str]]) -> None:
        if "en" not in templates:
            raise ValueError("a catalogue needs its English texts (the 'en' language)")
        english = templates["en"]
        for lang, texts in templates.items():
            for key, template in texts.items():
                if not isinstance(key, str) or not isinstance(template, str):
                    raise ValueError(f"catalogue[{lang!r}][{key!r}]: expected a text key and a text")
                if key not in english:
                    raise ValueError(f"catalogue[{lang!r}][{key!r}]: no English text for this key")
                try:
                    fields = _fields(template)
                except ValueError as exc:
                    raise ValueError(f"catalogue[{lang!r}][{key!r}]: {exc}") from None
                if fields != _fields(english[key]):
                    raise ValueError(
                        f"catalogue[{lang!r}][{key!r}]: placeholders {sorted(fields)} differ from "
                        f"the English {sorted(_fields(english[key]))}"
                    )
        self._templates = {lang: dict(texts) for lang, texts in templates.items()}

    @classmethod
    def by_key(cls, entries: Mapping[str, Mapping[str, str]]) -> Catalogue:
        """A catalogue written key by key, each with its languages side by side: ``{key: {lang: template}}``."""
        templates: dict[str, dict[str, str]] = {}
        for key, languages in entries.items():
            for lang, template in languages.items():
                templates.setdefault(lang, {})[key] = template
        return cls(templates)

    def __getitem__(self, lang: str) -> Mapping[str, str]:
        return self._templates[lang]

    def __iter__(self) -> Iterator[str]:
        return iter(self._templates)

    def __len__(self) -> int:
        return len(self._templates)

    def __repr__(self) -> str:
        return f"Catalogue({len(self._templates['en'])} keys, languages {', '.join(self._templates)})"

    def keys_in(self, lang: str) -> set[str]:
        return set(self._templates.get(lang, {}))

    def missing(self, languages: tuple[str, ...] = LANGUAGES) -> list[tuple[str, str]]:
        """``(lang, key)`` for every English key a language lacks (the tests of a catalogue assert none)."""
        english = self._templates["en"]
        return [(lang, key) for lang in languages for key in english if key not in self._templates.get(lang, {})]

    def template(self, key: str, lang: str = "en", values: Mapping[str, Any] | None = None) -> str:
        """The template of ``key`` in ``lang`` (English when that language lacks it); ``KeyError`` for an unknown key."""
        if values and values.get("n", values.get("count")) == 1 and f"{key}.one" in self._templates["en"]:
            key = f"{key}.one"
        if key not in self._templates["en"]:
            raise KeyError(f"no text {key!r} in the catalogue")
        return self._templates.get(lang, {}).get(key) or self._templates["en"][key]

    def say(self, key: str, lang: str = "en", /, **values: Any) -> str:
        """``key`` in ``lang``, its placeholders filled in (a `Text` among the values is said in ``lang`` too)."""
        template = self.template(key, lang, values)
        # without values a template is a plain text (braces in it are meant as braces)
        return template.format(**{name: _said(v, lang) for name, v in values.items()}) if values else template

    def titled(self, checks: Iterable[Check]) -> tuple[Check, ...]:
        """``checks`` with their ``title`` and ``problem`` as `Text`, said in the reader's language.

        The catalogue keys them ``<check id>.title`` and ``<check id>.problem``. A
        title or problem whose English the catalogue does not have the same
        (renamed since) stays as written, so a catalogue never changes what a check says.
        """
        english = self._templates["en"]

        def translated(check: Check) -> Check:
            changes: dict[str, Any] = {
                field: self(f"{check.id}.{field}")
                for field in ("title", "problem")
                if getattr(check, field) and english.get(f"{check.id}.{field}") == getattr(check, field)
            }
            return attrs.evolve(check, **changes)

        return tuple(translated(check) for check in checks)

    def __call__(self, key: str, /, **values: Any) -> Text:
        """The `Text` of ``key`` with ``values``: English as a ``str``, every language on demand."""
        return Text(self, key, values)


def _said(value: Any, lang: str) -> Any:
    if isinstance(value, Text):
        return value.said(lang)
    if isinstance(value, list | tuple):
        return LIST_SEPARATORS.get(lang, ", ").join(str(_said(item, lang)) for item in value)
    return value


class Text(str):
    """A generated text: a ``str`` (its English), which can be said in any language of its catalogue.

    Made by calling a `Catalogue`; compare, join and store it as any text. Its
    ``key`` and ``values`` are what `texts_of` says again in the other languages.
    """

    key: str
    values: Mapping[str, Any]
    catalogue: Catalogue

    def __new__(cls, catalogue: Catalogue, key: str, values: Mapping[str, Any]) -> Text:
        made = super().__new__(cls, catalogue.say(key, "en", **values))
        made.catalogue, made.key, made.values = catalogue, key, dict(values)
        return made

    def said(self, lang: str) -> str:
        """This text in ``lang`` (English for a language its catalogue does not have)."""
        return self.catalogue.say(self.key, lang, **self.values)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Text, (self.catalogue, self.key, self.values))

    def __deepcopy__(self, memo: dict[int, Any]) -> Text:
        return self  # immutable, as a str is

    def __copy__(self) -> Text:
        return self


def texts_of(value: Any, into: dict[str, dict[str, str]] | None = None) -> dict[str, dict[str, str]]:
    """Every `Text` in ``value`` (records, dicts, lists …), said in each other language: ``{lang: {english: text}}``.

    This is what the assessment document keeps as ``texts``; the reports look a
    document's text up there in the reader's language and show it as it is when
    it is not there (a name, a respondent's words, a text of a plugin not translated).
    """
    found = into if into is not None else {lang: {} for lang in LANGUAGES if lang != "en"}
    seen: set[int] = set()

    def walk(item: Any) -> None:
        if isinstance(item, Text):
            for lang, texts in found.items():
                texts.setdefault(str(item), item.said(lang))
            for nested in item.values.values():
                walk(nested)
        elif isinstance(item, str | int | float | bool) or item is None or id(item) in seen:
            return
        elif isinstance(item, Mapping):
            seen.add(id(item))
            for nested in item.values():
                walk(nested)
        elif isinstance(item, list | tuple | set | frozenset):
            seen.add(id(item))
            for nested in item:
                walk(nested)
        elif attrs.has(type(item)):
            seen.add(id(item))
            for field in attrs.fields(type(item)):
                walk(getattr(item, field.name))

    walk(value)
    return found
