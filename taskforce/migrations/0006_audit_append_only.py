"""The audit trail is append-only in the database itself (PostgreSQL).

The model and its queryset already refuse changes; these triggers hold even for raw SQL or a
second program with the same database account. An UPDATE is always refused, so is TRUNCATE; a
DELETE only of rows past the retention minimum (365 days), which is what the retention job
removes. SQLite (the embedded single-machine mode) has no such guard: there the model's refusal
is the only one.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION taskforce_auditevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'Audit events are append-only: UPDATE refused.'
            USING ERRCODE = 'insufficient_privilege';
    ELSIF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'Audit events are append-only: TRUNCATE refused.'
            USING ERRCODE = 'insufficient_privilege';
    ELSIF TG_OP = 'DELETE' AND OLD."at" > now() - interval '365 days' THEN
        -- No format placeholders: the SQL goes through the driver's parameter formatting.
        RAISE EXCEPTION USING
            MESSAGE = 'Audit events are append-only: event ' || OLD.id
                || ' is younger than 365 days and cannot be deleted.',
            ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END;
$$;

CREATE TRIGGER taskforce_auditevent_no_update_or_early_delete
    BEFORE UPDATE OR DELETE ON taskforce_auditevent
    FOR EACH ROW EXECUTE FUNCTION taskforce_auditevent_append_only();

CREATE TRIGGER taskforce_auditevent_no_truncate
    BEFORE TRUNCATE ON taskforce_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION taskforce_auditevent_append_only();
"""

REVERSE = """
DROP TRIGGER IF EXISTS taskforce_auditevent_no_truncate ON taskforce_auditevent;
DROP TRIGGER IF EXISTS taskforce_auditevent_no_update_or_early_delete ON taskforce_auditevent;
DROP FUNCTION IF EXISTS taskforce_auditevent_append_only();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("taskforce", "0005_account_security")]

    operations = [
        migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(REVERSE), elidable=False),
    ]
