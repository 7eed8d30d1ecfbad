"""The built-in maturity models, registered like any plugin's (entry point ``maturity``).

* ``iso-cx`` (`cxframe.assessment.models.iso_cx`): CX management maturity over the six
  key areas of the ISO service-excellence family;
* ``cx-2030`` (`cxframe.assessment.models.cx2030`): readiness for the eight CX-2030 pillars.

The core distribution registers this module through its own ``cxframe``
entry point, so the built-in models load on the same path as a
consultancy's model (see "Maturity models" in the docs).
"""

from __future__ import annotations

from cxframe.assessment.models import cx2030, iso_cx
from cxframe.contracts._maturity import Assessment, MaturityModel
from cxframe.host._hookspecs import hookimpl

__all__ = ["MODELS", "register_assessments"]

#: The built-in models, by id.
MODELS: dict[str, MaturityModel] = {
    model.id: model for model in sorted((iso_cx.MODEL, cx2030.MODEL), key=lambda m: m.id)
}


@hookimpl
def register_assessments() -> list[Assessment]:
    return [model.assessment() for model in MODELS.values()]
