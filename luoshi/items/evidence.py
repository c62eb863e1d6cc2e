"""What an evidence file is, decided by its content and never by its name.

Accepted: images (JPEG, PNG, GIF, WebP, HEIC), PDF, Word, Excel and PowerPoint files in both the
old (OLE) and the new (OOXML) formats, WPS files, and OFD (China's e-document format). HTML, SVG,
scripts, archives and anything else are refused.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

import olefile
from PIL import Image, ImageOps, UnidentifiedImageError


class EvidenceRejected(ValueError):
    """The file cannot be evidence; the message says why, in Chinese."""


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str
    inline: bool = False  # shown in the browser (images, PDF) rather than downloaded

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


JPEG = FileType("image/jpeg", ".jpg", "图片", inline=True)
PNG = FileType("image/png", ".png", "图片", inline=True)
GIF = FileType("image/gif", ".gif", "图片", inline=True)
WEBP = FileType("image/webp", ".webp", "图片", inline=True)
HEIC = FileType("image/heic", ".heic", "图片（HEIC）")
PDF = FileType("application/pdf", ".pdf", "PDF", inline=True)
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word")
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "Excel")
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx", "PowerPoint"
)
OFD = FileType("application/ofd", ".ofd", "OFD")
DOC = FileType("application/msword", ".doc", "Word")
WPS = FileType("application/vnd.ms-works", ".wps", "WPS 文字")
XLS = FileType("application/vnd.ms-excel", ".xls", "Excel")
ET = FileType("application/vnd.ms-excel", ".et", "WPS 表格")
PPT = FileType("application/vnd.ms-powerpoint", ".ppt", "PowerPoint")
DPS = FileType("application/vnd.ms-powerpoint", ".dps", "WPS 演示")

ACCEPTED_DESCRIPTION = "图片（JPG、PNG、GIF、WebP、HEIC）、PDF、Word、Excel、PowerPoint、WPS 或 OFD 文件"
HEAD_BYTES = 64


def detect(data: IO[bytes], name: str = "") -> FileType:
    """The type of the file `data` holds; raises EvidenceRejected for anything not accepted.

    `name` only chooses between formats whose content is the same container (a .wps and a .doc
    file are both OLE documents with a WordDocument stream).
    """
    data.seek(0)
    head = data.read(HEAD_BYTES)
    data.seek(0)
    suffix = PurePosixPath(name).suffix.lower()
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
        return HEIC
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _detect_zip(data)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _detect_ole(data, suffix)
    raise EvidenceRejected(f"不支持这种文件。佐证材料只能是{ACCEPTED_DESCRIPTION}。")


def _detect_zip(data: IO[bytes]) -> FileType:
    try:
        with zipfile.ZipFile(data) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as error:
        raise EvidenceRejected("文件已损坏，无法打开。") from error
    finally:
        data.seek(0)
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    if "ppt/presentation.xml" in names:
        return PPTX
    if "OFD.xml" in names:
        return OFD
    raise EvidenceRejected(f"不支持压缩包或这种文件。佐证材料只能是{ACCEPTED_DESCRIPTION}。")


def _detect_ole(data: IO[bytes], suffix: str) -> FileType:
    try:
        with olefile.OleFileIO(data) as ole:
            streams = {"/".join(entry) for entry in ole.listdir()}
    except OSError as error:
        raise EvidenceRejected("文件已损坏，无法打开。") from error
    finally:
        data.seek(0)
    if "WordDocument" in streams:
        return WPS if suffix == ".wps" else DOC
    if streams & {"Workbook", "Book"}:
        return ET if suffix == ".et" else XLS
    if "PowerPoint Document" in streams:
        return DPS if suffix == ".dps" else PPT
    raise EvidenceRejected(f"不支持这种文件。佐证材料只能是{ACCEPTED_DESCRIPTION}。")


THUMBNAIL_SIZE = (360, 360)


# A phone photo is at most about 50 megapixels; a larger image is refused before it is decoded
# (a 17 KB PNG can claim 12000×12000 pixels and take hundreds of MB to decode).
MAX_THUMBNAIL_PIXELS = 60_000_000


def thumbnail(data: IO[bytes]) -> bytes | None:
    """A small JPEG of an image, upright as the phone took it; None when it cannot be read or
    claims more pixels than a photo has (read from its header, before decoding)."""
    data.seek(0)
    try:
        with warnings.catch_warnings():  # the size is checked here, before decoding
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(data)
        with opened:
            width, height = opened.size
            if width * height > MAX_THUMBNAIL_PIXELS:
                return None
            opened.draft("RGB", THUMBNAIL_SIZE)  # JPEG: decode at a reduced scale
            image = ImageOps.exif_transpose(opened)
            image.thumbnail(THUMBNAIL_SIZE)
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=80)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        return None
    finally:
        data.seek(0)
