from django.db import migrations

from agencies.lookups import LANGUAGES, POPULATIONS, SERVICE_TYPES


def seed(apps, schema_editor):
    ServiceType = apps.get_model("agencies", "ServiceType")
    Population = apps.get_model("agencies", "Population")
    Language = apps.get_model("agencies", "Language")
    for code, name, voca in SERVICE_TYPES:
        ServiceType.objects.update_or_create(code=code, defaults={"name": name, "voca_category": voca})
    for dimension, code, name in POPULATIONS:
        Population.objects.update_or_create(code=code, defaults={"dimension": dimension, "name": name})
    for code, name in LANGUAGES:
        Language.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("agencies", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
