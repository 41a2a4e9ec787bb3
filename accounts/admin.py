"""The user admin, naming who changes a person's roles (see ``actors.acting``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from .actors import acting
from .models import Profile

User = get_user_model()
admin.site.unregister(User)


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = ["role_title"]
    verbose_name_plural = "profile"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [ProfileInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Groups are roles: the receiver that records a role change learns who made it here.
        with acting(request.user):
            super().save_related(request, form, formsets, change)
