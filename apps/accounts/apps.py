from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from apps.accounts.receivers import owner_create_on_tenant_ready, password_change_clears_flag
        from apps.core.navigation import Audience, NavItem, PageItem, nav_register, page_register
        from apps.tenants.signals import tenant_ready

        tenant_ready.connect(owner_create_on_tenant_ready, dispatch_uid="accounts-owner-on-tenant-ready")
        post_save.connect(
            password_change_clears_flag, sender=get_user_model(), dispatch_uid="accounts-password-change-clears-flag"
        )

        nav_register(NavItem("Dashboard", "home", Audience.MEMBER, order=10))
        page_register(PageItem("Change password", "password_change"))
        page_register(PageItem("Password changed", "password_change_done", parent="password_change"))
        page_register(PageItem("Reset your password", "password_reset", parent="login"))
        page_register(PageItem("Check your email", "password_reset_done", parent="password_reset"))
        page_register(PageItem("Choose a new password", "password_reset_confirm", parent="password_reset"))
        page_register(PageItem("Password reset", "password_reset_complete", parent="password_reset"))
