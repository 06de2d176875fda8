"""System checks of the installation's own settings, run by `manage.py check --deploy` (README "Deployment")."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

# Hosts that are this machine: a link to them in an e-mail opens nothing on the reader's computer.
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


@register(Tags.security, deploy=True)
def check_site_url(app_configs=None, **kwargs) -> list[CheckMessage]:
    """SITE_URL makes every link in an e-mail absolute. In production it must be set, be https (the site redirects
    http, and a link over http leaks the path on the way) and name the public host, not this machine."""
    site_url = (getattr(settings, "SITE_URL", "") or "").strip()
    if not site_url:
        return [
            Error(
                "SITE_URL is not set: links in notification e-mails would have no host.",
                hint="Set SITE_URL to the address users open, e.g. https://sotheodoi.example.gov.vn.",
                id="core.E101",
            )
        ]
    parts = urlsplit(site_url)
    messages: list[CheckMessage] = []
    if parts.scheme != "https":
        messages.append(
            Warning(
                f"SITE_URL ({site_url}) is not https: links in e-mails would use plain http.",
                hint="Use the https:// address of the site.",
                id="core.W102",
            )
        )
    host = (parts.hostname or "").lower()
    if not host or host in _LOCAL_HOSTS or host.endswith(".localhost"):
        messages.append(
            Error(
                f"SITE_URL ({site_url}) points at this machine: links in e-mails would open nothing.",
                hint="Set SITE_URL to the public address of the site.",
                id="core.E103",
            )
        )
    return messages
