"""``govbrief audit verify``: re-check the tamper-evident audit log (SPEC §9, 等保 2.0) from the console.

Meant for the audit administrator and for a scheduled job: it exits with status 1 when the chain is broken,
so cron or monitoring can raise the alarm without reading the text."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext

from govbrief.audit.services import BrokenLink, audit_chain_verify


def describe(broken: BrokenLink) -> str:
    """One line that names the entry (id, local time, action) as the admin site shows it, and what is wrong."""
    if broken.entry_id is None or broken.created_at is None:
        return gettext("The audit chain is broken: %(problem)s.") % {"problem": broken.message}
    return gettext("The audit chain is broken at entry #%(id)s (%(time)s, %(action)s): %(problem)s.") % {
        "id": broken.entry_id,
        "time": f"{timezone.localtime(broken.created_at):%Y-%m-%d %H:%M:%S}",
        "action": broken.action,
        "problem": broken.message,
    }


class Command(BaseCommand):
    help = "Audit log tools. `verify` walks the hash chain and exits with status 1 if it was tampered with."
    # It only reads two tables: a fault elsewhere in the site must not stop an auditor from checking the log.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify}")
        subcommands.add_parser("verify", help="Check every entry's hash and link, and the chain head.")

    def handle(self, *args, subcommand: str, **options) -> None:
        if subcommand == "verify":
            self.verify()

    def verify(self) -> None:
        """Print the count and the verdict; the exit status carries the verdict for scripts."""
        report = audit_chain_verify()
        self.stdout.write(gettext("Audit entries checked: %(count)s") % {"count": report.checked})
        if report.first_broken is None:
            self.stdout.write(self.style.SUCCESS(gettext("The audit chain is intact.")))
            return
        self.stdout.write(self.style.ERROR(describe(report.first_broken)))
        raise CommandError(gettext("The audit log failed verification."), returncode=1)
