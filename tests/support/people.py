"""People of the test tenants and test clients logged in as them."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.test import Client
from django_tenants.utils import schema_context

from apps.accounts.services import group_ensure, member_create
from apps.tenants.models import Tenant

PASSWORD = "test-pass-123"


def make_user(
    tenant: Tenant | None, username: str, *, owner: bool = False, superuser: bool = False, groups: tuple[str, ...] = ()
) -> AbstractBaseUser:
    """Create a user in `tenant`'s schema (a superadmin in the public schema when tenant is None)."""
    if tenant is None:
        with schema_context(settings.PUBLIC_SCHEMA_NAME):
            if superuser:
                return get_user_model().objects.create_superuser(username, f"{username}@example.com", PASSWORD)
            return get_user_model().objects.create_user(username, f"{username}@example.com", PASSWORD)
    with schema_context(tenant.schema_name):
        group_objects: list[Group] = [group_ensure(name) for name in groups]
        return member_create(
            username=username, email=f"{username}@example.com", password=PASSWORD, is_owner=owner, groups=group_objects
        )


def client_for(host: str, user: AbstractBaseUser | None = None, tenant: Tenant | None = None) -> Client:
    """Return a test client on `host`, logged in as `user` (whose schema is `tenant`'s) if given."""
    client = Client(HTTP_HOST=host)
    if user is not None:
        schema = tenant.schema_name if tenant else settings.PUBLIC_SCHEMA_NAME
        with schema_context(schema):
            client.force_login(user)
    return client
