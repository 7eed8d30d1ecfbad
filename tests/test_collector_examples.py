"""The two collectors of docs/writing-a-plugin.md store the same taps, and reject the same bad ones."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from cxframe import PluginHost, hookimpl, testing

_spec = importlib.util.spec_from_file_location("kiosk", Path(__file__).parents[1] / "examples/collectors/kiosk.py")
assert _spec is not None and _spec.loader is not None
kiosk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(kiosk)


class KioskPlugin:
    @hookimpl
    def register_collectors(self) -> list[object]:
        return [kiosk.kiosk_rows, kiosk.kiosk_columns]


def _collect(tmp_path: Path, collector: str, text: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    import cxframe

    root = testing.make_programme(tmp_path / collector)
    (root / "taps.csv").write_text(text, encoding="utf-8")
    host: PluginHost = testing.plugin_host(KioskPlugin())
    cxframe.collect(root, [str(root / "taps.csv")], collector=collector, host=host)
    stored = [
        (row["timestamp"], row["value"], row["touchpoint"], row["scale_max"])
        for row in testing.read_table(root, "observations")
    ]
    rejects = [(row["line"], row["reason"]) for row in testing.read_table(root, "rejects")]
    return sorted(stored), sorted(rejects)


def test_the_rows_and_the_batches_collector_read_the_same_file_to_the_same_taps(tmp_path: Path) -> None:
    """One export, header row and all, as the page says: the same taps stored, the same line rejected."""
    text = (
        "when;smiley;kiosk\n"
        "2026-03-01T08:30:00Z;4;branch-12\n2026-03-01T08:31:00Z;9;branch-12\n2026-03-02T10:00:00Z;1;branch-7\n"
    )
    rows_stored, rows_rejects = _collect(tmp_path, "kiosk-rows", text)
    columns_stored, columns_rejects = _collect(tmp_path, "kiosk", text)
    assert [value for _, value, _, _ in rows_stored] == [4.0, 1.0]
    assert [(t, v, k) for t, v, k, _ in rows_stored] == [(t, v, k) for t, v, k, _ in columns_stored]
    assert rows_rejects == columns_rejects == [(3, "smiley: '9' is not 1–5")]


def test_both_kiosk_collectors_want_the_header_row(tmp_path: Path) -> None:
    import cxframe

    for collector in ("kiosk-rows", "kiosk"):
        root = testing.make_programme(tmp_path / collector)
        (root / "taps.csv").write_text("2026-03-01T08:30:00Z;4;branch-12\n", encoding="utf-8")
        host: PluginHost = testing.plugin_host(KioskPlugin())
        try:
            cxframe.collect(root, [str(root / "taps.csv")], collector=collector, host=host)
        except cxframe.InvalidInput as exc:
            assert "expected the header row when;smiley;kiosk" in exc.messages[0], exc.messages
        else:
            raise AssertionError(f"{collector} took a file without its header row")


class RecognisingKioskPlugin:
    @hookimpl
    def register_collectors(self) -> list[object]:
        return [kiosk.kiosk]


def test_a_collector_that_recognises_its_layout_is_chosen_without_a_mapping(tmp_path: Path) -> None:
    import cxframe

    root = testing.make_programme(tmp_path / "p")
    taps = root / "taps.csv"
    taps.write_text("when;smiley;kiosk\n2026-03-01T08:30:00Z;4;branch-12\n", encoding="utf-8")
    host: PluginHost = testing.plugin_host(RecognisingKioskPlugin())
    detection = cxframe.detect_source(taps, host=host)
    assert detection.collector == "kiosk" and detection.sure
    [summary] = cxframe.collect(root, [str(taps)], host=host)
    assert summary.collector == "kiosk" and summary.records_stored == 1
    (root / "other.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    try:
        cxframe.detect_source(root / "other.csv", host=host)
    except cxframe.InvalidInput as exc:
        assert "not recognised" in exc.messages[0] and "asked: kiosk" in exc.messages[0]
    else:
        raise AssertionError("a file no collector recognises was taken")


def test_a_batches_collectors_rejects_read_with_the_delimiter_it_read_the_file_with(tmp_path: Path) -> None:
    """The kiosk reads ';' without an ``options.delimiter``: its batches say so, and the core joins a reject with it."""
    import cxframe

    root = testing.make_programme(tmp_path / "p")
    (root / "taps.csv").write_text(
        "when;smiley;kiosk\n2026-03-01T08:30:00Z;4;branch-12\n2026-03-01T08:31:00Z;9;branch, east\n", encoding="utf-8"
    )
    cxframe.collect(root, [str(root / "taps.csv")], collector="kiosk", host=testing.plugin_host(KioskPlugin()))
    [reject] = testing.read_table(root, "rejects")
    assert reject["raw"] == "2026-03-01T08:31:00Z;9;branch, east"
