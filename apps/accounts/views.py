"""Tenant pages for every signed-in user (dashboard) and for owners (their tenant's people)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.accounts.throttling import locked_usernames, login_unlock
from apps.core.pagination import paginate
from apps.core.roles import owner_required


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Show the dashboard: who you are here and where you can go."""
    return render(request, "accounts/home.html", {"groups": request.user.groups.all()})


@owner_required
def owner_overview(request: HttpRequest) -> HttpResponse:
    """List the tenant's people with their roles and groups (owners only)."""
    users = (
        get_user_model()
        .objects.select_related("profile")
        .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name")))
        .order_by("username")
    )
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(username__icontains=query)
    page = paginate(request, users)
    groups = Group.objects.order_by("name")
    locked = locked_usernames(person.get_username() for person in page)
    context = {"page": page, "query": query, "groups": groups, "locked": locked}
    return render(request, "accounts/owner_overview.html", context)


@owner_required
@require_POST
def owner_login_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """Let a person of this tenant sign in again after too many wrong passwords (owners only)."""
    person = get_object_or_404(get_user_model(), pk=pk)
    login_unlock(username=person.get_username())
    messages.success(request, f"{person.get_username()} may sign in again.")
    return redirect("owner-overview")
