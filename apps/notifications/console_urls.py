"""Pages of this app on the public domain (mounted under /console/): the development mail sink's messages."""

from django.urls import path

from apps.notifications import console_views

app_name = "notifications_console"

urlpatterns = [
    path("mail/", console_views.outgoing_mail, name="outgoing-mail"),
]
