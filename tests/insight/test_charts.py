"""Inline SVG charts: accessible, Indonesian numbers, gaps not zeros."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ckanext.sektoral.core import charts

SVG = "{http://www.w3.org/2000/svg}"


def test_indonesian_number_format():
    assert charts.format_number(1234.5, "id") == "1.234,5"
    assert charts.format_number(1234567, "id") == "1.234.567"
    assert charts.format_number(1234.5, "en") == "1,234.5"
    assert charts.format_number(0.5, "id", decimals=2) == "0,50"
    assert charts.format_number(None) == ""


def test_bar_chart_is_accessible_and_skips_missing_values():
    svg = charts.bar_chart(
        ["Kota Ternate", "Kota Tidore Kepulauan", "Kabupaten Halmahera Barat"],
        [1234.5, None, 0], title="Produksi <Beras>", value_label="Nilai (ton)",
        category_label="Kabupaten/kota", chart_id="c1", locale="id",
        missing_text="tidak tersedia")
    root = ET.fromstring(svg)  # well-formed XML, title escaped
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(SVG + "title").text == "Produksi <Beras>"
    desc = root.find(SVG + "desc").text
    assert "Kota Ternate: 1.234,5" in desc
    assert "Kota Tidore Kepulauan: tidak tersedia" in desc
    assert "Kabupaten Halmahera Barat: 0" in desc
    bars = [r for r in root.iter(SVG + "rect")
            if r.get("class") == "sektoral-chart-bar"]
    assert len(bars) == 2  # the real 0 is a bar; the missing value is not
    texts = [t.text for t in root.iter(SVG + "text")]
    assert "tidak tersedia" in texts and "Nilai (ton)" in texts
    assert "Kabupaten/kota" in texts and "1.234,5" in texts


def test_line_chart_breaks_at_missing_values():
    svg = charts.line_chart(
        ["2020", "2021", "2022", "2023", "2024"],
        [("Nilai", [1, 2, None, 4, 5])], title="T", value_label="V",
        category_label="Tahun", chart_id="c2", missing_text="n/a")
    root = ET.fromstring(svg)
    lines = [p for p in root.iter(SVG + "polyline")]
    assert len(lines) == 2  # 2020-2021 and 2023-2024, no line through 0
    assert [len(p.get("points").split()) for p in lines] == [2, 2]
    points = [c for c in root.iter(SVG + "circle")]
    assert len(points) == 4


def test_nice_ticks_cover_the_range():
    ticks = charts.nice_ticks(0, 1234.5)
    assert ticks[0] == 0 and ticks[-1] >= 1234.5 and len(ticks) <= 8
    ticks = charts.nice_ticks(-5, 20)
    assert ticks[0] <= -5 and ticks[-1] >= 20


def test_long_titles_wrap_inside_the_chart():
    title = ("Indeks Pembangunan Manusia Menurut Kabupaten/Kota menurut "
             "tahun (rata-rata kabupaten/kota tanpa pembobotan)")
    svg = charts.line_chart(["2023", "2024"], [("IPM", [70.9, 71.5])],
                            title=title, value_label="V",
                            category_label="Tahun", chart_id="c3")
    root = ET.fromstring(svg)
    spans = [t.text for t in root.iter(SVG + "tspan")]
    assert len(spans) == 2 and " ".join(spans) == title
    assert all(len(s) <= charts.TITLE_CHARS for s in spans)
    assert root.find(SVG + "title").text == title


def test_ticks_reach_the_largest_value():
    for high in (81.2, 80, 99.9, 1, 0.3, 1234.5):
        ticks = charts.nice_ticks(0, high)
        assert ticks[-1] >= high and ticks[-2] < high, (high, ticks)


def test_long_category_labels_are_shortened_in_the_drawing_only():
    name = "Badan Pengelolaan Keuangan dan Aset Daerah Provinsi Maluku Utara"
    svg = charts.bar_chart([name], [100], title="T", value_label="%",
                           category_label="OPD", chart_id="c4")
    root = ET.fromstring(svg)
    drawn = [t.text for t in root.iter(SVG + "text")]
    assert charts.short_label(name) in drawn and name not in drawn
    assert name in root.find(SVG + "desc").text
