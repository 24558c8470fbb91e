"""The owner console's form: a bundle uploaded as a file or pasted as text."""

import json
from typing import Any

from django import forms

from apps.core.inputs import GuardedTextForm
from apps.preferences.registries import global_preferences_registry

MAX_BYTES = 2 * 1024 * 1024  # a bundle is configuration, not data: far below this
MEGABYTE = 1024 * 1024
# The organisation's "Largest upload (MB)" preference: every upload of the portal stays within it.
MAX_UPLOAD_KEY = "general__max_upload_mb"


class BundleUploadForm(GuardedTextForm, forms.Form):
    file = forms.FileField(required=False, label="Bundle file (.json)")
    document = forms.CharField(
        required=False, label="…or paste the bundle", widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB: it is not a bundle.", code="too_large")
        limit_mb = global_preferences_registry.manager().get(MAX_UPLOAD_KEY)
        if upload is not None and limit_mb and upload.size > limit_mb * MEGABYTE:
            raise forms.ValidationError(
                "The file is larger than your organisation's largest upload, %(limit)s MB.",
                code="too_large",
                params={"limit": limit_mb},
            )
        text = upload.read().decode("utf-8", errors="replace") if upload is not None else cleaned.get("document", "")
        if not text.strip():
            raise forms.ValidationError("Choose a bundle file or paste one.", code="required")
        try:
            cleaned["bundle"] = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"This is not JSON: {exc}.", code="invalid") from exc
        cleaned["text"] = text
        return cleaned
