"""A bulletin's PDF: its Word file converted by LibreOffice, where LibreOffice is installed.

Debian's free CJK fonts (fonts-noto-cjk) stand in for the official 方正小标宋/仿宋_GB2312/楷体 when the
machine does not have them. Each conversion runs in a folder of its own with its own LibreOffice
profile, so two conversions at once never share a profile (LibreOffice refuses a profile in use);
at most MAX_CONVERSIONS run at once in a process (each is a LibreOffice of a few hundred MB), and a
request that finds them all busy for WAIT_SECONDS is told to try again.

Two things make LibreOffice pick the Simplified Chinese faces: the Word file says its East-Asian text
is zh-CN (word.py), and each conversion's fontconfig maps the official font names to Noto Serif CJK
SC (仿宋, 宋体, 楷体) and Noto Sans CJK SC (黑体, 小标宋) after the official fonts themselves, which are
used where installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from xml.sax.saxutils import escape

TIMEOUT_SECONDS = 120
MAX_CONVERSIONS = 2
WAIT_SECONDS = 30.0
SLOTS = threading.BoundedSemaphore(MAX_CONVERSIONS)
BUSY = "正在生成的 PDF 较多，请稍后再试或下载 Word 版。"
SERIF = ("仿宋_GB2312", "仿宋", "FangSong", "楷体_GB2312", "楷体", "KaiTi", "宋体", "SimSun")
SANS = ("黑体", "SimHei", "方正小标宋简体", "方正小标宋_GBK", "小标宋")
MISSING = (
    "本机没有安装 LibreOffice，无法生成 PDF。请下载 Word 版，或请系统管理员安装 LibreOffice"
    "（Debian/Ubuntu：apt-get install libreoffice-writer-nogui fonts-noto-cjk）。"
)


class PdfUnavailable(RuntimeError):
    """No PDF can be made here; the message says why, in words for the user."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice() is not None


def fontconfig(folder: Path) -> Path:
    """A fontconfig file: the system's, and the official Chinese font names accepting the Simplified
    Chinese Noto faces after themselves (<accept>: an installed official font still comes first)."""

    def alias(names: tuple[str, ...], face: str, generic: str) -> str:
        return "".join(
            f'<alias binding="same"><family>{escape(name)}</family>'
            f"<accept><family>{face}</family><family>{generic}</family></accept></alias>"
            for name in names
        )

    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        + alias(SERIF, "Noto Serif CJK SC", "serif")
        + alias(SANS, "Noto Sans CJK SC", "sans-serif")
        + "</fontconfig>",
        encoding="utf-8",
    )
    return config


def docx_to_pdf(docx: bytes) -> bytes:
    program = soffice()
    if program is None:
        raise PdfUnavailable(MISSING)
    if not SLOTS.acquire(timeout=WAIT_SECONDS):
        raise PdfUnavailable(BUSY)
    try:
        return _convert(program, docx)
    finally:
        SLOTS.release()


def _convert(program: str, docx: bytes) -> bytes:
    with tempfile.TemporaryDirectory(prefix="luoshi-pdf-") as folder:
        work = Path(folder)
        source = work / "bulletin.docx"
        source.write_bytes(docx)
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ]
        environment = os.environ | {"FONTCONFIG_FILE": str(fontconfig(work))}
        try:
            subprocess.run(  # noqa: S603
                command, check=True, capture_output=True, timeout=TIMEOUT_SECONDS, env=environment
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            raise PdfUnavailable("LibreOffice 转换 PDF 失败，请稍后再试或下载 Word 版。") from error
        target = work / "bulletin.pdf"
        if not target.exists():
            raise PdfUnavailable("LibreOffice 没有生成 PDF，请下载 Word 版。")
        return target.read_bytes()
