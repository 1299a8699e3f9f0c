"""Issue 16: an adoption named one of five fixed publication choices; each becomes a publication of
the adopting office (with the same code, so the API keeps taking "special"), and the adoption
points at it."""

from django.db import migrations

# The former choices: code -> (name, masthead, tier, frequency).
FORMER = {
    "general": ("政务信息", "", "general", "weekly"),
    "special": ("专报", "专报信息", "special", "irregular"),
    "express": ("快报", "政务快报", "express", "irregular"),
    "opinion": ("舆论监督与群众意见建议专报", "", "special", "monthly"),
    "reference": ("内部参考", "", "reference", "irregular"),
}


def forwards(apps, schema_editor):
    Adoption = apps.get_model("reports", "Adoption")
    Publication = apps.get_model("bulletins", "Publication")
    Unit = apps.get_model("orgs", "Unit")
    pairs = set(Adoption.objects.values_list("submission__to_unit_id", "publication").distinct())
    made = {}
    for office_id, code in sorted(pairs):
        name, masthead, tier, frequency = FORMER.get(code, (code, "", "general", "irregular"))
        office = Unit.objects.get(pk=office_id)
        parent = Unit.objects.filter(pk=office.parent_id).values_list("name", flat=True).first() or ""
        made[office_id, code], _ = Publication.objects.get_or_create(
            office_id=office_id, code=code,
            defaults={"name": name, "masthead": masthead, "tier": tier, "frequency": frequency,
                      "classification": "内部资料 注意保存", "line_bao": parent, "line_song": "本级政府领导",
                      "line_fa": "各报送单位", "sort_order": list(FORMER).index(code) if code in FORMER else 9})
    for (office_id, code), publication in made.items():
        Adoption.objects.filter(submission__to_unit_id=office_id, publication=code).update(publication_ref=publication)


def backwards(apps, schema_editor):
    Adoption = apps.get_model("reports", "Adoption")
    for adoption in Adoption.objects.select_related("publication_ref").exclude(publication_ref=None):
        adoption.publication = adoption.publication_ref.code
        adoption.save(update_fields=["publication"])


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_adoption_publication_ref"),
        ("bulletins", "0001_initial"),
        ("orgs", "0003_lockout"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
