"""cxframe-nps: cases on which the columnar reader must store what the row reader stores, or decline.

From a review of `cxframe.columnar`. The first part are files pyarrow reads without an error where Python's
``csv`` module (strict) refuses them or reads other cells: a review found each stored differently, and the
columnar reader now declines them (`cxframe.columnar._QuoteScan` follows the quotes as ``csv`` does). The
rest are edge cases stored alike.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pytest
from test_nps_columnar import COLUMNS, HEADER, _both

import cxframe.columnar as columnar_module
import cxframe.staged as staged_module
from cxframe import testing


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return testing.make_programme(tmp_path / "p")


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(columnar_module, "BLOCK_BYTES", 128)
    monkeypatch.setattr(staged_module, "CHILD_PROCESS_BYTES", 1 << 60)


def _row(n: int, **over: str) -> str:
    cells = {
        "id": f"r{n}",
        "cust": f"c{n}",
        "when": "2026-03-01T00:00:00Z",
        "Region": "North",
        "ch": "web",
        "Q1": str(n % 11),
        "Q2": "3",
        "note": "",
        "w": "1",
    }
    cells.update(over)
    return ",".join(cells[name] for name in HEADER.split(","))


def _file(*rows: str, header: str = HEADER, end: str = "\n") -> str:
    return end.join([header, *rows]) + end


# == files pyarrow reads otherwise than csv: declined ===========================================================


def test_bom_at_the_start_of_the_first_data_line(root: Path, small_blocks: None) -> None:
    """pyarrow skips a UTF-8 BOM at the start of its stream, and its stream starts after the header.

    Row reader: response id '\\ufeffr1' (key 's|r:\\ufeffr1'); columnar: 'r1'. Same for a BOM before a
    timestamp (rejected by one, accepted by the other) or in an invalid record's raw text.
    """
    _, declined = _both(root, _file("\ufeff" + _row(1), _row(2)))
    assert declined


def test_an_empty_quoted_cell_followed_by_text(root: Path, small_blocks: None) -> None:
    """``""x``: csv (strict) raises "',' expected after '\"'"; pyarrow reads ``x``.

    An even run of quotes: the opening quote, then one that closes the cell.
    """
    assert _both(root, _file(_row(1), _row(2, note='""x')))[1]


def test_an_empty_quoted_cell_followed_by_a_space(root: Path, small_blocks: None) -> None:
    assert _both(root, _file(_row(1), _row(2, note='"" ')))[1]


def test_a_closing_quote_after_a_delimiter_followed_by_text(root: Path, small_blocks: None) -> None:
    """``"a,"b``: csv raises; pyarrow reads ``a,b``."""
    assert _both(root, _file(_row(1), _row(2, note='"a,"b')))[1]


def test_a_closing_quote_after_a_delimiter_followed_by_text_semicolon(root: Path, small_blocks: None) -> None:
    text = _file(_row(1), _row(2, note='"a;"b')).replace(",", ";")
    assert _both(root, text, options={"delimiter": ";"})[1]


def test_a_closing_quote_after_a_line_break_followed_by_text(root: Path, small_blocks: None) -> None:
    """``"a<LF>"b``: csv raises; pyarrow reads ``a<LF>b``."""
    assert _both(root, _file(_row(1), _row(2, note='"a\n"b')))[1]


def test_a_quote_left_open_in_the_last_column_swallows_the_rest_of_the_file(root: Path, small_blocks: None) -> None:
    """The strict csv reader refuses a quote left open; pyarrow reads the rest of the file into that cell.

    Row reader: InvalidInput "line 3: unexpected end of data (the record runs to line 5; is a quote left
    open?)". Columnar: 2 rows accepted, response b's comment holds the lines of c and d, which are lost.
    """
    columns = {"response_id": "id", "timestamp": "when", "comment": "note", "questions": {"nps": "Q1"}}
    text = (
        "id,when,Q1,note\n"
        "a,2026-03-01T00:00:00Z,9,fine\n"
        'b,2026-03-01T00:00:00Z,7,"Great service\n'
        "c,2026-03-01T00:00:00Z,8,ok\n"
        "d,2026-03-01T00:00:00Z,10,good\n"
    )
    assert _both(root, text, columns=columns)[1]


def test_a_quote_left_open_in_the_last_cell_of_the_file(root: Path, small_blocks: None) -> None:
    """Row reader: "unexpected end of data"; columnar: weight '1' read, the row accepted."""
    assert _both(root, HEADER + "\n" + _row(1) + "\n" + _row(2, w='"1'))[1]


def test_a_quote_left_open_in_the_weight_column_mid_file(root: Path, small_blocks: None) -> None:
    """Row reader: error; columnar: r2 rejected for its weight '1\\nr3,...', r3 never read (2 rows, 1 accepted)."""
    assert _both(root, _file(_row(1), _row(2, w='"1'), _row(3)))[1]


def test_a_delimiter_outside_ascii(root: Path, small_blocks: None) -> None:
    """options.delimiter = "§" (one character, accepted by the checks and by csv); pyarrow's ParseOptions
    raises ValueError("Expecting an ASCII character"): declined before."""
    text = _file(_row(1), _row(2)).replace(",", "§")
    assert _both(root, text, options={"delimiter": "§"})[1]


# == stored alike ==============================================================================================


TIMESTAMPS = [
    "2026-03-01T00:00:00Z",
    "2026-03-01T00:00:00.123456Z",
    "2026-03-01T00:00:00",
    "2026-03-01T00:00:00.123456",
    "2026-02-30T00:00:00Z",
    "2026-02-30T00:00:00",
    "2024-02-29T12:00:00Z",
    "2023-02-29T12:00:00Z",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59.999999Z",
    "9999-12-31T23:59:59-01:00",
    "0000-01-01T00:00:00Z",
    "2026-03-01T23:59:60Z",
    "2026-03-01T24:00:00Z",
    "2026-03-01T00:00:00.12Z",
    "2026-03-01T00:00:00.1234567Z",
    "2026-03-01 00:00:00Z",
    "2026-03-01",
    "20260301T000000Z",
    "2026-03-01T00:00:00+00:00",
    "2026-03-01T00:00:00-00:00",
    "2026-03-01T00:00:00z",
    " 2026-03-01T00:00:00Z",
    "2026-03-01T00:00:00Z\u00a0",
    '"2026-03-01T00:00:00Z\n"',
    "2026-03-29T02:30:00",
    "01/03/2026 10:00",
    "yesterday",
    "",
]


@pytest.mark.parametrize(
    "options",
    [{}, {"time_zone": "Europe/Berlin"}, {"timestamp_format": "%d/%m/%Y %H:%M"}, {"time_zone": "America/New_York"}],
)
def test_timestamps(root: Path, small_blocks: None, options: dict[str, object]) -> None:
    rows = [_row(n, when=stamp) for n, stamp in enumerate(TIMESTAMPS)]
    _, declined = _both(root, _file(*rows), options=options or None)
    assert not declined


@pytest.mark.parametrize("options", [{}, {"time_zone": "Europe/Berlin"}])
def test_every_timestamp_canonical_or_naive(root: Path, small_blocks: None, options: dict[str, object]) -> None:
    """The all-fast-path blocks: every cell canonical (Z), and naive cells mixed in."""
    z = [_row(n, when=f"2026-03-{n % 28 + 1:02d}T0{n % 10}:00:00{'.123456' if n % 2 else ''}Z") for n in range(20)]
    naive = [_row(n + 20, when=f"2026-03-{n % 28 + 1:02d}T0{n % 10}:00:00{'.5' * (n % 2)}") for n in range(10)]
    _, declined = _both(root, _file(*z, *naive), options=options or None)
    assert not declined


def test_whitespace_characters(root: Path, small_blocks: None) -> None:
    spaces = [
        "\u00a0",
        "\x1c",
        "\x1d",
        "\x1e",
        "\x1f",
        "\x85",
        "\u200b",
        "\ufeff",
        " \u3000 ",
        "\u2028",
        "\x0b\x0c",
        "",
    ]
    rows = [
        _row(n, id=f"{s}x{n % 3}{s}", cust=s, Region=s, ch=f"{s}web", note=f"{s}n{s}", Q1=f"{s}7{s}", w=f"{s}2{s}")
        for n, s in enumerate(spaces)
    ]
    _, declined = _both(root, _file(*rows))
    assert not declined


def test_weights(root: Path, small_blocks: None) -> None:
    weights = ["", " ", "0", "-0", "-1", "nan", "inf", "-inf", "1e3", " 2 ", "1_0", "0x1", "+3", "1e400", "1e-400"]
    rows = [_row(n, w=w) for n, w in enumerate([*weights, "\u0663", "0.5", "1.5"])]
    _, declined = _both(root, _file(*rows))
    assert not declined


def test_answers_and_labels(root: Path, small_blocks: None) -> None:
    q1 = ["10 - Extremely likely", "N/A", "11", "-1", "5.5", " 7 ", "", "\u0667", "7.0", "1e1", "nan", "-0", "0"]
    q2 = ["Very satisfied", " very satisfied ", "Meh", "5 - Very satisfied", "6", "", "x", "1", "2", "3", "4", "5", "0"]
    rows = [_row(n, Q1=a, Q2=b) for n, (a, b) in enumerate(zip(q1, q2, strict=True))]
    options = {"labels": {"csat": {"Very satisfied": 5, "Meh": 3}}}
    _, declined = _both(root, _file(*rows), options=options)
    assert not declined


def test_duplicate_response_ids(root: Path, small_blocks: None) -> None:
    rows = [
        _row(1),
        _row(2, id=" r1 "),
        _row(3, id="r1", when="bad"),
        _row(4, id="r4", w="0"),
        _row(5, id="r4"),
        _row(6, id="r6", when="bad"),
        _row(7, id="r6"),
        _row(8, id="r8", Q1="", Q2=""),
        _row(9, id="r8"),
        _row(10, id="r10", Q1="x"),
        _row(11, id="r10"),
        _row(12, id=" "),
        _row(13, id=""),
    ]
    _, declined = _both(root, _file(*rows))
    assert not declined


def test_records_of_another_width_blank_lines_and_blank_records(root: Path, small_blocks: None) -> None:
    rows = [_row(1), "a,b", _row(2) + ",x", ",,", "", "   ", '""', ",,,,,,,,", " , , ,,,,,,", _row(5), "z"]
    _, declined = _both(root, _file(*rows))
    assert not declined


def test_blank_extra_cells_are_declined(root: Path, small_blocks: None) -> None:
    _, declined = _both(root, _file(_row(1), _row(2) + ", ,"))
    assert declined


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("final", [True, False])
def test_line_ends_and_no_final_line_end(root: Path, small_blocks: None, end: str, final: bool) -> None:
    rows = [_row(1), "", "x,y", _row(2), "", _row(3, when="bad"), "q"]
    text = _file(*rows, end=end)
    _, declined = _both(root, text if final else text[: -len(end)])
    assert not declined


def test_header_only_and_body_without_rows(root: Path, small_blocks: None) -> None:
    for text in (HEADER, HEADER + "\n", HEADER + "\n\n\n", HEADER + "\nx,y\n\nz", HEADER + "\n,,,,,,,,\n"):
        _both(root, text)


def test_header_spanning_lines_and_multiline_cells(root: Path, small_blocks: None) -> None:
    header = 'id,cust,when,"Reg\nion",ch,Q1,Q2,note,w'
    rows = [
        _row(1, note='"a\nb\nc"'),
        "x,y",
        _row(2),
        _row(3, note='"\n"'),
        "z",
        _row(4, when="bad", note='"q\nq"'),
        ',,"\n",,,,,,',
        _row(5, id="r1", note='"\n\n"'),
    ]
    columns = {**COLUMNS, "segments": {"region": "Reg\nion"}}
    _, declined = _both(root, _file(*rows, header=header), columns=columns)
    assert not declined


@pytest.mark.parametrize("block", [64, 97, 128, 151, 200, 257, 300])
def test_block_boundaries(root: Path, monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    monkeypatch.setattr(columnar_module, "BLOCK_BYTES", block)
    monkeypatch.setattr(staged_module, "CHILD_PROCESS_BYTES", 1 << 60)
    rows = []
    for n in range(40):
        rows.append(_row(n, id=f"r{n % 13}", note='"a\nb"' if n % 3 == 0 else "", w="0" if n % 11 == 0 else "1"))
        if n % 4 == 0:
            rows.append("")
        if n % 5 == 0:
            rows.append("x,y")
        if n % 7 == 0:
            rows.append(_row(n, when="bad"))
    _both(root, _file(*rows))
    _both(root, _file(*[r for r in rows if "\n" not in r], end="\r\n"))


def test_small_chunks_with_repeats_across_chunks(
    root: Path, small_blocks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staged_module, "CHUNK", 3)
    rows = [
        _row(n, id=f"r{n % 5}", w="x" if n % 7 == 0 else "1", when="bad" if n % 6 == 0 else "2026-03-01")
        for n in range(40)
    ]
    _, declined = _both(root, _file(*rows))
    assert not declined


def test_other_delimiters(root: Path, small_blocks: None) -> None:
    rows = [_row(1, note='"x;y"'), _row(2, note=" z "), "q;w"]
    _, declined = _both(root, _file(*rows).replace(",", ";"), options={"delimiter": ";"})
    assert not declined
    _, declined = _both(
        root, _file(_row(1, note=" t "), _row(2), "a\tb").replace(",", "\t"), options={"delimiter": "\t"}
    )
    assert not declined
    _, declined = _both(root, _file(_row(1), _row(2)).replace(",", "|"), options={"delimiter": "|"})
    assert not declined


def test_odd_mappings(root: Path, small_blocks: None) -> None:
    rows = [_row(1, id=" a ", note="t1"), _row(2, id="a", w="x", note=" t1 "), _row(3, id="a"), _row(4, when="bad")]
    for columns in (
        {**COLUMNS, "questions": {"nps": "Q1", "csat": "Q1"}},
        {**COLUMNS, "respondent_id": "id", "comment": "id"},
        {**COLUMNS, "segments": {"region": "when", "r2": "Region", "r3": "Region"}},
        {**COLUMNS, "touchpoint": "note", "comment": "cust"},
        {"timestamp": "when", "questions": {"nps": "Q1"}},
        {**COLUMNS, "weight": "Q2"},
    ):
        _, declined = _both(root, _file(*rows), columns=columns)
        assert not declined


def test_more_profile_columns_than_a_key_packs(root: Path, small_blocks: None) -> None:
    columns = {
        **COLUMNS,
        "touchpoint": "note",
        "segments": {"a": "Region", "b": "ch", "c": "cust", "d": "Q2", "e": "id", "f": "w"},
    }
    rows = [_row(n, Region=f"R{n % 3}", ch=" " if n % 2 else "web") for n in range(30)]
    _, declined = _both(root, _file(*rows), columns=columns)
    assert not declined


def test_segments_only_whitespace_and_nul(root: Path, small_blocks: None) -> None:
    rows = [_row(n, Region=" " * (n % 3), note="a\x00b") for n in range(6)]
    _, declined = _both(root, _file(*rows))
    assert not declined


def test_bom_on_later_lines_is_kept(root: Path, small_blocks: None) -> None:
    _, declined = _both(root, _file(_row(1), "\ufeff" + _row(2), "\ufeff" + _row(3, when="x")))
    assert not declined


def test_quotes_both_readers_read_alike(root: Path, small_blocks: None) -> None:
    notes = ['""', '"a"""', '"a""""b"', '"a\n""b"', '"x,""y"""']
    _, declined = _both(root, _file(*(_row(n, note=note) for n, note in enumerate(notes))))
    assert not declined


@pytest.mark.parametrize("note", ['a"', 'ab""', 'a""b', ' ""'])
def test_a_quote_inside_an_unquoted_cell_is_read_alike_but_declined(root: Path, small_blocks: None, note: str) -> None:
    """Both readers keep it as it is; the scan declines it all the same (exports quote such cells)."""
    assert _both(root, _file(_row(1, note=note), _row(2)))[1]


def test_quote_left_open_mid_column_declines(root: Path, small_blocks: None) -> None:
    _, declined = _both(root, _file(_row(1), _row(2, note='"open'), _row(3)))
    assert declined


_TS = [
    "2026-03-01T00:00:00Z",
    "2026-03-01T00:00:00.5Z",
    "2026-03-01T00:00:00",
    "2026-02-30T00:00:00Z",
    "bad",
    "",
    " x ",
]
_W = ["1", "", "0", "-1", "nan", "1e3", " 2 ", "x"]
_Q = ["0", "5", "10", "11", "", " ", "N/A", "10 - Extremely likely", "x", "\u00a07"]
_SEG = ["North", " North ", "", " ", "\u00a0", "E,ast", "We\nst"]
_NOTE = ["", "hi", "a,b", "two\nlines", "\u3000x\x85", 'say "hi"', "x\n\ny"]


@pytest.mark.parametrize("seed", range(40))
def test_random_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    rng = random.Random(seed)
    monkeypatch.setattr(columnar_module, "BLOCK_BYTES", rng.choice([64, 100, 150, 200, 300, 1 << 20]))
    monkeypatch.setattr(staged_module, "CHILD_PROCESS_BYTES", 1 << 60)
    monkeypatch.setattr(staged_module, "CHUNK", rng.choice([3, 10_000]))
    end = rng.choice(["\n", "\n", "\r\n", "\r"])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=end)
    writer.writerow(HEADER.split(","))
    for _ in range(rng.randrange(1, 40)):
        kind = rng.random()
        if kind < 0.05:
            out.write(end)
            continue
        if kind < 0.1:
            writer.writerow(["x", "y"])
            continue
        cells = [
            rng.choice(["a", "b", " a ", "", "c"]) + str(rng.randrange(20)),
            rng.choice(["c1", "", " c2 "]),
            rng.choice(_TS),
            rng.choice(_SEG),
            rng.choice(["web", "app", ""]),
            rng.choice(_Q),
            rng.choice(["1", "3", "5", "6", ""]),
            rng.choice(_NOTE),
            rng.choice(_W),
        ]
        writer.writerow([c.replace("\n", "") for c in cells] if end != "\n" else cells)
    text = out.getvalue()
    if rng.random() < 0.3:
        text = text[: -len(end)]
    options = rng.choice([None, {"time_zone": "Europe/Berlin"}])
    _both(testing.make_programme(tmp_path / "p"), text, options=options)


def test_caches_cleared_and_profiles_by_row_mid_file(
    root: Path, small_blocks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tiny cache limits and profile radix, so the caches start over and the packed profile keys give way."""
    monkeypatch.setattr(staged_module, "CACHE_LIMIT", 3)
    monkeypatch.setattr(columnar_module, "CACHE_LIMIT", 3)
    monkeypatch.setattr(columnar_module, "PROFILE_RADIX", 4)
    rows = [
        _row(
            n,
            Region=f"R{n % 9}" if n > 10 else "North",
            ch=f" c{n % 4}",
            Q1=str(n % 12),
            w=str(n % 4),
            when=f"2026-03-{n % 30 + 1:02d}",
        )
        for n in range(60)
    ]
    _, declined = _both(root, _file(*rows))
    assert not declined
