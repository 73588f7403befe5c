from django.db import migrations


def load_fields(apps, schema_editor):
    from scenarios.taxonomy import FIELDS

    Field = apps.get_model("scenarios", "Field")
    for order, (code, hans, hant, en) in enumerate(FIELDS, start=1):
        Field.objects.update_or_create(
            code=code, defaults={"name_zh_hans": hans, "name_zh_hant": hant, "name_en": en, "order": order})


class Migration(migrations.Migration):
    dependencies = [("scenarios", "0001_initial")]
    operations = [migrations.RunPython(load_fields, migrations.RunPython.noop)]
