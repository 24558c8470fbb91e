"""The public domain's admin shows only public-schema models, each page answers, and public users can be deleted."""

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from apps.tenants.admin import public_admin_site
from tests.conftest import client_for, make_user


def public_admin_urls() -> list[str]:
    """Every app index, changelist and add page of the admin served on the public domain."""
    urls = [reverse("admin:index", urlconf="portal.urls_public")]
    for model in public_admin_site()._registry:
        opts = model._meta
        for name in ("changelist", "add"):
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", urlconf="portal.urls_public"))
        urls.append(reverse("admin:app_list", args=[opts.app_label], urlconf="portal.urls_public"))
    return sorted(set(urls))


def adding_refused(url: str, user) -> bool:
    """Return whether `url` is the add page of a model its admin lets nobody add (those answer 403)."""
    request = RequestFactory().get(url)
    request.user = user
    return any(
        url == reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_add", urlconf="portal.urls_public")
        and not model_admin.has_add_permission(request)
        for m, model_admin in public_admin_site()._registry.items()
    )


def test_the_public_admin_registers_only_models_whose_tables_are_in_the_public_schema():
    labels = {model._meta.label for model in public_admin_site()._registry}

    assert {"auth.User", "auth.Group", "preferences_site.SitePreference"} <= labels
    assert not labels & {"notifications.Delivery", "preferences.UserPreference", "projects.Task"}


@pytest.mark.parametrize("url", public_admin_urls())
def test_every_public_admin_page_answers_for_a_superadmin(url, superadmin):
    response = client_for("localhost", superadmin).get(url)

    assert response.status_code == (403 if adding_refused(url, superadmin) else 200)


def test_the_superadmins_own_user_pages_answer(superadmin):
    client = client_for("localhost", superadmin)
    for name in ("change", "history", "delete", "password_change"):
        response = client.get(reverse(f"admin:auth_user_{name}", args=[superadmin.pk], urlconf="portal.urls_public"))

        assert response.status_code == 200, name


def test_a_superadmin_deletes_a_public_user(superadmin):
    doomed = make_user(None, "doomed")
    client = client_for("localhost", superadmin)
    url = reverse("admin:auth_user_delete", args=[doomed.pk], urlconf="portal.urls_public")

    confirm = client.get(url)
    response = client.post(url, {"post": "yes"})

    assert confirm.status_code == 200
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=doomed.pk).exists()


def test_a_superadmin_deletes_public_users_in_bulk(superadmin):
    doomed = [make_user(None, f"doomed{i}") for i in range(2)]
    client = client_for("localhost", superadmin)
    url = reverse("admin:auth_user_changelist", urlconf="portal.urls_public")

    response = client.post(
        url, {"action": "delete_selected", "_selected_action": [u.pk for u in doomed], "post": "yes"}
    )

    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk__in=[u.pk for u in doomed]).exists()


def test_the_tenant_admin_still_lists_tenant_models(acme, client_of):
    owner = make_user(acme, "root", owner=True)
    owner.is_staff = owner.is_superuser = True
    from django_tenants.utils import schema_context

    with schema_context("acme"):
        owner.save()
    response = client_of(owner, acme).get("/admin/notifications/delivery/")

    assert response.status_code == 200
