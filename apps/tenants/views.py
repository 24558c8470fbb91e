"""The superadmins' console on the public domain: overview, health, and the tenant lifecycle."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_tenants.utils import schema_context

from apps.core.health import health_report
from apps.core.htmx import render_page
from apps.core.pagination import paginate
from apps.core.roles import superadmin_required
from apps.tenants.forms import OwnerInvitationForm, TenantCreateForm, TenantDeleteForm
from apps.tenants.models import Tenant
from apps.tenants.selectors import (
    tenant_domain_url,
    tenant_events_recent,
    tenant_list,
    tenant_people,
    tenant_user_counts,
)
from apps.tenants.services import tenant_create, tenant_deactivate, tenant_delete, tenant_reactivate
from apps.tenants.signals import owner_invitation_requested


def _console_tenant(pk: int) -> Tenant:
    return get_object_or_404(tenant_list(), pk=pk)


@superadmin_required
def overview(request: HttpRequest) -> HttpResponse:
    """Show tenant counts by state, service health (loaded lazily) and the latest changes."""
    counts = tenant_list().aggregate(
        total=Count("pk"),
        ready=Count("pk", filter=Q(state=Tenant.State.READY, is_active=True)),
        inactive=Count("pk", filter=Q(is_active=False)),
        failed=Count("pk", filter=Q(state=Tenant.State.FAILED)),
    )
    return render(request, "tenants/overview.html", {"counts": counts, "events": tenant_events_recent()})


@superadmin_required
def health(request: HttpRequest) -> HttpResponse:
    """Render the health panel; polled by the overview so a slow check never delays the page."""
    return render(request, "tenants/overview.html#health", {"health": health_report(worker_timeout=0.5)})


@superadmin_required
def tenant_list_view(request: HttpRequest) -> HttpResponse:
    """List tenants with their domains, user counts and state; filter by name."""
    tenants = tenant_list()
    query = request.GET.get("q", "").strip()
    if query:
        tenants = tenants.filter(Q(name__icontains=query) | Q(schema_name__icontains=query))
    page = paginate(request, tenants)
    rows = list(page.object_list)
    counts = tenant_user_counts(rows)
    items = [
        {"tenant": t, "users": counts.get(t.pk), "url": tenant_domain_url(t, request) if t.is_serving else None}
        for t in rows
    ]
    context = {"page": page, "items": items, "query": query}
    return render_page(request, "tenants/tenant_list.html", context, partial="results")


@superadmin_required
def tenant_create_view(request: HttpRequest) -> HttpResponse:
    """Record a tenant and queue its provisioning; the detail page then shows the progress."""
    form = TenantCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tenant = tenant_create(
                name=form.cleaned_data["name"],
                subdomain=form.cleaned_data["subdomain"],
                actor=request.user.get_username(),
                owner=form.owner_account(),
                queue_provisioning=True,
                copy_from=form.copy_from_schema(),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, f"Tenant {tenant.name} is being created.")
            return redirect("tenants:tenant-detail", pk=tenant.pk)
    return render(request, "tenants/tenant_create.html", {"form": form})


def _detail_context(request: HttpRequest, tenant: Tenant, **extra: object) -> dict[str, object]:
    return {
        "tenant": tenant,
        "url": tenant_domain_url(tenant, request) if tenant.is_serving else None,
        "users": tenant_user_counts([tenant]).get(tenant.pk),
        "people": tenant_people(tenant),
        "owner_form": extra.pop("owner_form", None) or OwnerInvitationForm(),
        "delete_form": TenantDeleteForm(),
        **extra,
    }


@superadmin_required
def tenant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a tenant; while it is being provisioned, htmx polls the progress partial of this page.

    `?confirm=delete` renders the deletion dialog open, which is how the "Delete…" link works without JavaScript.
    """
    tenant = _console_tenant(pk)
    open_dialog = "delete" if request.GET.get("confirm") == "delete" else None
    context = _detail_context(request, tenant, open_dialog=open_dialog)
    return render_page(request, "tenants/tenant_detail.html", context, partial="progress")


@superadmin_required
@require_POST
def tenant_owner_invite_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite a new owner into a ready tenant (for one that lost its owner); the tenant's people app sends it."""
    tenant = _console_tenant(pk)
    form = OwnerInvitationForm(request.POST)
    if tenant.state != Tenant.State.READY:
        messages.error(request, f"{tenant.name} is not ready yet: invite its owner once it is.")
        return redirect("tenants:tenant-detail", pk=pk)
    if form.is_valid():
        try:
            with schema_context(tenant.schema_name):
                owner_invitation_requested.send(
                    sender=Tenant,
                    tenant=tenant,
                    email=form.cleaned_data["email"],
                    actor_name=request.user.get_username(),
                )
        except ValidationError as exc:
            form.add_error("email", exc.messages)
        else:
            messages.success(request, f"Owner invitation sent to {form.cleaned_data['email']} for {tenant.name}.")
            return redirect("tenants:tenant-detail", pk=pk)
    context = _detail_context(request, tenant, owner_form=form)
    return render(request, "tenants/tenant_detail.html", context, status=400)


@superadmin_required
@require_POST
def tenant_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = tenant_deactivate(tenant=_console_tenant(pk), actor=request.user.get_username())
    messages.success(request, f"{tenant.name} is deactivated: its site now answers 404. Its data is kept.")
    return redirect("tenants:tenant-detail", pk=pk)


@superadmin_required
@require_POST
def tenant_reactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = tenant_reactivate(tenant=_console_tenant(pk), actor=request.user.get_username())
    messages.success(request, f"{tenant.name} is active again.")
    return redirect("tenants:tenant-detail", pk=pk)


@superadmin_required
@require_POST
def tenant_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a tenant once its subdomain is typed again; a mismatch keeps the dialog open and says why."""
    tenant = _console_tenant(pk)
    form = TenantDeleteForm(request.POST)
    if form.is_valid():
        try:
            tenant_delete(
                tenant=tenant,
                actor=request.user.get_username(),
                confirm_subdomain=form.cleaned_data["confirm_subdomain"],
            )
        except ValidationError as exc:
            form.add_error("confirm_subdomain", exc)
        else:
            messages.success(request, f"{tenant.name} and all its data were deleted.")
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(reverse("tenants:tenant-list"))
            return redirect("tenants:tenant-list")
    # 200 with the error in place: htmx swaps it into the open dialog, and without JS the page opens it again.
    context = _detail_context(request, tenant, open_dialog="delete", delete_form=form)
    return render_page(request, "tenants/tenant_detail.html", context, partial="delete_dialog")
