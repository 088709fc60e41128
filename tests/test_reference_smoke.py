"""The tiny fixture builds through the production build (kept small; full tests in test_reference.py)."""

import duckdb


def test_tiny_db_has_toy_places(tiny_db):
    con = duckdb.connect(str(tiny_db), read_only=True)
    rows = con.execute(
        "select place, count(*) from ref_lsoa where preset = 'toy' group by place order by place"
    ).fetchall()
    assert rows == [("Northtown", 6), ("Southtown", 4)]
