"""The owner console's page for the tenant's bundle: download it, or upload one, see its diff, then apply it."""

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.bundles.forms import BundleUploadForm
from apps.bundles.services import BundleRefused, bundle_export, bundle_import
from apps.core.htmx import render_page
from apps.core.roles import owner_required

TEMPLATE = "bundles/owner_bundle.html"


def _tenant(request: HttpRequest) -> Any:
    return request.tenant  # type: ignore[attr-defined]  # set by django-tenants' middleware


@owner_required
@require_http_methods(["GET", "POST"])
def owner_bundle(request: HttpRequest) -> HttpResponse:
    """Offer the download and the upload; a posted bundle answers its dry-run diff, with a confirmation to apply."""
    form = BundleUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        plan = bundle_import(tenant=_tenant(request), document=form.cleaned_data["bundle"], dry_run=True)
        context.update(plan=plan, document=form.cleaned_data["text"])
    return render_page(request, TEMPLATE, context, status=400 if form.errors else 200)


@owner_required
@require_GET
def owner_bundle_export(request: HttpRequest) -> HttpResponse:
    """Answer the tenant's bundle as a JSON file to download."""
    tenant = _tenant(request)
    body = json.dumps(bundle_export(tenant=tenant), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{tenant.schema_name}-bundle.json"'
    return response


@owner_required
@require_POST
def owner_bundle_apply(request: HttpRequest) -> HttpResponse:
    """Apply a confirmed bundle, all or nothing; a refusal shows the diff again with what was refused."""
    form = BundleUploadForm(request.POST)
    if not form.is_valid():
        return render_page(request, TEMPLATE, {"form": form}, status=400)
    try:
        plan = bundle_import(tenant=_tenant(request), document=form.cleaned_data["bundle"], actor=request.user)
    except BundleRefused as exc:
        context = {"form": BundleUploadForm(), "plan": exc.plan, "document": form.cleaned_data["text"]}
        return render_page(request, TEMPLATE, context, status=400)
    messages.success(request, f"Bundle applied: {len(plan.changes)} changes.")
    return redirect("bundles:owner")
