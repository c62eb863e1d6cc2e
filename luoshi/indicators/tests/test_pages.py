"""The indicators ledger's pages beyond the table: setting an indicator with last year's figures,
editing it (a stale form refused, a changed last-year figure a correction with its reason), the
peers' figures of the city's ranking table, which make the rank, and evidence files of a figure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from functools import partial

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.conftest import client_for
from luoshi.indicators import services
from luoshi.indicators.compute import Type
from luoshi.indicators.models import Indicator, PeerValue, Value
from luoshi.indicators.selectors import table_rows
from luoshi.indicators.services import IndicatorInput, ValueInput
from luoshi.items.models import ItemEvent
from luoshi.items.services import ServiceError
from luoshi.items.tests.test_reports import photo

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)


def form_data(fagaiju, deputy_fengrui, **changes):
    data = {
        "title": "测试税收收入",
        "year": "2023",
        "type": "cumulative",
        "direction": "higher",
        "unit": "亿元",
        "target_value": "12",
        "target_growth": "",
        "patron_leader": str(deputy_fengrui.pk),
        "lead_unit": str(fagaiju.pk),
        "description": "",
        "sort_order": "3",
        "assign": "on",
        **{f"last_{m}": str(m) for m in range(1, 13)},  # last year: 1 … 12 亿元, cumulative
    }
    data.update(changes)
    return data


@pytest.fixture
def indicator(zhashui, supervisor, fagaiju, deputy_fengrui):
    made = services.indicator_create(
        actor=supervisor,
        region=zhashui,
        data=IndicatorInput(
            title="测试税收收入",
            year=2023,
            type=Type.CUMULATIVE,
            unit="亿元",
            target_value=D(12),
            lead_unit=fagaiju,
            patron_leader=deputy_fengrui,
        ),
        assign=True,
        as_of=JULY,
    )
    services.values_record(
        actor=supervisor,
        indicator=made,
        year=2022,
        entries=[ValueInput(month=m, value=D(m)) for m in range(1, 13)],
        as_of=JULY,
    )
    services.values_record(
        actor=supervisor, indicator=made, year=2023, entries=[ValueInput(month=6, value=D("6.6"))], as_of=JULY
    )
    return made


def test_the_office_sets_an_indicator_with_last_years_figures(supervisor, fagaiju, deputy_fengrui):
    client = client_for(supervisor)
    assert 'data-testid="create-link"' in client.get("/indicators/").content.decode()
    response = client.post("/indicators/new/", form_data(fagaiju, deputy_fengrui))
    indicator = Indicator.objects.get(item__title="测试税收收入")
    assert response.status_code == 302 and response.url == f"/indicators/{indicator.pk}/"
    assert (indicator.type, indicator.unit, indicator.target_value) == ("cumulative", "亿元", D(12))
    assert indicator.item.status == "assigned" and indicator.item.lead_unit == fagaiju
    last = dict(Value.objects.filter(indicator=indicator, year=2022).values_list("month", "value"))
    assert last == {m: D(m) for m in range(1, 13)}
    page = client.get(f"/indicators/{indicator.pk}/").content.decode()
    assert "测试税收收入" in page and 'data-testid="edit-link"' in page


def test_an_indicator_needs_a_target(supervisor, fagaiju, deputy_fengrui):
    response = client_for(supervisor).post(
        "/indicators/new/", form_data(fagaiju, deputy_fengrui, target_value="", target_growth="")
    )
    assert response.status_code == 200 and "目标值和目标增速至少填一项" in response.content.decode()
    assert not Indicator.objects.filter(item__title="测试税收收入").exists()


def test_units_and_leaders_may_not_set_indicators(
    fagaiju_head, magistrate, fagaiju, deputy_fengrui, indicator
):
    for user in (fagaiju_head, magistrate):
        client = client_for(user)
        assert (
            client.post("/indicators/new/", form_data(fagaiju, deputy_fengrui, title="越权")).status_code
            == 403
        )
        assert client.get(f"/indicators/{indicator.pk}/edit/").status_code == 403
        assert client.get(f"/indicators/{indicator.pk}/peers/").status_code == 403
    assert not Indicator.objects.filter(item__title="越权").exists()


def test_the_other_county_cannot_see_the_indicators_pages(zhenan_supervisor, indicator):
    client = client_for(zhenan_supervisor)
    for path in ("", "edit/", "peers/"):
        assert client.get(f"/indicators/{indicator.pk}/{path}").status_code == 404


def test_an_edit_changes_the_target_and_records_what_changed(supervisor, fagaiju, deputy_fengrui, indicator):
    client = client_for(supervisor)
    page = client.get(f"/indicators/{indicator.pk}/edit/")
    assert page.context["form"]["last_6"].value() == D(6)
    version = page.context["form"]["version"].value()
    data = form_data(fagaiju, deputy_fengrui, target_value="15", direction="lower", version=str(version))
    response = client.post(f"/indicators/{indicator.pk}/edit/", data)
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.target_value == D(15) and indicator.item.target_text == "15亿元"
    notes = list(ItemEvent.objects.filter(item=indicator.item).values_list("note", flat=True))
    assert any("年度目标值：12 → 15" in note and "方向：越高越好 → 越低越好" in note for note in notes)
    # Nothing of last year changed: no correction was made, none was needed.
    assert Value.objects.filter(indicator=indicator, year=2022).count() == 12
    # The same (now stale) form again is refused: someone changed the indicator since.
    again = client.post(f"/indicators/{indicator.pk}/edit/", {**data, "target_value": "16"}, follow=True)
    assert "已被" in again.content.decode()
    indicator.refresh_from_db()
    assert indicator.target_value == D(15)


def test_correcting_last_years_figure_needs_a_reason_and_keeps_the_old(
    supervisor, fagaiju, deputy_fengrui, indicator
):
    client = client_for(supervisor)
    version = indicator.item.version
    data = form_data(fagaiju, deputy_fengrui, last_6="5.5", version=str(version))
    refused = client.post(f"/indicators/{indicator.pk}/edit/", data, follow=True)
    assert "需要说明理由" in refused.content.decode()
    assert Value.objects.get(indicator=indicator, year=2022, month=6, is_current=True).value == D(6)
    indicator.item.refresh_from_db()
    data = {**data, "last_note": "统计年鉴修订", "version": str(indicator.item.version)}
    assert client.post(f"/indicators/{indicator.pk}/edit/", data).status_code == 302
    current = Value.objects.get(indicator=indicator, year=2022, month=6, is_current=True)
    assert (current.value, current.note, current.supersedes.value) == (D("5.5"), "统计年鉴修订", D(6))
    # The growth is now over the corrected base: 6.6 / 5.5 − 1 = 20%.
    row = next(r for r in table_rows(supervisor, as_of=JULY) if r.pk == indicator.pk)
    assert row.result.growth == D(20)


def test_the_peers_figures_make_the_rank(supervisor, indicator):
    client = client_for(supervisor)
    page = client.get(f"/indicators/{indicator.pk}/peers/?month=6")
    names = [line.region_name for line in page.context["form"].lines]
    assert "镇安县" in names and "柞水县" not in names
    index = names.index("镇安县")
    data = {f"name_{i}": line for i, line in enumerate(names)}
    data.update({f"name_{index}": "镇安县", f"value_{index}": "7", f"growth_{index}": "9.5"})
    extra = len(names)  # the first blank row: a county not listed yet
    data.update({f"name_{extra}": "洛南县", f"value_{extra}": "5", f"growth_{extra}": "2"})
    response = client.post(f"/indicators/{indicator.pk}/peers/?month=6", data)
    assert response.status_code == 302
    entered = {
        p.region_name: (p.value, p.growth) for p in PeerValue.objects.filter(indicator=indicator, month=6)
    }
    assert entered == {"镇安县": (D(7), D("9.5")), "洛南县": (D(5), D(2))}
    row = next(r for r in table_rows(supervisor, as_of=JULY) if r.pk == indicator.pk)
    # Ranked by growth: 柞水县 grew 10% (6.6 over 6), ahead of 镇安县's 9.5% and 洛南县's 2%.
    assert (row.result.ranking.rank, row.result.ranking.peers) == (1, 3)
    assert any("录入同级县区2023年6月数据" in e.note for e in ItemEvent.objects.filter(item=indicator.item))
    # Emptying a row removes that county's figure for the month.
    data.update({f"value_{extra}": "", f"growth_{extra}": ""})
    client.post(f"/indicators/{indicator.pk}/peers/?month=6", data)
    assert set(
        PeerValue.objects.filter(indicator=indicator, month=6).values_list("region_name", flat=True)
    ) == {"镇安县"}


def test_a_peer_row_without_a_name_or_twice_is_refused(supervisor, indicator):
    client = client_for(supervisor)
    names = [
        line.region_name
        for line in client.get(f"/indicators/{indicator.pk}/peers/?month=6").context["form"].lines
    ]
    blank = len(names)
    response = client.post(
        f"/indicators/{indicator.pk}/peers/?month=6",
        {f"value_{blank}": "3", f"name_{blank + 1}": "洛南县", f"name_{blank + 2}": "洛南县"},
    )
    text = response.content.decode()
    assert response.status_code == 200 and "请填写县区名称" in text and "填了两次" in text
    assert not PeerValue.objects.filter(indicator=indicator).exists()


def test_a_unit_files_evidence_for_a_figure_already_entered(
    fagaiju_reporter, supervisor, zhenan_supervisor, indicator
):
    client = client_for(fagaiju_reporter)
    response = client.post(
        "/indicators/entry/?month=6",
        {
            f"value_{indicator.pk}": "6.6",
            f"files_{indicator.pk}": [photo("统计月报.jpg"), photo("完税证明.jpg")],
        },
    )
    assert response.status_code == 302
    current = Value.objects.get(indicator=indicator, year=2023, month=6, is_current=True)
    assert current.supersedes is None  # the same figure: no new version, its evidence added
    files = list(current.files.all())
    assert [f.original_name for f in files] == ["统计月报.jpg", "完税证明.jpg"]
    assert all(f.content_type == "image/jpeg" and f.uploaded_by == fagaiju_reporter for f in files)
    assert any("补充佐证材料：2023年6月2份" in e.note for e in ItemEvent.objects.filter(item=indicator.item))
    page = client_for(supervisor).get(f"/indicators/{indicator.pk}/").content.decode()
    assert page.count('data-testid="evidence-file"') == 2 and "完税证明.jpg" in page
    served = client_for(supervisor).get(f"/indicators/evidence/{files[0].pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert client_for(zhenan_supervisor).get(f"/indicators/evidence/{files[0].pk}/").status_code == 404


def test_a_corrected_figure_carries_its_own_evidence(fagaiju_reporter, indicator):
    client = client_for(fagaiju_reporter)
    client.post(
        "/indicators/entry/?month=6",
        {f"value_{indicator.pk}": "6.6", f"files_{indicator.pk}": photo("统计月报.jpg")},
    )
    client.post(
        "/indicators/entry/?month=6",
        {
            f"value_{indicator.pk}": "6.8",
            f"note_{indicator.pk}": "快报改为正式数",
            f"files_{indicator.pk}": photo("正式数.jpg"),
        },
    )
    new = Value.objects.get(indicator=indicator, year=2023, month=6, is_current=True)
    assert (new.value, new.supersedes.value) == (D("6.8"), D("6.6"))
    assert [f.original_name for f in new.files.all()] == ["正式数.jpg"]
    assert [f.original_name for f in new.supersedes.files.all()] == ["统计月报.jpg"]


def test_a_file_that_is_not_evidence_is_refused_and_nothing_is_saved(fagaiju_reporter, indicator):
    page = SimpleUploadedFile(
        "报表.html", b"<html><script>alert(1)</script></html>", content_type="text/html"
    )
    response = client_for(fagaiju_reporter).post(
        "/indicators/entry/?month=6",
        {f"value_{indicator.pk}": "7", f"note_{indicator.pk}": "更正", f"files_{indicator.pk}": page},
        follow=True,
    )
    assert "报表.html" in response.content.decode()
    current = Value.objects.get(indicator=indicator, year=2023, month=6, is_current=True)
    assert current.value == D("6.6") and not current.files.exists()


def test_the_edit_page_shows_the_reason_for_correcting_last_year(supervisor, indicator):
    page = client_for(supervisor).get(f"/indicators/{indicator.pk}/edit/").content.decode()
    assert 'name="last_note"' in page and "上年数据更正说明" in page


def test_an_edit_without_its_version_is_refused(supervisor, fagaiju, deputy_fengrui, indicator):
    response = client_for(supervisor).post(
        f"/indicators/{indicator.pk}/edit/", form_data(fagaiju, deputy_fengrui, target_value="16", version="")
    )
    assert response.status_code == 200
    indicator.refresh_from_db()
    assert indicator.target_value == D(12)


def test_two_indicators_of_one_name_a_year_are_refused(supervisor, fagaiju, deputy_fengrui, indicator):
    response = client_for(supervisor).post(
        "/indicators/new/", form_data(fagaiju, deputy_fengrui), follow=True
    )
    assert "2023年已有名为“测试税收收入”的考核指标" in response.content.decode()
    assert Indicator.objects.filter(item__title="测试税收收入").count() == 1


def test_a_cumulative_target_must_be_above_zero(supervisor, fagaiju, deputy_fengrui):
    response = client_for(supervisor).post(
        "/indicators/new/", form_data(fagaiju, deputy_fengrui, target_value="-5"), follow=True
    )
    assert "年度目标值应大于0" in response.content.decode()


def test_no_figure_for_a_month_not_ended(fagaiju_reporter, supervisor, indicator):
    client = client_for(fagaiju_reporter)
    assert client.get("/indicators/entry/?month=7").status_code == 404  # July is running on the 25th
    assert client.get("/indicators/entry/?month=13").status_code == 404
    assert client.post("/indicators/entry/?month=12", {f"value_{indicator.pk}": "13.5"}).status_code == 404
    assert list(client.get("/indicators/entry/").context["months"]) == [1, 2, 3, 4, 5, 6]
    with pytest.raises(ServiceError, match="2023年7月尚未结束"):
        services.values_record(
            actor=supervisor,
            indicator=indicator,
            year=2023,
            entries=[ValueInput(month=7, value=D(7))],
            as_of=JULY,
        )
    assert client_for(supervisor).post(f"/indicators/{indicator.pk}/peers/?month=13", {}).status_code == 404
    assert not Value.objects.filter(indicator=indicator, year=2023, month__gte=7).exists()


def test_a_peer_is_a_county_by_its_name(supervisor, indicator):
    with pytest.raises(ServiceError, match="不是县区的名称"):
        services.peer_values_record(
            actor=supervisor,
            indicator=indicator,
            year=2023,
            entries=[services.PeerInput("<script>", 6, D(1))],
            as_of=JULY,
        )
    assert not PeerValue.objects.filter(indicator=indicator).exists()


def test_more_days_than_the_months_have_is_refused(zhashui, supervisor, fagaiju, deputy_fengrui):
    days = services.indicator_create(
        actor=supervisor,
        region=zhashui,
        data=IndicatorInput(
            title="测试优良天数",
            year=2023,
            type=Type.COUNT,
            unit="天",
            target_value=D(350),
            lead_unit=fagaiju,
        ),
        as_of=JULY,
    )
    record = partial(services.values_record, actor=supervisor, indicator=days, year=2023, as_of=JULY)
    with pytest.raises(ServiceError, match="1-6月共181天"):
        record(entries=[ValueInput(month=6, value=D(206))])
    record(entries=[ValueInput(month=6, value=D(176))])


def test_an_indicator_without_figures_by_now_is_yellow(supervisor, indicator, zhashui, fagaiju):
    services.indicator_create(
        actor=supervisor,
        region=zhashui,
        data=IndicatorInput(
            title="测试新指标",
            year=2023,
            type=Type.CUMULATIVE,
            unit="万元",
            target_value=D(9),
            lead_unit=fagaiju,
        ),
        as_of=JULY,
    )
    row = next(r for r in table_rows(supervisor, as_of=JULY) if r.title == "测试新指标")
    assert (row.result.colour.colour, row.result.colour.reason) == ("yellow", "测试新指标尚无1-6月的数据")
