"""Plain Python values from pandas and numpy ones, so measures' dicts print as JSON as they are:
NaN and NA become None, numpy numbers become int/float, dates become ISO text, arrays lists."""

from __future__ import annotations

import datetime as dt
import decimal
import math

import numpy as np
import pandas as pd

_ALREADY_PLAIN = (str, int, bool)


def plain(value):
    """One value as JSON-ready Python."""
    kind = type(value)
    if kind in _ALREADY_PLAIN:  # most values of a report: nothing to do
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating, decimal.Decimal)):
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else number
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def records(frame: pd.DataFrame) -> list[dict]:
    """A DataFrame as a list of JSON-ready dicts (NaN -> None)."""
    names = [str(name) for name in frame.columns]
    columns = [frame.iloc[:, i].tolist() for i in range(frame.shape[1])]  # numpy values -> Python
    return [{name: plain(value) for name, value in zip(names, row)} for row in zip(*columns)]
