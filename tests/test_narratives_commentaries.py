"""The Performance Overview of each indicator, written with the section's narrative: saved,
versioned, diffed, submitted and approved together; conflicts and refusals change nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import Event
from indicators import performance as perf
from indicators.models import Indicator, Layout
from narratives import services
from narratives.forms import COMMENTARY_FIELD
from narratives.models import Status
from narratives.pages import build_diff
from tests.narrative_world import APRIL, make_world

OVERVIEW = "Entries **fell** to 17.\n\n- under 1s: 9\n- 16+: 5"


@pytest.fixture
def world(db, cast):
    world = make_world(cast)
    for order, (reference, title) in enumerate(
        [("4.01.01", "Children entering care"), ("4.01.02", "Characteristics")], start=1
    ):
        Indicator.objects.create(
            reference=reference,
            title=title,
            section=world.lac,
            polarity=perf.Polarity.INFO.value,
            unit="Count",
            aggregation=perf.Aggregation.SNAPSHOT.value,
            order=order,
        )
    return world


@pytest.fixture
def april(world):
    return world.open(APRIL)


def test_save_submit_and_approve_with_commentaries(world, april):
    hos, approver = world.who("hos"), world.who("approver")
    narrative = world.narrative(april)
    services.save_text(
        narrative, hos, "Section text.", "", 0, {"4.01.02": "Ratio steady.", "4.01.01": OVERVIEW}
    )
    assert narrative.commentaries == {"4.01.01": OVERVIEW, "4.01.02": "Ratio steady."}
    assert list(narrative.commentaries) == ["4.01.01", "4.01.02"]  # the section's order
    services.submit(narrative, hos)
    services.approve(narrative, approver)
    assert narrative.status == Status.APPROVED
    approved = narrative.reviewed_version
    assert approved is not None and approved.commentaries == narrative.commentaries
    event = Event.objects.filter(verb="narrative.saved").latest("id")
    assert event.details["commentaries"] == ["4.01.01", "4.01.02"]


def test_every_version_keeps_its_commentaries_and_none_keeps_them(world, april):
    hos = world.who("hos")
    narrative = world.narrative(april)
    services.save_text(narrative, hos, "Text.", "", 0, {"4.01.01": "First."})
    services.save_text(narrative, hos, "Text.", "", 1, {"4.01.01": "Second."})
    # A page that asks for no overviews (None) keeps them; a blank one removes it.
    services.save_text(narrative, hos, "Text, longer.", "", 2)
    assert narrative.commentaries == {"4.01.01": "Second."}
    services.save_text(narrative, hos, "Text, longer.", "", 3, {"4.01.01": "  "})
    assert narrative.commentaries == {}
    kept = [v.commentaries for v in narrative.versions.order_by("number")]
    assert kept == [{"4.01.01": "First."}, {"4.01.01": "Second."}, {"4.01.01": "Second."}, {}]
    # Saving the same texts and overviews again keeps no new version.
    services.save_text(narrative, hos, "Text, longer.", "", 4, {})
    assert narrative.version == 4


def test_the_diff_shows_a_changed_commentary(world, april):
    hos, approver = world.who("hos"), world.who("approver")
    narrative = world.narrative(april)
    services.save_text(narrative, hos, "Same text.", "", 0, {"4.01.01": "Entries fell to 17."})
    services.submit(narrative, hos)
    services.request_changes(narrative, approver, "Say why.")
    services.save_text(
        narrative,
        hos,
        "Same text.",
        "",
        1,
        {"4.01.01": "Entries fell to 17 <as> planned.", "4.01.02": "New."},
    )
    diff = build_diff(narrative)
    assert diff is not None and not diff.unchanged
    assert [(c.reference, c.title) for c in diff.commentaries] == [
        ("4.01.01", "Children entering care"),
        ("4.01.02", "Characteristics"),
    ]
    assert str(diff.commentaries[0].html) == (
        "Entries fell to <del>17.</del><ins>17 &lt;as&gt; planned.</ins>"
    )
    assert str(diff.commentaries[1].html) == "<ins>New.</ins>"
    assert str(diff.changes) == "Same text."


def test_a_stale_copy_of_a_commentary_is_a_conflict(world, april):
    hos = world.who("hos")
    narrative = world.narrative(april)
    services.save_text(narrative, hos, "Text.", "", 0, {"4.01.01": "Theirs."})
    with pytest.raises(services.StaleVersion) as conflict:
        services.save_text(narrative, hos, "Text.", "", 0, {"4.01.01": "Yours."})
    assert conflict.value.yours.commentaries == {"4.01.01": "Yours."}
    assert conflict.value.theirs is not None
    assert conflict.value.theirs.commentaries == {"4.01.01": "Theirs."}
    narrative.refresh_from_db()
    assert (narrative.version, narrative.commentaries) == (1, {"4.01.01": "Theirs."})


@pytest.mark.parametrize(
    "commentaries, message",
    [
        ({"4.01.01": "x" * (services.MAX_TEXT + 1)}, "Performance Overview of 4.01.01"),
        ({"9.9": "An indicator of another section."}, "Not an indicator of LOOKED AFTER"),
    ],
)
def test_refused_commentaries_change_nothing(world, april, commentaries, message):
    hos = world.who("hos")
    narrative = world.narrative(april)
    services.save_text(narrative, hos, "Text.", "", 0, {"4.01.01": "Kept."})
    events = Event.objects.count()
    with pytest.raises(services.WorkflowError, match=message):
        services.save_text(narrative, hos, "Other text.", "", 1, commentaries)
    narrative.refresh_from_db()
    assert (narrative.version, narrative.changes, narrative.commentaries) == (
        1,
        "Text.",
        {"4.01.01": "Kept."},
    )
    assert narrative.versions.count() == 1 and Event.objects.count() == events


def test_approved_commentaries_are_carried_forward(world, april):
    hos, approver = world.who("hos"), world.who("approver")
    narrative = world.narrative(april)
    services.save_text(narrative, hos, "Text.", "", 0, {"4.01.01": "Carried."})
    services.submit(narrative, hos)
    services.approve(narrative, approver)
    may = world.open(APRIL.replace(month=5))
    carried = world.narrative(may)
    assert carried.commentaries == {"4.01.01": "Carried."}
    assert carried.current_version().commentaries == {"4.01.01": "Carried."}


# -- the narrative page -------------------------------------------------------------------------


def client_for(world, role: str) -> Client:
    client = Client()
    client.force_login(world.who(role))
    return client


def page(narrative) -> str:
    return reverse("narratives:narrative", args=[narrative.pk])


def board(world) -> None:
    world.framework.layout = Layout.BOARD
    world.framework.save(update_fields=["layout"])


def test_only_a_board_framework_asks_for_overviews(world, april):
    narrative = world.narrative(april)
    html = client_for(world, "hos").get(page(narrative)).content.decode()
    assert "Performance Overview" not in html
    board(world)
    html = client_for(world, "hos").get(page(narrative)).content.decode()
    assert html.count('class="commentary') == 2  # one box per indicator of the section
    assert "Performance Overview: 4.01.01 Children entering care" in html


def test_the_page_saves_the_texts_and_overviews_together(world, april):
    board(world)
    narrative = world.narrative(april)
    client = client_for(world, "hos")
    response = client.post(
        reverse("narratives:save", args=[narrative.pk]),
        {
            "changes": "Section text.",
            "data_notes": "",
            "base_version": "0",
            f"{COMMENTARY_FIELD}4.01.01": "<b>Raw</b> & **bold**",
            f"{COMMENTARY_FIELD}4.01.02": "",
        },
    )
    assert response.status_code == 302
    narrative.refresh_from_db()
    assert (narrative.version, narrative.commentaries) == (1, {"4.01.01": "<b>Raw</b> & **bold**"})
    html = client_for(world, "approver").get(page(narrative)).content.decode()
    assert "&lt;b&gt;Raw&lt;/b&gt; &amp; <strong>bold</strong>" in html  # escaped, markup kept
    assert "<b>Raw</b>" not in html


def test_a_stale_overview_gets_the_conflict_page_with_both_texts(world, april):
    board(world)
    narrative = world.narrative(april)
    services.save_text(narrative, world.who("hos"), "Text.", "", 0, {"4.01.01": "Theirs."})
    response = client_for(world, "hos").post(
        reverse("narratives:save", args=[narrative.pk]),
        {
            "changes": "Text.",
            "data_notes": "",
            "base_version": "0",
            f"{COMMENTARY_FIELD}4.01.01": "Yours.",
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Yours." in html and "Theirs." in html
    narrative.refresh_from_db()
    assert narrative.commentaries == {"4.01.01": "Theirs."}


def test_an_over_long_overview_from_the_page_changes_nothing(world, april):
    board(world)
    narrative = world.narrative(april)
    response = client_for(world, "hos").post(
        reverse("narratives:save", args=[narrative.pk]),
        {
            "changes": "Text.",
            "data_notes": "",
            "base_version": "0",
            f"{COMMENTARY_FIELD}4.01.01": "x" * (services.MAX_TEXT + 1),
        },
    )
    assert response.status_code == 400
    narrative.refresh_from_db()
    assert (narrative.version, narrative.commentaries, narrative.changes) == (0, {}, "")
