"""The demo accounts of the sample: one per role, for trying the product on one's own machine."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from .models import Profile
from .roles import Role, ensure_roles

DEMO_PASSWORD = "cpp-demo-2020"

# username, full name, role, section codes they are responsible for
DEMO_ACCOUNTS: tuple[tuple[str, str, Role, tuple[str, ...]], ...] = (
    ("officer", "Pat Okafor", Role.PERFORMANCE_OFFICER, ()),
    ("approver", "Alex Morgan", Role.APPROVER, ()),
    ("panel", "Sam Hughes", Role.PANEL_MEMBER, ()),
    ("hos.lac", "Head of Looked After Children", Role.HEAD_OF_SERVICE, ("LAC",)),
    ("hos.lac-rpv", "Head of Reviews, Plans & Visits", Role.HEAD_OF_SERVICE, ("LAC-RPV",)),
    ("hos.lac-health", "Head of LAC Health", Role.HEAD_OF_SERVICE, ("LAC-HEALTH",)),
    ("hos.lac-education", "Head of the Virtual School", Role.HEAD_OF_SERVICE, ("LAC-EDUCATION",)),
    ("hos.lac-placements", "Head of Placements", Role.HEAD_OF_SERVICE, ("LAC-PLACEMENTS",)),
    ("hos.fostering", "Head of Fostering", Role.HEAD_OF_SERVICE, ("FOSTERING",)),
    ("hos.adoptions", "Head of Adoptions", Role.HEAD_OF_SERVICE, ("ADOPTIONS",)),
    ("hos.care-leavers", "Head of Leaving Care", Role.HEAD_OF_SERVICE, ("CARE-LEAVERS",)),
    ("hos.caseloads", "Head of Service, LAC teams", Role.HEAD_OF_SERVICE, ("CASELOADS",)),
)


def create_demo_accounts() -> dict[str, Any]:
    """Create (or reset) the demo accounts with their roles; returns them by username."""
    groups = ensure_roles()
    users = {}
    for username, name, role, _ in DEMO_ACCOUNTS:
        first, _, last = name.partition(" ")
        user, _ = get_user_model().objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.gov.uk",
                # Panel members never use the back office.
                "is_staff": role != Role.PANEL_MEMBER,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([groups[role]])
        users[username] = user
    return users


def create_demo_managers(people: list[dict[str, str]]) -> dict[str, Any]:
    """Create (or reset) a sample's responsible managers as demo heads of service, each with
    the role title their report prints; ``people`` are rows of a sample's ``managers.csv``
    (username, first_name, last_name, role_title). Returns them by username."""
    group = ensure_roles()[Role.HEAD_OF_SERVICE]
    users = {}
    for person in people:
        username = person["username"]
        user, _ = get_user_model().objects.update_or_create(
            username=username,
            defaults={
                "first_name": person["first_name"],
                "last_name": person["last_name"],
                "email": f"{username}@example.gov.uk",
                "is_staff": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([group])
        Profile.objects.update_or_create(user=user, defaults={"role_title": person["role_title"]})
        users[username] = user
    return users
