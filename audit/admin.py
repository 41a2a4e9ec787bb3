"""The admin's bulk delete, recorded: one ``admin.deleted`` event per object.

Django's admin writes a ``LogEntry`` for every add, change and delete; ``receivers.admin_edit``
records each as it is saved. Several objects deleted at once are bulk-created as log entries,
without signals, so the site's "Delete selected" action is replaced by this one, which deletes
exactly as Django's does and records them in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import actions
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from accounts.access import signed_in_user

from .recording import Ref, write


# The stubs do not know the description Django's @admin.action sets on delete_selected.
@admin.action(
    permissions=["delete"],
    description=actions.delete_selected.short_description,  # type: ignore[attr-defined]
)
def delete_selected(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]
) -> HttpResponse | None:
    confirmed = bool(request.POST.get("post"))
    with transaction.atomic():
        targets = [Ref.of(obj) for obj in queryset] if confirmed else []
        response = actions.delete_selected(modeladmin, request, queryset)
        # None: deleted (otherwise the confirmation page, or the list of protected objects).
        # One object is logged by LogEntry.save, which the receiver records already.
        if response is None and len(targets) > 1:
            for target in targets:
                write(signed_in_user(request), "admin.deleted", target, {})
    return response
