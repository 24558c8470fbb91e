"""The portal's own declarations: the preferences, notifications and live settings this product offers.

The engines (`apps.preferences`, `apps.notifications`, `apps.livesettings`) know how to store, resolve and edit
a declaration; this app says which ones the portal has. Each module is autodiscovered by its engine, like any
app's would be:
- `apps.catalog.preferences`: the tenant-wide (`general__title`, …) and per-user (`appearance__theme`, …)
  preferences;
- `apps.catalog.notifications`: `task_assigned`, `weekly_digest`, `security_alert`, `billing_invoice`,
  `test_message`;
- `apps.catalog.livesettings`: the `settings.py` names superadmins may change at runtime;
- `apps.catalog.permissions`: the permissions owners may grant a group (`notifications.view_billing`), imported
  in `ready()` into the registry of `apps.accounts.grants`.

Other apps read these by key or name through the engines, never by importing this app. It has no models.
"""
