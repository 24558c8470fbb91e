import pytest
from django.db.models import ProtectedError

from apps.notifications.models import Backend


def test_a_backend_in_use_cannot_be_deleted(in_acme):
    with pytest.raises(ProtectedError):
        Backend.objects.get(name="email").delete()
