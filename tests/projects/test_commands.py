from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django_tenants.utils import schema_context

from apps.core.roles import is_owner
from apps.people.models import Invitation


def test_demo_data_loads_twice_without_duplicates(tenants, capsys):
    call_command("load_demo_data")
    call_command("load_demo_data")

    assert capsys.readouterr().out.count("Demo data is loaded.") == 2
    with schema_context("acme"):
        assert get_user_model().objects.filter(username="olivia").count() == 1
        assert is_owner(get_user_model().objects.get(username="olivia"))
        assert sorted(Group.objects.values_list("name", flat=True)) == ["Sales", "Support"]
        order = Group.objects.order_by("profile__priority").values_list("name", "profile__priority")
        assert list(order) == [("Sales", 1), ("Support", 2)]
        # olivia, alice, bob, carol, dave, frank (deactivated) and erin (invited, not yet active).
        assert get_user_model().objects.count() == 7
        assert not get_user_model().objects.get(username="frank").is_active
        assert Invitation.objects.get(email="erin@example.com").is_open
    with schema_context("globex"):
        assert get_user_model().objects.filter(username="olivia").count() == 0
        assert get_user_model().objects.count() == 4
    assert get_user_model().objects.filter(username="admin", is_superuser=True).count() == 1
