"""Pages of this app on tenant domains."""

from django.urls import path

from apps.notifications import owner_views, views

app_name = "notifications"

urlpatterns = [
    path("preferences/notifications/", views.preferences, name="preferences"),
    path("preferences/notifications/cell/", views.preference_cell, name="preference-cell"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox-read"),
    path("inbox/count/", views.inbox_count, name="inbox-count"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("notifications/unsubscribe-all/<str:token>/", views.unsubscribe_all, name="unsubscribe-all"),
    path("preferences/notifications/pause/", views.pause, name="pause"),
    path("preferences/notifications/email-resubscribe/", views.email_resubscribe, name="email-resubscribe"),
    path("owner/notifications/", owner_views.defaults, name="owner"),
    path("owner/notifications/cell/", owner_views.defaults_cell, name="owner-cell"),
    path("owner/notifications/deliveries/", owner_views.deliveries, name="deliveries"),
    path("owner/notifications/deliveries/<int:pk>/retry/", owner_views.delivery_retry, name="delivery-retry"),
    path("owner/notifications/test/", owner_views.send_test, name="send-test"),
]
