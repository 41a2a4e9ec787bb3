"""Events that arrive as Django signals rather than through a service verb: sign-ins (Django's
auth signals; django-axes still throttles), the admin's own log of catalogue edits, and roles
(a user's groups) granted or revoked however it is done."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_ip_address
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.actors import current_actor, current_source

from .recording import Ref, write

ADMIN_VERBS = {ADDITION: "admin.added", CHANGE: "admin.changed", DELETION: "admin.deleted"}


def _address(request: HttpRequest | None) -> str:
    return (get_client_ip_address(request) or "") if request is not None else ""


@receiver(user_logged_in, dispatch_uid="audit.signed_in")
def signed_in(sender: Any, request: HttpRequest | None, user: Any, **_: Any) -> None:
    write(user, "auth.signed_in", None, {"address": _address(request)})


@receiver(user_logged_out, dispatch_uid="audit.signed_out")
def signed_out(sender: Any, request: HttpRequest | None, user: Any, **_: Any) -> None:
    if user is not None:  # signing out when not signed in changes nothing
        write(user, "auth.signed_out", None, {"address": _address(request)})


@receiver(user_login_failed, dispatch_uid="audit.sign_in_failed")
def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **_: Any
) -> None:
    # django-axes' receiver has already counted this failure (its app is loaded first) and
    # marked the request when the failure locked the account out.
    username = str(credentials.get("username") or "")
    details = {
        "address": _address(request),
        "locked_out": bool(getattr(request, "axes_locked_out", False)),
    }
    write(None, "auth.sign_in_failed", None, details, actor_name=username)


@receiver(post_save, sender=LogEntry, dispatch_uid="audit.admin_edit")
def admin_edit(sender: Any, instance: LogEntry, created: bool, **_: Any) -> None:
    """An add, change or delete in the admin (``LogEntry.save``, inside the admin's own
    transaction). Several objects deleted at once are bulk-logged without signals:
    ``audit.admin.delete_selected`` records those."""
    if created:
        record_admin_entry(instance)


def record_admin_entry(entry: LogEntry) -> None:
    content_type = entry.content_type
    kind = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    write(
        entry.user,
        ADMIN_VERBS.get(entry.action_flag, "admin.changed"),
        Ref(kind, str(entry.object_id or ""), entry.object_repr),
        {"change": entry.get_change_message()} if entry.action_flag == CHANGE else {},
    )


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="audit.roles")
def roles_changed(
    sender: Any,
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **_: Any,
) -> None:
    """A role granted or revoked: one event per user and role, by ``current_actor()``."""
    User = get_user_model()
    if action == "pre_clear":
        # clear() reports no keys afterwards: what it removes is read before.
        pairs = (
            [(user, instance) for user in instance.user_set.all()]
            if reverse
            else [(instance, group) for group in instance.groups.all()]
        )
        verb = "role.revoked"
    elif action in ("post_add", "post_remove") and pk_set:
        if reverse:
            pairs = [(user, instance) for user in User.objects.filter(pk__in=pk_set)]
        else:
            pairs = [(instance, group) for group in Group.objects.filter(pk__in=pk_set)]
        verb = "role.granted" if action == "post_add" else "role.revoked"
    else:
        return
    actor, source = current_actor(), current_source()
    for user, group in pairs:
        write(actor, verb, user, {"role": group.name, **({"source": source} if source else {})})
