"""The superadmins' console page of the development mail sink: what the site sent, as the SMTP server got it."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from apps.core.htmx import render_page
from apps.core.pagination import paginate
from apps.core.roles import superadmin_required
from apps.notifications.mail_sink import captured_mail, captured_mail_load, sink_dir


@superadmin_required
@require_GET
def outgoing_mail(request: HttpRequest) -> HttpResponse:
    """List the messages the development SMTP sink kept, newest first; 404 when the sink is off (production)."""
    folder = sink_dir()
    if folder is None:
        raise Http404("The development mail sink is off.")
    page = paginate(request, captured_mail(folder))
    context = {"page": page, "messages_shown": captured_mail_load(folder, list(page.object_list)), "folder": folder}
    return render_page(request, "notifications/outgoing_mail.html", context)
