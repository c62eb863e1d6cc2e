"""The office's own pages for creations and on-site meetings: the stage templates (a template in use
is never broken under its creations), a creation's expected days with the late ones shown, and the
meetings entered, edited, held and cancelled with their sites and readiness checklists."""

from __future__ import annotations

import html
from datetime import date

import pytest

from luoshi.conftest import client_for
from luoshi.creations import services
from luoshi.creations.models import Creation, Level, MeetingLevel, OnSiteMeeting, StagePlan, StageTemplate
from luoshi.creations.selectors import creation_rows, onsite_stats
from luoshi.creations.stages import Stage
from luoshi.items.models import Item, Status
from luoshi.items.services import ServiceError
from luoshi.org.models import Region, Unit, User

pytestmark = pytest.mark.django_db
JAN, MAR, MAY, JULY = date(2023, 1, 16), date(2023, 3, 1), date(2023, 5, 19), date(2023, 7, 25)


def text(response) -> str:
    return html.unescape(response.content.decode())


def _create(
    region: Region, actor: User, title: str = "全省双拥模范县", template: str = "", **changes
) -> Creation:
    templates = services.templates_ensure(region=region)
    data = services.CreationInput(
        title=title,
        year=2023,
        level=Level.PROVINCIAL,
        template=templates[template or services.DEFAULT_TEMPLATE],
        lead_unit=Unit.objects.get(region=region, short_name="县发改局"),
        expected_award=date(2023, 12, 31),
        **changes,
    )
    return services.creation_create(actor=actor, region=region, data=data, as_of=JAN)


def move(creation: Creation, actor: User, target: Stage, on: date) -> Creation:
    return services.creation_move(actor=actor, creation=creation, target=target, on=on, as_of=JULY)


# ---------------------------------------------------------------------------------------------
# Stage templates


def test_the_office_lists_its_templates_and_units_may_not(zhashui, supervisor, fagaiju_head, demo_mode):
    page = client_for(supervisor).get("/creations/templates/")
    assert page.status_code == 200
    content = text(page)
    assert "默认" in content and "授牌后动态复审" in content
    assert "谋划 → 申报 → 初核 → 初验 → 请验 → 验收 → 授牌命名 → 动态复审" in content
    assert 'href="/creations/templates/new/"' in content
    assert client_for(fagaiju_head).get("/creations/templates/").status_code == 403
    assert 'href="/creations/templates/"' in text(client_for(supervisor).get("/creations/"))


def test_the_office_keeps_a_template_per_kind_of_title(zhashui, supervisor, demo_mode):
    client = client_for(supervisor)
    response = client.post(
        "/creations/templates/new/",
        {
            "name": "国家级旅游度假区",
            "steps": ["planning", "applied", "first_check", "requested", "accepted", "awarded"],
            "review": "on",
        },
    )
    assert response.status_code == 302
    made = StageTemplate.objects.get(region=zhashui, name="国家级旅游度假区")
    assert made.steps == ["planning", "applied", "first_check", "requested", "accepted", "awarded"]
    assert made.review is True
    # It is offered when a creation is entered.
    assert "国家级旅游度假区" in text(client.get("/creations/new/"))
    # A template must end with the award, and its name is the county's once.
    page = client.post("/creations/templates/new/", {"name": "半截模板", "steps": ["planning", "applied"]})
    assert page.status_code == 200 and "授牌命名结束" in text(page)
    page = client.post("/creations/templates/new/", {"name": "国家级旅游度假区", "steps": ["awarded"]})
    assert page.status_code == 200 and "已有" in text(page)


def test_a_template_in_use_refuses_to_lose_a_creations_current_stage(zhashui, supervisor, demo_mode):
    template = services.templates_ensure(region=zhashui)[services.DEFAULT_TEMPLATE]
    creation = _create(zhashui, supervisor)
    move(creation, supervisor, Stage.APPLIED, MAR)
    move(creation, supervisor, Stage.FIRST_CHECK, MAY)
    move(creation, supervisor, Stage.FIRST_ACCEPTANCE, JULY)
    without_first_acceptance = ["planning", "applied", "first_check", "requested", "accepted", "awarded"]
    with pytest.raises(ServiceError, match=r"全省双拥模范县.*初验"):
        services.template_save(
            actor=supervisor, region=zhashui, template=template, name="默认", steps=without_first_acceptance
        )
    template.refresh_from_db()
    assert "first_acceptance" in template.steps
    page = client_for(supervisor).post(
        f"/creations/templates/{template.pk}/", {"name": "默认", "steps": without_first_acceptance}
    )
    assert page.status_code == 200 and "新建一个模板" in text(page)
    # A stage no creation of the template stands at may go; the creation keeps its record.
    services.template_save(
        actor=supervisor,
        region=zhashui,
        template=template,
        name="默认（无申报）",
        steps=["planning", "first_check", "first_acceptance", "requested", "accepted", "awarded"],
    )
    template.refresh_from_db()
    assert template.name == "默认（无申报）" and "applied" not in template.steps
    creation.refresh_from_db()
    assert list(creation.history.values_list("to_stage", flat=True))[:2] == [Stage.PLANNING, Stage.APPLIED]


def test_a_template_in_use_keeps_the_review_its_creations_are_under(zhashui, supervisor):
    template = services.templates_ensure(region=zhashui)[services.REVIEWED_TEMPLATE]
    creation = _create(zhashui, supervisor, "国家卫生县", services.REVIEWED_TEMPLATE, stage=Stage.AWARDED)
    move(creation, supervisor, Stage.REVIEW, MAY)
    with pytest.raises(ServiceError, match=r"国家卫生县.*动态复审"):
        services.template_save(
            actor=supervisor,
            region=zhashui,
            template=template,
            name=template.name,
            steps=template.steps,
            review=False,
        )


def test_a_template_in_use_refuses_to_orphan_an_expected_day(zhashui, supervisor):
    template = services.templates_ensure(region=zhashui)[services.DEFAULT_TEMPLATE]
    _create(zhashui, supervisor, plans={Stage.FIRST_ACCEPTANCE: date(2023, 9, 30)})
    with pytest.raises(ServiceError, match=r"预计.*初验"):
        services.template_save(
            actor=supervisor,
            region=zhashui,
            template=template,
            name="默认",
            steps=["planning", "applied", "first_check", "requested", "accepted", "awarded"],
        )


def test_another_countys_template_is_not_found_and_the_attempt_is_recorded(
    zhashui, supervisor, zhenan_supervisor
):
    from luoshi.audit.models import Action as AuditAction
    from luoshi.audit.models import AuditEvent

    template = services.templates_ensure(region=zhashui)[services.DEFAULT_TEMPLATE]
    client = client_for(zhenan_supervisor)
    assert client.get(f"/creations/templates/{template.pk}/").status_code == 404
    response = client.post(f"/creations/templates/{template.pk}/", {"name": "改掉", "steps": ["awarded"]})
    assert response.status_code == 404
    template.refresh_from_db()
    assert template.name == services.DEFAULT_TEMPLATE
    refusal = AuditEvent.objects.filter(action=AuditAction.REFUSED, object_id=str(template.pk)).last()
    assert refusal is not None and refusal.object_type == "creations.StageTemplate"


# ---------------------------------------------------------------------------------------------
# Expected days per stage


def test_the_office_sets_the_expected_day_of_each_stage(zhashui, supervisor, fagaiju_head, demo_mode):
    creation = _create(zhashui, supervisor)
    url = f"/creations/{creation.pk}/plans/"
    assert client_for(fagaiju_head).get(url).status_code == 403
    client = client_for(supervisor)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"applied": "2023-03-31", "first_check": "2023-06-30", "awarded": "2024-06-30"}
    )
    assert response.status_code == 302
    plans = dict(StagePlan.objects.filter(creation=creation).values_list("stage", "expected_on"))
    assert plans == {
        "applied": date(2023, 3, 31),
        "first_check": date(2023, 6, 30),
        "awarded": date(2024, 6, 30),
    }
    # The award's expected day is the creation's: it now runs across years, and its item is due then.
    creation.refresh_from_db()
    assert creation.expected_award == date(2024, 6, 30)
    assert creation.item.deadline == date(2024, 6, 30)
    assert "跨年度" in text(client.get("/creations/"))
    # A day cleared is dropped.
    client.post(url, {"applied": "2023-03-31", "awarded": "2024-06-30"})
    assert not StagePlan.objects.filter(creation=creation, stage="first_check").exists()


def test_expected_days_follow_the_order_of_the_stages(zhashui, supervisor):
    creation = _create(zhashui, supervisor)
    with pytest.raises(ServiceError, match=r"初核.*不能早于.*申报"):
        services.creation_plans_set(
            actor=supervisor,
            creation=creation,
            plans={Stage.APPLIED: date(2023, 6, 30), Stage.FIRST_CHECK: date(2023, 5, 31)},
            as_of=JULY,
        )
    with pytest.raises(ServiceError, match="2023年"):
        services.creation_plans_set(
            actor=supervisor, creation=creation, plans={Stage.APPLIED: date(2022, 12, 1)}, as_of=JULY
        )
    move(creation, supervisor, Stage.APPLIED, MAY)
    with pytest.raises(ServiceError, match=r"不能早于.*到达"):
        services.creation_plans_set(
            actor=supervisor, creation=creation, plans={Stage.FIRST_CHECK: date(2023, 4, 30)}, as_of=JULY
        )


def test_a_late_expected_day_shows_on_the_creation_and_in_the_ledger(zhashui, supervisor, demo_mode):
    creation = _create(zhashui, supervisor)
    move(creation, supervisor, Stage.APPLIED, MAR)
    services.creation_plans_set(
        actor=supervisor,
        creation=creation,
        plans={Stage.FIRST_CHECK: date(2023, 6, 30), Stage.AWARDED: date(2023, 12, 31)},
        as_of=JULY,
    )
    (row,) = creation_rows(supervisor, as_of=JULY)
    assert row.late == (Stage.FIRST_CHECK, date(2023, 6, 30))
    assert creation_rows(supervisor, as_of=date(2023, 6, 30))[0].late is None
    client = client_for(supervisor)
    detail = text(client.get(f"/creations/{creation.pk}/"))
    assert 'data-testid="late"' in detail and "初核预计2023年6月30日，已逾期" in detail
    assert f'href="/creations/{creation.pk}/plans/"' in detail
    ledger = text(client.get("/creations/"))
    assert "初核预计2023年6月30日，已逾期" in ledger and "预计时间已过 1 项" in ledger


# ---------------------------------------------------------------------------------------------
# On-site meetings entered, edited, held and cancelled


def _project(region: Region, title: str = "标准化厂房", lead: str = "县工业园区管委会") -> Item:
    return Item.objects.create(
        region=region,
        code=f"XM-{title}",
        kind="project",
        year=2023,
        title=title,
        status=Status.ACCEPTED,
        deadline=date(2023, 12, 31),
        lead_unit=Unit.objects.get(region=region, short_name=lead),
    )


def _management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_the_office_enters_a_meeting_with_its_sites_and_checklists(
    zhashui, supervisor, fagaiju_head, project_ledger, demo_mode
):
    project = _project(zhashui)
    fagaiju = Unit.objects.get(region=zhashui, short_name="县发改局")
    yingpan = Unit.objects.get(region=zhashui, short_name="营盘镇")
    assert client_for(fagaiju_head).get("/creations/meetings/new/").status_code == 403
    client = client_for(supervisor)
    page = client.get("/creations/meetings/new/")
    assert page.status_code == 200 and "标准化厂房" in text(page)
    response = client.post(
        "/creations/meetings/new/",
        {
            "title": "全市重点项目观摩（秋季，柞水）",
            "level": "municipal",
            "planned_on": "2023-10-20",
            "lead_unit": fagaiju.pk,
            **_management("sites", 2),
            "sites-0-project_item": project.pk,
            "sites-0-checks": "环境整治 2023-10-10\n解说词和展板",
            "sites-1-place": "营盘镇朱家湾村",
            "sites-1-unit": yingpan.pk,
            "sites-1-checks": "村容村貌整治，2023-10-15",
        },
    )
    meeting = OnSiteMeeting.objects.get(item__title="全市重点项目观摩（秋季，柞水）")
    assert response["Location"] == f"/creations/meetings/{meeting.pk}/"
    assert (meeting.level, meeting.planned_on, meeting.item.status, meeting.item.deadline) == (
        MeetingLevel.MUNICIPAL,
        date(2023, 10, 20),
        Status.ASSIGNED,
        date(2023, 10, 20),
    )
    first, second = meeting.sites.all()
    assert (first.project_item, first.unit.short_name) == (project, "县工业园区管委会")  # the project's unit
    assert list(first.checks.values_list("name", "due")) == [
        ("环境整治", date(2023, 10, 10)),
        ("解说词和展板", None),
    ]
    assert (second.place, second.unit) == ("营盘镇朱家湾村", yingpan)
    assert list(second.checks.values_list("name", "due")) == [("村容村貌整治", date(2023, 10, 15))]
    # The meetings' page links to the form.
    assert 'href="/creations/meetings/new/"' in text(client.get("/creations/meetings/"))


def test_a_site_needs_a_project_or_a_place_and_a_check_a_readable_day(zhashui, supervisor, demo_mode):
    fagaiju = Unit.objects.get(region=zhashui, short_name="县发改局")
    page = client_for(supervisor).post(
        "/creations/meetings/new/",
        {
            "title": "全市周末现场会",
            "level": "municipal",
            "planned_on": "2023-10-20",
            "lead_unit": fagaiju.pk,
            **_management("sites", 2),
            "sites-0-checks": "环境整治",
            "sites-1-place": "凤凰古镇",
            "sites-1-checks": "环境整治 2023-13-40",
        },
    )
    assert page.status_code == 200
    content = text(page)
    assert "观摩点须是重点项目或填写地点" in content and "2023-13-40" in content
    assert not OnSiteMeeting.objects.filter(item__title="全市周末现场会").exists()


def _meeting(region: Region, actor: User, planned_on: date = date(2023, 9, 16), **changes) -> OnSiteMeeting:
    yingpan = Unit.objects.get(region=region, short_name="营盘镇")
    fenghuang = Unit.objects.get(region=region, short_name="凤凰镇")
    data = services.MeetingInput(
        title="全市周末现场会",
        year=planned_on.year,
        level=MeetingLevel.MUNICIPAL,
        planned_on=planned_on,
        lead_unit=Unit.objects.get(region=region, short_name="县发改局"),
        sites=[
            services.SiteInput(
                place="营盘镇观摩点",
                unit=yingpan,
                checks=[("环境整治", date(2023, 9, 10)), ("设施提升", None)],
            ),
            services.SiteInput(place="凤凰镇观摩点", unit=fenghuang, checks=[("解说词和展板", None)]),
        ],
        **changes,
    )
    return services.meeting_create(actor=actor, region=region, data=data, as_of=JAN)


def test_the_office_edits_a_meeting_keeping_what_is_done(zhashui, supervisor, demo_mode):
    meeting = _meeting(zhashui, supervisor)
    first, second = meeting.sites.all()
    done = first.checks.get(name="环境整治")
    services.check_done(actor=supervisor, check=done, as_of=JULY)
    client = client_for(supervisor)
    url = f"/creations/meetings/{meeting.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 200
    assert "环境整治 2023-09-10" in text(page)
    item = meeting.item
    form = {
        "title": "全市周末现场会（柞水）",
        "level": "municipal",
        "planned_on": "2023-09-23",
        "lead_unit": item.lead_unit_id,
        "version": item.version,
        **_management("sites", 3, 2),
        "sites-0-id": first.pk,
        "sites-0-place": "营盘镇观摩点",
        "sites-0-unit": first.unit_id,
        "sites-0-checks": "环境整治 2023-09-10\n设施提升 2023-09-15\n停车场",
        "sites-1-id": second.pk,
        "sites-1-place": "凤凰镇观摩点",
        "sites-1-DELETE": "on",
        "sites-2-place": "小岭镇观摩点",
        "sites-2-checks": "环境整治",
    }
    response = client.post(url, form)
    assert response.status_code == 302, text(response)
    meeting.refresh_from_db()
    assert (meeting.item.title, meeting.planned_on, meeting.item.deadline) == (
        "全市周末现场会（柞水）",
        date(2023, 9, 23),
        date(2023, 9, 23),
    )
    assert [site.place for site in meeting.sites.all()] == ["营盘镇观摩点", "小岭镇观摩点"]
    done.refresh_from_db()
    assert done.done_on == JULY  # kept, with its day
    assert list(first.checks.values_list("name", "due")) == [
        ("环境整治", date(2023, 9, 10)),
        ("设施提升", date(2023, 9, 15)),
        ("停车场", None),
    ]
    # A check already done cannot be dropped from the list.
    form |= {
        "version": Item.objects.get(pk=meeting.pk).version,
        **_management("sites", 2, 2),
        "sites-1-id": meeting.sites.get(place="小岭镇观摩点").pk,
        "sites-1-place": "小岭镇观摩点",
        "sites-0-checks": "设施提升 2023-09-15",
    }
    form.pop("sites-1-DELETE")
    form.pop("sites-2-place")
    form.pop("sites-2-checks")
    page = client.post(url, form)
    assert page.status_code == 200 and "已完成" in text(page)
    assert first.checks.filter(name="环境整治").exists()


def test_a_meeting_held_is_checked_against_today_and_its_plan_and_completes_its_item(
    zhashui, supervisor, demo_mode
):
    meeting = _meeting(zhashui, supervisor, planned_on=date(2023, 7, 20))
    with pytest.raises(ServiceError, match="晚于今天"):
        services.meeting_held(actor=supervisor, meeting=meeting, held_on=date(2023, 8, 1), as_of=JULY)
    with pytest.raises(ServiceError, match="早于计划召开"):
        services.meeting_held(actor=supervisor, meeting=meeting, held_on=date(2023, 7, 19), as_of=JULY)
    client = client_for(supervisor)
    client.post(f"/creations/meetings/{meeting.pk}/held/", {"held_on": "2023-07-26"})
    meeting.refresh_from_db()
    assert meeting.held_on is None
    client.post(f"/creations/meetings/{meeting.pk}/held/", {"held_on": "2023-07-21"})
    meeting.refresh_from_db()
    assert meeting.held_on == date(2023, 7, 21)
    item = Item.objects.get(pk=meeting.pk)
    assert (item.status, item.completed_on) == (Status.COMPLETED, date(2023, 7, 21))
    # Held, it is no longer edited, nor its readiness ticked.
    assert "已召开" in text(client.get(f"/creations/meetings/{meeting.pk}/edit/"))
    with pytest.raises(ServiceError, match="已召开"):
        services.check_done(actor=supervisor, check=meeting.sites.first().checks.first(), as_of=JULY)


def test_a_meeting_cancelled_leaves_the_plan_and_keeps_its_record(
    zhashui, supervisor, fagaiju_head, demo_mode
):
    meeting = _meeting(zhashui, supervisor)
    _meeting(zhashui, supervisor, planned_on=date(2023, 10, 14))
    url = f"/creations/meetings/{meeting.pk}/cancel/"
    assert client_for(fagaiju_head).post(url, {"reason": "上级调整安排"}).status_code == 403
    client = client_for(supervisor)
    client.post(url, {"reason": ""})
    assert Item.objects.get(pk=meeting.pk).status == Status.ASSIGNED  # a reason is needed
    client.post(url, {"reason": "市上调整安排，本次现场会取消"})
    item = Item.objects.get(pk=meeting.pk)
    assert item.status == Status.WITHDRAWN
    assert onsite_stats(user=supervisor, as_of=JULY)["planned"] == 1
    page = text(client.get(f"/creations/meetings/{meeting.pk}/"))
    assert "已取消" in page and "市上调整安排，本次现场会取消" in page
    assert 'data-testid="held"' not in page
    with pytest.raises(ServiceError, match="已取消"):
        services.meeting_held(actor=supervisor, meeting=meeting, held_on=date(2023, 7, 20), as_of=JULY)


def test_the_meeting_page_shows_the_office_its_buttons(zhashui, supervisor, demo_mode):
    meeting = _meeting(zhashui, supervisor)
    page = text(client_for(supervisor).get(f"/creations/meetings/{meeting.pk}/"))
    assert f'href="/creations/meetings/{meeting.pk}/edit/"' in page
    assert f'action="/creations/meetings/{meeting.pk}/cancel/"' in page
    assert 'data-testid="held"' in page
