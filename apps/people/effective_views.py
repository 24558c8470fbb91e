""" "Why does Bob see this?": every preference and notification cell of one member, with the rule behind it.

Read-only, for owners. The values come from the same resolution the member's own pages use:
`user.preferences.resolve(key)` (apps.preferences) and `NotificationSettings.resolve` (apps.notifications).
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.core.roles import owner_required
from apps.notifications.selectors import notification_settings_load
from apps.preferences.display import value_display
from apps.preferences.registries import user_preferences_registry

PAGE = "people/effective.html"

# The rule of each preference source, as an owner reads it about someone else.
_PREFERENCE_RULES = {
    "locked-organisation": "locked by the organisation",
    "locked-group": "locked by group {group}",
    "own": "own value",
    "group": "group {group}",
    "organisation": "organisation",
    "default": "default",
}
_NOTIFICATION_RULES = {
    "inactive": "inactive account",
    "mandatory": "mandatory",
    "no-permission": "no permission",
    "user": "own value",
    "tenant": "organisation",
    "default": "default",
}


@dataclass(frozen=True)
class EffectiveRow:
    """One effective value: what it is about, the value as people read it, and the rule that produced it."""

    section: str
    label: str
    value: str
    rule: str
    key: str


def preference_rows(member: Any) -> list[EffectiveRow]:
    """Return every user preference of `member` with its effective value and rule."""
    manager = user_preferences_registry.manager(member)
    sections = {section.name: str(section.verbose_name) for section in user_preferences_registry.sections()}
    rows = []
    for preference in user_preferences_registry:
        resolution = manager.resolve(preference.identifier)
        rows.append(
            EffectiveRow(
                section=sections.get(preference.section_name, preference.section_name or "Other"),
                label=str(preference.get_verbose_name()),
                value=value_display(preference, resolution.value),
                rule=_PREFERENCE_RULES[resolution.source].format(group=resolution.group),
                key=preference.identifier,
            )
        )
    return rows


def notification_rows(member: Any) -> list[EffectiveRow]:
    """Return every (notification, backend) cell of `member` with its effective value and rule."""
    loaded = notification_settings_load(user_id=member.pk)
    rows = []
    for declaration in loaded.declarations.values():
        if not declaration.listed:
            continue
        for backend in loaded.backends.values():
            if backend.name not in declaration.backends:
                continue
            resolution = loaded.resolve(member.pk, declaration.name, backend.name)
            if resolution.source.startswith("group:"):
                rule = f"group {resolution.source.removeprefix('group:')}"
            else:
                rule = _NOTIFICATION_RULES.get(resolution.source, resolution.source)
            rows.append(
                EffectiveRow(
                    section=str(declaration.display_name),
                    label=str(backend.display_name),
                    value="on" if resolution.value else "off",
                    rule=rule,
                    key=f"{declaration.name}:{backend.name}",
                )
            )
    return rows


@owner_required
@require_GET
def member_effective(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one member's effective preferences and notification cells, each with the rule behind it."""
    member = get_user_model().objects.filter(pk=pk).first()
    if member is None:
        raise Http404("No such person.")
    context = {
        "member": member,
        "preferences": preference_rows(member),
        "notifications": notification_rows(member),
    }
    return render(request, PAGE, context)
