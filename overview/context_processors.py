from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from overview.models import Notification

# The main navigation: one entry per journey, in the order officials work through them, with the URL names
# (prefixes) that belong to each section.
NAVIGATION = [
    ("overview:home", _("Overview"), ("overview:home",)),
    ("citizens:session_list", _("Citizen reception"), ("citizens:",)),
    ("cases:case_list", _("Letters and cases"), ("cases:",)),
    (
        "organizations:dossier_list",
        _("Weak organizations"),
        (
            "organizations:dossier",
            "organizations:review",
            "organizations:task",
            "organizations:rating",
            "organizations:weak",
            "organizations:inspection",
            "organizations:conclusion",
        ),
    ),
    ("reports:report_list", _("Reports"), ("reports:",)),
    ("organizations:unit_list", _("Units"), ("organizations:unit",)),
]


def navigation(request: HttpRequest) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    for view_name, label, prefixes in NAVIGATION:
        items.append({"url": reverse(view_name), "label": label, "active": current.startswith(prefixes)})
    return {"main_navigation": items, "today": timezone.localdate()}


def notifications(request: HttpRequest) -> dict:
    """The unread count for the header link: one query, made only if a page shows it; none for visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notification_count": SimpleLazyObject(
            lambda: Notification.objects.filter(user=user, read_at__isnull=True).count()
        )
    }
