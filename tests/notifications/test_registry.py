import subprocess
import sys

import pytest

from apps.catalog.notifications import task_assigned
from apps.notifications.registry import Notification, NotificationRegistry
from tests.conftest import REPO_ROOT
from tests.notifications.conftest import group


def test_a_default_for_a_backend_the_notification_does_not_use_is_refused():
    with pytest.raises(ValueError, match="sms"):
        Notification(name="digest", display_name="Digest", backends=("email",), default={"sms": True})


def test_a_backend_without_a_declared_default_is_off():
    declaration = Notification(name="digest", display_name="Digest", backends=("email", "sms"), default={"email": True})

    assert (declaration.default_for("email"), declaration.default_for("sms")) == (True, False)


def test_declaring_one_name_twice_differently_is_an_error_and_the_same_declaration_is_not():
    registry = NotificationRegistry()
    first = registry.register(Notification(name="digest", display_name="Digest"))

    assert registry.register(Notification(name="digest", display_name="Digest")) == first
    with pytest.raises(ValueError, match="declared twice"):
        registry.register(Notification(name="digest", display_name="Weekly digest"))


def test_notification_object_methods_store_user_and_group_preferences(person):
    alice = person("alice")

    assert task_assigned.update_user_prefs(alice, {"email": False}) == {"email": "created"}
    assert task_assigned.update_group_preference(group("Sales"), {"email": True}) == {"email": "created"}


def test_the_registry_imports_no_other_module_of_the_app():
    # The registry is at the bottom of the app; its methods reach the services only when called.
    code = (
        "import sys, apps.notifications.registry; "
        "print(sorted(m for m in sys.modules if m.startswith('apps.notifications.')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)

    assert loaded.stdout.strip() == "['apps.notifications.registry']"
