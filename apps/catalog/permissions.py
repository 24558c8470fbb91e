"""The permissions this product lets owners grant to a group (read by the group pages and API)."""

from apps.accounts.grants import GrantablePermission, grantable_permission_register

view_billing = grantable_permission_register(
    GrantablePermission(
        name="notifications.view_billing",
        label="Receive billing notifications",
        description="Members of the group get notifications about invoices (“New invoice”).",
    )
)
