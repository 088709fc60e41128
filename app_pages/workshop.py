"""Workshop mode: one question per screen for a projector, in large type, with the sentence a
speaker reads under each chart; next and previous (the screen is kept in the URL), which a
presentation clicker's keys press too (PageDown/PageUp and the arrow keys), stopping at the last
screen with a mark that it is the end; a place switch on the page, and the place pack (PowerPoint
or PDF) to take away.

The sidebar is hidden on this page only (wpc.ui.style.workshop), but it still runs: the place
switch below writes to the sidebar's own place choice, so the scope, and any limit on the
places a user may see, comes from the frame exactly as on every other page.
"""

import streamlit as st

from wpc.ui import cache, frame, state, style, widgets
from wpc.views import workshop as questions

KEYS = list(questions.QUESTIONS)
SCREENS = len(KEYS)

style.workshop()

here = state.here()
preset, place, scope, path = here.preset, here.place, here.scope, here.path
name = place or preset.name
threshold = preset.thresholds.suppression
access = here.access  # lists of neighbourhoods and activities: only the person's places


def _step(offset: int) -> None:
    # stops at the first and last screen (no silent jump from the last back to the first)
    position = KEYS.index(st.session_state.get("screen", KEYS[0]))
    st.session_state["screen"] = KEYS[min(max(position + offset, 0), len(KEYS) - 1)]


def _switch_place() -> None:
    # ask the sidebar's place selector for the place; the frame checks it on the rerun
    st.session_state["place"] = st.session_state["workshop_place"]


previous, chooser, following, place_column, dimension_column = st.columns([1, 3, 1, 2, 2],
                                                                          vertical_alignment="bottom")
with chooser:
    screen = state.url_selectbox(
        "Question", KEYS, key="screen",
        format_func=lambda k: f"{KEYS.index(k) + 1} of {len(KEYS)}: {questions.QUESTIONS[k][0]}",
    )
first, last = screen == KEYS[0], screen == KEYS[-1]
previous.button("Previous", on_click=_step, args=(-1,), icon=":material/arrow_back:", key="workshop_previous",
                width="stretch", disabled=first)
following.button("End" if last else "Next", on_click=_step, args=(1,), key="workshop_next", width="stretch",
                 icon=":material/last_page:" if last else ":material/arrow_forward:", disabled=last)
choices = state.place_choices(preset)
st.session_state["workshop_place"] = place or state.ALL_PLACES
place_column.selectbox("Place", choices, key="workshop_place", on_change=_switch_place,
                       format_func=lambda p: preset.name if p == state.ALL_PLACES else p)
with dimension_column:
    dimension = state.url_selectbox("Reach gaps on", list(questions.REACH_DIMENSIONS), key="dimension",
                                    default=questions.DEFAULT_DIMENSION, format_func=questions.DIMENSION_LABELS.get,
                                    omit_default=True)

# in large type for the projector (wpc.views.workshop.projected)
question = cache.call(questions.projected, here.path, scope=here.scope, key=screen, dimension=dimension,
                      access=here.access, baseline=here.baseline)
frame.title(f"{widgets.escape_markdown(question.title)}: {widgets.escape_markdown(name)}")
st.subheader(widgets.escape_markdown(question.ask))
widgets.chart(question.figure, key=f"workshop_chart_{screen}", download_name=question.title, own_fonts=True)
for sentence in question.sentences:
    widgets.sentence(sentence)
if question.caption:
    st.caption(widgets.escape_markdown(question.caption))
if last:
    st.info(f"End of the questions ({SCREENS} of {SCREENS}). Previous, or PageUp on a clicker, goes back.",
            icon=":material/flag:")
with st.expander("Numbers behind the chart"):
    for table in question.tables:
        st.markdown(f"**{widgets.escape_markdown(table.title)}**")
        widgets.show_table(table, key=f"workshop_table_{table.name}", download_name=table.name)

st.divider()
st.markdown("**Take it away: the place pack**")
st.caption(
    f"Every question above for {widgets.escape_markdown(name)} (period and filters as chosen), "
    "with the methods and data sources. "
    "The pack uses publication mode: counts of 1 to "
    f"{widgets.escape_markdown(threshold)} people are shown as \\*, small changes are made to other "
    "counts to protect privacy as on "
    "the screen, then they are rounded to the nearest 5 and shares are worked out from the rounded "
    "counts, so figures can differ slightly from the screen."
)
widgets.pack_buttons(path, scope, preset, dimension, access, here.baseline)
st.page_link("app_pages/overview.py", label="Leave workshop mode", icon=":material/close_fullscreen:")
