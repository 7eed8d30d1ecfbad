"""Writing new programme folders: ``cxframe init DIR [--example NAME]``.

The minimal programme is a commented ``cxframe.toml`` that validates as it
is. Examples are worked programmes with generated data, written by the
functions in `EXAMPLES`, so that every command has something to work on.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from cxframe.contracts._errors import InvalidInput, ReadOnlyError
from cxframe.contracts._plugins import Detection
from cxframe.programme._file import PROGRAMME_FILE
from cxframe.programme.examples import retail_bank, starter, telecom

MINIMAL = """\
# cxframe programme file — see https://cxframe.readthedocs.io/ "Programme file"
# (or docs/programme.md in the cxframe repository) for every key.

name = "{name}"

[context]
organisation = ""
scope = ""
# sponsor = "Chief Customer Officer"
# internal_factors = ["..."]
# external_factors = ["..."]

# [[objectives]]
# id = "nps-2026"
# metric = "nps"
# target = 30
# comparison = ">="
# deadline = 2026-12-31

# [[journeys]]                    # needs the touchpoints it names (below); `cxframe journey template` prints more
# id = "onboarding"
# name = "Become a customer"
# [[journeys.stages]]
# id = "sign-up"
# name = "Sign up"
# touchpoints = ["app-login"]
# [[journeys.stages]]
# id = "first-use"
# name = "First use"
# touchpoints = ["app-login"]
# final = true                     # ending here completes the journey (the last stage is final by default)
# [[journeys.stages]]
# id = "recommend"
# name = "Recommend us"
# touchpoints = ["app-login"]
# optional = true                  # passing it by is no drop-off

# [[touchpoints]]
# id = "app-login"
# name = "Log in to the app"
# channel = "app"
# environment = "digital"
# elements = ["platform-apps"]
# owner = "Digital"

# [[sources]]                      # data/survey.csv has the header these columns name: add your rows
# id = "survey"
# collector = "survey-csv"
# path = "data/survey.csv"
# columns = {{ response_id = "response_id", timestamp = "submitted_at", questions = {{ nps = "likely_to_recommend" }}, segments = ["region"] }}

[settings]
confidence = 0.95
min_sample = 30
"""

#: The header of the survey file a new programme starts with (see the [[sources]] stub of `MINIMAL`).
SURVEY_HEADER = "response_id,submitted_at,region,likely_to_recommend\n"

#: Worked examples ``cxframe init --example NAME`` can write.
EXAMPLES: dict[str, Callable[[Path], None]] = {
    "starter": starter.write,
    "retail-bank": retail_bank.write,
    "telecom": telecom.write,
}


def init_programme(
    directory: str | Path,
    *,
    example: str | None = None,
    force: bool = False,
    detected: Mapping[str, Detection] | None = None,
) -> Path:
    """Write a new programme folder and return the path of its programme file.

    Refuses to overwrite an existing ``cxframe.toml`` unless ``force``.
    ``detected`` (a file's path as the programme file names it → what it was
    recognised as, `cxframe.detect_source`) adds a ``[[sources]]`` entry per
    file, ready to edit.
    """
    if detected and example is not None:
        raise InvalidInput(["give either an example or the files to start from, not both"])
    root = Path(directory)
    file = root / PROGRAMME_FILE
    if file.exists() and not force:
        raise InvalidInput([f"{file} already exists; choose another folder or pass --force to overwrite it"])
    if example is not None and example not in EXAMPLES:
        raise InvalidInput([f"unknown example {example!r} (examples: {', '.join(sorted(EXAMPLES))})"])
    try:
        root.mkdir(parents=True, exist_ok=True)
        if example is None:
            text = MINIMAL.format(name=root.resolve().name.replace('"', ""))
            file.write_text(text + source_entries(detected or {}), encoding="utf-8")
            # the file the [[sources]] stub names, with the header its columns map: uncommented, it validates
            survey = root / "data" / "survey.csv"
            if not survey.exists():
                survey.parent.mkdir(exist_ok=True)
                survey.write_text(SURVEY_HEADER, encoding="utf-8")
        else:
            EXAMPLES[example](root)
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        raise ReadOnlyError(
            f"{exc.filename or root}: cannot write the programme there: the folder is read-only for you "
            f"({exc.strerror}); choose another folder"
        ) from None
    return file


def source_entries(detected: Mapping[str, Detection]) -> str:
    """The ``[[sources]]`` entries of recognised files, each named after its file (made unique)."""
    entries = []
    taken: set[str] = set()
    for path, detection in detected.items():
        stem = re.sub(r"[^a-z0-9]+", "-", Path(path).stem.lower()).strip("-") or "source"
        source_id, number = stem, 1
        while source_id in taken:
            number += 1
            source_id = f"{stem}-{number}"
        taken.add(source_id)
        entries.append(detection.source_entry(source_id, path))
    if not entries:
        return ""
    heading = "\n# Recognised by cxframe init --from: check the mapping, then cxframe collect.\n\n"
    return heading + "\n".join(entries)


def example_programme(example: str) -> str:
    """The programme file a worked example writes."""
    if example not in EXAMPLES:
        raise InvalidInput([f"unknown example {example!r} (examples: {', '.join(sorted(EXAMPLES))})"])
    module = {"starter": starter, "retail-bank": retail_bank, "telecom": telecom}[example]
    programme: str = module.PROGRAMME
    return programme
