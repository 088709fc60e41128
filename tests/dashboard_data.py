"""Hand-made engagement on Toyshire for the dashboard's tests, small enough to work out by hand.

Toyshire (tests/fixtures/tiny_reference.py): Northtown LSOAs N1 E01900001 (decile 1, 1,000
residents), N2 (d1, 1,200), N3 (d2, 1,500), N4 (d5, 1,300), N5 (d8, 1,100), N6 (d10, 900):
7,000 residents, 3,700 of them in Core20 (N1-N3). Southtown S7 (d3, 1,400), S8 (d4, 1,600),
S9 (d6, 1,000), S10 (d9, 1,250): 5,250 residents, none in Core20. Sex splits half and half.
National IMD ranks: N1 1, N2 2, Elsewhere's E01900011 3, N3 4 ...

    A1  Northtown  2025-05-01  rung 6  feedback due 2025-07-01, given 2025-06-15 (on time)
        12 women in N1, 20 men in N4, 8 women in N5
    A2  Northtown  2025-08-10  rung 3  feedback due 2025-09-01, not given (overdue)
        5 people of unknown sex in N6, 10 women with no home area
    B1  Southtown  2025-06-01  rung 7  feedback due 2025-07-01, given 2025-08-01 (late)
        15 men in S7
"""

from __future__ import annotations

N1, N2, N3, N4, N5, N6 = (f"E0190000{i}" for i in range(1, 7))
S7 = "E01900007"


def fill(rows) -> None:
    rows.activity("A1", "Northtown", "2025-05-01", ladder_rung=6, feedback_due="2025-07-01",
                  feedback_date="2025-06-15", method="survey")
    rows.people("A1", 12, lsoa21cd=N1, sex="female")
    rows.people("A1", 20, lsoa21cd=N4, sex="male")
    rows.people("A1", 8, lsoa21cd=N5, sex="female")
    rows.activity("A2", "Northtown", "2025-08-10", ladder_rung=3, feedback_due="2025-09-01", method="outreach")
    rows.people("A2", 5, lsoa21cd=N6)
    rows.people("A2", 10, sex="female")
    rows.activity("B1", "Southtown", "2025-06-01", ladder_rung=7, feedback_due="2025-07-01",
                  feedback_date="2025-08-01", method="survey")
    rows.people("B1", 15, lsoa21cd=S7, sex="male")
