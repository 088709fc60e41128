"""About: what wpc is, the data it stands on (sources, vintages, licences) and how it treats personal data."""

import pandas as pd
import streamlit as st

from wpc import docs, sources, status
from wpc.ui import cache, state

st.title("About wpc and its data")
st.markdown(
    "**wpc** shows an Integrated Care System whether its work with people and communities reaches "
    "those who face the worst health inequalities: the most deprived 20% of England (**Core20**), the "
    "PLUS groups the system has chosen, and the five clinical areas of NHS England's Core20PLUS5."
)

st.header("Data sources")
st.markdown(
    "All reference data is real, published open data, shipped with wpc and read with no internet. "
    "One geography vintage is used throughout: **2021 LSOAs** (IMD 2025 is published on them)."
)
st.dataframe(
    pd.DataFrame(
        [{"Source": s.name, "Publisher": s.publisher, "Vintage": s.vintage, "Used for": s.used_for,
          "Licence": s.licence} for s in sources.SOURCES]
    ),
    hide_index=True, width="stretch",
)
st.subheader("Attribution")
st.info(sources.ATTRIBUTION)
st.markdown(
    "Licence: [Open Government Licence v3.0]"
    "(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/); "
    "its text is shipped in `data/reference/LICENCE-OGL-3.0.txt`."
)

st.header("Definitions used on every page")
st.markdown(
    """
- **Core20**: neighbourhoods (LSOAs) in national IMD 2025 deciles 1 and 2, the most deprived 20% of
  LSOAs in England. **Core20 population share** = residents of those LSOAs / all residents.
- **Residents**: Census 2021 usual residents (table TS007A), the denominator of every area-based share
  and rate. Other census tables give each dimension's own population shares; ONS perturbs small-area
  counts, so table totals differ by a few people.
- **IMD quintile** = ceil(decile / 2), national: quintile 1 is Core20.
- **Place**: a borough, or a group of districts, as the ICS's preset defines it.
"""
)

preset, _place = state.scope()
thresholds = preset.thresholds
st.header("How wpc measures")
st.markdown(
    f"""
Every page, export and `wpc report` uses the same measures, computed once. The numbers below are
{preset.name}'s settings.

- **Reach** on each dimension (deprivation, ethnic group, age, sex, disability, unpaid care, PLUS groups):
  the share of participants with a known answer in each category, with a 95% Wilson interval, against
  the census share of residents. A gap is flagged only when the interval lies wholly above or below the
  population share. Unknown answers are counted, never dropped.
- **Core20 reach**: reach on national IMD quintile 1. **Coverage**: Core20 neighbourhoods with at least
  one participant; **cold spots** are those with none, most deprived first.
- **Deprivation gradient**: the slope index of inequality of engagement per 1,000 residents across
  national IMD deciles (Low & Low 2004).
- **Fatigue**: activities reaching each neighbourhood in the last {thresholds.fatigue_window_days} days
  ({thresholds.fatigue_limit} or more is high), and people asked repeatedly.
- **Ladder of participation** (1 Coercion to 7 Co-production) and **engagement cycle** (5 stages):
  activities by rung and stage.
- **You said, we did**: feedback is due on the date given, else {thresholds.feedback_window_days} days
  after the activity ends (or starts); closed on time, closed late, overdue or not yet due.
- **Insight library** search uses SQLite's full-text index with English stemming, in memory, offline.
- **Disclosure control**: any count of 1 to {thresholds.suppression} people is shown as \\*, with its share
  and interval withheld, and other counts are hidden with it where it could otherwise be worked out;
  small changes (at most 5) are made to every other count of people to protect privacy, the same
  wherever it appears, so figures need not add up exactly (docs/disclosure.md).
"""
)
methods = docs.methods_markdown()
if methods is None:
    st.markdown(f"The methods in full are in `{docs.METHODS_URL}` in the wpc repository.")
else:
    with st.expander(f"The methods in full: formulas, decisions and caveats ({docs.METHODS_URL})"):
        st.markdown(methods)

st.header("Synthetic demo data")
st.markdown(
    "When the database holds demo engagement data (from `wpc init --demo`), every page says so in a "
    "banner. Demo activities, participants and insights are generated; they describe no real people or "
    "events. Population, deprivation and boundary data are always real."
)
if cache.call(status.data_status, state.db_path())["demo"]:
    st.warning("**This database holds synthetic demo data.** Its engagement records are not real.",
               icon=":material/science:")
else:
    st.success("This database holds no synthetic demo data: every engagement record was uploaded.")

with st.expander("Full provenance of the reference data (data/reference/PROVENANCE.md)"):
    st.markdown(sources.PROVENANCE_PATH.read_text(encoding="utf-8"))
