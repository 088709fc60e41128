"""wpc dashboard: the router (st.navigation) and the frame every page shares.

Page scripts live in pages/, one question each: they read the chosen scope from `wpc.ui.state`,
build their views (`wpc.views`) through `wpc.ui.cache` and draw them with `wpc.ui.widgets`.
Because this entrypoint calls st.navigation, Streamlit serves only the pages registered here
and ignores the pages/ folder's own listing.
"""

import streamlit as st

from wpc.ui import frame

st.set_page_config(page_title="wpc: who are we reaching?", page_icon="📍", layout="wide")

PAGES = {
    "Explore": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="overview",
                default=True),
        st.Page("pages/reach_gaps.py", title="Reach gaps", icon=":material/compare_arrows:",
                url_path="reach-gaps"),
        st.Page("pages/place_coverage.py", title="Place coverage", icon=":material/map:",
                url_path="place-coverage"),
        st.Page("pages/population.py", title="Population context", icon=":material/groups:",
                url_path="population"),
    ],
    "Engagement": [
        st.Page("pages/activities.py", title="Activity log and feedback loop", icon=":material/event_note:",
                url_path="activities"),
        st.Page("pages/insights.py", title="Insight library", icon=":material/search:", url_path="insights"),
    ],
    "Workshop": [
        st.Page("pages/workshop.py", title="Workshop mode and place pack", icon=":material/co_present:",
                url_path="workshop"),
    ],
    "Data": [
        st.Page("pages/upload.py", title="Upload and data quality", icon=":material/upload_file:",
                url_path="upload"),
    ],
    "About": [
        st.Page("pages/about.py", title="About wpc and its data", icon=":material/info:", url_path="about"),
    ],
}

page = st.navigation(PAGES)
frame.render(page)
page.run()
