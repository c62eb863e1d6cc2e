"""The office's pages: a livelihood project says whether the deputies voted it, a survey keeps the
number of deputies and of those who took part (its votes bounded by them), a letter of commitment
its version (an edit opened before another is refused)."""

from django.db import migrations, models
from django.db.models import F


def respondents_from_votes(apps, schema_editor):
    """A survey recorded before: its deputies and respondents are those who voted."""
    Survey = apps.get_model("commitments", "Survey")
    votes = F("satisfied") + F("basically_satisfied") + F("dissatisfied")
    Survey.objects.update(respondents=votes, deputies=votes)


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="livelihood",
            name="voted",
            field=models.BooleanField(default=True, verbose_name="经人大代表票决"),
        ),
        migrations.AddField(
            model_name="survey",
            name="deputies",
            field=models.PositiveIntegerField(default=0, verbose_name="代表总数"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="survey",
            name="respondents",
            field=models.PositiveIntegerField(default=0, verbose_name="参加测评代表人数"),
            preserve_default=False,
        ),
        migrations.RunPython(respondents_from_votes, migrations.RunPython.noop),
        migrations.AddField(
            model_name="commitmentletter",
            name="version",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddConstraint(
            model_name="survey",
            constraint=models.CheckConstraint(
                condition=models.Q(("respondents__lte", models.F("deputies"))),
                name="commitments_survey_respondents_within_deputies",
            ),
        ),
        migrations.AddConstraint(
            model_name="survey",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "respondents__gte",
                        models.F("satisfied") + models.F("basically_satisfied") + models.F("dissatisfied"),
                    )
                ),
                name="commitments_survey_votes_within_respondents",
            ),
        ),
    ]
