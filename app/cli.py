"""``flask loandesk …`` commands: set up or upgrade a database, sync roles, seed demo data."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask_migrate import upgrade

from .extensions import db


def sync_permissions() -> None:
    """Create FAB's permission rows for every registered view, API and menu."""
    appbuilder = current_app.appbuilder
    sm = appbuilder.sm
    sm.add_role(sm.auth_role_admin)
    sm.add_role(sm.auth_role_public)
    appbuilder.add_permissions(update_perms=True)


def register_cli(app: Flask) -> None:
    @app.cli.group("loandesk")
    def loandesk() -> None:
        """LoanDesk set-up and maintenance."""

    @loandesk.command("init")
    @click.option("--demo/--no-demo", default=True, help="Load demo data into an empty database.")
    def init(demo: bool) -> None:
        """Create or upgrade the database, sync permissions and roles, seed demo data."""
        from .pdf import PdfError, cjk_font_path

        try:
            cjk_font_path()  # contracts without a CJK font would print boxes: stop here
        except PdfError as error:
            raise click.ClickException(str(error)) from None
        upgrade(directory=current_app.extensions["migrate"].directory)
        sync_permissions()
        from seed.roles import sync_roles

        sync_roles()
        from seed.reference import seed_reference

        seed_reference()
        if demo:
            from seed.demo import seed_demo

            from .editing import edits_unguarded

            with edits_unguarded():  # the demo book is history as it happened, not edits
                created = seed_demo()
            click.echo("Demo data loaded." if created else "Demo data already present.")
        db.session.commit()
        if demo and created:
            from .loans.job import run_daily

            run_daily()  # penalties, buckets and reminders of the demo book, as of today
            from .loans import business_today
            from .reports.snapshots import backfill

            backfill(12, business_today())  # the dashboard's 12-month trend of the demo book

    @loandesk.command("sync-roles")
    def sync_roles_cmd() -> None:
        """Create or update the default roles' permissions from seed/roles.py."""
        sync_permissions()
        from seed.roles import sync_roles

        sync_roles()
        db.session.commit()
        click.echo("Roles synced.")

    @loandesk.command("pool-release")
    def pool_release() -> None:
        """Return customers nobody followed up for pool.idle_days to the public pool."""
        from app.customers.pool import release_idle

        click.echo(f"{release_idle()} customers returned to the public pool.")

    @loandesk.command("daily")
    @click.option("--date", "day", default=None, help="Business day YYYY-MM-DD (default: today).")
    @click.option("--force", is_flag=True, help="Recompute a day already done.")
    def daily(day: str | None, force: bool) -> None:
        """Overdue states, penalty interest, buckets, credits, clawbacks, reminders queued.
        Safe to run twice (idempotent); a crashed run resumes where it stopped."""
        import datetime as dt
        import json
        import logging

        from .loans.job import run_daily

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        try:
            when = dt.date.fromisoformat(day) if day else None
        except ValueError:
            raise click.BadParameter("use YYYY-MM-DD", param_hint="--date") from None
        stats = run_daily(when, force=force)
        click.echo(json.dumps(stats, sort_keys=True))

    @loandesk.command("snapshots")
    @click.option("--months", default=12, show_default=True, type=click.IntRange(1, 120),
                  help="How many past month ends to rebuild.")
    @click.option("--replace", is_flag=True, help="Rebuild months already kept.")
    def snapshots(months: int, replace: bool) -> None:
        """Rebuild past month-end pictures of the loan book (the reports' 12-month trend)
        from the repayment history; the daily job keeps the current month's."""
        from .loans import business_today
        from .reports.snapshots import backfill

        rows = backfill(months, business_today(), replace=replace)
        click.echo(f"{rows} snapshot rows written.")

    @loandesk.command("send-reminders")
    def send_reminders() -> None:
        """Send queued reminders that are due (nothing in quiet hours; failures retried)."""
        import json
        import logging

        from .loans.reminders import send_due

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        click.echo(json.dumps(send_due(), sort_keys=True))

    @loandesk.command("demo-logins")
    def demo_logins() -> None:
        """Print the demo users and their password."""
        from seed.demo import DEMO_USERS

        password = current_app.config["DEMO_PASSWORD"]
        click.echo(f"Demo logins (password for all: {password}):")
        for username, _first, _last, role, _branch in DEMO_USERS:
            click.echo(f"  {username:<10} {role}")
