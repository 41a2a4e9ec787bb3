"""The sign-in lockout page shown by django-axes (AXES_LOCKOUT_CALLABLE)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """429 Too Many Requests: say in plain words why sign-in is refused and until when.

    Each further failure during a lockout restarts the cool-off, so "until" is from now.
    """
    cooloff = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(cooloff.total_seconds() // 60),
        "until": timezone.localtime() + cooloff,
    }
    return render(request, "registration/locked_out.html", context, status=429)
