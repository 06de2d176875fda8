from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The first three digits of a citizen identity card number (CCCD) are the code of the province where the
# birth was registered (Circular 07/2016/TT-BCA, Art. 7; Circular 59/2021/TT-BCA): the 63 provinces' codes.
_CODES_TABLE = (
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037 038 "
    "040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 080 082 "
    "083 084 086 087 089 091 092 093 094 095 096"
)
PROVINCE_CODES = frozenset(_CODES_TABLE.split())


def validate_national_id(value: str) -> None:
    """A CCCD number: 12 digits, the first three a province code."""
    if not value.isdigit() or len(value) != 12:
        raise ValidationError(_("A citizen identity number has exactly 12 digits."), code="cccd_length")
    if value[:3] not in PROVINCE_CODES:
        raise ValidationError(
            _("%(code)s is not a province code: the first three digits of the number are not valid."),
            code="cccd_province",
            params={"code": value[:3]},
        )


def validate_phone(value: str) -> None:
    digits = value.replace(" ", "").replace(".", "").replace("-", "").removeprefix("+84")
    if not digits.isdigit() or not 9 <= len(digits) <= 11:
        raise ValidationError(_("Enter a phone number of 10 digits, e.g. 0912 345 678."), code="phone")
