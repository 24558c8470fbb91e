"""The example's views: save the forms, then build the selection form again so mandatory values show selected."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from apps.core.roles import owner_required
from tests.lov_example.forms import TenantCropValueCreateForm, TenantCropValueSelectionForm, UserCropSelectionForm
from tests.lov_example_records.models import UserCrop


@owner_required
def tenant_crop_values(request: HttpRequest) -> HttpResponse:
    """Let an owner add a custom crop and choose which crops the tenant's members may pick."""
    tenant = request.tenant  # type: ignore[attr-defined]
    create_form = TenantCropValueCreateForm(request.POST or None, lov_tenant=tenant)
    selection_form = TenantCropValueSelectionForm(lov_tenant=tenant)
    if request.method == "POST" and create_form.is_valid():
        value = create_form.save()
        messages.success(request, f"Added “{value.name}”.")
        return redirect("lov_example:tenant-crop-values")
    context = {"create_form": create_form, "selection_form": selection_form}
    return render(request, "lov_example/tenant_crops.html", context)


@owner_required
def tenant_crop_selections(request: HttpRequest) -> HttpResponse:
    """Save the tenant's selection of crops."""
    tenant = request.tenant  # type: ignore[attr-defined]
    selection_form = TenantCropValueSelectionForm(request.POST or None, lov_tenant=tenant)
    if request.method == "POST" and selection_form.is_valid():
        selection_form.save()
        # Built again so the mandatory values (never posted: their boxes are disabled) show as selected.
        selection_form = TenantCropValueSelectionForm(lov_tenant=tenant)
    create_form = TenantCropValueCreateForm(lov_tenant=tenant)
    context = {"create_form": create_form, "selection_form": selection_form}
    return render(request, "lov_example/tenant_crops.html", context)


@login_required
def user_crops(request: HttpRequest) -> HttpResponse:
    """Let a member pick the crops they grow among the ones their tenant offers."""
    tenant = request.tenant  # type: ignore[attr-defined]
    user_crop, _ = UserCrop.objects.get_or_create(user=request.user, tenant_id=tenant.pk)
    form = UserCropSelectionForm(request.POST or None, instance=user_crop, lov_tenant=tenant)
    if request.method == "POST" and form.is_valid():
        form.save()
        form = UserCropSelectionForm(instance=user_crop, lov_tenant=tenant)
    return render(request, "lov_example/user_crops.html", {"form": form})
