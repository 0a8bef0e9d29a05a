"""The audit log is append-only, enforced by the database itself

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'audit_log is append-only';
            END;
            $$ LANGUAGE plpgsql""")
        op.execute("""CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE
                      ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event}
                           ON audit_log BEGIN
                           SELECT RAISE(ABORT, 'audit_log is append-only'); END""")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
        op.execute("DROP TRIGGER audit_log_no_delete")
