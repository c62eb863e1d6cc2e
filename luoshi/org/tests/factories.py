from __future__ import annotations

import factory

from luoshi.org.models import Leader, Membership, Person, Region, Role, Unit, User


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"测试{n}县")
    short_name = factory.Sequence(lambda n: f"测{n}")
    code = factory.Sequence(lambda n: f"{990000 + n}")
    level = Region.Level.COUNTY


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"测试单位{n}")
    short_name = factory.Sequence(lambda n: f"单位{n}")
    kind = Unit.Kind.DEPARTMENT


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"人员{n}")
    unit = factory.SubFactory(UnitFactory)
    post = "科员"
    phone = factory.Sequence(lambda n: f"1390001{n:04d}")


class LeaderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Leader

    person = factory.SubFactory(PersonFactory)
    region = factory.SelfAttribute("person.unit.region")
    title = "副县长"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def seats(self, create: bool, extracted: list[tuple[Unit, str]] | None, **kwargs: object) -> None:
        """UserFactory(seats=[(unit, Role.REPORTER)])"""
        if create:
            self.save()
        for unit, role in extracted or []:
            Membership.objects.create(user=self, unit=unit, role=role)


def user_with(unit: Unit, role: str = Role.REPORTER, **kwargs: object) -> User:
    return UserFactory(seats=[(unit, role)], **kwargs)
