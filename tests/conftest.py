import pandas as pd
import pytest


@pytest.fixture
def frame():
    """Build a roster DataFrame from dict rows, keeping 工号 as text."""

    def make(rows: list[dict]) -> pd.DataFrame:
        df = pd.DataFrame(rows)
        return df

    return make
