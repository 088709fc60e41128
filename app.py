"""wpc dashboard: the router (st.navigation) and the frame every page shares.

Page scripts live in app_pages/, one question each: they read the chosen scope from
`wpc.ui.state`, build their views (`wpc.views`) through `wpc.ui.cache` and draw them with
`wpc.ui.widgets`. Streamlit serves only the pages registered here. The folder is not called
pages/: with a pages/ folder beside the entrypoint, Streamlit (1.67) runs a fresh server's first
request, and every AppTest run, as a legacy multipage app, so a first link to /activities ran
the page script without this frame (no login or access check) under a menu of every file.
"""

import logging

import streamlit as st

from wpc.ui import frame, tuning

logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
logging.getLogger("wpc").setLevel(logging.INFO)  # the server's log says when new data is shown

tuning.apply()  # many sessions at once: config reads without a lock, each chart's dict made once
st.set_page_config(page_title="wpc: who are we reaching?", page_icon="📍", layout="wide")

PAGES = {
    "Explore": [
        st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="home",
                default=True),
        st.Page("app_pages/reach_gaps.py", title="Reach gaps", icon=":material/compare_arrows:",
                url_path="reach-gaps"),
        st.Page("app_pages/place_coverage.py", title="Place coverage", icon=":material/map:",
                url_path="place-coverage"),
        st.Page("app_pages/geography.py", title="Districts, rural areas and PCNs", icon=":material/landscape:",
                url_path="geography"),
        st.Page("app_pages/population.py", title="Population context", icon=":material/groups:",
                url_path="population"),
    ],
    "Engagement": [
        st.Page("app_pages/activities.py", title="Activity log and feedback loop", icon=":material/event_note:",
                url_path="activities"),
        st.Page("app_pages/plans.py", title="Plans", icon=":material/event_upcoming:", url_path="plans"),
        st.Page("app_pages/partners.py", title="Partners", icon=":material/handshake:", url_path="partners"),
        st.Page("app_pages/insights.py", title="Insight library", icon=":material/search:", url_path="insights"),
    ],
    "Workshop": [
        st.Page("app_pages/workshop.py", title="Workshop mode and place pack", icon=":material/co_present:",
                url_path="workshop"),
    ],
    "Data": [
        st.Page("app_pages/upload.py", title="Upload and data quality", icon=":material/upload_file:",
                url_path="upload"),
    ],
    "About": [
        st.Page("app_pages/about.py", title="About wpc and its data", icon=":material/info:", url_path="about"),
    ],
}



def _forward_to_overview() -> None:
    # The default page is served at "/" only (its own path answers "Page not found"), so a typed or
    # bookmarked /overview is forwarded there with the link's place, period and filters.
    st.switch_page(OVERVIEW, query_params=st.query_params.to_dict())


OVERVIEW = PAGES["Explore"][0]
FORWARDS = [st.Page(_forward_to_overview, title="Overview", url_path="overview", visibility="hidden")]

page = st.navigation({**PAGES, "": FORWARDS})
frame.render(page)
page.run()
