from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "apps.tenants"
    label = "tenants"
    verbose_name = "Tenants"

    def ready(self) -> None:
        from apps.core.navigation import Audience, NavItem, PageItem, nav_register, page_register
        from apps.tenants.lookup import tenant_lookup_connect
        from apps.tenants.schemas import deletion_collector_install

        deletion_collector_install()
        tenant_lookup_connect()

        nav_register(NavItem("Console", "tenants:overview", Audience.SUPERADMIN, order=10))
        nav_register(NavItem("Tenants", "tenants:tenant-list", Audience.SUPERADMIN, order=20))
        nav_register(NavItem("Admin", "admin:index", Audience.SUPERADMIN, order=90))
        page_register(PageItem("Create a tenant", "tenants:tenant-create", parent="tenants:tenant-list"))
        page_register(PageItem("Tenant", "tenants:tenant-detail", parent="tenants:tenant-list"))
