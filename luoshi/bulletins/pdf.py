"""A bulletin's PDF: its Word file converted by LibreOffice, where LibreOffice is installed.

Debian's free CJK fonts (fonts-noto-cjk) stand in for the official 方正小标宋/仿宋_GB2312/楷体 when the
machine does not have them. Each conversion runs in a folder of its own with its own LibreOffice
profile, so two conversions at once never share a profile (LibreOffice refuses a profile in use).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 120
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


def docx_to_pdf(docx: bytes) -> bytes:
    program = soffice()
    if program is None:
        raise PdfUnavailable(MISSING)
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
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT_SECONDS)  # noqa: S603
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            raise PdfUnavailable("LibreOffice 转换 PDF 失败，请稍后再试或下载 Word 版。") from error
        target = work / "bulletin.pdf"
        if not target.exists():
            raise PdfUnavailable("LibreOffice 没有生成 PDF，请下载 Word 版。")
        return target.read_bytes()
