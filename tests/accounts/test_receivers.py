from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django_tenants.utils import schema_context

from apps.accounts.models import Profile
from apps.tenants.models import Tenant
from apps.tenants.services import OwnerAccount
from apps.tenants.signals import tenant_ready


def test_tenant_ready_with_an_owner_creates_their_user_and_owner_profile(acme):
    owner = OwnerAccount(username="pat", email="pat@example.com", password_hash=make_password("pat-pass-123"))

    with schema_context("acme"):
        tenant_ready.send(sender=Tenant, tenant=acme, owner=owner)

        user = get_user_model().objects.get(username="pat")
        assert user.email == "pat@example.com"
        assert user.check_password("pat-pass-123")
        assert user.profile.role == Profile.Role.OWNER


def test_tenant_ready_without_an_owner_creates_no_user(acme):
    with schema_context("acme"):
        users_before = get_user_model().objects.count()

        tenant_ready.send(sender=Tenant, tenant=acme)

        assert get_user_model().objects.count() == users_before
