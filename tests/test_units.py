import datetime as dt
import math

import pandas as pd
import pytest

from kpixl import ValueParseError, excel_round, parse_value
from kpixl.units import parse_column


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        ("88%", "%", 0.88),
        (0.88, "%", 0.88),
        (88, "%", 0.88),
        ("88", "%", 0.88),
        ("0.88", "%", 0.88),
        (1, "%", 1.0),
        ("100%", "%", 1.0),
        ("９５", "%", 0.95),
        ("９５％", "%", 0.95),
        ("0.4%", "%", 0.004),
        ("28秒", "秒", 28.0),
        ("1.5小时", "秒", 5400.0),
        ("1分30秒", "秒", 90.0),
        ("1:30", "秒", 90.0),
        ("2分钟", "秒", 120.0),
        ("1.5小时", "小时", 1.5),
        ("90分钟", "小时", 1.5),
        ("2天", "小时", 48.0),
        ("2次", "次", 2.0),
        ("3", "次", 3.0),
        ("无", "次", 0.0),
        ("¥250", "元", 250.0),
        ("1,200元", "元", 1200.0),
        ("4.5", "分", 4.5),
        (" 28 秒 ", "秒", 28.0),
    ],
)
def test_values_read_as_a_person_means_them(raw, unit, expected):
    assert parse_value(raw, unit) == pytest.approx(expected, abs=1e-15)


def test_percent_reads_give_the_same_double_excel_stores():
    assert parse_value("88%", "%") == 0.88
    assert parse_value("0.4%", "%") == 0.004


@pytest.mark.parametrize("raw", [None, "", "  ", "N/A", "n/a", "NA", "/", "-", "—", float("nan")])
def test_blanks_are_missing_not_zero(raw):
    assert math.isnan(parse_value(raw, "%"))


@pytest.mark.parametrize(("raw", "unit"), [("九十", "%"), ("abc", ""), ("28秒", "%"), ("88%", "秒"), ("无", "秒"), ("5kg", "")])
def test_unreadable_values_are_errors(raw, unit):
    with pytest.raises(ValueParseError):
        parse_value(raw, unit)


def test_error_message_names_value_and_expectation():
    with pytest.raises(ValueParseError, match=r"无法识别的数值 '九十'.*unreadable value"):
        parse_value("九十", "%")


def test_parse_column_locates_bad_rows():
    col = parse_column(pd.Series(["88%", "九十", None, "0.9", "九十"], dtype=object), "%")
    assert col.bad_rows.tolist() == [1, 4]
    assert col.values[0] == 0.88 and math.isnan(col.values[2]) and col.values[3] == 0.9


@pytest.mark.parametrize(
    ("x", "digits", "expected"),
    [
        (2.675, 2, 2.68),
        (2.5, 0, 3.0),
        (-2.5, 0, -3.0),
        (0.5, 0, 1.0),
        (1.005, 2, 1.01),
        (84.995, 2, 85.0),
        (-1.005, 2, -1.01),
        (0.125, 2, 0.13),
        (1234.5678, 2, 1234.57),
        (0.0, 2, 0.0),
        (88.444999, 2, 88.44),
        # past 2^52 at the scale nothing is left to round: the value to Excel's 15 digits, never ∞
        (1e308, 2, 1e308),
        (-1e300, 2, -1e300),
        (45000000000000.01, 2, 45000000000000.0),
        (123456789012345678.0, 0, 123456789012346000.0),
        (1234567890123456.7, 0, 1234567890123460.0),  # 16 digits: Excel keeps 15 before it rounds
        (1.7976931348623157e308, 2, 1.7976931348623157e308),  # the largest double, not ∞
    ],
)
def test_excel_round_half_away_from_zero(x, digits, expected):
    # values as Excel's ROUND gives them (Python's round(2.675, 2) would give 2.67)
    assert excel_round(x, digits) == expected


@pytest.mark.parametrize("value", [dt.datetime(2024, 3, 1, 0, 1, 30), dt.date(2024, 3, 1), pd.Timestamp("2024-03-01")])
def test_a_date_is_no_number_and_the_message_says_so(value):
    """A cell formatted as a date is refused as a date (it used to say 'a space inside the number');
    a time of day alone stays a duration (0:01:30 is 90 秒)."""
    with pytest.raises(ValueParseError, match=r"日期 2024-03-01 .*不是数字.*a date where a number is expected"):
        parse_value(value, "秒")
    assert parse_value(dt.time(0, 1, 30), "秒") == 90
