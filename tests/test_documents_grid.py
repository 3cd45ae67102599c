"""Grids (core/documents/grid.py): long tables printed as fixed-pitch lines,
with the page plan counting their lines exactly."""
from decimal import Decimal

import pytest

from core.documents.grid import Column, Grid, cell_width, text_width, wrap
from core.documents.paging import page_starts
from core.money import figures
from core.registry import Paging

GRID = Grid(Column(10), Column(14, key="number"), Column(20, key="description"),
            Column(14, "right"), Column(15, "right"))


def test_chinese_characters_are_two_cells_and_latin_one():
    assert text_width("对账单") == 6
    assert text_width("INV/2026/00002") == 14
    assert text_width("1,234.56") == 8
    assert cell_width("，") == 2 and cell_width(" ") == 1


def test_lines_break_at_spaces_and_between_chinese_characters():
    assert wrap("销售发票 海尔 470 升十字对开门冰箱", 20) == ["销售发票 海尔 470 升", "十字对开门冰箱"]
    assert wrap("销售发票 海尔 470 升十字对开门冰箱", 19) == ["销售发票 海尔 470", "升十字对开门冰箱"]
    assert wrap("收款银行回单尾号八八一二已到账", 10) == ["收款银行回", "单尾号八八", "一二已到账"]
    # a Latin word is kept whole when it fits on the next line …
    assert wrap("型号 KFR-35GW/BP2DN1Y", 12) == ["型号", "KFR-35GW/BP2", "DN1Y"]
    # … and closing punctuation never starts a line
    assert wrap("一二三四五，六七", 10) == ["一二三四", "五，六七"]
    assert wrap("  多个\n空白\t合一  ", 20) == ["多个 空白 合一"]
    assert wrap("", 5) == [""] and wrap(None, 5) == [""]


def test_every_line_fits_its_column():
    text = "销售发票 美的 1.5 匹变频空调 KFR-35GW/BP2DN1Y-PH400(B3)，含安装费与辅材，另赠延保一年"
    for width in (6, 7, 11, 20, 33):
        lines = wrap(text, width)
        assert all(text_width(line) <= width for line in lines), (width, lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_columns_line_up_and_amounts_are_right_aligned():
    rows = [GRID.lines("2026-10-01", "INV/2026/00002", "销售发票 小天鹅 10 公斤滚筒洗衣机",
                       figures(Decimal("19990")), figures(Decimal("21187"))),
            GRID.lines("2026-10-31", "", "期末余额", "", figures(Decimal("-1234567.8")))]
    first, second = rows[0], rows[1]
    assert len(first) == 2 and len(second) == 1  # the description wrapped once
    assert first[0] == ("2026-10-01  INV/2026/00002  销售发票 小天鹅 10"
                        "         19,990.00        21,187.00")
    assert first[1] == " " * 28 + "公斤滚筒洗衣机"
    # the last column ends in the same cell on every line that has it
    assert text_width(first[0]) == text_width(second[0]) == GRID.width
    assert second[0].endswith("-1,234,567.80")


def test_a_row_is_escaped_and_keeps_its_line_breaks():
    out = GRID.row("2026-10-01", "<b>", "甲 & 乙 <script>alert(1)</script>", "", "1.00")
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp;" in out
    # three lines: the description wrapped, its 25-character word cut
    indent = " " * 28
    assert out.split("\n")[1:] == [indent + "&lt;script&gt;alert(1)&lt;/sc", indent + "ript&gt;"]


def test_characters_that_are_not_whole_cells_get_a_box_of_the_column_width():
    assert cell_width("©") != int(cell_width("©"))  # a proportional glyph in the mono face
    out = GRID.row("2026-10-01", "ABC", "商标©说明", "", "1.00")
    assert '<span class="gc" style="width: 20ch">商标©说明</span>' in out
    assert out.endswith(" " * 11 + "1.00")  # later columns still start on their cell


def test_a_row_must_have_one_value_per_column():
    with pytest.raises(ValueError, match="5 columns"):
        GRID.row("2026-10-01", "x")


def test_the_page_plan_counts_a_grid_rows_lines_exactly():
    paging = Paging("rows", first_page=3, per_page=4, extra_line=0.5, grid=GRID)
    one = {"number": "INV/1", "description": "短"}
    three = {"number": "INV/2", "description": "很长的摘要" * 3}  # 30 cells: 2 lines of 20
    assert GRID.height(one) == 1 and GRID.height(three) == 2
    # page 1 holds 3 one-line rows; a two-line row counts 1.5
    assert page_starts([one, one, three, one, one, one, one], paging) == [2, 5]
