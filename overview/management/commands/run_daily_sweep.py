"""Run the daily notification sweep in this process, without a broker: `make run` repeats it (scripts/serve.sh),
and an installation without Celery beat can run it from cron."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from overview.tasks import daily_sweep


class Command(BaseCommand):
    help = "Run the daily notification sweep now (idempotent: a second run the same day creates and sends nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", help="Sweep as of this day (YYYY-MM-DD) instead of today.")

    def handle(self, *args, **options) -> None:
        on = options["on"]
        if on:
            try:
                date.fromisoformat(on)
            except ValueError as error:
                raise CommandError(f"--on must be a date as YYYY-MM-DD, not {on!r}.") from error
        # Called, not queued: the work happens here whatever CELERY_BROKER_URL says.
        done = daily_sweep(on)
        self.stdout.write(", ".join(f"{step}: {count}" for step, count in done.items()))
