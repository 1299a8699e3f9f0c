"""Submission.origin_unit: the report's own unit on each of its submissions (issue 14), filled for
the submissions already there by one UPDATE (the statement reads the same on PostgreSQL and SQLite)."""

import django.db.models.deletion
from django.db import migrations, models

FILL = (
    "UPDATE reports_submission SET origin_unit_id = "
    "(SELECT unit_id FROM reports_report WHERE reports_report.id = reports_submission.report_id)"
)


class Migration(migrations.Migration):

    dependencies = [
        ("orgs", "0003_lockout"),
        ("reports", "0003_submission_desk_queues"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="origin_unit",
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="orgs.unit", verbose_name="originating unit"),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="submission",
            name="origin_unit",
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="orgs.unit", verbose_name="originating unit"),
        ),
        migrations.AddIndex(
            model_name="submission",
            index=models.Index(fields=["origin_unit", "state", "-decided_at"], name="submission_origin_decided"),
        ),
    ]
