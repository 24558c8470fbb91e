"""Owners' pages for their organisation's people (/owner/people/…) and the invitation accept page (/invitations/…).

Each view parses input, calls one service, then redirects with a message (or renders the form with its errors).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.services import person_active_set, person_label, person_role_change
from apps.accounts.throttling import locked_usernames
from apps.core.inputs import id_param
from apps.core.pagination import paginate, query_without_page
from apps.core.roles import Role, owner_required
from apps.people import selectors, services
from apps.people.forms import ActiveForm, InvitationAcceptForm, InvitationForm, PersonAddForm, RoleForm
from apps.people.models import Invitation

LIST = "people:list"
# What an unusable link says, by the reason `invitation_for_token` gives.
UNUSABLE = {
    "expired": ("This invitation has expired", "Ask an owner of the organisation to send you a new one."),
    "revoked": ("This invitation was withdrawn", "An owner revoked it. Ask them if you think this is a mistake."),
    "accepted": ("This invitation was already used", "Sign in with the email address and password you chose."),
    "unknown": (
        "This invitation link is not valid",
        "It may have been replaced by a newer invitation: use the link in the latest email, or ask an owner.",
    ),
}


def _tenant_name(request: HttpRequest) -> str:
    tenant = getattr(request, "tenant", None)
    return str(getattr(tenant, "name", ""))


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _person_or_404(pk: int) -> Any:
    try:
        return selectors.person_get(pk=pk)
    except get_user_model().DoesNotExist:
        raise Http404("No such person here.") from None


def _invitation_or_404(pk: int) -> Invitation:
    invitation = selectors.invitation_list().filter(pk=pk).first()
    if invitation is None:
        raise Http404("No such invitation here.")
    return invitation


@owner_required
def people_list(request: HttpRequest) -> HttpResponse:
    """List, search and filter the organisation's people; their open invitations below (owners only)."""
    query = request.GET.get("q", "").strip()
    group_id = id_param(request.GET.get("group"))
    role = request.GET.get("role", "")
    role = role if role in Role.values else ""
    state = request.GET.get("state", "")
    state = state if state in selectors.STATE_VALUES else ""
    page = paginate(request, selectors.people_list(query=query, group_id=group_id, role=role, state=state))
    context = {
        "page": page,
        "page_query": query_without_page(request),
        "query": query,
        "group_id": group_id,
        "role": role,
        "state": state,
        "groups": selectors.groups_all(),
        "roles": Role.choices,
        "states": selectors.STATES,
        "filtered": bool(query or group_id or role or state),
        "locked": locked_usernames(person.get_username() for person in page),
        "invitations": selectors.invitation_list(state="open")[:50],
    }
    return render(request, "people/people.html", context)


@owner_required
@require_http_methods(["GET", "POST"])
def invitation_create(request: HttpRequest) -> HttpResponse:
    """Invite someone by email (owners only)."""
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.invitation_send(
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                groups=list(form.cleaned_data["groups"]),
                tenant_name=_tenant_name(request),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Invitation sent to {sent.invitation.email}.")
            return redirect(LIST)
    return render(request, "people/people_invite.html", {"form": form})


@owner_required
@require_http_methods(["GET", "POST"])
def person_add(request: HttpRequest) -> HttpResponse:
    """Add a person directly; the one-time password is shown once on the answer (owners only)."""
    form = PersonAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.person_add(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return render(request, "people/people_added.html", {"person": added.user, "password": added.password})
    return render(request, "people/people_add.html", {"form": form})


@owner_required
@require_POST
def person_role(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a person an owner or a member (owners only); the last active owner stays one."""
    person = _person_or_404(pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"The role of {person_label(person)} was not changed: choose owner or member.")
        return redirect(LIST)
    try:
        person_role_change(actor=request.user, person=person, role=form.cleaned_data["role"])
    except ValidationError as exc:
        messages.error(request, f"{person_label(person)}: {' '.join(exc.messages)}")
    else:
        messages.success(request, f"{person_label(person)} is now {Role(form.cleaned_data['role']).label.lower()}.")
    return redirect(LIST)


@owner_required
@require_http_methods(["GET", "POST"])
def person_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (GET) and deactivate or reactivate a person (owners only)."""
    person = _person_or_404(pk)
    if request.method == "GET":
        return render(request, "people/people_active.html", {"person": person})
    form = ActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Nothing changed for {person_label(person)}: choose active or deactivated.")
        return redirect(LIST)
    active = form.cleaned_data["active"]
    try:
        person_active_set(actor=request.user, person=person, active=active)
    except ValidationError as exc:
        messages.error(request, f"{person_label(person)}: {' '.join(exc.messages)}")
    else:
        done = "reactivated: they may sign in again" if active else "deactivated: their sessions have ended"
        messages.success(request, f"{person_label(person)} is {done}.")
    return redirect(LIST)


@owner_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    """Send an open invitation again with a fresh link (owners only)."""
    invitation = _invitation_or_404(pk)
    try:
        services.invitation_resend(actor=request.user, invitation=invitation, tenant_name=_tenant_name(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Invitation sent again to {invitation.email}; the earlier link no longer works.")
    return redirect(LIST)


@owner_required
@require_http_methods(["GET", "POST"])
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (GET) and revoke an open invitation (owners only)."""
    invitation = _invitation_or_404(pk)
    if request.method == "GET":
        return render(request, "people/invitation_revoke.html", {"invitation": invitation})
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The invitation of {invitation.email} is revoked; its link no longer works.")
    return redirect(LIST)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Let an invited person choose their name and password, then sign them in and show the dashboard."""
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationUnusable as unusable:
        if unusable.state == "accepted" and request.user.is_authenticated:
            return redirect("home")  # they used it and are signed in: nothing left to do here
        title, advice = UNUSABLE[unusable.state]
        return render(request, "people/invitation_unusable.html", {"title": title, "advice": advice}, status=410)
    if request.user.is_authenticated:
        # Accepting would sign the current person out and someone else in: say so instead of doing it.
        return render(request, "people/invitation_signed_in.html", {"invitation": invitation}, status=409)
    form = InvitationAcceptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except services.InvitationUnusable as unusable:
            title, advice = UNUSABLE[unusable.state]
            return render(request, "people/invitation_unusable.html", {"title": title, "advice": advice}, status=410)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "password" in exc.error_dict:
                form.add_error("password1", exc.message_dict["password"])
            else:
                _form_errors(form, exc)
        else:
            login(request, user, backend="apps.accounts.backends.PortalBackend")
            messages.success(request, f"Welcome to {_tenant_name(request) or 'the portal'}.")
            return redirect("home")
    return render(request, "people/invitation_accept.html", {"form": form, "invitation": invitation})
