"""Streamlit's config read without its lock (wpc/ui/tuning.py): the same values, and no wait on
the lock that every session's thread would otherwise queue on."""

import threading

from streamlit import config

from wpc.ui import tuning


def test_every_option_reads_the_same_as_streamlit_reads_it():
    options = config.get_config_options()
    assert len(options) > 50
    for key in options:
        assert tuning.get_option(key) == options[key].value, key


def test_a_read_does_not_wait_for_the_lock():
    config.get_config_options()
    held, release = threading.Event(), threading.Event()

    def hold():
        with config._config_lock:
            held.set()
            release.wait(timeout=30)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(timeout=30)
    try:
        read = {}
        reader = threading.Thread(target=lambda: read.update(
            tuned=tuning.get_option("global.minCachedMessageSize")))
        reader.start()
        reader.join(timeout=5)
        assert read.get("tuned") == config._config_options["global.minCachedMessageSize"].value
        # Streamlit's own read waits while the lock is held
        streamlit_read = config.get_config_options.__globals__["get_option"]
        assert streamlit_read.__module__ == "streamlit.config" and streamlit_read is not tuning.get_option
        locked = threading.Thread(target=lambda: read.update(locked=streamlit_read("global.appTest")))
        locked.start()
        locked.join(timeout=1)
        assert locked.is_alive() and "locked" not in read
    finally:
        release.set()
        holder.join()
        locked.join(timeout=5)


def test_apply_routes_every_config_read_through_it_but_leaves_apptests_own():
    from unittest import mock

    original = config.get_option
    try:
        tuning.apply()
        assert config.get_option is tuning.get_option
        config.get_option = original
        with mock.patch.object(config, "get_option", new=lambda key: "a test's option"):
            tuning.apply()
            assert config.get_option("global.appTest") == "a test's option"
    finally:
        config.get_option = original


def test_an_unknown_option_is_refused_as_streamlit_refuses_it():
    import pytest

    with pytest.raises(RuntimeError, match="not defined"):
        tuning.get_option("nothing.here")


def test_a_chart_is_turned_into_a_dict_once_and_as_plotly_turns_it():
    import copy

    import plotly.graph_objects as go

    figure = go.Figure(go.Bar(x=["Lambeth", "Lewisham"], y=[3, 4]), layout={"title": {"text": "Reach"}})
    expected = tuning._figure_to_dict(figure, True)
    calls = []
    original = type(figure).to_dict
    figure.to_dict = lambda: calls.append(1) or original(figure)
    first = tuning.figure_dict(figure, True)
    again = tuning.figure_dict(figure, True)
    assert first == expected and again is first and len(calls) == 1
    # a copy (workshop mode's projector type is made on one) has none kept: it is drawn as it is
    assert "_wpc_dict" in figure.__dict__ and "_wpc_dict" not in copy.deepcopy(figure).__dict__
    # anything else is plotly's own answer
    assert tuning.figure_dict([{"type": "bar", "y": [1]}], False) == {"data": [{"type": "bar", "y": [1]}]}
