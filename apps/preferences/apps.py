from contextlib import ExitStack
from typing import Any

from django.apps import AppConfig


class PreferencesConfig(AppConfig):
    name = "apps.preferences"
    label = "preferences"
    verbose_name = "Preferences"

    def ready(self) -> None:
        from celery.signals import task_postrun, task_prerun
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_migrate
        from django.utils.module_loading import autodiscover_modules

        # Importing the registries also registers the snapshot loaders.
        from apps.preferences.registries import PreferencesDescriptor, user_preferences_registry

        # `user.preferences` on every user (of a tenant: the values live in tenant schemas).
        get_user_model().preferences = PreferencesDescriptor(user_preferences_registry)  # type: ignore[attr-defined]
        # The signed-in user's values come with the user (one query per request for both).
        from apps.accounts.backends import signed_in_user_extend
        from apps.preferences.stores import with_stored_preferences

        signed_in_user_extend(with_stored_preferences)
        autodiscover_modules("preferences")
        post_migrate.connect(_create_section_permissions, dispatch_uid="preferences_section_permissions")
        from apps.tenants.template import template_seed_register

        template_seed_register("preference-section-permissions", _sections_version)
        task_prerun.connect(_pin_for_task, dispatch_uid="preferences_pin_for_task", weak=False)
        task_postrun.connect(_unpin_after_task, dispatch_uid="preferences_unpin_after_task", weak=False)

        from apps.core.navigation import Audience, NavItem, PageItem, nav_register, page_register

        nav_register(NavItem("My preferences", "preferences:user", Audience.MEMBER, order=32))
        nav_register(NavItem("Organisation preferences", "preferences:global", Audience.OWNER, order=52))
        nav_register(NavItem("Member defaults", "preferences:defaults-index", Audience.OWNER, order=53))
        nav_register(NavItem("History", "preferences:history", Audience.OWNER, order=65))
        page_register(PageItem("Defaults", "preferences:defaults", parent="preferences:defaults-index"))
        page_register(PageItem("Revert", "preferences:history-revert", parent="preferences:history"))


def _sections_version() -> str:
    """Describe the permissions `_create_section_permissions` writes, so the template is rebuilt when they change."""
    from apps.preferences.registries import global_preferences_registry

    return repr([(section.name, str(section.verbose_name)) for section in global_preferences_registry.sections()])


def _create_section_permissions(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """Create `preferences.change_section_<section>` in each schema, so owners can delegate a section."""
    if sender.label != "preferences":
        return
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from apps.preferences.models import GlobalPreference
    from apps.preferences.permissions import section_permission_codename
    from apps.preferences.registries import global_preferences_registry

    content_type = ContentType.objects.db_manager(using).get_for_model(GlobalPreference)
    for section in global_preferences_registry.sections():
        Permission.objects.db_manager(using).get_or_create(
            content_type=content_type,
            codename=section_permission_codename(section.name),
            defaults={"name": f"Can change the {section.verbose_name} preferences"},
        )


# A Celery task reads the preferences as they are when it starts, like a request does.
_task_pins: dict[str, ExitStack] = {}


def _pin_for_task(task_id: str | None = None, **kwargs: Any) -> None:
    from apps.preferences.cache import snapshots_pinned

    if task_id is None:
        return
    stack = ExitStack()
    stack.enter_context(snapshots_pinned())
    _task_pins[task_id] = stack


def _unpin_after_task(task_id: str | None = None, **kwargs: Any) -> None:
    stack = _task_pins.pop(task_id or "", None)
    if stack is not None:
        stack.close()
