"""Sign-in throttling with django-axes: the lockout page, and counting per address as well as
per username.

django-axes counts failures for each of ``AXES_LOCKOUT_PARAMETERS`` (here: one address, and one
username from one address) but compares a single number with a single limit. Guessing a few
passwords against every username from one address must lock that address too, yet an office
behind one address must not be locked by a handful of typos, so the address gets a higher limit
(``SIGN_IN_ADDRESS_FAILURE_LIMIT``): its count is scaled so that it reaches ``AXES_FAILURE_LIMIT``
exactly when it reaches its own limit. Axes does the rest (storage, cool-off, reset on success).
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


class AddressAndAccountHandler(AxesDatabaseHandler):
    """``AXES_HANDLER``: locks a username from an address after AXES_FAILURE_LIMIT failures,
    and an address after SIGN_IN_ADDRESS_FAILURE_LIMIT failures whatever the usernames."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        counts = [
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        if len(counts) != 2:  # other lockout parameters: axes' own rule
            return max(counts, default=0)
        by_address, by_account = counts  # the order of AXES_LOCKOUT_PARAMETERS
        scaled = by_address * settings.AXES_FAILURE_LIMIT // settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
        return max(by_account, scaled)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """429 Too Many Requests: say in plain words why sign-in is refused and until when.

    Each further failure during a lockout restarts the cool-off, so "until" is from now.
    """
    cooloff = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "address_limit": settings.SIGN_IN_ADDRESS_FAILURE_LIMIT,
        "minutes": int(cooloff.total_seconds() // 60),
        "until": timezone.localtime() + cooloff,
    }
    return render(request, "registration/locked_out.html", context, status=429)
