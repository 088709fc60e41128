"""Which insights belong to an ICS's library (wpc.insights.library), on the real reference
database with insights written straight into the table."""

from __future__ import annotations

from tests.engagement_rows import measure
from wpc import db
from wpc.insights.library import insight_rows, load_index


def add(con, insight_id, upload_id, preset=None, place=None, date="2025-05-01"):
    con.execute(
        "insert into insights (insight_id, insight_date, preset, place, summary, themes, groups, upload_id) "
        "values (?, ?, ?, ?, ?, [], [], ?)",
        [insight_id, date, preset, place, f"Said at {insight_id}", upload_id],
    )


def test_insights_given_no_place_stay_with_their_uploads_ics(writable_reference_db):
    with db.writing(writable_reference_db) as con:
        add(con, "SEL-1", 1, "sel", "Lambeth", date="2025-06-01")
        add(con, "SEL-NO-PLACE", 1)  # in a file of South East London's insights
        add(con, "MSE-1", 2, "mse", "Thurrock")
        add(con, "MSE-NO-PLACE", 2)  # in a file of Mid and South Essex's insights
        add(con, "ORPHAN", 3, date=None)  # a file with no place at all: every ICS's
        add(con, "BOTH-NO-PLACE", 4)  # a file with insights of two ICSs
        add(con, "BOTH-SEL", 4, "sel", "Bexley", date="2025-04-01")
        add(con, "BOTH-HW", 4, "hw", "Herefordshire")
    sel = measure(writable_reference_db, insight_rows, preset="sel")
    assert sel["insight_id"].tolist() == ["SEL-1", "BOTH-NO-PLACE", "SEL-NO-PLACE", "BOTH-SEL", "ORPHAN"]
    mse = measure(writable_reference_db, insight_rows, preset="mse")
    assert mse["insight_id"].tolist() == ["MSE-1", "MSE-NO-PLACE", "ORPHAN"]
    hw = measure(writable_reference_db, insight_rows, preset="hw")
    assert hw["insight_id"].tolist() == ["BOTH-HW", "BOTH-NO-PLACE", "ORPHAN"]
    index = measure(writable_reference_db, load_index, preset="mse")
    assert (len(index), index.search("mse").total, index.search("sel").total) == (3, 2, 0)
