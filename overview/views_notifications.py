"""The user's notifications: the list, and opening one (which marks it read)."""

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView

from accounts.scoping import ScopedViewMixin
from overview.models import Notification
from overview.notifications import notification_list, notification_mark_read


class NotificationListView(ScopedViewMixin, ListView):
    """The user's own notifications, unread first. Two queries a page (count and rows)."""

    model = Notification
    template_name = "overview/notifications.html"
    paginate_by = 50

    def get_queryset(self):
        return notification_list(user=self.request.user)


class NotificationReadView(ScopedViewMixin, View):
    """POST: mark one of the user's notifications read and go where it points. Another user's notification does
    not exist for this view (404)."""

    model = Notification
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponseRedirect:
        notification = self.get_scoped_object(Notification.objects.all(), pk=pk)
        notification_mark_read(user=request.user, notification=notification)
        # The link is written by the sweep, but a stored URL is still checked before redirecting to it.
        if notification.url and url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(notification.url)
        return redirect("overview:notifications")
