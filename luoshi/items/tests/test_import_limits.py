"""Imports that cannot take the server down: caps on what an upload unpacks to and on its rows,
errors listed up to a number, large sheets imported by a job with a progress page, and a write
transaction that holds nothing but the writing."""

from __future__ import annotations

import io
import math
import os
import re
import threading
import tracemalloc
import zipfile
from collections.abc import Iterable
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from luoshi.conftest import client_for, demo_user
from luoshi.core import clock
from luoshi.items import excel, import_jobs, services
from luoshi.items.models import ImportJob, ImportJobStatus, Item
from luoshi.items.services.imports import BATCH
from luoshi.items.tests.test_excel import GOOD, _rows, _upload, sheet

pytestmark = pytest.mark.django_db

# ---------------------------------------------------------------------------------------------
# Workbooks written by hand: the sheet's XML straight into the zip, as a hostile upload would be


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = (
    f'<Relationships xmlns="{RELATIONSHIPS}"><Relationship Id="rId1" '
    f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{OFFICE}"><sheets><sheet name="督办事项" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<Relationships xmlns="{RELATIONSHIPS}"><Relationship Id="rId1" '
    f'Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
HEADER_ROW = ["事项名称", "牵头单位", "完成时限"]


def xml_row(number: int, values: Iterable[str]) -> bytes:
    cells = "".join(
        f'<c r="{letter}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for letter, value in zip("ABCDEFGHIJKLMNOPQRST", values, strict=False)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def handmade(rows: Iterable[bytes], *, dimension: str | None = None, tail: bytes = b"") -> io.BytesIO:
    """An .xlsx whose sheet is `rows` (XML), with a <dimension> when given and `tail` after the rows
    (broken XML, to prove a reader stopped before it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            if dimension:
                part.write(f'<dimension ref="{dimension}"/>'.encode())
            part.write(b"<sheetData>")
            chunk: list[bytes] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) == 5000:
                    part.write(b"".join(chunk))
                    chunk = []
            part.write(b"".join(chunk))
            part.write(tail or b"</sheetData></worksheet>")
    out.seek(0)
    return out


def bomb(rows: int = 200_000) -> io.BytesIO:
    """200,000 rows of 14 cells: over 200 MB of XML packed into less than 2 MB, as in the issue (the
    cells need no reference of their own, so that the rows repeat and pack well)."""
    cells = "".join('<c t="inlineStr"><is><t>县发改局牵头推进重点工作</t></is></c>' for _ in range(14))
    return handmade(
        (f'<row r="{n}">{cells}</row>'.encode() for n in range(1, rows + 1)), dimension=f"A1:N{rows}"
    )


def listed(page: str) -> int:
    return page.count("<li>")


# ---------------------------------------------------------------------------------------------
# The caps


def test_a_workbook_that_unpacks_to_hundreds_of_megabytes_is_refused_at_once_in_a_few_words(
    zhashui, supervisor
):
    upload = bomb()
    with zipfile.ZipFile(upload) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    assert unpacked > 200_000_000 and upload.getbuffer().nbytes < 2 * excel.MB
    client = client_for(supervisor)
    tracemalloc.start()
    try:
        response = client.post("/items/import/", {"file": _upload(upload), "year": 2023})
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    page = response.content.decode()
    assert f"这个表格解压后有 {unpacked / excel.MB:,.0f} MB，超过导入上限 50 MB，没有读取。" in page
    assert len(response.content) < 30_000  # the page, not a list of 200,000 rows
    assert peak < 40 * excel.MB  # the upload itself is read (2 MB), never what it unpacks to
    assert not Item.objects.exists() and not ImportJob.objects.exists()


def test_the_cli_refuses_the_same_workbook(zhashui, tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb().getvalue())
    with pytest.raises(CommandError, match=r"解压后有 .* MB，超过导入上限 50 MB.*--max-unpacked-mb"):
        call_command("import", "items", str(path), "--region", "柞水县", "--year", "2023")


def test_a_sheet_that_declares_too_many_rows_is_refused_before_any_row_is_read(zhashui, settings):
    settings.LUOSHI_IMPORT_MAX_ROWS = 100
    # Broken right after the header: reading one row past it would fail otherwise.
    declared = handmade([xml_row(1, HEADER_ROW)], dimension="A1:C1001", tail=b"<row r=")
    result = excel.read_sheet(declared, region=zhashui, year=2023)
    assert [str(e) for e in result.errors] == [
        "表格超过每次最多导入 100 行的上限（表格自身记录的范围有 1,001 行），没有导入任何事项。"
        "请分成几个表格分批导入；如表格末尾有大量空行，请删除后再上传。"
    ]


def test_on_the_web_a_sheet_declared_too_large_is_refused_at_once_not_queued(zhashui, supervisor, settings):
    settings.LUOSHI_IMPORT_MAX_ROWS, settings.LUOSHI_IMPORT_SYNC_ROWS = 100, 3
    rows = [xml_row(1, HEADER_ROW)] + [
        xml_row(n, [f"事项{n}", "县发改局", "2023-12-31"]) for n in range(2, 150)
    ]
    response = client_for(supervisor).post(
        "/items/import/", {"file": _upload(handmade(rows, dimension="A1:C1001")), "year": 2023}
    )
    assert response.status_code == 400
    assert "表格超过每次最多导入 100 行的上限（表格自身记录的范围有 1,001 行）" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_sheet_is_read_up_to_the_cap_and_no_further_whatever_it_says_of_its_size(zhashui, settings):
    settings.LUOSHI_IMPORT_MAX_ROWS = 100
    rows = [xml_row(1, HEADER_ROW)] + [
        xml_row(n, [f"事项{n}", "县发改局", "2023-12-31"]) for n in range(2, 150)
    ]
    broken = b'<row r="150"><c r="A150" t="inl'
    # A sheet that understates its size (A1:C50) is read past it, up to the cap: the broken row
    # after the cap is never reached.
    understated = handmade(rows, dimension="A1:C50", tail=broken)
    too_many = (
        "表格超过每次最多导入 100 行的上限（读到第 102 行时停止），没有导入任何事项。"
        "请分成几个表格分批导入；如表格末尾有大量空行，请删除后再上传。"
    )
    assert [str(e) for e in excel.read_sheet(understated, region=zhashui, year=2023).errors] == [too_many]
    silent = handmade(rows, tail=broken)  # no <dimension> at all: not read to its end to size it
    assert [str(e) for e in excel.read_sheet(silent, region=zhashui, year=2023).errors] == [too_many]
    broken_early = handmade(rows[:20], dimension="A1:C21", tail=b'<row r="21"><c r="A21" t="inl')
    assert "第 21 行附近的内容已损坏" in str(
        excel.read_sheet(broken_early, region=zhashui, year=2023).errors[0]
    )


def test_empty_rows_count_towards_the_cap_so_a_far_away_cell_cannot_make_a_million_rows(zhashui, settings):
    settings.LUOSHI_IMPORT_MAX_ROWS = 100
    far = handmade(
        [xml_row(1, HEADER_ROW), xml_row(2, ["事项", "县发改局", "2023-12-31"]), xml_row(1_048_576, ["x"])],
    )
    assert "读到第 102 行时停止" in str(excel.read_sheet(far, region=zhashui, year=2023).errors[0])


def test_a_part_packed_to_an_absurd_ratio_or_too_many_parts_is_refused(zhashui):
    dense = io.BytesIO()
    with zipfile.ZipFile(dense, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * excel.MB))
    assert "xl/worksheets/sheet1.xml 压缩比异常" in str(
        excel.read_sheet(dense, region=zhashui, year=2023).errors[0]
    )
    crowded = io.BytesIO()
    with zipfile.ZipFile(crowded, "w") as archive:
        for number in range(1001):
            archive.writestr(f"part{number}.xml", b"<x/>")
    assert "这个文件由 1,001 个部分组成，不像 Excel 表格" in str(
        excel.read_sheet(crowded, region=zhashui, year=2023).errors[0]
    )


def test_an_upload_larger_than_the_cap_is_refused_by_the_form(zhashui, supervisor, settings):
    settings.LUOSHI_IMPORT_MAX_MB = 1
    big = io.BytesIO(b"PK" + os.urandom(int(1.5 * excel.MB)))
    response = client_for(supervisor).post("/items/import/", {"file": _upload(big), "year": 2023})
    assert response.status_code == 200  # the form again, with its error
    assert "文件有 1.5 MB，超过导入上限 1 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_errors_are_listed_up_to_the_cap_and_the_rest_counted(zhashui, supervisor, settings):
    settings.LUOSHI_IMPORT_MAX_ERRORS = 3
    bad = [["", "", "县发改局", "", "", "2023-08-31", "", "", "", ""] for _ in range(5)]  # no title
    bad.append(["", "", "县招商局局", "", "", "8月末尾", "", "", "", ""])  # three errors in one row
    response = client_for(supervisor).post("/items/import/", {"file": _upload(sheet(*bad)), "year": 2023})
    assert response.status_code == 400
    page = response.content.decode()
    assert "没有导入任何事项。共有 8 处错误，下面列出前 3 处，另有 5 处错误未列出。" in page
    assert listed(page.split('data-testid="import-errors"')[1].split("</div>")[0]) == 3
    assert "第2行 B列（事项名称）：必填，不能为空" in page and "第5行" not in page


def test_the_cli_has_the_same_caps_and_the_operator_may_raise_them(zhashui, tmp_path, settings):
    settings.LUOSHI_IMPORT_MAX_ROWS = 3
    path = tmp_path / "items.xlsx"
    path.write_bytes(sheet(*GOOD).getvalue())
    with pytest.raises(CommandError, match=r"表格超过每次最多导入 3 行的上限.*--max-rows"):
        call_command("import", "items", str(path), "--region", "柞水县", "--year", "2023")
    assert not Item.objects.exists()
    call_command("import", "items", str(path), "--region", "柞水县", "--year", "2023", "--max-rows", "5")
    assert Item.objects.count() == 5


# ---------------------------------------------------------------------------------------------
# A large sheet is a job: its page shows the progress, then the result


@pytest.fixture
def large(settings) -> None:
    """Sheets of more than 3 rows are imported by a job."""
    settings.LUOSHI_IMPORT_SYNC_ROWS = 3


def stored_uploads() -> list[str]:
    try:
        return default_storage.listdir(import_jobs.FOLDER)[1]
    except FileNotFoundError:
        return []


def test_a_small_sheet_is_still_imported_while_the_browser_waits(zhashui, supervisor, large):
    response = client_for(supervisor).post(
        "/items/import/", {"file": _upload(sheet(*GOOD[:3])), "year": 2023}, follow=True
    )
    assert "已导入：新增 3 项（草稿）。" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_large_sheet_is_queued_and_its_page_shows_the_progress_then_the_result(
    zhashui, supervisor, large, monkeypatch
):
    from luoshi.items.services import import_jobs as start

    queued: list[int] = []
    monkeypatch.setattr(start, "run_import_job", queued.append)  # the worker is away for now
    client = client_for(supervisor)
    response = client.post("/items/import/", {"file": _upload(sheet(*GOOD)), "year": 2023, "assign": "on"})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/items/imports/{job.pk}/"
    assert queued == [job.pk] and job.status == ImportJobStatus.QUEUED
    assert (job.created_by, job.region, job.year, job.assign, job.dry_run) == (
        supervisor,
        zhashui,
        2023,
        True,
        False,
    )
    assert stored_uploads() == [job.file.name.removeprefix("imports/")]

    page = client.get(f"/items/imports/{job.pk}/").content.decode()
    assert "排队中，稍候开始检查" in page and job.original_name in page
    assert f'hx-get="/items/imports/{job.pk}/" hx-trigger="every 2s"' in page

    seen: list[str] = []
    told = import_jobs._progress

    def watched(job_id: int, rows: int, declared: int | None) -> None:
        told(job_id, rows, declared)
        seen.append(client.get(f"/items/imports/{job_id}/", HTTP_HX_REQUEST="true").content.decode())

    monkeypatch.setattr(import_jobs, "_progress", watched)
    import_jobs.import_job_run(job_id=job.pk)  # as the worker runs it

    assert "正在检查：已检查 5 / 5 行" in seen[-1] and 'hx-trigger="every 2s"' in seen[-1]
    assert 'aria-valuenow="100"' in seen[-1]
    done = client.get(f"/items/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "已导入：新增 5 项并交办。" in done
    assert "hx-trigger" not in done and "<html" not in done  # the fragment, no longer polling
    assert Item.objects.count() == 5
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE and job.finished_at and not job.file
    assert stored_uploads() == []
    assert import_jobs.import_job_run(job_id=job.pk) is None  # run once, whatever the queue does


def test_the_queued_job_runs_on_the_queue_and_a_dry_run_writes_nothing(zhashui, supervisor, large):
    client = client_for(supervisor)
    checked = client.post(
        "/items/import/", {"file": _upload(sheet(*GOOD)), "year": 2023, "dry_run": "1"}, follow=True
    )
    page = checked.content.decode()
    assert "检查通过：5 项都可以导入，将新增 5 项（草稿）（尚未导入）。" in page
    assert "只检查，不导入" in page
    assert not Item.objects.exists()
    imported = client.post("/items/import/", {"file": _upload(sheet(*GOOD)), "year": 2023}, follow=True)
    assert "已导入：新增 5 项（草稿）。" in imported.content.decode()
    assert Item.objects.count() == 5
    listing = client.get("/items/import/").content.decode()
    assert listing.count("台账.xlsx") == 2 and "已完成" in listing  # the office's recent jobs
    assert stored_uploads() == []


def test_a_failed_job_shows_its_errors_capped_and_imports_nothing(zhashui, supervisor, large, settings):
    settings.LUOSHI_IMPORT_MAX_ERRORS = 2
    bad = [["", "", "县发改局", "", "", "2023-08-31", "", "", "", ""] for _ in range(6)]
    response = client_for(supervisor).post(
        "/items/import/", {"file": _upload(sheet(*GOOD, *bad)), "year": 2023}, follow=True
    )
    page = response.content.decode()
    assert "没有导入任何事项。共有 6 处错误，下面列出前 2 处，另有 4 处错误未列出。" in page
    assert "第7行 B列（事项名称）：必填，不能为空" in page and "第9行" not in page
    assert not Item.objects.exists()
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED and len(job.errors) == 2 and job.errors_not_listed == 4
    assert not job.file and stored_uploads() == []


def test_a_job_refused_by_the_service_says_why(zhashui, supervisor, large, fagaiju):
    rows = [
        ["DB-2023-0001", f"重复编号{n}", "县发改局", "", "", "2023-08-31", "", "", "", ""] for n in range(5)
    ]
    client_for(supervisor).post("/items/import/", {"file": _upload(sheet(*rows)), "year": 2023})
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED
    assert job.errors[0] == "第3行 A列（编号）：编号“DB-2023-0001”与第2行重复"


def test_only_the_one_who_started_it_and_the_office_of_its_county_see_a_job(
    zhashui, supervisor, large, fagaiju_head
):
    client_for(supervisor).post("/items/import/", {"file": _upload(sheet(*GOOD)), "year": 2023})
    address = f"/items/imports/{ImportJob.objects.get().pk}/"
    assert client_for(demo_user("duchaban2")).get(address).status_code == 200
    refused = client_for(fagaiju_head).get(address)
    assert refused.status_code == 403 and "只有督查办可以导入事项。" in refused.content.decode()
    assert client_for(demo_user("za-duchaban")).get(address).status_code == 404
    other_county = client_for(demo_user("za-duchaban")).get("/items/import/").content.decode()
    assert "台账.xlsx" not in other_county


def test_the_cleanup_fails_abandoned_jobs_and_deletes_every_upload_no_job_needs(zhashui, supervisor):
    now = clock.now()

    def job(status: str, age: timedelta, name: str) -> ImportJob:
        stored = default_storage.save(f"imports/{name}.xlsx", ContentFile(b"PK"))
        return ImportJob.objects.create(
            region=zhashui,
            created_by=supervisor,
            original_name="台账.xlsx",
            size=2,
            year=2023,
            status=status,
            file=stored,
            created_at=now - age,
        )

    abandoned = job(ImportJobStatus.CHECKING, timedelta(hours=7), "abandoned")
    running = job(ImportJobStatus.CHECKING, timedelta(minutes=5), "running")
    finished = job(ImportJobStatus.DONE, timedelta(hours=1), "finished")  # its delete had failed
    old_orphan = default_storage.save("imports/orphan-old.xlsx", ContentFile(b"PK"))
    old = (now - timedelta(days=1)).timestamp()
    os.utime(default_storage.path(old_orphan), (old, old))
    default_storage.save("imports/orphan-new.xlsx", ContentFile(b"PK"))  # a job being saved right now

    assert import_jobs.import_jobs_clean(now=now) == 3
    abandoned.refresh_from_db()
    assert abandoned.status == ImportJobStatus.FAILED and abandoned.errors == [import_jobs.INTERRUPTED]
    assert sorted(stored_uploads()) == ["orphan-new.xlsx", "running.xlsx"]
    running.refresh_from_db()
    finished.refresh_from_db()
    assert running.file and not finished.file and not abandoned.file


# ---------------------------------------------------------------------------------------------
# The write transaction holds only the writing


def _phases(queries: list[dict[str, str]]) -> tuple[list[str], list[str]]:
    """The statements before the import's transaction, and those inside it."""
    sql = [query["sql"] for query in queries]
    begin = next(i for i, s in enumerate(sql) if s.startswith(("SAVEPOINT", "BEGIN")))
    end = next(i for i, s in enumerate(sql) if i > begin and s.startswith(("RELEASE SAVEPOINT", "COMMIT")))
    return sql[:begin], sql[begin + 1 : end]


def test_every_row_is_checked_before_the_transaction_that_writes_them_in_a_few_statements(
    zhashui, supervisor
):
    def imported(n: int) -> tuple[list[str], list[str]]:
        result = excel.read_sheet(sheet(*_rows(n)), region=zhashui, year=2023)
        assert result.ok, [str(e) for e in result.errors]
        with CaptureQueriesContext(connection) as queries:
            services.items_import(
                actor=supervisor, region=zhashui, rows=result.rows, assign=True, as_of=date(2023, 7, 25)
            )
        return _phases(queries.captured_queries)

    few_before, few_inside = imported(3)
    before, inside = imported(1200)
    # The check reads, and only before the transaction; the same reads for 3 rows as for 1,200.
    assert all(s.startswith("SELECT") for s in before) and len(before) <= len(few_before)
    # Inside, only the writing: the items' ids taken, then prepared INSERTs run in batches of
    # BATCH rows (items, support units, 2 milestones and 2 events a row); nothing is built there.
    taken, *written, audited = inside
    assert taken.startswith("SELECT") and ("nextval" in taken or "sqlite_sequence" in taken)
    assert all(re.match(r"\d+ times: INSERT", s) for s in written), [
        s[:80] for s in written if not re.match(r"\d+ times: INSERT", s)
    ]
    assert audited.startswith('INSERT INTO "audit_event"')  # the import's one row of the audit log
    batches = sum(math.ceil(rows / BATCH) for rows in (1200, 1200, 2400, 2400))
    assert len(few_inside) == 1 + 4 + 1 and len(inside) == 1 + batches + 1
    assert Item.objects.count() == 1203


@pytest.mark.django_db(transaction=True)
def test_while_a_job_checks_its_rows_other_users_can_log_in(
    zhashui, supervisor, large, monkeypatch, settings
):
    """Each progress count is its own statement, and the check holds no transaction: another
    connection (a user logging in, in another thread) writes while the job reads its sheet."""
    settings.LUOSHI_IMPORT_SYNC_ROWS = 3
    logins: list[int] = []

    def log_in() -> None:
        try:
            response = Client().post("/login/", {"username": "duchaban2", "password": "demo-pass-2023"})
            logins.append(response.status_code)
        except OperationalError:  # "database table is locked"
            logins.append(0)
        finally:
            connection.close()

    def in_another_thread() -> None:
        thread = threading.Thread(target=log_in)
        thread.start()
        thread.join(timeout=30)

    told = import_jobs._progress

    def progress(job_id: int, rows: int, declared: int | None) -> None:
        told(job_id, rows, declared)
        assert not connection.in_atomic_block
        in_another_thread()

    monkeypatch.setattr(import_jobs, "_progress", progress)
    client_for(supervisor).post("/items/import/", {"file": _upload(sheet(*GOOD)), "year": 2023})
    assert ImportJob.objects.get().status == ImportJobStatus.DONE
    assert logins == [302]
    if connection.vendor == "sqlite":
        # The control: with a write transaction open, the same login cannot write.
        with transaction.atomic():
            Item.objects.update(title="写入中")
            in_another_thread()
        assert logins[1:] == [0]
