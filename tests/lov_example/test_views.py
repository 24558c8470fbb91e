"""The documented example's views, driven with the test client on a tenant's domain."""

import re

from django_tenants.utils import schema_context

from apps.lov.services import lov_value_select
from tests.lov_example.models import TenantCropLOVSelection, TenantCropLOVValue
from tests.lov_example_records.models import UserCrop

CROPS = "/example/crops/"


def crop(name):
    return TenantCropLOVValue.objects.get(name=name)


def checked(html):
    """Return the labels of the ticked checkboxes of the selection form."""
    form = html.split('data-testid="selections"')[1].split("</form>")[0]
    return sorted(
        label.strip() for attrs, label in re.findall(r"<input([^>]*)>\s*([^<]+)</label>", form) if "checked" in attrs
    )


def test_owner_creates_a_custom_crop_for_their_tenant_whatever_the_post_says(acme, globex, acme_owner, client_of):
    response = client_of(acme_owner, acme).post(
        CROPS, {"name": " Vegetable - Kale ", "lov_tenant": globex.pk, "value_type": "mandatory"}
    )

    assert response.status_code == 302
    value = crop("Vegetable - Kale")
    assert (value.lov_tenant, value.value_type) == (acme, "custom")


def test_create_form_shows_a_duplicate_on_the_name(acme, acme_owner, client_of):
    response = client_of(acme_owner, acme).post(CROPS, {"name": "fruit"})

    assert response.status_code == 200 and "already in this list" in response.content.decode()


def test_saving_the_selection_shows_the_mandatory_values_selected_again(acme, acme_owner, client_of):
    client = client_of(acme_owner, acme)

    response = client.post(f"{CROPS}selections/", {"lov_selections": [crop("Fruit - Apple").pk]})

    assert checked(response.content.decode()) == ["Fruit", "Fruit - Apple", "Herbs and Spices", "Vegetable"]
    assert 'size="10"' in response.content.decode()
    names = [v.name for v in TenantCropLOVSelection.objects.selected_values_for_tenant(acme)]
    assert names == ["Fruit", "Fruit - Apple", "Herbs and Spices", "Vegetable"]


def test_member_picks_only_the_crops_their_tenant_offers(acme, globex, acme_member, client_of):
    apple, basil = crop("Fruit - Apple"), crop("Herbs and Spices - Basil")
    lov_value_select(value=apple, tenant=acme, selected=True)
    lov_value_select(value=basil, tenant=globex, selected=True)
    client = client_of(acme_member, acme)

    page = client.get("/example/my-crops/").content.decode()
    saved = client.post("/example/my-crops/", {"crops": [apple.pk, crop("Fruit").pk]})
    refused = client.post("/example/my-crops/", {"crops": [basil.pk]})

    assert "Fruit - Apple" in page and "Herbs and Spices - Basil" not in page
    assert saved.status_code == 200 and "Select a valid choice" in refused.content.decode()
    with schema_context("acme"):
        assert sorted(c.name for c in UserCrop.objects.get(user=acme_member).crops.all()) == ["Fruit", "Fruit - Apple"]


def test_deleting_a_custom_crop_moves_members_to_another_without_duplicates(acme, acme_owner, acme_member, client_of):
    from apps.lov.services import lov_custom_value_create

    kale = lov_custom_value_create(model=TenantCropLOVValue, tenant=acme, name="Vegetable - Kale")
    vegetable = crop("Vegetable")
    with schema_context("acme"):
        mine = UserCrop.objects.create(user=acme_member, tenant_id=acme.pk)
        mine.crops.set([kale, vegetable])
    client = client_of(acme_owner, acme)

    confirm = client.get(f"/owner/lists/crops/values/{kale.pk}/delete/").content.decode()
    client.post(f"/owner/lists/crops/values/{kale.pk}/delete/", {"move_to": vegetable.pk})

    assert "1 record uses it" in confirm and 'name="move_to"' in confirm
    with schema_context("acme"):
        assert [c.name for c in UserCrop.objects.get(pk=mine.pk).crops.all()] == ["Vegetable"]
    kale.refresh_from_db()
    assert kale.deleted is not None
