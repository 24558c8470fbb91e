"""The owners' console for lists of values, on tenant domains."""

from django.urls import path

from apps.lov import order_views, views

app_name = "lov"

urlpatterns = [
    path("owner/lists/", views.list_index, name="list-index"),
    path("owner/lists/<slug:key>/", views.list_detail, name="list-detail"),
    path("owner/lists/<slug:key>/order/", order_views.list_order, name="list-order"),
    path("owner/lists/<slug:key>/order/<int:pk>/move/", order_views.value_move, name="value-move"),
    path("owner/lists/<slug:key>/values/<int:pk>/label/", order_views.value_label, name="value-label"),
    path("owner/lists/<slug:key>/values/new/", views.value_add, name="value-add"),
    path("owner/lists/<slug:key>/values/<int:pk>/select/", views.value_select, name="value-select"),
    path("owner/lists/<slug:key>/values/<int:pk>/rename/", views.value_rename, name="value-rename"),
    path("owner/lists/<slug:key>/values/<int:pk>/delete/", views.value_delete, name="value-delete"),
]
