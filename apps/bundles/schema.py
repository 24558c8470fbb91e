"""The published JSON Schema of a bundle, and validation against it (the first check of every import)."""

from typing import Any

from jsonschema import Draft202012Validator

from apps.bundles.plan import BundlePlan, pointer
from apps.bundles.sections import SECTIONS

BUNDLE_VERSION = 1
SCHEMA_ID = "urn:portal:tenant-bundle:1"


def bundle_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a bundle of this version."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Tenant configuration bundle",
        "description": "A tenant's configuration. Every section is optional; a section given replaces that part of "
        "the tenant's configuration (what it lacks is removed), a section left out leaves it alone.",
        "type": "object",
        "required": ["version"],
        "additionalProperties": False,
        "properties": {
            "version": {"const": BUNDLE_VERSION, "description": "The bundle format's version."},
            "source": {
                "type": "object",
                "description": "Where the bundle comes from (informative; an import ignores it).",
                "properties": {
                    "tenant": {"type": "string"},
                    "name": {"type": "string"},
                    "exported_at": {"type": "string"},
                },
            },
            **{section.key: section.schema() for section in SECTIONS},
        },
    }


def schema_check(document: Any, plan: BundlePlan) -> None:
    """Refuse, in `plan`, every place where `document` does not follow the schema, by the entry's JSON Pointer."""
    validator = Draft202012Validator(bundle_schema())
    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        path = list(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            # Name each unexpected key itself, not the object that holds it.
            known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
            for extra in sorted(set(error.instance) - set(known)):
                plan.refuse(pointer(*path, extra), f"{extra!r} is not part of a bundle here.")
            continue
        plan.refuse(pointer(*path) or "/", error.message)
