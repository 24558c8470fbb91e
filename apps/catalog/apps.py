from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "apps.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        # The grantable permissions are the product's; importing the module registers them.
        from apps.catalog import permissions  # noqa: F401
