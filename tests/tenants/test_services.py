import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from apps.accounts.models import Profile
from apps.tenants.models import Domain, Tenant, TenantEvent
from apps.tenants.services import OwnerAccount, tenant_create, tenant_delete, tenant_provision
from apps.tenants.signals import tenant_ready


def test_provisioning_creates_a_migrated_schema_a_domain_and_the_owner(tenants):
    progress = []
    tenant = tenant_create(name="Initech", subdomain="initech", actor="tester")
    owner = OwnerAccount(username="bill", email="bill@example.com", password_hash="!unusable")

    tenant_provision(tenant, owner=owner, on_progress=lambda percent, message: progress.append(percent))

    tenant.refresh_from_db()
    assert tenant.state == Tenant.State.READY
    assert tenant.progress == 100
    assert schema_exists("initech")
    assert Domain.objects.get(tenant=tenant).domain == "initech.localhost"
    with schema_context("initech"):
        assert Profile.objects.get(user__username="bill").role == Profile.Role.OWNER
    assert progress == sorted(progress) and progress[-1] == 100 and len(progress) > 10
    assert list(TenantEvent.objects.filter(tenant_schema="initech").values_list("action", flat=True)) == [
        "provisioned",
        "created",
    ]


def test_hyphenated_subdomain_gets_an_underscored_schema(tenants):
    tenant = tenant_create(name="North Wind", subdomain="north-wind")

    assert tenant.schema_name == "north_wind"
    assert tenant.domains.get().domain == "north-wind.localhost"


@pytest.mark.parametrize(
    ("name", "subdomain", "field"),
    [
        ("Acme again", "acme", "subdomain"),
        ("Bad", "Has Spaces", "subdomain"),
        ("Bad", "-leading", "subdomain"),
        ("Bad", "trailing-", "subdomain"),
        ("Bad", "x", "subdomain"),
        ("Bad", "public", "subdomain"),
        ("Bad", "www", "subdomain"),
        ("   ", "blank-name", "name"),
        ("N" * 101, "long-name", "name"),
    ],
)
def test_invalid_or_taken_names_are_refused_and_nothing_is_written(tenants, name, subdomain, field):
    counts_before = (Tenant.objects.count(), Domain.objects.count(), TenantEvent.objects.count())

    with pytest.raises(ValidationError) as error:
        tenant_create(name=name, subdomain=subdomain)

    assert field in error.value.message_dict
    assert (Tenant.objects.count(), Domain.objects.count(), TenantEvent.objects.count()) == counts_before


def test_provisioning_fails_as_a_whole_when_the_owner_cannot_be_created(tenants):
    tenant = tenant_create(name="Umbrella", subdomain="umbrella")
    owner = OwnerAccount(username="not a valid name!", email="", password_hash="!unusable")

    with pytest.raises(ValidationError):
        tenant_provision(tenant, owner=owner)

    tenant.refresh_from_db()
    assert tenant.state == Tenant.State.FAILED
    assert not schema_exists("umbrella")
    assert connection.schema_name == "public"


def test_failed_provisioning_drops_the_schema_and_marks_the_tenant_failed(tenants):
    def explode(**kwargs):
        raise RuntimeError("seeding broke")

    tenant = tenant_create(name="Doomed", subdomain="doomed")
    tenant_ready.connect(explode)
    try:
        with pytest.raises(RuntimeError):
            tenant_provision(tenant)
    finally:
        tenant_ready.disconnect(explode)

    tenant.refresh_from_db()
    assert tenant.state == Tenant.State.FAILED
    assert "seeding broke" in tenant.status_message
    assert not schema_exists("doomed")
    assert connection.schema_name == "public"


def test_delete_needs_the_subdomain_typed_and_is_logged(tenants):
    tenant = tenant_provision(tenant_create(name="Shortlived", subdomain="shortlived"))

    with pytest.raises(ValidationError):
        tenant_delete(tenant=tenant, actor="root", confirm_subdomain="wrong")
    assert schema_exists("shortlived")

    tenant_delete(tenant=tenant, actor="root", confirm_subdomain="shortlived")

    assert not schema_exists("shortlived")
    assert not Tenant.objects.filter(schema_name="shortlived").exists()
    assert TenantEvent.objects.filter(tenant_schema="shortlived", action="deleted", actor="root").exists()


@pytest.mark.parametrize(
    ("owner", "field"),
    [
        (OwnerAccount(username="pepper potts!", email="", password_hash="!x"), "owner_username"),
        (OwnerAccount(username="pepper", email="not-an-email", password_hash="!x"), "owner_email"),
    ],
)
def test_an_invalid_owner_is_refused_before_anything_is_built(tenants, owner, field):
    counts_before = (Tenant.objects.count(), Domain.objects.count())

    with pytest.raises(ValidationError) as error:
        tenant_create(name="Stark", subdomain="stark", owner=owner, queue_provisioning=True)

    assert field in error.value.message_dict
    assert (Tenant.objects.count(), Domain.objects.count()) == counts_before


def test_a_subdomain_taken_between_the_check_and_the_insert_is_a_field_error(tenants, monkeypatch):
    monkeypatch.setattr("apps.tenants.services.tenant_subdomain_taken", lambda *args: False)  # the race window

    with pytest.raises(ValidationError) as error:
        tenant_create(name="Acme twin", subdomain="acme")

    assert "already taken" in error.value.message_dict["subdomain"][0]


def test_provisioning_rebuilds_a_schema_left_by_an_interrupted_run(tenants):
    tenant = tenant_create(name="Interrupted", subdomain="interrupted")
    with connection.cursor() as cursor:  # what a Ctrl-C after CREATE SCHEMA leaves behind
        cursor.execute("CREATE SCHEMA interrupted")
        cursor.execute("CREATE TABLE interrupted.half_done (id int)")

    tenant_provision(tenant)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'interrupted' "
            "AND table_name IN ('auth_user', 'half_done')"
        )
        tables = {name for (name,) in cursor.fetchall()}
    assert tables == {"auth_user"}
    assert Tenant.objects.get(pk=tenant.pk).state == Tenant.State.READY


def test_a_tenant_to_copy_must_be_ready_and_is_reported_with_the_other_errors(tenants):
    count = Tenant.objects.count()

    with pytest.raises(ValidationError) as refused:
        tenant_create(name="", subdomain="acme", copy_from="nope")

    assert {"name", "subdomain", "copy_from"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError) as public:
        tenant_create(name="Initech", subdomain="initech", copy_from="public")
    assert "copy_from" in public.value.message_dict
    assert Tenant.objects.count() == count


def test_provisioning_passes_the_tenant_to_copy_to_tenant_ready(tenants):
    seen = []

    def receiver(sender, tenant, copy_from=None, **kwargs):
        seen.append((tenant.schema_name, copy_from))

    tenant_ready.connect(receiver, dispatch_uid="test-copy-from")
    try:
        tenant_provision(tenant_create(name="Initech", subdomain="initech", copy_from="globex"), copy_from="globex")
    finally:
        tenant_ready.disconnect(dispatch_uid="test-copy-from")

    assert seen == [("initech", "globex")]
