"""Each item keeps its newest current report while it awaits verification (the office's queue)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q


def fill_reports_to_verify(apps, schema_editor):
    """The reports the queue held before: each item's newest current (submitted, uncorrected)
    report, when it has no verification."""
    Item = apps.get_model("items", "Item")
    ProgressReport = apps.get_model("items", "ProgressReport")
    Verification = apps.get_model("items", "Verification")
    using = schema_editor.connection.alias
    reports = ProgressReport.objects.using(using)
    current = reports.filter(status="submitted").filter(~Exists(reports.filter(supersedes=OuterRef("pk"))))
    later = current.filter(
        Q(period_start__gt=OuterRef("period_start"))
        | Q(period_start=OuterRef("period_start"), created_at__gt=OuterRef("created_at"))
        | Q(period_start=OuterRef("period_start"), created_at=OuterRef("created_at"), pk__gt=OuterRef("pk")),
        item=OuterRef("item_id"),
    )
    awaiting = (
        current.filter(~Exists(Verification.objects.using(using).filter(report=OuterRef("pk"))))
        .filter(~Exists(later))
        .values_list("item_id", "pk")
        .iterator(chunk_size=2000)
    )
    batch = []
    for item_id, report_id in awaiting:
        batch.append(Item(pk=item_id, report_to_verify_id=report_id))
        if len(batch) == 2000:
            Item.objects.using(using).bulk_update(batch, ["report_to_verify"])
            batch = []
    Item.objects.using(using).bulk_update(batch, ["report_to_verify"])


class Migration(migrations.Migration):
    dependencies = [
        ("items", "0006_report_and_verification_indexes"),
        ("org", "0003_unit_webhook_address"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="item",
            name="report_to_verify",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="awaiting_item",
                to="items.progressreport",
                verbose_name="待核实的报告",
            ),
        ),
        migrations.AddIndex(
            model_name="item",
            index=models.Index(
                condition=models.Q(("report_to_verify__isnull", False)),
                fields=["region", "report_to_verify"],
                name="items_item_to_verify_idx",
            ),
        ),
        migrations.RunPython(fill_reports_to_verify, migrations.RunPython.noop, elidable=True),
    ]
