from django.core.management.base import BaseCommand

from organizations.units_loader import load_hanoi_units


class Command(BaseCommand):
    help = "Load or update Hanoi's units (both eras) and the 2025 old→new mapping. Safe to run again."

    def handle(self, *args, **options):
        result = load_hanoi_units()
        self.stdout.write(
            f"Units: {result.created} created, {result.updated} updated; "
            f"successions: {result.successions_created} created."
        )
