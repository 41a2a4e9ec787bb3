"""The one test cast: a named person per role, the same in every test module.

The cast is the demo accounts of the sample (``accounts/demo.py``): officer Pat Okafor, approver
Alex Morgan, panel member Sam Hughes, a head of service per sample section (``hos.lac`` for LAC
...), and ``nobody``, signed in with no role. Where the sample is loaded its accounts are the cast;
elsewhere the cast creates the same accounts, so a test reads the same names whichever data it
builds. Everyone signs in with ``PASSWORD``.

Exposed as pytest fixtures in ``tests/conftest.py``: ``cast``, ``officer``, ``approver``,
``panel``, ``nobody`` and ``head_of_service`` (a function of a section or its code).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, create_demo_accounts
from accounts.roles import Role, ensure_roles
from indicators.models import Section

PASSWORD = DEMO_PASSWORD
NOBODY = "nobody"


@dataclass(frozen=True)
class Cast:
    officer: User
    approver: User
    panel: User
    # Signed in, active, no role: what the product shows someone it does not know.
    nobody: User
    # Heads of service by the code of the section they are responsible for.
    heads: dict[str, User]

    def head_of_service(self, section: Section | str) -> User:
        """The head of service of ``section`` (a Section or its code). Given a Section, they are
        made one of its managers, so data built in code has its head like the sample's."""
        code = section if isinstance(section, str) else section.code
        head = self.heads.get(code)
        if head is None:
            head = person(f"hos.{code.lower()}", Role.HEAD_OF_SERVICE)
            self.heads[code] = head
        if isinstance(section, Section):
            section.managers.add(head)
        return head

    def named(self, username: str) -> User:
        """The cast's person called ``username`` (``officer``, ``hos.lac``, ``nobody`` ...), for
        tables of who may do what written with usernames."""
        everyone = [self.officer, self.approver, self.panel, self.nobody, *self.heads.values()]
        return next(user for user in everyone if user.username == username)

    def of(self, role: Role | None) -> User:
        """The cast's one person in ``role`` (None: nobody); for tests that go through roles."""
        if role is Role.HEAD_OF_SERVICE:
            return self.heads["LAC"]
        return {
            Role.PERFORMANCE_OFFICER: self.officer,
            Role.APPROVER: self.approver,
            Role.PANEL_MEMBER: self.panel,
            None: self.nobody,
        }[role]


def person(username: str, role: Role | None = None, email: str | None = None) -> User:
    """Someone outside the cast (a second approver, a colleague): created with ``role``, the
    cast's password and an address at example.gov.uk unless ``email`` is given ("" for none)."""
    first, _, last = username.replace(".", " ").title().partition(" ")
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=first,
        last_name=last,
        email=f"{username}@example.gov.uk" if email is None else email,
    )
    if role is not None:
        user.groups.set([ensure_roles()[role]])
    return user


def make_cast() -> Cast:
    """The cast: the demo accounts as they are when present (the sample loaded them), else
    created; and ``nobody``."""
    usernames = [username for username, *_ in DEMO_ACCOUNTS]
    users = {user.username: user for user in User.objects.filter(username__in=usernames)}
    if len(users) < len(usernames):
        users = create_demo_accounts()
    nobody = User.objects.filter(username=NOBODY).first() or person(NOBODY)
    return Cast(
        officer=users["officer"],
        approver=users["approver"],
        panel=users["panel"],
        nobody=nobody,
        heads={
            code: users[username]
            for username, _, role, codes in DEMO_ACCOUNTS
            if role is Role.HEAD_OF_SERVICE
            for code in codes
        },
    )
