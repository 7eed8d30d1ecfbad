"""Stage templates: the common stage sets of a journey map, ready to paste into the programme file.

Two sets are in common CX practice (see DOMAIN "Journeys"):

* ``lifecycle`` — awareness → consideration → decision → retention → advocacy,
  the customer's whole relationship with the brand;
* ``sale`` — pre-sale → in-sale → post-sale, one purchase.

A template is a `cxframe.Journey` whose stages carry an id, a name and the
questions to answer for that stage (as ``scenarios``, which the map shows
until real ones replace them). `template_toml` writes it as TOML, either as
``[[journeys]]`` for ``cxframe.toml`` or as a journey file (``[[stages]]``).

>>> from cxframe_journey import templates
>>> [s.id for s in templates.template("sale").stages]
['pre-sale', 'in-sale', 'post-sale']
"""

from __future__ import annotations

import attrs

from cxframe import InvalidInput, Journey, JourneyStage


@attrs.frozen
class StageTemplate:
    id: str
    name: str
    #: what the map should say for this stage: a prompt for the people filling it in
    prompt: str
    #: customers may pass it by (not reaching it is no drop-off)
    optional: bool = False
    #: ending here completes the journey (None: only as the last stage)
    final: bool | None = None


@attrs.frozen
class Template:
    id: str
    title: str
    stages: tuple[StageTemplate, ...]


TEMPLATES: dict[str, Template] = {
    "lifecycle": Template(
        "lifecycle",
        "Customer lifecycle: awareness → consideration → decision → retention → advocacy",
        (
            StageTemplate("awareness", "Awareness", "How does the customer first learn that we exist?"),
            StageTemplate("consideration", "Consideration", "How does the customer compare us with the alternatives?"),
            StageTemplate("decision", "Decision", "What makes the customer choose, buy or sign up?"),
            # a customer who stays has completed the journey; recommending is welcome, not required
            StageTemplate(
                "retention", "Retention", "What keeps the customer using us, and what makes them leave?", final=True
            ),
            StageTemplate("advocacy", "Advocacy", "What makes the customer recommend us to others?", optional=True),
        ),
    ),
    "sale": Template(
        "sale",
        "One purchase: pre-sale → in-sale → post-sale",
        (
            StageTemplate("pre-sale", "Pre-sale", "What happens before the purchase: research, advice, quotes?"),
            StageTemplate("in-sale", "In-sale", "What happens during the purchase: ordering, paying, contracting?"),
            StageTemplate("post-sale", "Post-sale", "What happens after: delivery, onboarding, support, returns?"),
        ),
    ),
}


def _template(name: str) -> Template:
    try:
        return TEMPLATES[name]
    except KeyError:
        raise InvalidInput([f"unknown stage template {name!r} (templates: {', '.join(TEMPLATES)})"]) from None


def template(name: str, *, journey_id: str | None = None, title: str | None = None) -> Journey:
    """The journey of stage template ``name`` (``lifecycle`` or ``sale``), with no touchpoints yet."""
    chosen = _template(name)
    stages = tuple(
        JourneyStage(id=s.id, name=s.name, scenarios=(s.prompt,), optional=s.optional, final=s.final)
        for s in chosen.stages
    )
    return Journey(id=journey_id or chosen.id, name=title or chosen.title, stages=stages)


def _string(value: str) -> str:
    """``value`` as a TOML basic string: backslash, quote and every control character escaped."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else c for c in escaped) + '"'


def _flags(stage: JourneyStage) -> list[str]:
    """The stage's optional/final lines: set where the template decides, commented out as a hint elsewhere."""
    lines = []
    if stage.optional:
        lines.append("optional = true  # customers may pass it by: not reaching it is no drop-off")
    if stage.final is not None:
        lines.append(f"final = {str(stage.final).lower()}  # ending here completes the journey")
    if not lines:
        lines.append(
            "# optional = true  # passing it by is no drop-off; final = true: ending here completes the journey"
        )
    return lines


def template_toml(name: str, *, journey_id: str | None = None, title: str | None = None, file: bool = False) -> str:
    """Template ``name`` as TOML: ``[[journeys]]`` for ``cxframe.toml``, or a journey file when ``file``.

    Each stage comes with empty ``touchpoints`` and ``measures`` to fill in and
    commented-out lines for the rest of the map's elements.
    """
    journey = template(name, journey_id=journey_id, title=title)
    table, stages = ("", "[[stages]]") if file else ("[[journeys]]", "[[journeys.stages]]")
    lines = [f"# stage template {name!r}: {_template(name).title}"]
    if table:
        lines.append(table)
    lines += [f"id = {_string(journey.id)}", f"name = {_string(journey.name)}", '# persona = "…"', ""]
    for stage in journey.stages:
        lines += [
            stages,
            f"id = {_string(stage.id)}",
            f"name = {_string(stage.name)}",
            f"scenarios = [{', '.join(_string(s) for s in stage.scenarios)}]",
            "touchpoints = []  # ids from [[touchpoints]]",
            'measures = []  # metric ids, e.g. ["csat"]',
            *_flags(stage),
            '# expectations = ["…"]',
            '# emotion = { score = 0, note = "…" }  # -2 … +2',
            '# pain_points = ["…"]',
            '# opportunities = ["…"]',
            '# departments = ["…"]',
            '# moments_of_truth = ["…"]  # touchpoint ids of this stage',
            "",
        ]
    return "\n".join(lines)
