from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import translation

from accounts.roles import Role
from core.demo import DEMO_PASSWORD, demo_units, load_demo


class Command(BaseCommand):
    help = "Load Hanoi's units and the demo data set, and print the demo accounts. Safe to run again."

    def handle(self, *args, **options):
        call_command("load_units", stdout=self.stdout)
        accounts = load_demo()
        units = demo_units()
        with translation.override("vi"):
            self.stdout.write(self.style.SUCCESS(f"\nTài khoản dùng thử (mật khẩu chung: {DEMO_PASSWORD})"))
            for account in accounts:
                label = str(Role(account.role).label)
                self.stdout.write(f"  {account.username:<18} {label:<36} {units[account.unit_key]}")
