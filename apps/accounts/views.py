"""Tenant pages for every signed-in user (dashboard); for owners, unlocking a person (the list is apps.people)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.accounts.throttling import login_unlock
from apps.core.roles import owner_required


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Show the dashboard: who you are here and where you can go."""
    return render(request, "accounts/home.html", {"groups": request.user.groups.all()})


@owner_required
def owner_overview(request: HttpRequest) -> HttpResponse:
    """Send owners to the people page (apps.people), which replaced the read-only list that lived here."""
    return redirect("people:list")


@owner_required
@require_POST
def owner_login_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """Let a person of this tenant sign in again after too many wrong passwords (owners only)."""
    person = get_object_or_404(get_user_model(), pk=pk)
    login_unlock(username=person.get_username())
    messages.success(request, f"{person.get_username()} may sign in again.")
    return redirect("people:list")
