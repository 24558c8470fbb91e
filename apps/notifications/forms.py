"""The matrix forms (one field per cell, posted as a whole without JS), the rows the matrix pages show, and the
owners' small forms."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model

from apps.core.inline import InlineField
from apps.core.inputs import GuardedTextForm
from apps.notifications.models import Delivery
from apps.notifications.registry import Notification, registry
from apps.notifications.resolution import inherited_words
from apps.notifications.selectors import Cell, Row
from apps.notifications.services import StaleSettingError

TRI_STATE = [("", "Inherit"), ("on", "On"), ("off", "Off")]
Refusal = StaleSettingError | list[str]  # why a cell was not saved: it moved since it was shown, or these errors


def cell_field_name(notification: str, backend: str) -> str:
    """Return the form field name of one (notification, backend) cell."""
    return f"{notification}__{backend}"


def cell_split(field_name: str) -> tuple[str, str]:
    """Return (notification, backend) from a cell's field name."""
    notification, _, backend = field_name.rpartition("__")
    return notification, backend


def cell_version(stored: bool | None) -> str:
    """Return the version a cell is rendered with: the value stored at its scope ("on", "off", "" if unset)."""
    return "" if stored is None else "on" if stored else "off"


def cell_expected(backend: str, version: str | None) -> dict[str, bool | None] | None:
    """Return the services' `expected` for a posted cell version; None (no check) when none was posted."""
    if version is None:
        return None
    return {backend: {"on": True, "off": False}.get(version)}


class UserMatrixForm(GuardedTextForm, forms.Form):
    """A switch per cell the user receives (disabled where mandatory). A hidden copy of the value shown lets
    the view store only changed cells, so a user who saves the page unchanged keeps inheriting from their
    groups."""

    def __init__(self, *args: Any, rows: list[Row], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "f-%s")
        super().__init__(*args, **kwargs)
        for row in rows:
            for cell in row.cells:
                if cell.allowed and cell.resolution is not None:
                    self.fields[cell_field_name(cell.notification, cell.backend)] = forms.BooleanField(
                        required=False,
                        initial=cell.resolution.value,
                        show_hidden_initial=True,
                        disabled=cell.locked,
                        label=cell.label,
                    )

    def changes(self) -> dict[str, dict[str, bool]]:
        """Return notification → {backend: value} for the cells the user changed."""
        changed: dict[str, dict[str, bool]] = {}
        for name in self.changed_data:
            notification, backend = cell_split(name)
            changed.setdefault(notification, {})[backend] = bool(self.cleaned_data[name])
        return changed


class ScopeMatrixForm(GuardedTextForm, forms.Form):
    """A select (inherit / on / off) per editable cell of a group's or the tenant's defaults."""

    def __init__(self, *args: Any, rows: list[Row], inherit_label: str = "Inherit", **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "f-%s")
        super().__init__(*args, **kwargs)
        for row in rows:
            for cell in row.cells:
                if cell.allowed:
                    # The empty choice says what it resolves to: "Not set (on — from the organisation)".
                    empty = f"{inherit_label} ({inherited_words(cell.inherited)})" if cell.inherited else inherit_label
                    self.fields[cell_field_name(cell.notification, cell.backend)] = forms.ChoiceField(
                        choices=[("", empty), *TRI_STATE[1:]],
                        required=False,
                        initial=cell_version(cell.stored),
                        show_hidden_initial=True,
                        label=cell.label,
                        widget=forms.Select(attrs={"class": "form-select-sm"}),
                    )

    def changes(self) -> dict[str, dict[str, bool | None]]:
        """Return notification → {backend: True/False, or None to inherit} for the changed cells."""
        changed: dict[str, dict[str, bool | None]] = {}
        for name in self.changed_data:
            notification, backend = cell_split(name)
            value = self.cleaned_data[name]
            changed.setdefault(notification, {})[backend] = None if value == "" else value == "on"
        return changed


class DeliveryFilterForm(GuardedTextForm, forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status"), *Delivery.Status.choices], required=False)
    backend = forms.CharField(required=False)
    notification = forms.CharField(required=False)
    user = forms.CharField(required=False, label="Username")


class TestNotificationForm(GuardedTextForm, forms.Form):
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


@dataclass(frozen=True)
class MatrixCell:
    """A matrix cell as a page shows it: the cell, and its inline field where it has a control."""

    cell: Cell
    field: InlineField | None


@dataclass(frozen=True)
class MatrixRow:
    declaration: Notification
    cells: list[MatrixCell]


def matrix_rows(rows: list[Row], field_of: Callable[[Cell], InlineField | None]) -> list[MatrixRow]:
    """Return the rows of a matrix page, each cell with the field `field_of` builds for it (or None)."""
    return [MatrixRow(row.declaration, [MatrixCell(cell, field_of(cell)) for cell in row.cells]) for row in rows]
