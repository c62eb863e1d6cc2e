"""The office keeps its county's schemes on its own pages: a scheme, its groups and their member
units, its criteria with their methods' parameters (checked by the scoring's own rules), a copy of
last year's; a scheme with computed scores is not changed under them (refused; copy it instead)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from luoshi.assessment import services
from luoshi.assessment.models import Criterion, Group, GroupKind, Record, Scheme, ScoreRun
from luoshi.assessment.scoring import Method, Period
from luoshi.conftest import client_for
from luoshi.items.services import Conflict, NotAllowed, ServiceError
from luoshi.org.models import Unit

pytestmark = pytest.mark.django_db
JULY = date(2023, 7, 25)


@pytest.fixture
def wenlvju(zhashui):
    return Unit.objects.get(region=zhashui, short_name="县文旅局")


@pytest.fixture
def draft(zhashui, supervisor, fagaiju, wenlvju):
    scheme = services.scheme_create(
        actor=supervisor, region_id=zhashui.pk, data=services.SchemeInput(2023, "部门考核方案")
    )
    group = services.group_save(
        actor=supervisor,
        scheme=scheme,
        group=None,
        data=services.GroupInput("经济部门", GroupKind.DEPARTMENTS, [fagaiju, wenlvju]),
        expected_version=None,
    )
    services.criterion_save(
        actor=supervisor,
        group=group,
        criterion=None,
        data=services.CriterionInput("加减分", D(10), Method.RECORDS, {"base": 5}),
        expected_version=None,
    )
    scheme.refresh_from_db()
    return scheme


def test_the_office_builds_a_scheme_and_each_change_raises_its_version(draft, supervisor):
    assert draft.version == 3
    group = draft.groups.get()
    assert [u.short_name for u in group.units.order_by("sort_order", "pk")] == ["县发改局", "县文旅局"]
    criterion = group.criteria.get()
    assert criterion.typed_params().base == D(5)
    with pytest.raises(Conflict, match="已被他人修改"):
        services.scheme_update(
            actor=supervisor, scheme=draft, data=services.SchemeInput(2023, "旧页面"), expected_version=2
        )
    services.scheme_update(
        actor=supervisor, scheme=draft, data=services.SchemeInput(2023, "新名称", "说明"), expected_version=3
    )
    draft.refresh_from_db()
    assert (draft.name, draft.note, draft.version) == ("新名称", "说明", 4)


def test_params_are_refused_in_chinese_by_the_scorings_rules(draft, supervisor):
    group = draft.groups.get()
    for params, message in (
        ({"clicks": 1}, "没有参数“clicks”"),
        ({"red": -1}, "不小于0"),
        ({"kinds": ["logins"]}, "没有“logins”这类事项"),
    ):
        with pytest.raises(ServiceError, match=message):
            services.criterion_save(
                actor=supervisor,
                group=group,
                criterion=None,
                data=services.CriterionInput("坏参数", D(5), Method.ITEM_OUTCOMES, params),
                expected_version=None,
            )
    with pytest.raises(ServiceError, match="基础分不能超过本项满分"):
        services.criterion_save(
            actor=supervisor,
            group=group,
            criterion=None,
            data=services.CriterionInput("加分", D(5), Method.RECORDS, {"base": 6}),
            expected_version=None,
        )


def test_a_unit_ranks_in_one_group_of_a_scheme_of_its_own_county(draft, supervisor, fagaiju, zhenan):
    with pytest.raises(ServiceError, match="已在“经济部门”考核组中"):
        services.group_save(
            actor=supervisor,
            scheme=draft,
            group=None,
            data=services.GroupInput("另一组", GroupKind.DEPARTMENTS, [fagaiju]),
            expected_version=None,
        )
    stranger = Unit.objects.filter(region=zhenan).first()
    with pytest.raises(ServiceError, match="不是本县的单位"):
        services.group_save(
            actor=supervisor,
            scheme=draft,
            group=None,
            data=services.GroupInput("外县", GroupKind.DEPARTMENTS, [stranger]),
            expected_version=None,
        )


def test_only_the_county_office_changes_a_scheme(draft, fagaiju_head, zhenan_supervisor, magistrate):
    for actor in (fagaiju_head, zhenan_supervisor, magistrate):
        with pytest.raises(NotAllowed):
            services.scheme_update(
                actor=actor, scheme=draft, data=services.SchemeInput(2023, "越权"), expected_version=None
            )
        with pytest.raises(NotAllowed):
            services.scheme_copy(actor=actor, scheme=draft, data=services.SchemeInput(2024, "越权"))
        with pytest.raises(NotAllowed):
            services.criterion_delete(
                actor=actor, criterion=Criterion.objects.get(group__scheme=draft), expected_version=None
            )


def test_a_scored_scheme_is_not_changed_under_its_scores(draft, supervisor, fagaiju):
    run = services.scores_compute(actor=supervisor, scheme=draft, period=Period(2023, 2), as_of=JULY)
    lines = sorted((x.unit_id, x.criterion_id, x.points, x.parts) for x in run.lines.all())
    group = draft.groups.get()
    criterion = group.criteria.get()
    refusals = [
        lambda: services.scheme_update(
            actor=supervisor, scheme=draft, data=services.SchemeInput(2023, "改名"), expected_version=None
        ),
        lambda: services.group_save(
            actor=supervisor,
            scheme=draft,
            group=group,
            data=services.GroupInput("经济部门", GroupKind.DEPARTMENTS, [fagaiju]),
            expected_version=None,
        ),
        lambda: services.group_delete(actor=supervisor, group=group, expected_version=None),
        lambda: services.criterion_save(
            actor=supervisor,
            group=group,
            criterion=criterion,
            data=services.CriterionInput("加减分", D(20), Method.RECORDS, {"base": 20}),
            expected_version=None,
        ),
        lambda: services.criterion_delete(actor=supervisor, criterion=criterion, expected_version=None),
    ]
    for refused in refusals:
        with pytest.raises(ServiceError, match="已计算过得分，不能再修改"):
            refused()
    criterion.refresh_from_db()
    assert (criterion.max_points, criterion.params) == (D(10), {"base": 5})
    assert group.units.count() == 2
    again = services.scores_compute(actor=supervisor, scheme=draft, period=Period(2023, 2), as_of=JULY)
    assert sorted((x.unit_id, x.criterion_id, x.points, x.parts) for x in again.lines.all()) == lines


def test_copying_last_years_scheme_starts_the_new_one(draft, supervisor, fagaiju):
    services.scores_compute(actor=supervisor, scheme=draft, period=Period(2023, 2), as_of=JULY)
    fagaiju.is_active = False
    fagaiju.save()
    copy = services.scheme_copy(actor=supervisor, scheme=draft, data=services.SchemeInput(2024, draft.name))
    assert (copy.year, copy.note) == (2024, f"复制自{draft}")
    group = copy.groups.get()
    assert [u.short_name for u in group.units.all()] == ["县文旅局"]  # a unit no longer in use is left
    assert group.criteria.get().params == {"base": 5}
    assert not ScoreRun.objects.filter(scheme=copy).exists()
    services.criterion_save(  # the copy is the office's to change
        actor=supervisor,
        group=group,
        criterion=group.criteria.get(),
        data=services.CriterionInput("加减分", D(12), Method.RECORDS, {"base": 6}),
        expected_version=None,
    )
    assert draft.groups.get().criteria.get().max_points == D(10)
    with pytest.raises(ServiceError, match="存在"):
        services.scheme_copy(actor=supervisor, scheme=draft, data=services.SchemeInput(2024, draft.name))


def test_a_criterion_with_records_keeps_its_method_and_members(draft, supervisor, fagaiju, wenlvju):
    criterion = Criterion.objects.get(group__scheme=draft)
    services.record_add(
        actor=supervisor,
        data=services.RecordInput(criterion, fagaiju, D(1), "市级表彰", date(2023, 5, 1)),
    )
    with pytest.raises(ServiceError, match="不能改变计分方法"):
        services.criterion_save(
            actor=supervisor,
            group=criterion.group,
            criterion=criterion,
            data=services.CriterionInput("加减分", D(10), Method.ITEM_OUTCOMES, {}),
            expected_version=None,
        )
    with pytest.raises(ServiceError, match="已有加减分纪实"):
        services.group_save(
            actor=supervisor,
            scheme=draft,
            group=criterion.group,
            data=services.GroupInput("经济部门", GroupKind.DEPARTMENTS, [wenlvju]),
            expected_version=None,
        )
    with pytest.raises(ServiceError, match="已有加减分纪实"):
        services.criterion_delete(actor=supervisor, criterion=criterion, expected_version=None)
    assert Record.objects.filter(criterion=criterion).count() == 1


# ---------------------------------------------------------------------------------------------
# The pages


def test_the_office_makes_a_scheme_on_its_pages(zhashui, supervisor, fagaiju, wenlvju):
    office = client_for(supervisor)
    assert "新建考核方案" in office.get("/assessment/").content.decode()
    response = office.post("/assessment/schemes/new/", {"year": 2023, "name": "页面方案", "note": ""})
    scheme = Scheme.objects.get(name="页面方案", region=zhashui)
    assert response["Location"] == f"/assessment/schemes/{scheme.pk}/"
    page = office.get(f"/assessment/schemes/{scheme.pk}/groups/new/")
    assert "县文旅局" in page.content.decode()
    office.post(
        f"/assessment/schemes/{scheme.pk}/groups/new/",
        {
            "name": "部门",
            "kind": "departments",
            "units": [fagaiju.pk, wenlvju.pk],
            "sort_order": 0,
            "version": 1,
        },
    )
    group = Group.objects.get(scheme=scheme)
    form = {
        "name": "重点工作",
        "max_points": "30",
        "method": "item_outcomes",
        "sort_order": 0,
        "red": "3",
        "kinds": ["project"],
        "cap": "80",  # another method's parameter: left out
        "version": 2,
    }
    office.post(f"/assessment/groups/{group.pk}/criteria/new/", form)
    criterion = Criterion.objects.get(group=group)
    assert criterion.params == {"kinds": ["project"], "red": 3}
    text = office.get(f"/assessment/schemes/{scheme.pk}/").content.decode()
    assert "红色每项扣3分" in text and "修改考核组" in text
    # a wrong parameter is said in Chinese on the form, and nothing is saved
    response = office.post(f"/assessment/criteria/{criterion.pk}/", {**form, "red": "-2", "version": 3})
    assert response.status_code == 200 and "参数“red”应为不小于0的数" in response.content.decode()
    # an old page is told somebody changed the scheme
    response = office.post(f"/assessment/criteria/{criterion.pk}/", {**form, "red": "5", "version": 2})
    assert "已被他人修改" in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.params["red"] == 3
    office.post(f"/assessment/criteria/{criterion.pk}/", {**form, "red": "5", "version": 3})
    criterion.refresh_from_db()
    assert criterion.params["red"] == 5
    office.post(f"/assessment/criteria/{criterion.pk}/delete/", {"version": 4})
    assert not Criterion.objects.filter(pk=criterion.pk).exists()
    office.post(f"/assessment/groups/{group.pk}/delete/", {"version": 5})
    assert not Group.objects.filter(pk=group.pk).exists()


def test_a_scored_scheme_page_offers_a_copy_not_changes(draft, supervisor):
    services.scores_compute(actor=supervisor, scheme=draft, period=Period(2023, 2), as_of=JULY)
    office = client_for(supervisor)
    text = office.get(f"/assessment/schemes/{draft.pk}/").content.decode()
    assert 'data-testid="scheme-scored"' in text and "复制为新方案" in text
    assert "添加考核组" not in text and "修改考核组" not in text
    criterion = Criterion.objects.get(group__scheme=draft)
    response = office.post(
        f"/assessment/criteria/{criterion.pk}/",
        {
            "name": "加减分",
            "max_points": "99",
            "method": "records",
            "sort_order": 0,
            "version": draft.version,
        },
    )
    assert "已计算过得分，不能再修改" in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.max_points == D(10)
    response = office.post(f"/assessment/schemes/{draft.pk}/copy/", {"year": 2024, "name": draft.name})
    copy = Scheme.objects.get(year=2024, name=draft.name)
    assert response["Location"] == f"/assessment/schemes/{copy.pk}/"


def test_units_and_other_counties_may_not_edit(draft, fagaiju_reporter, zhenan_supervisor, magistrate):
    group = draft.groups.get()
    criterion = group.criteria.get()
    pages = [
        f"/assessment/schemes/{draft.pk}/edit/",
        f"/assessment/schemes/{draft.pk}/copy/",
        f"/assessment/schemes/{draft.pk}/groups/new/",
        f"/assessment/groups/{group.pk}/",
        f"/assessment/groups/{group.pk}/criteria/new/",
        f"/assessment/criteria/{criterion.pk}/",
    ]
    for user, status in ((fagaiju_reporter, 403), (magistrate, 403), (zhenan_supervisor, 404)):
        client = client_for(user)
        for page in pages:
            assert client.get(page).status_code == status, (user, page)
        for action in (
            f"/assessment/criteria/{criterion.pk}/delete/",
            f"/assessment/groups/{group.pk}/delete/",
        ):
            assert client.post(action, {"version": draft.version}).status_code == status
    assert client_for(fagaiju_reporter).get("/assessment/schemes/new/").status_code == 403
    assert Criterion.objects.filter(pk=criterion.pk).exists()
    text = client_for(fagaiju_reporter).get(f"/assessment/schemes/{draft.pk}/").content.decode()
    assert "修改考核组" not in text and "复制为新方案" not in text
