"""System checks: every live setting must be usable as declared."""

from typing import Any

from django.core import checks
from django.core.exceptions import ValidationError

from apps.livesettings.overlay import settings_py_value
from apps.livesettings.registry import live_settings_registry


def check_live_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Report live settings whose settings.py value their own rules refuse (the console could not save it)."""
    problems: list[checks.CheckMessage] = []
    for preference in live_settings_registry:
        if preference.custom:
            continue  # Validated when a superadmin created it.
        value = settings_py_value(preference.setting)
        try:
            preference.clean(value)
        except ValidationError as exc:
            problems.append(
                checks.Error(
                    f"settings.{preference.setting} = {value!r} is not a valid live value: {' '.join(exc.messages)}",
                    hint="Fix the value in the environment or settings.py, or the live setting's bounds.",
                    id="livesettings.E001",
                )
            )
    return problems
