import os

# xlwings' Office.js entry points (xlwings.server) run in-process here, as xlwings' own test
# suite runs them: server mode and the non-commercial licence key, set before xlwings loads.
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import pandas as pd
import pytest


@pytest.fixture
def frame():
    """Build a roster DataFrame from dict rows, keeping 工号 as text."""

    def make(rows: list[dict]) -> pd.DataFrame:
        df = pd.DataFrame(rows)
        return df

    return make
