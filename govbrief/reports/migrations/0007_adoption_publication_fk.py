import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_adoptions_onto_publications"),
    ]

    operations = [
        migrations.RemoveField(model_name="adoption", name="publication"),
        migrations.RenameField(model_name="adoption", old_name="publication_ref", new_name="publication"),
        migrations.AlterField(
            model_name="adoption",
            name="publication",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="adoptions",
                                    to="bulletins.publication", verbose_name="publication"),
        ),
    ]
