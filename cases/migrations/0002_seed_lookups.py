from django.db import migrations

from cases.lookups import FEDERAL_STATUTES, NIBRS_OFFENSES, RECRUITMENT_METHODS, VENUES


def seed(apps, schema_editor):
    Venue = apps.get_model("cases", "Venue")
    RecruitmentMethod = apps.get_model("cases", "RecruitmentMethod")
    NibrsOffense = apps.get_model("cases", "NibrsOffense")
    Statute = apps.get_model("cases", "Statute")
    for code, name in VENUES:
        Venue.objects.update_or_create(code=code, defaults={"name": name})
    for code, name in RECRUITMENT_METHODS:
        RecruitmentMethod.objects.update_or_create(code=code, defaults={"name": name})
    offenses = {}
    for code, name in NIBRS_OFFENSES:
        offenses[code], _ = NibrsOffense.objects.update_or_create(code=code, defaults={"name": name})
    for citation, title, nibrs in FEDERAL_STATUTES:
        Statute.objects.update_or_create(
            citation=citation,
            defaults={"title": title, "jurisdiction_level": "federal", "default_nibrs": offenses[nibrs]},
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
