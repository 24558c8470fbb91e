"""The matrix forms (one field per cell, posted as a whole without JS) and the owners' small forms."""

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model

from apps.notifications.models import Delivery
from apps.notifications.registry import registry
from apps.notifications.selectors import Row

TRI_STATE = [("", "Inherit"), ("on", "On"), ("off", "Off")]


def cell_field_name(notification: str, backend: str) -> str:
    """Return the form field name of one (notification, backend) cell."""
    return f"{notification}__{backend}"


def cell_split(field_name: str) -> tuple[str, str]:
    """Return (notification, backend) from a cell's field name."""
    notification, _, backend = field_name.rpartition("__")
    return notification, backend


class UserMatrixForm(forms.Form):
    """A checkbox per editable cell. A hidden copy of the value shown lets the view store only changed cells,
    so a user who saves the page unchanged keeps inheriting from their groups."""

    def __init__(self, *args: Any, rows: list[Row], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in rows:
            for cell in row.cells:
                if cell.allowed and cell.resolution is not None and not cell.locked:
                    self.fields[cell_field_name(cell.notification, cell.backend)] = forms.BooleanField(
                        required=False, initial=cell.resolution.value, show_hidden_initial=True
                    )

    def changes(self) -> dict[str, dict[str, bool]]:
        """Return notification → {backend: value} for the cells the user changed."""
        changed: dict[str, dict[str, bool]] = {}
        for name in self.changed_data:
            notification, backend = cell_split(name)
            changed.setdefault(notification, {})[backend] = bool(self.cleaned_data[name])
        return changed


class ScopeMatrixForm(forms.Form):
    """A select (inherit / on / off) per editable cell of a group's or the tenant's defaults."""

    def __init__(self, *args: Any, rows: list[Row], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in rows:
            for cell in row.cells:
                if cell.allowed:
                    initial = "" if cell.stored is None else ("on" if cell.stored else "off")
                    self.fields[cell_field_name(cell.notification, cell.backend)] = forms.ChoiceField(
                        choices=TRI_STATE, required=False, initial=initial, show_hidden_initial=True
                    )

    def changes(self) -> dict[str, dict[str, bool | None]]:
        """Return notification → {backend: True/False, or None to inherit} for the changed cells."""
        changed: dict[str, dict[str, bool | None]] = {}
        for name in self.changed_data:
            notification, backend = cell_split(name)
            value = self.cleaned_data[name]
            changed.setdefault(notification, {})[backend] = None if value == "" else value == "on"
        return changed


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status"), *Delivery.Status.choices], required=False)
    backend = forms.CharField(required=False)
    notification = forms.CharField(required=False)
    user = forms.CharField(required=False, label="Username")


class TestNotificationForm(forms.Form):
    """Send the chosen notification to one person, to check delivery end to end."""

    notification = forms.ChoiceField(choices=())
    recipient = forms.ModelChoiceField(queryset=get_user_model().objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["notification"]).choices = [
            (n.name, n.display_name) for n in registry.all()
        ]
        cast(forms.ModelChoiceField, self.fields["recipient"]).queryset = (
            get_user_model().objects.filter(is_active=True).order_by("username")
        )
