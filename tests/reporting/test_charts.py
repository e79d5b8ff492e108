"""The dashboard's SVG charts, without a database: bar lengths proportional, zero totals, long and hostile labels,
valid SVG an accessibility tree can name."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from supplyesg.reporting import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart):
    return ET.fromstring(chart.svg)


def test_horizontal_bars_are_proportional_to_the_largest_value():
    chart = charts.hbar("k", "Risk", "Suppliers per level", [("High", 10), ("Medium", 5), ("Low", 0)])
    span = charts.WIDTH - charts.LABEL_WIDTH - charts.VALUE_ROOM  # 254 units for the largest bar
    assert chart.lengths == (span, span / 2, 0)
    root = parse(chart)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Risk"
    assert root.find(f"{SVG}desc").text == "Suppliers per level"
    assert root.get("aria-labelledby") == "k-t k-d"
    assert [g.find(f"{SVG}title").text for g in root.findall(f"{SVG}g")] == ["High: 10", "Medium: 5", "Low: 0"]


def test_all_zero_or_missing_values_draw_empty_bars_without_dividing_by_zero():
    chart = charts.hbar("z", "Nothing", "", [("A", 0), ("B", None)], suffix=" %")
    assert chart.lengths == (0, 0)
    assert [g.find(f"{SVG}title").text for g in parse(chart).findall(f"{SVG}g")] == ["A: 0 %", "B: –"]
    assert charts.stacked("s", "Empty", "", ["x", "y"], [("row", [0, 0])]).lengths == (0, 0)
    assert charts.vbar("v", "Empty", "", []).lengths == ()


def test_vertical_columns_are_proportional_and_decimals_print_plainly():
    chart = charts.vbar("g", "Grades", "", [("A", 4), ("B", 2), ("C", Decimal("1.0")), ("D", 0)])
    assert chart.lengths == (120.0, 60.0, 30.0, 0)
    assert "C: 1" in chart.svg and "1.0" not in chart.svg


def test_stacked_segments_share_one_scale_and_a_100_percent_bar_fills_the_width():
    chart = charts.stacked("c", "Actions", "", ["open", "closed"], [("Major", [3, 1]), ("Minor", [1, 1])])
    span = charts.WIDTH - charts.LABEL_WIDTH - charts.VALUE_ROOM
    # The longest bar (Major, 4) spans the width: 3/4 and 1/4 of it; Minor (2) is half as long.
    assert chart.lengths == (span * 3 / 4, span / 4, span / 4, span / 4)
    share = charts.share_bar("m", "Smelters", "", [("conformant", 2), ("active", 1), ("not engaged", 1)])
    assert share.lengths == (span / 2, span / 4, span / 4)
    titles = [rect.find(f"{SVG}title").text for rect in parse(share).iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    assert titles == [" · conformant: 2 (50 %)", " · active: 1 (25 %)", " · not engaged: 1 (25 %)"]


def test_series_after_the_first_carry_a_pattern_with_ids_of_their_own_chart():
    chart = charts.stacked("cap", "Actions", "", ["a", "b", "c"], [("x", [1, 1, 1])])
    root = parse(chart)
    patterns = [p.get("id") for p in root.iter(f"{SVG}pattern")]
    assert patterns == ["cap-p1", "cap-p2"]
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert fills == [charts.FILLS[0], "url(#cap-p1)", "url(#cap-p2)"]
    # The legend repeats each series' fill or pattern.
    assert chart.svg.count("url(#cap-p2)") == 2


def test_long_labels_are_shortened_with_the_whole_label_kept_in_the_title():
    long = "Shenzhen Very Long Precision Interconnect Components Manufacturing Co., Ltd."
    chart = charts.hbar("l", "Campaigns", "", [(long, 3)])
    label = parse(chart).find(f"{SVG}g").find(f"{SVG}text")
    assert label.text.endswith("…") and len(label.text) <= charts.LABEL_CHARS
    assert parse(chart).find(f"{SVG}g").find(f"{SVG}title").text == f"{long}: 3"
    assert (
        charts.short("深圳市精密连接器制造有限公司第二分公司") == "深圳市精密连接器制造有…"
    )  # wide characters count double: 11 of them + the ellipsis


def test_labels_and_titles_are_escaped():
    chart = charts.hbar("e", 'Risk <script>alert("x")</script>', "a & b", [("<b>Acme</b> & Co", 1)])
    root = parse(chart)  # still well-formed XML
    assert root.find(f"{SVG}title").text == 'Risk <script>alert("x")</script>'
    assert "<script>" not in chart.svg and "&lt;b&gt;Acme" in chart.svg


def test_the_drawing_scales_to_its_box_for_a_phone():
    chart = charts.hbar("w", "T", "", [("A", 1)])
    root = parse(chart)
    assert root.get("width") == "100%"
    assert root.get("viewBox") == f"0 0 {charts.WIDTH} {chart.height}"
    legend = charts.stacked("lg", "T", "", [f"Series number {i}" for i in range(6)], [("x", [1] * 6)])
    xs = [float(r.get("x")) + 14 for r in parse(legend).iter(f"{SVG}rect") if r.get("width") == "14"]
    assert max(xs) <= charts.WIDTH  # legend entries wrap instead of running off the drawing
