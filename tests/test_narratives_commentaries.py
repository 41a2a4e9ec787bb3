"""The Performance Overview of each indicator, written with the section's narrative: saved,
versioned, diffed, submitted and approved together; conflicts and refusals change nothing."""

from __future__ import annotations

import pytest

from audit.models import Event
from indicators import performance as perf
from indicators.models import Indicator
from narratives import services
from narratives.models import Status
from narratives.pages import build_diff
from tests.narrative_world import APRIL, make_world

OVERVIEW = "Entries **fell** to 17.\n\n- under 1s: 9\n- 16+: 5"


@pytest.fixture
def world(db):
    world = make_world()
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
    hos, approver = world.users["hos"], world.users["approver"]
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
    hos = world.users["hos"]
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
    hos, approver = world.users["hos"], world.users["approver"]
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
    hos = world.users["hos"]
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
    hos = world.users["hos"]
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
    hos, approver = world.users["hos"], world.users["approver"]
    narrative = world.narrative(april)
    services.save_text(narrative, hos, "Text.", "", 0, {"4.01.01": "Carried."})
    services.submit(narrative, hos)
    services.approve(narrative, approver)
    may = world.open(APRIL.replace(month=5))
    carried = world.narrative(may)
    assert carried.commentaries == {"4.01.01": "Carried."}
    assert carried.current_version().commentaries == {"4.01.01": "Carried."}
