"""What every spreadsheet the system writes must do to its cells.

A text cell that starts with = + - @ (or a tab or carriage return, which some programs skip before
reading a formula) is read by Excel and WPS as a formula: a title like `=HYPERLINK("http://…")` or
`=1+1+cmd|' /C calc'!A0` typed into an item, or imported from someone's sheet, would come out of an
export as a live formula (CSV/formula injection, OWASP). Every export writes its cells through
`safe_cell`, which keeps the text and makes it inert with a leading quote mark (').
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """`value` as a sheet cell that can never be a formula. Numbers, dates and empty cells pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: list[object] | tuple[object, ...]) -> list[object]:
    return [safe_cell(value) for value in values]


def cell_text(value: str) -> str:
    """A text cell as read back: the quote mark `safe_cell` put before a formula start comes off, so
    an exported sheet imported again gives back the same words."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
