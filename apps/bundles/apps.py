from django.apps import AppConfig


class BundlesConfig(AppConfig):
    name = "apps.bundles"
    label = "bundles"
    verbose_name = "Tenant bundles"

    def ready(self) -> None:
        from apps.bundles import receivers
        from apps.core.navigation import Audience, NavItem, PageItem, nav_register, page_register
        from apps.tenants.signals import tenant_ready

        nav_register(NavItem("Configuration bundle", "bundles:owner", Audience.OWNER, order=70))
        page_register(PageItem("Apply a bundle", "bundles:owner-apply", parent="bundles:owner"))
        # Connected after the other apps' receivers (this app comes last in INSTALLED_APPS), so the new schema
        # already has its notifications synced and its owner when the source tenant's bundle is imported.
        tenant_ready.connect(receivers.bundle_copy_on_tenant_ready, dispatch_uid="bundles-copy-on-tenant-ready")
