import os

# xlwings' Office.js entry points (xlwings.server) run in-process here, as xlwings' own test
# suite runs them: server mode and the non-commercial licence key, set before xlwings loads.
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def soffice() -> str:
    """LibreOffice, which the parity, form and PDF tests need: without it they fail, never skip."""
    from kpixl.errors import KpixlError
    from kpixl.excel.recalc import find_soffice

    try:
        return find_soffice()
    except KpixlError as exc:
        pytest.fail(f"LibreOffice is required (dev/setup installs it): {exc}")


@pytest.fixture
def frame():
    """Build a roster DataFrame from dict rows, keeping 工号 as text."""

    def make(rows: list[dict]) -> pd.DataFrame:
        df = pd.DataFrame(rows)
        return df

    return make
