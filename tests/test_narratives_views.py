"""The narrative pages: who sees what, buttons only for allowed actions, 403 on the rest, the
conflict page, escaping, and writing with the section's figures in view."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from indicators.services import default_timetable, open_month
from narratives import services
from narratives.models import Narrative, Status
from narratives.rules import Verb
from tests.cast import Cast, person
from tests.helpers import csv_bytes, imported
from tests.narrative_world import APRIL, World, bring_to, make_world, sample_narratives

ROLES = ("officer", "hos", "other_hos", "approver", "panel")
VERBS = {
    Verb.SAVE: (Status.DRAFT, "hos"),
    Verb.SUBMIT: (Status.DRAFT, "hos"),
    Verb.REQUEST_CHANGES: (Status.SUBMITTED, "approver"),
    Verb.APPROVE: (Status.SUBMITTED, "approver"),
    Verb.REOPEN: (Status.APPROVED, "officer"),
}
POSTS = {
    Verb.SAVE: {"changes": "Posted text.", "data_notes": "", "base_version": "1"},
    Verb.SUBMIT: {},
    Verb.REQUEST_CHANGES: {"comment": "More, please."},
    Verb.APPROVE: {},
    Verb.REOPEN: {"reason": "Restated figures."},
}
BUTTONS = {
    Verb.SAVE: "Save draft",
    Verb.SUBMIT: "Submit for approval",
    Verb.REQUEST_CHANGES: "Return with changes requested",
    Verb.APPROVE: "Approve version",
    Verb.REOPEN: "Reopen for changes",
}


@pytest.fixture
def world(cast: Cast) -> World:
    return make_world(cast)


@pytest.fixture
def april(world):
    return world.open(APRIL)


def client_for(world, role: str) -> Client:
    client = Client()
    client.force_login(world.who(role))
    return client


def page(narrative: Narrative) -> str:
    return reverse("narratives:narrative", args=[narrative.pk])


def stored(narrative: Narrative) -> tuple:
    narrative.refresh_from_db()
    return narrative.status, narrative.changes, narrative.version, narrative.transitions.count()


@pytest.mark.parametrize("role", [*ROLES, None])
def test_who_may_open_the_pages(world, april, role):
    client = client_for(world, role) if role else Client()
    urls = [
        reverse("narratives:latest"),
        reverse("narratives:dashboard", args=[april.pk]),
        page(world.narrative(april)),
        page(world.narrative(april, world.fostering)),
    ]
    for url in urls:
        response = client.get(url)
        if role is None:
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login")), url
        elif role == "panel":
            assert response.status_code == 403, url
        else:
            final = client.get(url, follow=True) if response.status_code == 302 else response
            assert final.status_code == 200, (url, role)


def test_panel_members_are_refused_every_narrative_action(world, april):
    client = client_for(world, "panel")
    narrative = world.narrative(april)
    before = stored(narrative)
    for verb, data in POSTS.items():
        assert (
            client.post(reverse(f"narratives:{verb.value}", args=[narrative.pk]), data).status_code
            == 403
        )
    assert client.post(reverse("narratives:create_missing", args=[april.pk])).status_code == 403
    assert stored(narrative) == before


def test_the_nav_links_to_the_latest_dashboard(world, april):
    client = client_for(world, "approver")
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("narratives:latest")}"' in home
    response = client.get(reverse("narratives:latest"))
    assert response["Location"] == reverse("narratives:dashboard", args=[april.pk])


def test_with_no_month_open_the_dashboard_says_so(world):
    response = client_for(world, "officer").get(reverse("narratives:latest"))
    assert (
        response.status_code == 200
        and "No reporting month is open yet" in response.content.decode()
    )


def test_the_dashboard_lists_every_section_and_links_a_head_of_service_only_to_their_own(
    world, april
):
    lac, fostering = world.narrative(april), world.narrative(april, world.fostering)
    bring_to(lac, Status.SUBMITTED, world)
    url = reverse("narratives:dashboard", args=[april.pk])
    html = client_for(world, "hos").get(url).content.decode()
    assert "LOOKED AFTER CHILDREN" in html and "FOSTERING" in html
    assert page(lac) in html and page(fostering) not in html
    assert "Submitted" in html and "Not started" in html
    assert "22/05/2020" in html and "15/05/2020" in html  # sign-off due; narratives due
    assert f"Submitted by {world.hos.get_full_name()}" in html  # the last action
    assert world.other_hos.get_full_name() in html  # authors
    for role in ("officer", "approver"):
        html = client_for(world, role).get(url).content.decode()
        assert page(lac) in html and page(fostering) in html


def test_an_officer_creates_narratives_a_month_lacks(world):
    month = world.open(APRIL)
    Narrative.objects.filter(reporting_month=month).delete()
    client = client_for(world, "officer")
    assert (
        "Create the missing narratives"
        in client.get(reverse("narratives:dashboard", args=[month.pk])).content.decode()
    )
    response = client.post(reverse("narratives:create_missing", args=[month.pk]))
    assert response.status_code == 302
    assert Narrative.objects.filter(reporting_month=month).count() == 2
    assert (
        client_for(world, "approver")
        .post(reverse("narratives:create_missing", args=[month.pk]))
        .status_code
        == 403
    )


@pytest.mark.parametrize("verb", list(Verb))
@pytest.mark.parametrize("role", ["officer", "hos", "other_hos", "approver"])
def test_buttons_only_for_allowed_actions_and_403_on_the_rest(world, april, role, verb):
    status, allowed_role = VERBS[verb]
    narrative = bring_to(world.narrative(april), status, world)
    client = client_for(world, role)
    html = client.get(page(narrative)).content.decode()
    assert (BUTTONS[verb] in html) == (role == allowed_role), (role, verb)
    before = stored(narrative)
    response = client.post(reverse(f"narratives:{verb.value}", args=[narrative.pk]), POSTS[verb])
    if role == allowed_role:
        assert response.status_code == 302 and response["Location"] == page(narrative)
        assert stored(narrative) != before
    else:
        assert response.status_code == 403
        assert 'role="alert"' in response.content.decode()
        assert stored(narrative) == before


def test_the_whole_cycle_through_the_pages(world, april):
    narrative = world.narrative(april)
    hos, approver, officer = (client_for(world, r) for r in ("hos", "approver", "officer"))
    save = reverse("narratives:save", args=[narrative.pk])
    response = hos.post(save, {"changes": "LAC rose.", "data_notes": "", "base_version": "0"})
    assert response.status_code == 302
    assert "Saved (version 1)" in hos.get(page(narrative)).content.decode()
    hos.post(reverse("narratives:submit", args=[narrative.pk]))
    approver.post(reverse("narratives:request_changes", args=[narrative.pk]), {"comment": "Why?"})
    hos.post(save, {"changes": "LAC rose: admissions.", "data_notes": "", "base_version": "1"})
    hos.post(reverse("narratives:submit", args=[narrative.pk]))
    html = approver.get(page(narrative)).content.decode()
    assert "Changes since the version last reviewed (version 1)" in html
    assert "<del>rose.</del><ins>rose: admissions.</ins>" in html
    approver.post(reverse("narratives:approve", args=[narrative.pk]))
    officer.post(reverse("narratives:reopen", args=[narrative.pk]), {"reason": "Restated."})
    narrative.refresh_from_db()
    assert narrative.status == Status.DRAFT
    timeline = hos.get(page(narrative)).content.decode()
    for entry in (
        "Started",
        "Submitted",
        "Returned with changes requested",
        "Why?",
        "Approved",
        "Reopened",
        "Restated.",
        "Approved → Draft",
    ):
        assert entry in timeline


def test_a_blank_comment_or_reason_re_renders_with_errors(world, april):
    narrative = bring_to(world.narrative(april), Status.SUBMITTED, world)
    response = client_for(world, "approver").post(
        reverse("narratives:request_changes", args=[narrative.pk]), {"comment": "  "}
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert stored(narrative)[0] == Status.SUBMITTED
    services.approve(narrative, world.cast.approver)
    response = client_for(world, "officer").post(
        reverse("narratives:reopen", args=[narrative.pk]), {}
    )
    assert response.status_code == 400 and stored(narrative)[0] == Status.APPROVED


def test_a_bad_text_form_re_renders_with_errors(world, april):
    narrative = world.narrative(april)
    response = client_for(world, "hos").post(
        reverse("narratives:save", args=[narrative.pk]), {"changes": "x", "base_version": "soon"}
    )
    assert response.status_code == 400 and "Enter a whole number" in response.content.decode()
    assert stored(narrative)[2] == 0


def test_two_editors_from_the_same_version_the_second_gets_the_conflict_page(world, april):
    narrative = bring_to(world.narrative(april), Status.DRAFT, world, text="Start.")
    colleague = person("hos.lac2", Role.HEAD_OF_SERVICE)
    world.lac.managers.add(colleague)
    first, second = client_for(world, "hos"), Client()
    second.force_login(colleague)
    save = reverse("narratives:save", args=[narrative.pk])
    base = str(narrative.version)
    assert f'name="base_version" value="{base}"' in first.get(page(narrative)).content.decode()
    one = first.post(
        save, {"changes": "First <editor> & co.", "data_notes": "n1", "base_version": base}
    )
    assert one.status_code == 302
    two = second.post(
        save, {"changes": "Second editor's text.", "data_notes": "n2", "base_version": base}
    )
    assert two.status_code == 409
    html = two.content.decode()
    assert "Your text was not saved" in html
    assert "Second editor&#x27;s text." in html  # yours
    assert "First &lt;editor&gt; &amp; co." in html  # theirs, escaped
    assert f"{world.hos.get_full_name()} saved version 2" in html
    assert 'name="base_version" value="2"' in html  # saving again is a deliberate overwrite
    narrative.refresh_from_db()
    assert (narrative.changes, narrative.data_notes, narrative.version) == (
        "First <editor> & co.",
        "n1",
        2,
    )
    assert narrative.versions.count() == 2


def test_a_refused_save_shows_the_unsaved_text(world, april):
    narrative = bring_to(world.narrative(april), Status.SUBMITTED, world)
    response = client_for(world, "hos").post(
        reverse("narratives:save", args=[narrative.pk]),
        {"changes": "Late <edit>", "data_notes": "", "base_version": "1"},
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "it cannot be edited now" in html and "Late &lt;edit&gt;" in html


def test_text_is_shown_escaped_with_the_markup_subset(world, april):
    narrative = world.narrative(april)
    text = "<script>alert('x')</script> & < **bold**\n\n- a point\n- café 👶"
    services.save_text(narrative, world.hos, text, "Notes & <i>more</i>", 0)
    html = client_for(world, "approver").get(page(narrative)).content.decode()
    assert "<script>alert" not in html
    assert (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt; <strong>bold</strong>" in html
    )
    assert "<ul><li>a point</li><li>café 👶</li></ul>" in html
    assert "Notes &amp; &lt;i&gt;more&lt;/i&gt;" in html
    # The editor's textarea holds the raw text, escaped once.
    editor = client_for(world, "hos").get(page(narrative)).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt; **bold**" in editor


def test_a_long_text_round_trips_through_the_page(world, april):
    narrative = world.narrative(april)
    text = "\n\n".join(" ".join(["placement"] * 100) for _ in range(30))  # 3,000 words
    client = client_for(world, "hos")
    response = client.post(
        reverse("narratives:save", args=[narrative.pk]),
        {"changes": text, "data_notes": "", "base_version": "0"},
    )
    assert response.status_code == 302
    narrative.refresh_from_db()
    assert narrative.changes == text
    assert client.get(page(narrative)).content.decode().count("<p>placement placement") == 30


def test_unknown_narratives_and_months_are_not_found(world, april):
    client = client_for(world, "officer")
    assert client.get(reverse("narratives:narrative", args=[999999])).status_code == 404
    assert client.get(reverse("narratives:dashboard", args=[999999])).status_code == 404


def test_get_on_an_action_is_not_allowed(world, april):
    client = client_for(world, "hos")
    assert (
        client.get(reverse("narratives:submit", args=[world.narrative(april).pk])).status_code
        == 405
    )


def test_writing_with_the_figures_in_view(sample, officer, head_of_service):
    """The April 2020 sample: the LAC-RPV narrative with its table, restatement flags and
    talking points."""
    month = open_month(sample, APRIL, default_timetable(APRIL), officer)
    narrative = Narrative.objects.get(reporting_month=month, section__code="LAC-RPV")
    changes, notes = sample_narratives()["LAC-RPV"]
    services.save_text(narrative, head_of_service("LAC-RPV"), changes, notes, 0)
    client = Client()
    client.force_login(head_of_service("LAC-RPV"))
    rerun = csv_bytes([["indicator", "month", "value"], ["6.1", "2020-04", "605"]])
    assert imported("figures", "rerun.csv", rerun, officer).ok
    html = client.get(page(narrative)).content.decode()
    assert "LOOKED AFTER CHILDREN - REVIEWS, PLANS &amp; VISITS" in html
    assert "Monthly figures, 2020/21, as at April 2020" in html
    assert "81.2%" in html and 'id="chart-data"' in html
    assert "6.20 % LAC visits up to date" in html and "newly off target: red at 81.2%" in html
    assert "Timeliness however increased to 95.2% (+1.4%)." in html
    assert "Save draft" in html and "Submit for approval" in html
    # The LAC narrative shows the restated April figure of 6.1 flagged.
    lac = Narrative.objects.get(reporting_month=month, section__code="LAC")
    other = Client()
    other.force_login(head_of_service("LAC"))
    html = other.get(page(lac)).content.decode()
    assert '<span class="restated" title="Restated: was 604, now 605' in html
    dashboard = other.get(reverse("narratives:dashboard", args=[month.pk])).content.decode()
    assert page(narrative) not in dashboard
    assert page(Narrative.objects.get(reporting_month=month, section__code="LAC")) in dashboard
