"""The test cast (tests/cast.py) is who the product says it is: each person holds their role
and only it, and with the sample loaded each head of service manages their section."""

from __future__ import annotations

from accounts.access import roles_of
from accounts.roles import Role
from indicators.models import Section
from tests.cast import Cast


def test_each_person_holds_their_role_only(cast: Cast) -> None:
    assert roles_of(cast.officer) == {Role.PERFORMANCE_OFFICER}
    assert roles_of(cast.approver) == {Role.APPROVER}
    assert roles_of(cast.panel) == {Role.PANEL_MEMBER}
    assert roles_of(cast.nobody) == set()
    assert all(roles_of(head) == {Role.HEAD_OF_SERVICE} for head in cast.heads.values())
    assert [cast.of(role) for role in Role] == [
        cast.officer,
        cast.heads["LAC"],
        cast.approver,
        cast.panel,
    ]


def test_with_the_sample_the_cast_is_its_accounts_and_heads(sample, cast: Cast) -> None:
    for section in Section.objects.filter(frameworks=sample):
        assert list(section.managers.all()) == [cast.head_of_service(section.code)]


def test_a_section_built_in_code_gets_its_head(cast: Cast, head_of_service) -> None:
    section = Section.objects.create(code="NEW", title="New")
    head = head_of_service(section)
    assert head.username == "hos.new"
    assert roles_of(head) == {Role.HEAD_OF_SERVICE}
    assert list(section.managers.all()) == [head]
    assert head_of_service("NEW") == head
