from django.db import migrations


def load(apps, schema_editor):
    from govbrief.core.official_calendar import official_days

    CalendarDay = apps.get_model("core", "CalendarDay")
    for date, is_workday, name in official_days():
        CalendarDay.objects.update_or_create(date=date, defaults={"is_workday": is_workday, "name": name})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
