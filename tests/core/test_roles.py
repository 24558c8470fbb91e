"""Every role check (apps.core.roles): pages, the API's permissions, and who counts as owner or superadmin."""

from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django_tenants.utils import schema_context

from apps.accounts.models import Profile
from apps.core.roles import IsSuperadmin, IsTenantOwner, Role, is_owner, is_superadmin
from tests.conftest import PASSWORD, client_for, make_user


def test_member_gets_403_on_owner_pages(acme, acme_member):
    response = client_for("acme.localhost", acme_member, acme).get("/owner/")

    assert response.status_code == 403
    assert "You may not open this page" in response.content.decode()


def test_owner_sees_the_owner_console_with_people_and_roles(acme, acme_owner, acme_member):
    response = client_for("acme.localhost", acme_owner, acme).get("/owner/", follow=True)

    body = response.content.decode()
    assert response.redirect_chain == [("/owner/people/", 302)]
    assert "alice" in body and "Sales" in body
    assert 'href="/owner/people/"' in body  # the navigation offers the owner link


def test_navigation_hides_owner_link_from_members(acme, acme_member):
    body = client_for("acme.localhost", acme_member, acme).get("/").content.decode()

    assert 'href="/owner/people/"' not in body and 'href="/owner/"' not in body


def test_anonymous_visitor_is_sent_to_login_with_next(acme):
    for path in ("/", "/owner/"):
        response = client_for("acme.localhost").get(path)

        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={path}"


def test_owner_of_a_tenant_cannot_reach_the_superadmin_console(acme, acme_owner):
    owner_on_acme = client_for("acme.localhost", acme_owner, acme)
    assert owner_on_acme.get("/console/").status_code == 404  # the console is not on tenant domains

    # The owner's session (the same cookie jar) is acme's only; on the public domain they are a stranger.
    owner_on_acme.defaults["HTTP_HOST"] = "localhost"
    response = owner_on_acme.get("/console/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_public_user_who_is_not_a_superuser_gets_403_on_the_console(tenants):
    staff = make_user(None, "public-staff")

    response = client_for("localhost", staff).get("/console/")

    assert response.status_code == 403


def test_login_and_password_change_work_on_a_tenant_domain(acme, acme_member):
    client = client_for("acme.localhost")

    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"

    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "a-new-secret-42", "new_password2": "a-new-secret-42"},
    )
    assert response.status_code == 302
    assert client.post("/accounts/logout/").status_code == 302
    assert client.post("/accounts/login/", {"username": "alice", "password": "a-new-secret-42"}).status_code == 302


def test_role_values_stay_the_stored_ones():
    assert Profile.Role is Role
    assert [Role.OWNER.value, Role.MEMBER.value] == ["owner", "member"]
    assert Profile._meta.get_field("role").choices == [("owner", "Owner"), ("member", "Member")]


def test_is_owner_reads_the_profile_of_an_active_user_in_a_tenant(acme, acme_owner, acme_member):
    with schema_context("acme"):
        assert is_owner(acme_owner) and not is_owner(acme_member)
        assert not is_owner(AnonymousUser()) and not is_owner(None)
        acme_owner.is_active = False
        assert not is_owner(acme_owner)
        profileless = get_user_model().objects.create_user("no-profile")  # no profile: a member, not an error
        assert not is_owner(profileless)
    acme_owner.is_active = True
    assert not is_owner(acme_owner)  # on the public schema no one is an owner


def test_is_superadmin_is_an_active_superuser_on_the_public_schema(acme, superadmin):
    assert is_superadmin(superadmin)
    assert not is_superadmin(AnonymousUser()) and not is_superadmin(None)
    with schema_context("acme"):
        assert not is_superadmin(superadmin)
    superadmin.is_active = False
    assert not is_superadmin(superadmin)


def test_api_permissions_answer_with_their_message_or_the_views(acme, acme_member, superadmin):
    request = SimpleNamespace(user=acme_member)
    plain_view = SimpleNamespace()
    view_with_message = SimpleNamespace(permission_denied_message="Only owners may manage lists.")

    owner_check, superadmin_check = IsTenantOwner(), IsSuperadmin()
    with schema_context("acme"):
        assert not owner_check.has_permission(request, plain_view)  # type: ignore[arg-type]
    assert owner_check.message == "Only the tenant's owners may do this."
    assert not superadmin_check.has_permission(request, view_with_message)  # type: ignore[arg-type]
    assert superadmin_check.message == "Only owners may manage lists."
    assert IsSuperadmin().has_permission(SimpleNamespace(user=superadmin), plain_view)  # type: ignore[arg-type]


def test_anonymous_visitor_of_the_console_is_sent_to_login(tenants):
    response = client_for("localhost").get("/console/")

    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/console/"
