"""The report pictures of docs/assessment.md, from the worked examples, with headless Chromium.

    python scripts/docs_screenshots.py [--out docs/img] [--chromium PATH]

builds both worked examples (``cxframe demo``, ``--example telecom``) in a
temporary folder, renders the roles and languages the pictures show, opens
each report in Chromium at phone (390 px) or desktop (1280 px) width, and
keeps one part of the page per picture (`PICTURES`): from the top of its
first section (of the page, when none is named) to the bottom of its last,
at most `MOST` pixels tall. With Pillow installed, the PNGs are reduced to a
palette of 128 colours, which keeps them small.

Needs Chromium (Debian: ``apt-get install chromium``, and a CJK font such as
``fonts-wqy-microhei`` for the Chinese pictures) and Playwright (a ``dev``
extra). Run it again after a change to the reports, and commit the PNGs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from cxframe import api

#: picture name → (example, role, language, width, first section, last section)
PICTURES = {
    "report-journeys-desktop": ("retail-bank", "cx-lead", "en", 1280, "journeys", "journeys"),
    "report-funnel-desktop-zh-CN": ("retail-bank", "cx-lead", "zh-CN", 1280, "funnel", "funnel"),
    "report-summary-phone-zh-CN": ("retail-bank", "cx-lead", "zh-CN", 390, "", "maturity"),
    "report-objectives-phone-zh-CN": ("telecom", "executive", "zh-CN", 390, "objectives", "objectives"),
    "report-journeys-phone": ("retail-bank", "frontline-manager", "en", 390, "journeys", "journeys"),
    "report-employees-phone-zh-CN": ("retail-bank", "cx-lead", "zh-CN", 390, "employee", "employee"),
}
#: The tallest picture (pixels); a longer part of the page is cut there.
MOST = 1800
#: Chromium in a container: no sandbox (no user namespace), no GPU, no scroll bars in the picture.
FLAGS = ["--no-sandbox", "--disable-gpu", "--hide-scrollbars"]


def _cxframe() -> str:
    """The ``cxframe`` command of this Python (its virtual environment's), else the one on the PATH."""
    return shutil.which("cxframe", path=str(Path(sys.executable).parent)) or shutil.which("cxframe") or "cxframe"


def reports(folder: Path) -> dict[tuple[str, str, str], Path]:
    """The HTML report of every (example, role, language) the pictures need."""
    found: dict[tuple[str, str, str], Path] = {}
    for example in sorted({picture[0] for picture in PICTURES.values()}):
        programme = folder / example
        # what a reader runs; the command prints its summary, which is not wanted here
        subprocess.run(
            [_cxframe(), "demo", str(programme), "--example", example],
            check=True,
            capture_output=True,
        )
        for picture in PICTURES.values():
            if picture[0] == example and (example, picture[1], picture[2]) not in found:
                written = api.report(programme, role=picture[1], lang=picture[2], formats=["html"])
                found[example, picture[1], picture[2]] = next(path for path in written if path.suffix == ".html")
    return found


def _smaller(target: Path) -> None:
    """The PNG with a palette of 128 colours (a third of the size); left as it is without Pillow."""
    try:
        from PIL import Image
    except ImportError:  # Pillow comes with the dev extra's matplotlib, but is not needed for the pictures
        return
    with Image.open(target) as shot:
        smaller = shot.convert("RGB").quantize(128)
    smaller.save(target, optimize=True)


def _box(page: Any, section: str) -> Any:
    """Where section ``section`` of the report is on the page; a clear error when the report has none."""
    box = page.locator(f"section#{section}").bounding_box()
    if box is None:
        raise SystemExit(f"the report {page.url} has no section {section!r} to take a picture of")
    return box


def shoot(chromium: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        pages = reports(Path(folder))
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        try:
            for name, (example, role, lang, width, first, last) in PICTURES.items():
                page = browser.new_page(viewport={"width": width, "height": 900}, device_scale_factor=1)
                page.goto(pages[example, role, lang].resolve().as_uri())
                top = 0.0 if not first else _box(page, first)["y"] - 8
                box = _box(page, last)
                height = min(box["y"] + box["height"] + 8 - top, MOST)
                target = out / f"{name}.png"
                page.screenshot(
                    path=str(target), full_page=True, clip={"x": 0, "y": top, "width": width, "height": height}
                )
                page.close()
                _smaller(target)
                written.append(target)
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "docs" / "img")
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    args = parser.parse_args(argv)
    if not args.chromium:
        parser.error("no chromium found: apt-get install chromium, or pass --chromium PATH")
    for target in shoot(args.chromium, args.out):
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
