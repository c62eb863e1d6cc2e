"""一项目一码: the A4 sign put up at a project's site, with the project's figures and a QR code that
opens its phone page (the site page, where an inspector sees the project and records a visit).

The PDF is drawn with reportlab's built-in Chinese CID font (no font file to ship) and the QR code
is drawn as vector squares from segno's matrix, so it prints sharp at any size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

import segno
from django.http import HttpRequest
from django.urls import reverse
from reportlab.lib.colors import HexColor, black, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

FONT = "STSong-Light"
RED = HexColor("#8E1B1B")


@dataclass(frozen=True)
class Sign:
    title: str
    code: str
    level: str
    stage: str
    leader: str
    unit: str
    total_investment: Decimal  # 万元
    planned_investment: Decimal  # 万元
    url: str  # what the QR code opens


def sign_url(request: HttpRequest, pk: int) -> str:
    """The QR code's payload: the absolute address of the project's phone page."""
    return request.build_absolute_uri(reverse("projects:site", args=[pk]))


def qr_code(payload: str) -> segno.QRCode:
    return segno.make(payload, error="m", micro=False)


def _money(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.01')).normalize():f}"
    return f"{text}万元"


def _lines(text: str, size: float, width: float) -> list[str]:
    """Chinese text broken to `width`, character by character (it has no spaces to break at)."""
    lines, line = [], ""
    for char in text:
        if pdfmetrics.stringWidth(line + char, FONT, size) > width and line:
            lines.append(line)
            line = char
        else:
            line += char
    return [*lines, line] if line else lines


def _qr(canvas: Canvas, code: segno.QRCode, x: float, y: float, side: float) -> None:
    """The code's dark modules as filled squares (a row's run of dark modules as one rectangle)."""
    matrix = [list(row) for row in code.matrix_iter(scale=1, border=4)]
    module = side / len(matrix)
    canvas.setFillColor(white)
    canvas.rect(x, y, side, side, stroke=0, fill=1)
    canvas.setFillColor(black)
    for r, row in enumerate(matrix):
        top = y + side - (r + 1) * module
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                canvas.rect(x + start * module, top, (c - start) * module, module, stroke=0, fill=1)
            else:
                c += 1


def _page(canvas: Canvas, sign: Sign) -> None:
    width, height = A4
    margin = 20 * mm
    canvas.setFillColor(RED)
    canvas.rect(0, height - 38 * mm, width, 38 * mm, stroke=0, fill=1)
    canvas.setFillColor(white)
    canvas.setFont(FONT, 30)
    canvas.drawCentredString(width / 2, height - 22 * mm, "重点项目 · 一项目一码")
    canvas.setFont(FONT, 13)
    canvas.drawCentredString(width / 2, height - 32 * mm, f"{sign.level}　{sign.stage}")
    canvas.setFillColor(black)
    y = height - 58 * mm
    canvas.setFont(FONT, 24)
    for line in _lines(sign.title, 24, width - 2 * margin):
        canvas.drawCentredString(width / 2, y, line)
        y -= 11 * mm
    y -= 4 * mm
    facts = [
        ("项目编码", sign.code),
        ("项目级别", sign.level),
        ("项目阶段", sign.stage),
        ("包抓县级领导", sign.leader or "—"),
        ("责任单位", sign.unit or "—"),
        ("总投资", _money(sign.total_investment)),
        ("年度计划投资", _money(sign.planned_investment)),
    ]
    canvas.setFont(FONT, 14)
    for label, value in facts:
        canvas.setFillColor(HexColor("#555555"))
        canvas.drawString(margin + 10 * mm, y, label)
        canvas.setFillColor(black)
        canvas.drawString(margin + 55 * mm, y, value)
        canvas.setStrokeColor(HexColor("#dddddd"))
        canvas.line(margin + 10 * mm, y - 3 * mm, width - margin - 10 * mm, y - 3 * mm)
        y -= 10 * mm
    side = 70 * mm
    _qr(canvas, qr_code(sign.url), (width - side) / 2, 38 * mm, side)
    canvas.setFont(FONT, 12)
    canvas.drawCentredString(width / 2, 30 * mm, "扫码查看项目进展、记录现场察看（须登录）")
    canvas.setFont(FONT, 9)
    canvas.setFillColor(HexColor("#777777"))
    canvas.drawCentredString(width / 2, 22 * mm, sign.url)


def signs_pdf(signs: Sequence[Sign], out: IO[bytes]) -> None:
    """One A4 page per project."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle("重点项目一项目一码")
    for sign in signs:
        _page(canvas, sign)
        canvas.showPage()
    if not signs:
        canvas.setFont(FONT, 14)
        canvas.drawString(20 * mm, A4[1] - 30 * mm, "没有符合条件的项目。")
        canvas.showPage()
    canvas.save()
