from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The main navigation: one entry per journey, in the order officials work through them.
NAVIGATION = [
    ("core:home", _("Overview")),
    ("citizens:session_list", _("Citizen reception")),
    ("organizations:unit_list", _("Units")),
]


def navigation(request: HttpRequest) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    for view_name, label in NAVIGATION:
        namespace = view_name.split(":")[0]
        items.append(
            {
                "url": reverse(view_name),
                "label": label,
                "active": current == view_name or (view_name != "core:home" and current.startswith(namespace + ":")),
            }
        )
    return {"main_navigation": items}
