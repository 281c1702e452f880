from django.db import migrations

from agencies.lookups import TRAINING_TOPICS


def seed(apps, schema_editor):
    TrainingTopic = apps.get_model("agencies", "TrainingTopic")
    for code, name in TRAINING_TOPICS:
        TrainingTopic.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("agencies", "0004_training_outreach_bulletins")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
