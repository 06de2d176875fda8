from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """The home page's figures of the user's scope, and notifications with their daily sweep."""

    name = "overview"
    verbose_name = _("Overview")

    def ready(self) -> None:
        # The apps below announce what happened; the notifications are made here (the layers: accounts/…/overview).
        from cases.signals import case_assigned, transfer_moved
        from organizations.signals import dossier_moved
        from overview import notifications

        case_assigned.connect(notifications.on_case_assigned, dispatch_uid="overview.case_assigned")
        dossier_moved.connect(notifications.on_dossier_moved, dispatch_uid="overview.dossier_moved")
        transfer_moved.connect(notifications.on_transfer_moved, dispatch_uid="overview.transfer_moved")
