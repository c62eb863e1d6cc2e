"""一项目一码: the project's A4 sign with its QR code, one page per project for the ledger."""

from __future__ import annotations

import io

import pytest
from django.test import RequestFactory
from pypdf import PdfReader

from luoshi.conftest import client_for
from luoshi.projects.sign import qr_code, sign_url

pytestmark = pytest.mark.django_db


def pdf_text(response) -> list[str]:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def test_the_sign_holds_the_project_and_a_code_to_its_phone_page(ledger, supervisor):
    started, _idle = ledger
    [page] = pdf_text(client_for(supervisor).get(f"/projects/{started.pk}/sign.pdf"))
    for words in (
        "城区停车场建设",
        started.item.code,
        "县级重点",
        "在建",
        "冯锐",
        "县发改局",
        "3600万元",
        "1200万元",
    ):
        assert words in page, words
    assert f"http://testserver/projects/{started.pk}/site/" in page  # printed under the code


def test_the_code_is_made_from_the_absolute_address_of_the_phone_page(settings):
    settings.ALLOWED_HOSTS = ["ducha.example.gov.cn"]
    request = RequestFactory().get("/projects/7/sign.pdf", HTTP_HOST="ducha.example.gov.cn", secure=True)
    payload = sign_url(request, 7)
    assert payload == "https://ducha.example.gov.cn/projects/7/site/"
    code = qr_code(payload)
    assert code.version <= 5 and code.error in {"M", "Q", "H"}  # small, and readable when soiled


def test_a_page_per_project_of_the_filtered_ledger(ledger, supervisor):
    pages = pdf_text(client_for(supervisor).get("/projects/signs.pdf?state=not_started"))
    assert len(pages) == 1 and "物流园二期" in pages[0]
    assert len(pdf_text(client_for(supervisor).get("/projects/signs.pdf"))) == 2


def test_the_sign_is_refused_as_the_project_page_is(
    ledger,
    wenlvju_reporter,
    zhenan_supervisor,
    fagaiju_reporter,
):
    started, _idle = ledger
    for outsider in (wenlvju_reporter, zhenan_supervisor):
        assert client_for(outsider).get(f"/projects/{started.pk}/sign.pdf").status_code == 404
        pages = pdf_text(client_for(outsider).get("/projects/signs.pdf"))
        assert "城区停车场建设" not in " ".join(pages)
    assert client_for(fagaiju_reporter).get(f"/projects/{started.pk}/sign.pdf").status_code == 200
