from django.db import migrations

from protocols.lookups import PROTOCOL_TOPICS


def seed(apps, schema_editor):
    ProtocolTopic = apps.get_model("protocols", "ProtocolTopic")
    for code, name in PROTOCOL_TOPICS:
        ProtocolTopic.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("protocols", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
