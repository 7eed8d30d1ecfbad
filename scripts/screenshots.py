"""Screenshots of an HTML report at desktop and phone widths, with headless Chromium.

    python scripts/screenshots.py reports/assessment.html [--out DIR] [--chromium PATH]

writes ``<name>-desktop.png`` (1280 px wide) and ``<name>-phone.png`` (390 px)
of the whole page. The page's height is measured, not guessed: a temporary
copy of the report with one line of script that records
``scrollHeight`` is loaded with ``--dump-dom`` at each width, and the
screenshot is then taken of the report itself with a window that tall. The
report never runs that script; only the measuring copy does.

Needs Chromium (Debian: ``apt-get install chromium``). Not used by the tests:
it is for looking at what the reporter draws, and for the pictures in the docs.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WIDTHS = {"desktop": 1280, "phone": 390}
#: Chromium refuses absurd windows; a report longer than this is cut at this height.
MAX_HEIGHT = 16000
_MEASURE = (
    "<script>document.documentElement.setAttribute("
    "'data-height', Math.ceil(document.documentElement.getBoundingClientRect().height))</script>"
)


def _chromium(binary: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        binary,
        "--headless",
        # root in a container has no user namespace for the sandbox; the page is a local file we wrote
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--virtual-time-budget=2000",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def page_height(binary: str, report: Path, width: int) -> int:
    """The rendered height of ``report`` at ``width`` CSS pixels."""
    with tempfile.TemporaryDirectory() as folder:
        measuring = Path(folder) / report.name
        measuring.write_text(report.read_text(encoding="utf-8").replace("</body>", _MEASURE + "</body>"), "utf-8")
        done = _chromium(binary, f"--window-size={width},800", "--dump-dom", measuring.as_uri())
    found = re.search(r'data-height="(\d+)"', done.stdout)
    if not found:
        raise SystemExit(f"could not measure {report} at {width} px: {done.stderr.strip()[-500:]}")
    return min(int(found.group(1)), MAX_HEIGHT)


def screenshot(binary: str, report: Path, width: int, target: Path) -> Path:
    height = page_height(binary, report, width)
    done = _chromium(binary, f"--window-size={width},{height}", f"--screenshot={target}", report.resolve().as_uri())
    if not target.exists():
        raise SystemExit(f"chromium wrote no screenshot of {report}: {done.stderr.strip()[-500:]}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path, help="the .html report")
    parser.add_argument("--out", type=Path, help="folder for the PNGs (default: next to the report)")
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    parser.add_argument("--only", choices=sorted(WIDTHS), action="append", help="one width only (repeatable)")
    args = parser.parse_args(argv)
    if not args.chromium:
        parser.error("no chromium found: apt-get install chromium, or pass --chromium PATH")
    if not args.report.is_file():
        parser.error(f"{args.report}: no such file")
    out = args.out or args.report.parent
    out.mkdir(parents=True, exist_ok=True)
    for name in args.only or list(WIDTHS):
        target = screenshot(args.chromium, args.report, WIDTHS[name], out / f"{args.report.stem}-{name}.png")
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
