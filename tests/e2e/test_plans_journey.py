"""Journeys of the plans, the geography below place, ICS-wide activities and partners, in the real
app in headless Chromium, on a demo year ending yesterday (as `./run.sh` builds it, so the app's
"today" is the day after the demo year, as a new user's would be):

- a Lewisham place lead uploads next quarter's plan on the Upload page and opens Plans: for each
  planned activity its overlaps, fatigue warning, matching insights and cold spots, with the
  counts the measures give;
- a Worcestershire place lead opens Districts, rural areas and PCNs: the rural gap in one
  sentence, reach by district, by rural/urban class and, once GP registrations by LSOA are
  imported with `wpc init --gp-registrations`, by PCN;
- a Lewisham lead's Overview says how many ICS-wide events it leaves out and how many of their
  participants live in Lewisham, and those participants are in Lewisham's count;
- a population health lead opens Partners.
Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest
from typer.testing import CliRunner

from tests.conftest import REFERENCE_DIR
from tests.e2e.conftest import rerun_by, running_app, screenshot, wait_for_app
from tests.engagement_rows import measure
from wpc import cli, demo
from wpc.config import load_settings
from wpc.measures import Scope, participants
from wpc.measures.activity import ics_wide
from wpc.views import geography, plans

pytestmark = pytest.mark.e2e

TODAY = dt.date.today()
TALL = {"width": 1400, "height": 2600}


@pytest.fixture(scope="module")
def fresh_demo(reference_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("fresh_demo") / "wpc.duckdb"
    shutil.copy(reference_db, path)
    settings = load_settings(db_path=path)
    for preset in ("sel", "hw"):
        demo.load_demo(settings, preset, path, end_date=TODAY - dt.timedelta(days=1))
    registrations = gp_registrations_for_worcestershire(path, tmp_path_factory.mktemp("gp") / GP_FILE)
    result = CliRunner().invoke(cli.app, ["init", "--db", str(path), "--gp-registrations", str(registrations)])
    assert result.exit_code == 0, result.output
    return path


GP_FILE = "gp-reg-pat-prac-lsoa-all.csv"


def gp_registrations_for_worcestershire(db_path, out):
    """A file in NHS England's published format (docs/methods.md section 3) registering each of
    Worcestershire's residents at one of the practices in their district (the practices' own
    postcodes place them), taken in turn: made up, but with the real practices and PCNs."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        rows = con.execute("""
                with practice as (
                    select g.practice_code, g.practice_name, l.lad24cd,
                           row_number() over (partition by l.lad24cd order by g.practice_code) - 1 as n,
                           count(*) over (partition by l.lad24cd) as practices
                    from read_csv($map, all_varchar = true) g
                    join ref_postcode_lsoa pc on pc.postcode_key = replace(upper(g.practice_postcode), ' ', '')
                    join ref_lsoa l on l.lsoa21cd = pc.lsoa21cd and l.preset = 'hw' and l.place = 'Worcestershire'
                ),
                lsoa as (
                    select lsoa21cd, lad24cd, population,
                           row_number() over (partition by lad24cd order by lsoa21cd) - 1 as k
                    from ref_lsoa where preset = 'hw' and place = 'Worcestershire'
                )
                select 'GP_PRAC_PAT_LIST' as PUBLICATION, '01OCT2025' as EXTRACT_DATE,
                       p.practice_code as PRACTICE_CODE, p.practice_name as PRACTICE_NAME,
                       s.lsoa21cd as LSOA_CODE, 'ALL' as SEX, s.population as NUMBER_OF_PATIENTS
                from lsoa s join practice p on p.lad24cd = s.lad24cd and p.n = s.k % p.practices
                order by LSOA_CODE
            """, {"map": str(REFERENCE_DIR / "gp_practice_pcn_ccg_stp_map_jan2022_england.csv.gz")}).df()
    finally:
        con.close()
    assert len(rows) == 374  # every one of Worcestershire's LSOAs
    rows.to_csv(out, index=False)
    return out


@pytest.fixture(scope="module")
def app_url(fresh_demo):
    with running_app(fresh_demo) as base:
        yield base


def lewisham_plan(path, folder):
    """Next quarter's plan for Lewisham: two activities, one aimed at the place's two most deprived
    neighbourhoods (MSOAs), one with no target areas."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        msoas = [row[0] for row in con.execute(
            "select msoa21cd from ref_lsoa where place = 'Lewisham' group by 1 order by min(imd_rank) limit 2"
        ).fetchall()]
    finally:
        con.close()
    start = TODAY + dt.timedelta(days=20)
    text = (
        "activity_id,title,start_date,place,organisation,organisation_type,programme,method,target_groups,"
        "target_areas,status\n"
        f"LEW-PLAN-1,Listening event: maternity care for young parents in Lewisham,{start:%d/%m/%Y},Lewisham,"
        f"Healthwatch Lewisham,Healthwatch,Maternity,listening event,core20; young_people,{'; '.join(msoas)},"
        "Planned\n"
        f"LEW-PLAN-2,Drop-in: blood pressure checks in Lewisham,{start + dt.timedelta(days=30):%d/%m/%Y},"
        "Lewisham,Lewisham Council,Council,Hypertension,drop-in,core20,,planned\n"
    )
    path = folder / "lewisham-next-quarter.csv"
    path.write_text(text, encoding="utf-8")
    return path


def plan_card(page, title: str):
    """One plan's expander, found by its heading (a title may also be in another plan's tables)."""
    return page.locator("[data-testid='stExpander']").filter(
        has=page.locator("summary").get_by_text(title, exact=True))


def charts_drawn(page, expected: int) -> None:
    """Wait until the page's plotly charts are drawn (after the run ends), then check there are
    exactly `expected`."""
    page.locator(".js-plotly-plot").nth(expected - 1).wait_for()
    assert page.locator(".js-plotly-plot").count() == expected


def metric_values(card) -> dict[str, str]:
    """The headline figures inside one plan's card, label -> value."""
    return card.evaluate("""(card) => Object.fromEntries([...card.querySelectorAll("[data-testid='stMetric']")]
        .map(m => [m.querySelector("[data-testid='stMetricLabel']").innerText.trim(),
                   m.querySelector("[data-testid='stMetricValue']").innerText.trim()]))""")


def test_a_lewisham_lead_uploads_next_quarter_s_plan_and_checks_it(app_url, page, fresh_demo, tmp_path):
    page.set_viewport_size(TALL)
    page.goto(f"{app_url}/upload?preset=sel&place=Lewisham")
    wait_for_app(page)
    page.get_by_text("New in the activity log").wait_for()
    # activities are what the page expects first
    page.get_by_text("Templates, and what each activities column means").wait_for()
    page.locator("input[type=file]").set_input_files(str(lewisham_plan(fresh_demo, tmp_path)))
    page.get_by_text("No problems found: every row will be stored.").wait_for()
    screenshot(page, "plans-0-upload-checked")
    rerun_by(page, page.get_by_role("button", name="Store 2 rows and quarantine 0").click)
    page.get_by_text("2 rows stored, 0 quarantined").wait_for()

    page.goto(f"{app_url}/plans?preset=sel&place=Lewisham")
    wait_for_app(page)
    page.get_by_role("heading", name="Plans: Lewisham").wait_for()
    expected = measure(fresh_demo, plans.build, scope=Scope(preset="sel", place="Lewisham"))
    ours = {c.activity_id: c for c in expected.checks if c.activity_id.startswith("LEW-PLAN")}
    assert set(ours) == {"LEW-PLAN-1", "LEW-PLAN-2"}
    page.get_by_text(expected.sentence[:60]).wait_for()
    first = expected.checks[0]
    for check in ours.values():
        # each plan's card (the first is open): its four checks, with the counts the measures give
        card = plan_card(page, check.title)
        if check is not first:
            card.locator("summary").click()  # opening an expander draws in the browser, no rerun
        for sentence in (check.overlap_sentence, check.fatigue_sentence, check.insight_sentence, check.cold_sentence):
            card.get_by_text(sentence[:50]).first.wait_for()
        assert metric_values(card) == {m.label: m.value for m in check.metrics}
    plan_1 = ours["LEW-PLAN-1"]
    values = {m.label: m.value for m in plan_1.metrics}
    assert int(values["Overlapping activities"]) > 0 and int(values["Insights already held"]) > 0
    assert int(values["Cold spots it could reach"]) > 0
    assert values["Neighbourhoods at or past the fatigue limit"].endswith("of 2")
    card = plan_card(page, plan_1.title)
    assert card.get_by_role("link", name="Search the insight library for this plan").get_attribute(
        "href").endswith(plan_1.insight_link.split("?", 1)[1])
    screenshot(page, "plans-1-lewisham")
    assert page.external_requests == []


def test_a_worcestershire_lead_sees_reach_by_district_rural_urban_and_pcn(app_url, page, fresh_demo):
    page.set_viewport_size({"width": 1400, "height": 3600})
    page.goto(f"{app_url}/geography?preset=hw&place=Worcestershire")
    wait_for_app(page)
    view = measure(fresh_demo, geography.build, scope=Scope(preset="hw", place="Worcestershire"))
    assert view.rural_gap.startswith("In Worcestershire, ") and "live in rural neighbourhoods" in view.rural_gap
    page.get_by_text(view.rural_gap).first.wait_for()
    assert [level.level for level in view.levels] == ["district", "rural_urban", "ruc_class", "pcn"]
    for level in view.levels:
        page.get_by_role("heading", name=level.title).wait_for()
        page.get_by_text(level.sentence[:60]).first.wait_for()
    assert len(view.levels[0].table.frame) == 6  # Worcestershire's six districts
    pcns = view.levels[3].table.frame
    # every neighbourhood registered with a practice of the district's own PCNs: none unassigned
    assert len(pcns) > 6 and "Not assigned to a PCN" not in set(pcns["Area"])
    assert pcns["Residents"].sum() == view.levels[0].table.frame["Residents"].sum()
    charts_drawn(page, 8)
    # the PCN numbers on the page are the measure's
    page.get_by_text("Numbers behind the charts, with Core20 reach in each area").nth(3).click()
    grid = page.locator("[data-testid='stDataFrame']").last
    for name in pcns["Area"].head(3):
        grid.get_by_text(name, exact=True).first.wait_for(state="attached")
    screenshot(page, "plans-2-worcestershire-geography")
    # Herefordshire is one district, and none of its neighbourhoods is in the file: no district
    # section, and no PCN section but a note saying why
    page.goto(f"{app_url}/geography?preset=hw&place=Herefordshire")
    wait_for_app(page)
    page.get_by_role("heading", name="Rural and urban neighbourhoods").wait_for()
    assert page.get_by_role("heading", name="By district").count() == 0
    page.get_by_text("None of Herefordshire's neighbourhoods is in the GP registrations imported").wait_for()
    assert page.external_requests == []


def test_ics_wide_events_count_their_people_where_they_live(app_url, page, fresh_demo):
    page.set_viewport_size(TALL)
    lewisham = Scope(preset="sel", place="Lewisham")
    counted = measure(fresh_demo, ics_wide, scope=lewisham)
    assert counted["activities"] == 3 and not counted["counted_here"]
    page.goto(f"{app_url}/?preset=sel&place=Lewisham")  # the Overview is the home page
    wait_for_app(page)
    page.get_by_role("heading", name="Overview: Lewisham").wait_for()
    assert page.get_by_text("Page not found").count() == 0
    note = page.get_by_text("3 ICS-wide activities are not counted here")
    note.wait_for()
    assert f"Their {counted['participants_living_here']:,} participants who live in Lewisham are counted here" \
        in note.inner_text()
    people = measure(fresh_demo, participants, scope=lewisham)
    page.get_by_text(f"{people['total']:,} participants (one per person per activity)").wait_for()
    screenshot(page, "plans-3-lewisham-overview-ics-wide")
    # at ICS scope the events are in the log, under the place ICS-wide
    page.goto(f"{app_url}/activities?preset=sel&title=System-wide")
    wait_for_app(page)
    page.get_by_text('3 activities in South East London with "System-wide" in the title').wait_for()
    # their place, in the log's grid (whose cells are drawn on a canvas, their text kept hidden)
    page.locator("[data-testid^='glide-cell']").get_by_text("ICS-wide", exact=True).first.wait_for(state="attached")
    assert page.get_by_text("ICS-wide activities are not counted here").count() == 0
    screenshot(page, "plans-4-sel-activity-log-ics-wide")


def test_partners(app_url, page):
    page.set_viewport_size(TALL)
    page.goto(f"{app_url}/partners?preset=sel")
    wait_for_app(page)
    page.get_by_role("heading", name="Partners: South East London").wait_for()
    page.get_by_role("heading", name="Core20 reach by partner type").wait_for()
    charts_drawn(page, 2)
    screenshot(page, "plans-5-partners")
