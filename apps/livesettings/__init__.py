"""Live runtime settings on top of the preferences engine: superadmins change settings.py values at runtime.

Public surface:
- Declaring: `apps.livesettings.registry.live_setting` (decorator), `LiveSettingMixin`, `TenantOverride`,
  `live_settings_registry`; declarations live in `<app>/livesettings.py` modules (autodiscovered; the portal's own
  are in `apps.catalog.livesettings`).
- Reading: just `django.conf.settings.NAME` (the overlay installed in AppConfig.ready answers the value in
  effect for the current request or task); `apps.livesettings.selectors.live_setting_value(setting=…)`,
  `live_setting_site_value`, `live_setting_override` for the parts.
- Writing: `apps.livesettings.services.live_setting_set/reset/revert`, `tenant_override_set/reset`
  (also `manage.py livesetting`, and the REST API in `apps.livesettings.api`: `/api/livesettings/` on the
  public domain for superadmins, `/api/livesettings/overrides/` on tenant domains for owners).
- Middleware: `apps.livesettings.middleware.MaintenanceModeMiddleware`, `SessionExpiryMiddleware`.
- Pages: namespace `livesettings` on both sites (`console_urls` under /console/ on the public domain, `urls` on
  tenant domains). Private: `apps.livesettings.overlay`, installed by AppConfig.ready() (an import-linter
  contract).
"""
