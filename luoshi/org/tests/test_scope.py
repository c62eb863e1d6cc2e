"""The one scoping selector: which regions and units each user may see."""

from __future__ import annotations

import pytest

from luoshi.conftest import client_for
from luoshi.org.models import Region, Role, Unit
from luoshi.org.selectors import person_list_for, region_list_for, scope_for, unit_list_for
from luoshi.org.tests.factories import RegionFactory, UnitFactory, UserFactory, user_with

pytestmark = pytest.mark.django_db


def names(queryset) -> set[str]:
    return {str(obj) for obj in queryset}


def test_unit_reporter_sees_only_own_unit(fagaiju_reporter, fagaiju, zhashui):
    units = unit_list_for(fagaiju_reporter)
    assert list(units) == [fagaiju]
    scope = scope_for(fagaiju_reporter)
    assert scope.region_ids == frozenset()
    assert not scope.sees_region(zhashui.pk)
    assert scope.sees_unit(fagaiju)
    assert not scope.sees_unit(Unit.objects.get(region=zhashui, short_name="县财政局"))


def test_county_supervision_office_sees_whole_county_and_nothing_else(supervisor, zhashui, zhenan):
    units = unit_list_for(supervisor)
    assert set(units.values_list("region_id", flat=True)) == {zhashui.pk}
    assert units.count() == Unit.objects.filter(region=zhashui).count()
    assert names(region_list_for(supervisor)) == {"柞水县"}
    assert scope_for(supervisor).sees_region(zhashui.pk)
    assert not scope_for(supervisor).sees_region(zhenan.pk)


def test_city_supervisor_sees_its_counties(city_supervisor):
    assert names(region_list_for(city_supervisor)) == {"商洛市", "柞水县", "镇安县"}
    assert unit_list_for(city_supervisor).filter(region__name="柞水县", short_name="县发改局").exists()
    assert unit_list_for(city_supervisor).filter(region__name="镇安县", short_name="县发改局").exists()


def test_another_countys_supervisor_does_not_see_zhashui(zhenan_supervisor, zhashui):
    assert names(region_list_for(zhenan_supervisor)) == {"镇安县"}
    assert not unit_list_for(zhenan_supervisor).filter(region=zhashui).exists()
    assert not person_list_for(zhenan_supervisor).filter(unit__region=zhashui).exists()
    assert not person_list_for(zhenan_supervisor).filter(leader__region=zhashui).exists()


def test_leader_and_viewer_see_their_region(magistrate, viewer, zhashui):
    for user in (magistrate, viewer):
        assert names(region_list_for(user)) == {"柞水县"}
        assert unit_list_for(user).count() == Unit.objects.filter(region=zhashui).count()


def test_unit_reporter_sees_people_of_own_unit_and_county_leaders(fagaiju_reporter, fagaiju):
    people = person_list_for(fagaiju_reporter)
    assert {p.unit_id for p in people if not hasattr(p, "leader")} == {fagaiju.pk}
    assert {"刘鹏", "冯锐", "茂荣", "维杰", "王宁", "小军"} <= names(people)
    assert "赵敏" not in names(people)  # the supervision office's staff are not the reporter's to see


def test_unit_role_covers_units_below(db):
    town = UnitFactory(kind=Unit.Kind.TOWN)
    village_office = UnitFactory(region=town.region, parent=town, kind=Unit.Kind.OTHER)
    neighbour = UnitFactory(region=town.region)
    reporter = user_with(town, Role.REPORTER)
    assert set(unit_list_for(reporter)) == {town, village_office}
    assert neighbour not in unit_list_for(reporter)


def test_user_without_seats_sees_nothing(db):
    UnitFactory()
    user = UserFactory()
    assert scope_for(user).is_empty
    assert not unit_list_for(user).exists()
    assert not region_list_for(user).exists()


def test_inactive_user_and_inactive_unit_grant_nothing(db):
    unit = UnitFactory()
    user = user_with(unit, Role.SUPERVISOR if unit.kind == Unit.Kind.SUPERVISION else Role.REPORTER)
    user.is_active = False
    assert scope_for(user).is_empty
    other = user_with(UnitFactory(is_active=False), Role.REPORTER)
    assert scope_for(other).is_empty


def test_superuser_sees_everything(db):
    RegionFactory.create_batch(2)
    admin = UserFactory(is_superuser=True)
    assert region_list_for(admin).count() == Region.objects.count()


def test_scope_query_count_is_constant(django_assert_max_num_queries, city_supervisor):
    city_supervisor.__dict__.pop("_luoshi_scope", None)
    with django_assert_max_num_queries(2):
        scope_for(city_supervisor)
    with django_assert_max_num_queries(0):
        scope_for(city_supervisor)  # cached for the rest of the request


def test_has_role_is_limited_to_the_regions_a_seat_covers(city_supervisor, supervisor, zhashui, zhenan):
    assert scope_for(city_supervisor).has_role(Role.SUPERVISOR, region_id=zhashui.pk)
    assert scope_for(city_supervisor).has_role(Role.SUPERVISOR, region_id=zhenan.pk)
    assert scope_for(supervisor).has_role(Role.SUPERVISOR, region_id=zhashui.pk)
    assert not scope_for(supervisor).has_role(Role.SUPERVISOR, region_id=zhenan.pk)


class TestPages:
    def test_reporter_gets_404_for_another_units_page(self, fagaiju_reporter, fagaiju, zhashui):
        client = client_for(fagaiju_reporter)
        assert client.get(f"/org/units/{fagaiju.pk}/").status_code == 200
        other = Unit.objects.get(region=zhashui, short_name="县财政局")
        assert client.get(f"/org/units/{other.pk}/").status_code == 404

    def test_other_county_supervisor_gets_404_for_zhashui_unit(self, zhenan_supervisor, fagaiju):
        assert client_for(zhenan_supervisor).get(f"/org/units/{fagaiju.pk}/").status_code == 404

    def test_directory_lists_leaders_with_what_they_oversee(self, supervisor):
        response = client_for(supervisor).get("/org/")
        text = response.content.decode()
        assert response.status_code == 200
        assert "冯锐" in text and "常务副县长" in text and "县发改局" in text
        assert "镇安县" not in text

    def test_people_list_masks_phones(self, supervisor):
        response = client_for(supervisor).get("/org/people/", {"q": "冯锐"})
        text = response.content.decode()
        assert "139****0002" in text
        assert "13900000002" not in text

    def test_full_phone_for_region_staff_but_not_for_another_units_reporter(
        self, supervisor, fagaiju_reporter, wenlvju_reporter
    ):
        from luoshi.org.models import Person

        colleague = Person.objects.get(name="周静")  # the 县发改局 reporter's own person
        assert client_for(supervisor).get(f"/org/people/{colleague.pk}/phone/").content.decode().isdigit()
        assert (
            client_for(fagaiju_reporter).get(f"/org/people/{colleague.pk}/phone/").content.decode().isdigit()
        )
        # A 县文旅局 reporter cannot even find the person of another unit.
        assert client_for(wenlvju_reporter).get(f"/org/people/{colleague.pk}/phone/").status_code == 404
        leader = Person.objects.get(name="冯锐")
        assert "****" in client_for(wenlvju_reporter).get(f"/org/people/{leader.pk}/phone/").content.decode()
