"""About: what wpc is, the data it stands on (sources, vintages, licences) and how it treats personal data."""

import streamlit as st

from wpc.ui import cache, frame, state, widgets
from wpc.views import about

here = state.here()
view = cache.call(about.build, here.path, preset=here.preset.id)

frame.title("About wpc and its data", period=False, filters=False)
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
widgets.plain_table(view.sources.frame, key="about_sources")
st.subheader("Attribution")
st.info(widgets.escape_markdown(view.attribution))
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

st.header("How wpc measures")
st.markdown(view.measures)
if view.methods is None:
    st.markdown(f"The methods in full are in {widgets.escape_markdown(view.methods_url)} in the wpc "
                "repository.")
else:
    with st.expander("The methods in full: formulas, decisions and caveats "
                     f"({widgets.escape_markdown(view.methods_url)})"):
        st.markdown(view.methods)

st.header("Synthetic demo data")
st.markdown(
    "When the database holds demo engagement data (from `wpc init --demo`), every page says so in a "
    "banner. Demo activities, participants and insights are generated; they describe no real people or "
    "events. Population, deprivation and boundary data are always real."
)
if view.demo:
    st.warning("**This database holds synthetic demo data.** Its engagement records are not real.",
               icon=":material/science:")
else:
    st.success("This database holds no synthetic demo data: every engagement record was uploaded.")

with st.expander("Full provenance of the reference data (data/reference/PROVENANCE.md)"):
    st.markdown(view.provenance)
