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
- Custom settings (created at runtime): `apps.livesettings.services.custom_setting_save(*, name, value_type, value,
  help_text="", overridable=False, secret=False, actor=None, source="console")`, `custom_setting_delete(*, name,
  actor=None, source="console")`; `apps.livesettings.custom` (`definitions()`, `custom_settings_sync(force=False)`,
  `name_problem(name)`, `TYPES`). Their tenant overrides are global preferences `livesettings__<name>` like any
  overridable live setting's, declared once the process has synced (`custom_settings_sync`).
- Secret and locked settings: `preference.secret` (show `format_value(...)`, which masks it, never the value:
  exports too), `preference.env_lock()` (`EnvLock` with `variable`, `value`, `reason`, from `LIVE_SETTING_<NAME>`),
  `registry.SECRET_MASK`, `registry.ENV_LOCK_PREFIX`.
- Scheduled changes: `apps.livesettings.models.ScheduledChange`; `services.scheduled_change_create(*, setting, value,
  run_at, actor=None, reset=False)`, `scheduled_change_cancel(*, change, actor=None)`,
  `scheduled_changes_apply(*, now=None)`; `selectors.scheduled_changes_overview()`; the beat task
  `apps.livesettings.tasks.apply_scheduled_changes` (every minute, source "schedule").
- Middleware: `apps.livesettings.middleware.MaintenanceModeMiddleware`, `SessionExpiryMiddleware` (redirects to
  `settings.SESSION_TIMEOUT_REDIRECT`).
- Pages: namespace `livesettings` on both sites (`console_urls` under /console/ on the public domain, `urls` on
  tenant domains). Private: `apps.livesettings.overlay`, installed by AppConfig.ready() (an import-linter
  contract).
"""
