from django.db import migrations


def load_fields(apps, schema_editor):
    from scenarios.taxonomy import taxonomy_load

    taxonomy_load(apps.get_model("scenarios", "Field"))


class Migration(migrations.Migration):
    dependencies = [("scenarios", "0001_initial")]
    operations = [migrations.RunPython(load_fields, migrations.RunPython.noop)]
