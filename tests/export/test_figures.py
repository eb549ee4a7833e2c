"""Figures: SVG and PNG files whose labels and values can be read back, the same bytes every time."""

from __future__ import annotations

import io
import re

import pytest

from qcode.errors import InputError
from qcode.export.figures import Bars, Heat, Interval, Intervals, by_attribute, figure_format, render
from tests.export.svgtext import labels, nearest

CODES = ("Bribery", "Wages & pay", "<Hours>")


def test_bars_carry_each_code_with_its_count_beside_it() -> None:
    svg = render(Bars("Code frequencies", CODES, (("all", (3, 12, 0)),), "segments"), "svg")
    texts = labels(svg)
    names = {t.text: t for t in texts if t.text in CODES}
    assert set(names) == set(CODES)  # escaped and read back as written
    values = [t for t in texts if re.fullmatch(r"\d+", t.text) and t.x > names["Bribery"].x + 5]
    for code, count in zip(CODES, (3, 12, 0), strict=True):
        beside = [v for v in values if abs(v.y - names[code].y) < 3]
        assert [v.text for v in beside] == ([str(count)] if count else []), code
    assert any(t.text == "Code frequencies" for t in texts)


def test_grouped_bars_by_attribute_value_in_series_order() -> None:
    data = by_attribute("By gender", CODES, ("Female", "Male"), [(1, 2), (3, 4), (0, 5)], "segments")
    assert isinstance(data, Bars)
    texts = labels(render(data, "svg"))
    codes = [t for t in texts if t.text in CODES]
    numbers = [t for t in texts if re.fullmatch(r"\d+", t.text) and t.x > codes[0].x + 5]
    spacing = abs(codes[1].y - codes[0].y)
    for code, expected in zip(codes, (["1", "2"], ["3", "4"], ["5"]), strict=True):
        near = sorted((n for n in numbers if abs(n.y - code.y) < spacing / 2), key=lambda n: n.y)
        assert [n.text for n in near] == expected
    assert {"Female", "Male"} <= {t.text for t in texts}


def test_many_attribute_values_make_a_shaded_table_with_every_cell() -> None:
    columns = ("A", "B", "C", "D", "E")
    rows = [(1, 2, 3, 4, 5), (0, 0, 7, 0, 9), (11, 0, 0, 0, 0)]
    data = by_attribute("By country", CODES, columns, rows, "documents")
    assert isinstance(data, Heat)
    _check_table(render(data, "svg"), CODES, columns, rows)


def test_cooccurrence_heat_map_cells() -> None:
    counts = ((5, 2, 0), (2, 8, 1), (0, 1, 4))
    _check_table(render(Heat("Co-occurrence", CODES, counts, "segments"), "svg"), CODES, CODES, counts)


def _check_table(svg: bytes, rows_: tuple[str, ...], columns: tuple[str, ...], counts: object) -> None:
    texts = labels(svg)
    row_labels = sorted((t for t in texts if t.text in rows_), key=lambda t: t.x)[: len(rows_)]
    col_labels = sorted((t for t in texts if t.text in columns), key=lambda t: -t.y)[: len(columns)]
    assert {t.text for t in row_labels} == set(rows_) and {t.text for t in col_labels} == set(columns)
    top, bottom = min(r.y for r in row_labels) - 10, max(r.y for r in row_labels) + 10
    left, right = min(c.x for c in col_labels) - 20, max(c.x for c in col_labels) + 20
    cells = [
        t for t in texts if re.fullmatch(r"\d+", t.text) and left <= t.x <= right and top <= t.y <= bottom
    ]
    grid = {
        (nearest(row_labels, c.y, axis="y").text, nearest(col_labels, c.x, axis="x").text): c.text
        for c in cells
    }
    expected = {
        (r, c): str(n)
        for r, row in zip(rows_, counts, strict=True)  # type: ignore[call-overload]
        for c, n in zip(columns, row, strict=True)
    }
    assert grid == expected


def test_agreement_points_carry_value_and_interval() -> None:
    data = Intervals(
        "Agreement per code",
        "krippendorff_alpha",
        0.95,
        (
            Interval("Bribery", 0.812, 0.7, 0.9),
            Interval("Wages & pay", -0.05, -0.2, 0.1),
            Interval("<Hours>", None, None, None),
        ),
    )
    texts = labels(render(data, "svg"))
    codes = {t.text: t for t in texts if t.text in CODES}
    notes = [t for t in texts if "[" in t.text or "undefined" in t.text]
    assert nearest(notes, codes["Bribery"].y, axis="y").text == "0.81 [0.70, 0.90]"
    assert nearest(notes, codes["Wages & pay"].y, axis="y").text == "-0.05 [-0.20, 0.10]"
    assert nearest(notes, codes["<Hours>"].y, axis="y").text.strip() == "undefined"
    assert any("krippendorff alpha with its 95% bootstrap interval" in t.text for t in texts)


def test_output_is_the_same_bytes_every_time_and_png_is_a_real_image() -> None:
    data = Bars("Code frequencies", CODES, (("all", (3, 12, 0)),), "segments")
    first = render(data, "svg")
    assert render(data, "svg") == first and b"<dc:date>" not in first
    png = render(data, "png", dpi=72)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and render(data, "png", dpi=72) == png
    from matplotlib.image import imread

    height, width = imread(io.BytesIO(png)).shape[:2]
    assert width > 300 and height > 100


@pytest.mark.parametrize("name", ["fig.pdf", "fig", "fig.svg.txt"])
def test_only_svg_and_png_are_written(name: str) -> None:
    with pytest.raises(InputError, match=r"\.svg or \.png"):
        figure_format(name)
    assert figure_format("Fig.SVG") == "svg" and figure_format("a.b.png") == "png"
