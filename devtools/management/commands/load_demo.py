from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import translation

from accounts.roles import Role
from devtools.demo import DEMO_PASSWORD, demo_units, load_demo


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
            if settings.OTP_REQUIRED_FOR_PRIVILEGED:
                self.stdout.write(
                    "Xác thực hai bước bắt buộc với bcd.thanhpho, quantri và thamdinh.badinh (được xem danh tính "
                    "người tố cáo): lần đăng nhập đầu, quét mã QR bằng ứng dụng xác thực trên điện thoại."
                )
            else:
                self.stdout.write(
                    "Xác thực hai bước không bắt buộc ở máy phát triển (OTP_REQUIRED_FOR_PRIVILEGED=false); "
                    "bật được trong trang Tài khoản."
                )
