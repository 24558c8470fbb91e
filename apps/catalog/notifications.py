"""The portal's notifications; an app that sends its own declares them in its own `notifications.py`."""

from apps.notifications.registry import Notification, register

task_assigned = register(
    Notification(
        name="task_assigned",
        display_name="A task is assigned to me",
        category="Projects",
        backends=("email", "sms", "in_app"),
        default={"email": True, "in_app": True},
    )
)
weekly_digest = register(
    Notification(
        name="weekly_digest",
        display_name="Weekly digest",
        category="Digest",
        backends=("email", "in_app"),
        default={"email": True},
    )
)
security_alert = register(
    Notification(
        name="security_alert",
        display_name="Security alert",
        category="Account",
        backends=("email", "sms", "in_app"),
        default={"email": True, "in_app": True},
        mandatory=True,
        critical=True,
    )
)
billing_invoice = register(
    Notification(
        name="billing_invoice",
        display_name="New invoice",
        category="Billing",
        required_permissions=("notifications.view_billing",),
        backends=("email", "in_app"),
        default={"email": True},
    )
)
test_message = register(
    Notification(
        name="test_message",
        display_name="Test notification",
        category="General",
        description="Sent by an owner from the deliveries log to check that delivery works.",
        backends=("email", "sms", "in_app"),
        default={"email": True, "sms": True, "in_app": True},
    )
)
invitation = register(
    Notification(
        name="invitation",
        display_name="Invitation to join",
        category="Account",
        description="The link an owner's invitation sends; the invited person is not active until they accept.",
        backends=("email",),
        default={"email": True},
        mandatory=True,
        reaches_inactive=True,
        listed=False,
    )
)
