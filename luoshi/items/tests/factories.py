from __future__ import annotations

from datetime import date

import factory

from luoshi.items.models import Item, Kind, Measure, ReportCycle, Source, Status
from luoshi.org.models import Region, Unit


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item
        skip_postgeneration_save = True

    region = factory.LazyAttribute(lambda o: o.lead_unit.region if o.lead_unit else Region.objects.first())
    code = factory.Sequence(lambda n: f"DB-2023-{n + 1:04d}")
    kind = Kind.TASK
    source = Source.MEETING
    year = 2023
    title = factory.Sequence(lambda n: f"测试事项{n}")
    deadline = date(2023, 12, 31)
    assigned_on = date(2023, 7, 3)
    measure = Measure.PERCENT
    report_cycle = ReportCycle.MONTHLY
    report_due_day = 25
    status = Status.ASSIGNED
    lead_unit = None

    @factory.post_generation
    def support_units(self, create: bool, extracted: list[Unit] | None, **kwargs: object) -> None:
        if create and extracted:
            self.support_units.set(extracted)
