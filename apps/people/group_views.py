"""The owners' group pages: /owner/groups/ (list, create, order) and /owner/groups/<id>/ (one group).

Each write is a plain form POST that works without JavaScript: the view calls one service of
`apps.people.groups`, adds a message (a toast) and redirects back; a refusal is the message instead.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.grants import grantable_permissions
from apps.core.inputs import BIGINT_MAX
from apps.core.pagination import paginate
from apps.core.roles import owner_required
from apps.people import groups as services
from apps.people.group_forms import GroupNameForm, GroupPermissionsForm, PeopleChoiceForm

LIST = "people/group_list.html"
DETAIL = "people/group_detail.html"
DELETE = "people/group_delete.html"
MOVES = {"up": -1, "down": 1}
ADD_CHOICES_LIMIT = 200  # people offered at once in the "add" list; a search narrows it


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _group_or_404(pk: int) -> Group:
    # The active schema holds only this tenant's groups: another tenant's id is simply not found.
    if pk > BIGINT_MAX:
        raise Http404("No such group.")
    return get_object_or_404(Group, pk=pk)


def _list_context(request: HttpRequest, form: GroupNameForm | None = None) -> dict[str, Any]:
    ordered = list(services.groups_ordered())
    for position, group in enumerate(ordered, start=1):
        group.position = position  # type: ignore[attr-defined]
        group.is_first, group.is_last = position == 1, position == len(ordered)  # type: ignore[attr-defined]
        group.granted = services.group_granted(group)  # type: ignore[attr-defined]
    return {
        "page": paginate(request, ordered),
        "count": len(ordered),
        "order_text": services.group_order_text(ordered),
        "unordered": [group.name for group in ordered if group.position_value is None],  # type: ignore[attr-defined]
        "form": form or GroupNameForm(),
    }


@owner_required
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    """List the groups in their priority order, with their members count and permissions."""
    return render(request, LIST, _list_context(request))


@owner_required
@require_POST
def group_create(request: HttpRequest) -> HttpResponse:
    """Create a group (last in the order); a refused name shows under the field."""
    form = GroupNameForm(request.POST)
    if form.is_valid():
        try:
            group = services.group_create(actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error("name", exc.messages)
        else:
            messages.success(request, f"Group “{group.name}” created, last in the order.")
            return redirect("people:group-detail", pk=group.pk)
    return render(request, LIST, _list_context(request, form), status=200)


@owner_required
@require_POST
def group_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a group one place up (higher priority) or down."""
    group = _group_or_404(pk)
    offset = MOVES.get(request.POST.get("direction", ""), 0)
    if offset:
        try:
            order = services.group_move(actor=request.user, group=group, offset=offset)
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, f"New order: {services.group_order_text(order)}.")
    return redirect("people:group-list")


def _detail_context(request: HttpRequest, group: Group, **forms: Any) -> dict[str, Any]:
    user_model = get_user_model()
    members = paginate(request, group.user_set.select_related("profile").order_by("username"))
    query = request.GET.get("q", "").strip()[:100]
    others = user_model.objects.exclude(groups=group).order_by("username")
    if query:
        others = others.filter(Q(username__icontains=query) | Q(email__icontains=query))
    offered = list(others.values_list("pk", "username", "first_name", "last_name")[: ADD_CHOICES_LIMIT + 1])
    choices = [(pk, f"{username} ({first} {last})".replace(" ( )", "")) for pk, username, first, last in offered]
    granted = [permission.name for permission in services.group_granted(group)]
    return {
        "group": group,
        "members": members,
        "member_count": members.paginator.count,
        "query": query,
        "more_offered": len(choices) > ADD_CHOICES_LIMIT,
        "rename_form": forms.get("rename_form") or GroupNameForm(initial={"name": group.name}, prefix="rename"),
        "add_form": forms.get("add_form")
        or PeopleChoiceForm(people=choices[:ADD_CHOICES_LIMIT], label="People to add", prefix="add"),
        "permissions_form": GroupPermissionsForm(initial={"permissions": granted}, prefix="perm"),
        "grantable": grantable_permissions(),
    }


@owner_required
@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one group: rename it, its members (remove several), people to add, its permissions."""
    group = _group_or_404(pk)
    return render(request, DETAIL, _detail_context(request, group))


@owner_required
@require_POST
def group_rename(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a group; a refused name shows under the field."""
    group = _group_or_404(pk)
    form = GroupNameForm(request.POST, prefix="rename")
    if form.is_valid():
        old = group.name
        try:
            group = services.group_rename(actor=request.user, group=group, name=form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error("name", exc.messages)
        else:
            if group.name != old:
                messages.success(request, f"“{old}” is now called “{group.name}”.")
            return redirect("people:group-detail", pk=group.pk)
    return render(request, DETAIL, _detail_context(request, group, rename_form=form))


@owner_required
@require_POST
def group_members_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the selected people to the group."""
    return _members_change(
        request,
        pk,
        prefix="add",
        change=services.group_members_add,
        empty="Select at least one person to add.",
        done="Added to {group}: {names}.",
        nobody="nobody new",
    )


@owner_required
@require_POST
def group_members_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove the checked members from the group."""
    return _members_change(
        request,
        pk,
        prefix="remove",
        change=services.group_members_remove,
        empty="Tick at least one member to remove.",
        done="Removed from {group}: {names}.",
        nobody="nobody",
    )


def _members_change(
    request: HttpRequest, pk: int, *, prefix: str, change: Any, empty: str, done: str, nobody: str
) -> HttpResponse:
    """Add or remove the people posted under `prefix`, then go back to the group, saying what changed."""
    group = _group_or_404(pk)
    ids = request.POST.getlist(f"{prefix}-users")
    # The choices are whatever was posted: the service checks that each id is a person of this tenant.
    form = PeopleChoiceForm(request.POST, people=[(value, value) for value in ids], prefix=prefix)
    if not form.is_valid():
        messages.error(request, empty)
    else:
        try:
            changed = change(actor=request.user, group=group, user_ids=form.user_ids())
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, done.format(group=group.name, names=", ".join(changed) or nobody))
    return redirect("people:group-detail", pk=group.pk)


@owner_required
@require_POST
def group_permissions(request: HttpRequest, pk: int) -> HttpResponse:
    """Set which of the product's declared permissions the group holds."""
    group = _group_or_404(pk)
    form = GroupPermissionsForm(request.POST, prefix="perm")
    if not form.is_valid():
        messages.error(request, "Only the permissions listed here may be granted: " + form.errors.as_text())
    else:
        try:
            services.group_permissions_set(actor=request.user, group=group, names=form.cleaned_data["permissions"])
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, f"Permissions of {group.name} saved.")
    return redirect("people:group-detail", pk=group.pk)


@owner_required
def group_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask (GET) whether to delete a group, naming its members and notification defaults; delete it (POST)."""
    group = _group_or_404(pk)
    if request.method == "POST":
        effect = services.group_delete(actor=request.user, group=group)
        members = len(effect.members)
        messages.success(
            request,
            f"Group “{effect.group.name}” deleted; its {members} member{'s' if members != 1 else ''} stay in the "
            "organisation.",
        )
        return redirect("people:group-list")
    return render(request, DELETE, {"group": group, "effect": services.group_deletion_effect(group)})
