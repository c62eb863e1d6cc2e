"""The database refuses to change the audit log: every UPDATE, and a DELETE of a row younger than 180
days (等级保护 2.0's minimum) by the database's own clock; on PostgreSQL a TRUNCATE too. The model
refuses the same through the ORM; these triggers hold against any other SQL the app's login sends.

A later migration that alters audit_event on SQLite remakes the table (copy, drop, rename), which
drops its triggers: such a migration must create them again (create_triggers below).
Django's flush (the test runner's, `luoshi demo --reset`) leaves this table alone: see
luoshi/audit/management/commands/flush.py."""

from django.db import migrations

REFUSE_CHANGE = "审计日志只能追加，不能修改或清空。"
REFUSE_YOUNG = "保存不足180天的审计记录不能删除。"

SQLITE = [
    f"""CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
    BEGIN SELECT RAISE(ABORT, '{REFUSE_CHANGE}'); END""",
    # Django keeps SQLite's times as UTC text ("2024-01-31 08:00:00.123456"), which sorts as datetime() writes.
    f"""CREATE TRIGGER audit_event_keep_young BEFORE DELETE ON audit_event
    WHEN OLD.at > datetime('now', '-180 days')
    BEGIN SELECT RAISE(ABORT, '{REFUSE_YOUNG}'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_keep_young",
]

POSTGRESQL = [
    f"""CREATE FUNCTION audit_event_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSE_CHANGE}' USING ERRCODE = 'restrict_violation';
    END $$""",
    f"""CREATE FUNCTION audit_event_keep_young() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.at > now() - interval '180 days' THEN
            RAISE EXCEPTION '{REFUSE_YOUNG}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN OLD;
    END $$""",
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse()""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse()""",
    """CREATE TRIGGER audit_event_keep_young BEFORE DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_keep_young()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_keep_young ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_update ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_keep_young()",
    "DROP FUNCTION IF EXISTS audit_event_refuse()",
]

STATEMENTS = {"sqlite": (SQLITE, SQLITE_DROP), "postgresql": (POSTGRESQL, POSTGRESQL_DROP)}


def _run(schema_editor, index: int) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(f"审计日志的防篡改触发器只支持 SQLite 和 PostgreSQL，不支持 {vendor}。")
    for sql in STATEMENTS[vendor][index]:
        schema_editor.execute(sql, params=None)


def create_triggers(apps, schema_editor):
    _run(schema_editor, 0)


def drop_triggers(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
