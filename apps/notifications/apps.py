from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

from apps.core.tenancy import on_public_schema


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from apps.core import navigation
        from apps.core.navigation import Audience, NavItem, Widget, nav_register, widget_register
        from apps.tenants.signals import tenant_ready

        # Each app declares its notifications in <app>/notifications.py, like admin.py for the admin.
        autodiscover_modules("notifications")
        nav_register(NavItem("Notification settings", "notifications:preferences", Audience.MEMBER, order=31))
        nav_register(NavItem("Notification defaults", "notifications:owner", Audience.OWNER, order=60))
        from apps.notifications.mail_sink import sink_dir

        if sink_dir() is not None:  # development with `make run`'s SMTP sink only
            nav_register(NavItem("Outgoing mail", "notifications_console:outgoing-mail", Audience.SUPERADMIN, order=90))
        navigation.page_register(navigation.PageItem("Inbox", "notifications:inbox"))
        navigation.page_register(navigation.PageItem("Deliveries", "notifications:deliveries", "notifications:owner"))
        widget_register("navbar", Widget("notifications/_navbar_inbox.html", Audience.MEMBER, order=10))
        widget_register("dashboard", Widget("notifications/_dashboard_inbox.html", Audience.MEMBER, order=20))
        from apps.tenants.template import template_seed_register

        # The declared notifications are copied into a schema whenever it is migrated (a deploy runs
        # `migrate_tenants`; the template schema new tenants are cloned from is migrated too, so a clone holds
        # them), when it is provisioned without them, and by `manage.py notifications_sync`; pages only read them.
        tenant_ready.connect(_sync_new_tenant, dispatch_uid="notifications-sync-new-tenant")
        post_migrate.connect(_sync_after_migrate, sender=self, dispatch_uid="notifications-sync-after-migrate")
        template_seed_register("notifications", _declarations_version)


def _declarations_version() -> str:
    """Describe what `notifications_sync` writes, so the template is rebuilt when a declaration changes."""
    from apps.notifications.backends import backends_all
    from apps.notifications.registry import registry

    backends = [(name, backend.display_name) for name, backend in backends_all().items()]
    declared = sorted(
        (
            item.name,
            item.display_name,
            item.category,
            item.mandatory,
            tuple(item.required_permissions),
            tuple((name, item.default_for(name)) for name in item.backends),
        )
        for item in registry.all()
    )
    return repr((backends, declared))


def _sync_new_tenant(seeded: bool = False, **kwargs: Any) -> None:
    # A clone of a current template, or a schema just migrated (post_migrate synced it), holds them already.
    if seeded:
        return
    from apps.notifications.sync import notifications_sync

    notifications_sync()


def _sync_after_migrate(**kwargs: Any) -> None:
    # migrate_schemas runs this once per schema; only tenant schemas hold notification tables.
    if on_public_schema():
        return
    from apps.notifications.sync import notifications_sync

    notifications_sync()
