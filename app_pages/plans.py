"""Plans: look before you engage. Each planned activity of the chosen place (or every plan of the
ICS) with its overlaps, the neighbourhoods it would bring to or past the fatigue limit, the
insights already held and the cold spots it could reach. Plans are listed only for the
person's own places (wpc.views.plans applies their access)."""

import streamlit as st

from wpc.ui import cache, frame, state, widgets
from wpc.views import plans

here = state.here()
view = cache.call(plans.build, here.path, scope=here.scope, access=here.access)

frame.title(f"Plans: {widgets.escape_markdown(view.name)}", period=False)
st.markdown(
    "Before anyone is asked again: for each planned activity, who else is asking the same people around the "
    "same time, which neighbourhoods are already asked often, what people have already told us, and which of "
    "the most deprived neighbourhoods nobody has reached. Upload next quarter's activities with status "
    "**planned** on the Upload page; upload them again as held, with their participants, once they have "
    "taken place. Plans count in no other measure. The period in the sidebar does not apply: plans are for "
    "the future."
)
widgets.sentence(view.sentence)
if not view.checks:
    st.stop()
widgets.show_table(view.summary, key="plans_summary", download_name="plans")

for number, plan in enumerate(view.checks):
    with st.expander(widgets.escape_markdown(plan.title), expanded=number == 0):
        st.caption(widgets.escape_markdown(plan.facts))
        if plan.warning:
            st.warning(widgets.escape_markdown(plan.warning), icon=":material/event_busy:")
        widgets.metrics(plan.metrics)
        st.markdown("**Overlapping activities**")
        widgets.sentence(plan.overlap_sentence)
        if not plan.overlaps.empty:
            widgets.show_table(plan.overlaps, key=f"plan_{number}_overlaps")
        st.markdown("**Fatigue: neighbourhoods over-asked in the "
                    f"{widgets.escape_markdown(view.window_days)} days to its start**")
        widgets.sentence(plan.fatigue_sentence)
        if not plan.fatigue.empty:
            widgets.show_table(plan.fatigue, key=f"plan_{number}_fatigue")
        st.markdown("**What people have already told us**")
        widgets.sentence(plan.insight_sentence)
        if not plan.insights.empty:
            widgets.show_table(plan.insights, key=f"plan_{number}_insights")
            st.markdown(f"[Search the insight library for this plan]({plan.insight_link})")
        st.markdown("**Cold spots it could reach**")
        widgets.sentence(plan.cold_sentence)
        if not plan.cold_spots.empty:
            widgets.show_table(plan.cold_spots, key=f"plan_{number}_cold")
            st.markdown(f"[See every cold spot on the map]({plan.coverage_link})")
