"""Accounts from the council's directory: the roles an ID token's claims give, and the account a
directory sign-in opens (created on first sign-in, brought up to date on every one).

The directory owns the four roles of a directory account: a role added or removed there is added
or removed here at the next sign-in (or session re-validation), and the audit log says so. A
person the claims give no role is refused with a page saying whom to ask, never signed in.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.dispatch import Signal

from accounts.access import STAFF_ROLES
from accounts.actors import SYSTEM, acting
from accounts.roles import Role, ensure_roles
from audit import record

from .models import DirectoryIdentity

logger = logging.getLogger(__name__)

# Sent inside the sign-in's transaction once the account's roles are up to date: ``user`` and
# ``section_codes`` (the set of section codes the claims give, or None when OIDC_SECTIONS is not
# set and sections are kept by hand). The indicators app owns sections and listens; a receiver
# that raises ``SignInRefused`` refuses the sign-in.
directory_sections = Signal()

SOURCE = "directory"


class Reason(StrEnum):
    """Why a sign-in was refused, as the refusal page and the audit log say it."""

    NO_ROLE = "no role"
    DISABLED_HERE = "account disabled here"
    PROVIDER_REFUSED = "refused by the sign-in service"
    USERNAME_TAKEN = "username taken by another account"
    BAD_CLAIMS = "claims not usable"
    MISCONFIGURED = "sign-in settings wrong"
    INVALID_REPLY = "invalid reply"
    PROVIDER_UNAVAILABLE = "sign-in service unreachable"


class SignInRefused(Exception):
    """A directory sign-in that must not open a session; ``detail`` names what was wrong and
    ``user`` is the account concerned, when there is one."""

    def __init__(self, reason: Reason, detail: str = "", user: AbstractUser | None = None) -> None:
        super().__init__(f"{reason}: {detail}" if detail else str(reason))
        self.reason = reason
        self.detail = detail
        self.user = user


@dataclass(frozen=True)
class DirectoryGrant:
    """What the directory's claims give: roles, and the sections of a head of service
    (None when sections are not mapped, so they are kept by hand)."""

    roles: frozenset[Role]
    section_codes: frozenset[str] | None


def role_named(key: str) -> Role:
    """``performance_officer`` → ``Role.PERFORMANCE_OFFICER``; ValueError names a wrong key."""
    try:
        return Role[key.strip().upper()]
    except KeyError:
        names = ", ".join(role.name.lower() for role in Role)
        raise ValueError(f"{key!r} is not a role (one of {names})") from None


def claim_values(claims: Mapping[str, Any], claim: str) -> frozenset[str]:
    """The values of the roles/groups claim; absent means none (Entra ID omits an empty one)."""
    if claim in claims.get("_claim_names", {}):
        # Entra ID's group overage: more groups than fit in a token, and a pointer to Graph
        # instead. Treating it as "no groups" would strip every role: refuse instead.
        raise SignInRefused(
            Reason.BAD_CLAIMS,
            f"the directory sent a reference instead of the {claim!r} claim (too many groups); "
            "use app roles, or groups assigned to the application",
        )
    value = claims.get(claim)
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return frozenset(value)
    raise SignInRefused(Reason.BAD_CLAIMS, f"the {claim!r} claim is not a list of text values")


def grant_from_claims(
    claims: Mapping[str, Any],
    claim: str,
    role_map: Mapping[str, list[str]],
    section_map: Mapping[str, list[str]],
) -> DirectoryGrant:
    """Roles from ``role_map`` and sections from ``section_map`` for the claim's values.

    A value mapped to a section makes the person a head of service of it.
    """
    values = claim_values(claims, claim)
    roles = {role_named(key) for value in values for key in role_map.get(value, [])}
    sections = {code for value in values for code in section_map.get(value, [])}
    if sections:
        roles.add(Role.HEAD_OF_SERVICE)
    return DirectoryGrant(frozenset(roles), frozenset(sections) if section_map else None)


def configured_grant(claims: Mapping[str, Any]) -> DirectoryGrant:
    try:
        return grant_from_claims(
            claims, settings.OIDC_ROLES_CLAIM, settings.OIDC_ROLES, settings.OIDC_SECTIONS
        )
    except ValueError as exc:
        raise SignInRefused(Reason.MISCONFIGURED, f"OIDC_ROLES: {exc}") from exc


def text_claim(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) else ""


def sign_in_account(claims: Mapping[str, Any], issuer: str) -> AbstractUser:
    """The account for verified ID token ``claims``: created on the first sign-in, its name and
    roles (and mapped sections) brought up to date on every one.

    Raises ``SignInRefused``, recorded in the audit log as ``account.refused``.
    """
    try:
        return _sign_in(claims, issuer)
    except SignInRefused as refusal:
        # Outside the sign-in's transaction: the refusal stays in the log.
        record(
            SYSTEM,
            "account.refused",
            refusal.user,
            reason=str(refusal.reason),
            detail=refusal.detail,
            username=text_claim(claims, settings.OIDC_USERNAME_CLAIM),
            source=SOURCE,
        )
        raise


def _sign_in(claims: Mapping[str, Any], issuer: str) -> AbstractUser:
    subject = text_claim(claims, "sub")
    username = text_claim(claims, settings.OIDC_USERNAME_CLAIM)
    if not subject or not username:
        raise SignInRefused(
            Reason.BAD_CLAIMS,
            f"the ID token has no 'sub' or {settings.OIDC_USERNAME_CLAIM!r} claim",
        )
    grant = configured_grant(claims)
    identity = (
        DirectoryIdentity.objects.select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    no_role = SignInRefused(
        Reason.NO_ROLE,
        f"no value of the {settings.OIDC_ROLES_CLAIM!r} claim gives a role",
        identity.user if identity else None,
    )
    if identity is None and not grant.roles:
        raise no_role  # no account is made for someone who may do nothing here
    if identity is not None and not identity.user.is_active:
        raise SignInRefused(
            Reason.DISABLED_HERE, "the account is disabled in this product", identity.user
        )
    others = get_user_model().objects.filter(username=username)
    if identity is not None:
        others = others.exclude(pk=identity.user_id)
    if others.exists():
        # Never join a directory person to an account they do not own (a local account, or a
        # leaver's whose username was reissued): refuse, and let the performance team decide.
        raise SignInRefused(Reason.USERNAME_TAKEN, f"another account is already named {username!r}")
    with transaction.atomic():
        user = _up_to_date_account(identity, claims, issuer, subject, username, grant)
    # Committed: roles removed in the directory are removed here even though sign-in is refused.
    if not grant.roles:
        raise no_role
    return user


def _up_to_date_account(
    identity: DirectoryIdentity | None,
    claims: Mapping[str, Any],
    issuer: str,
    subject: str,
    username: str,
    grant: DirectoryGrant,
) -> AbstractUser:
    profile: dict[str, Any] = {
        "username": username,
        "email": text_claim(claims, "email"),
        "first_name": text_claim(claims, "given_name")[:150],
        "last_name": text_claim(claims, "family_name")[:150],
    }
    if not (profile["first_name"] or profile["last_name"]):
        profile["first_name"] = text_claim(claims, "name")[:150]
    # Staff roles work in the admin (the catalogue), as the local accounts of these roles do.
    profile["is_staff"] = bool(grant.roles & set(STAFF_ROLES))
    if identity is None:
        # No password: this account signs in through the directory only.
        user = get_user_model().objects.create_user(**profile)
        DirectoryIdentity.objects.create(user=user, issuer=issuer, subject=subject)
        record(SYSTEM, "account.created", user, source=SOURCE, username=username)
    else:
        user = get_user_model().objects.select_for_update().get(pk=identity.user_id)
        changed = [field for field, value in profile.items() if getattr(user, field) != value]
        if changed:
            for field in changed:
                setattr(user, field, profile[field])
            user.save(update_fields=changed)
    set_roles(user, grant.roles)
    directory_sections.send(sender=DirectoryIdentity, user=user, section_codes=grant.section_codes)
    return user


def set_roles(user: AbstractUser, roles: frozenset[Role]) -> None:
    """Make ``user``'s four role groups exactly ``roles`` (each change recorded as
    ``role.granted`` / ``role.revoked`` with source ``directory``).

    Groups that are not roles are left alone.
    """
    groups = ensure_roles()
    names = set(user.groups.values_list("name", flat=True))
    held = {role for role in Role if role.value in names}
    # Each change is recorded once, as any role change is (audit's receiver of User.groups).
    with acting(SYSTEM, SOURCE):
        for role in sorted(roles - held):
            user.groups.add(groups[role])
        for role in sorted(held - roles):
            user.groups.remove(groups[role])


def refused_by_provider(user: AbstractUser | None, error: str, description: str) -> SignInRefused:
    """The provider answered the sign-in (or a session's re-validation) with an error, as for a
    person disabled there: record it and return the refusal to show."""
    detail = f"{error}: {description}" if description else error
    record(
        SYSTEM,
        "account.refused",
        user,
        reason=str(Reason.PROVIDER_REFUSED),
        detail=detail,
        source=SOURCE,
    )
    return SignInRefused(Reason.PROVIDER_REFUSED, detail, user)
