import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    ItemSource = apps.get_model("bulletins", "ItemSource")
    for source in ItemSource.objects.select_related("adoption__submission").filter(report__isnull=True):
        source.report_id = source.adoption.submission.report_id
        source.save(update_fields=["report"])


class Migration(migrations.Migration):
    dependencies = [
        ("bulletins", "0002_publication_total_offset_bound"),
        ("reports", "0007_adoption_publication_fk"),
    ]

    operations = [
        migrations.AddField(
            model_name="itemsource",
            name="report",
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="reports.report", verbose_name="report"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="itemsource",
            name="report",
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                    to="reports.report", verbose_name="report"),
        ),
        migrations.AddIndex(
            model_name="itemsource",
            index=models.Index(fields=["report", "item"], name="bulletins_i_report__168e5e_idx"),
        ),
    ]
