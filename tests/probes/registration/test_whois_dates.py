from __future__ import annotations

from datetime import UTC, datetime

import pytest

from standby.probes.registration.whois_dates import answer_order, parse_whois_date, read_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-03-17T12:48:36Z", datetime(2020, 3, 17, 12, 48, 36)),
        ("2018-04-13T19:52:17.635Z", datetime(2018, 4, 13, 19, 52, 17, 635000)),
        ("2028-09-13T00:00:00-0700", datetime(2028, 9, 13, 7)),
        ("2019-12-04 00:00:00+02", datetime(2019, 12, 3, 22)),
        ("2020-06-14-T10:32:43Z", datetime(2020, 6, 14, 10, 32, 43)),
        ("2022-07-12T15:48:26", datetime(2022, 7, 12, 15, 48, 26)),
        ("2020-05-23 (YYYY-MM-DD)", datetime(2020, 5, 23)),
        ("1999-06-07 13:01:43 (GMT+0:00)", datetime(1999, 6, 7, 13, 1, 43)),
        ("2021-12-09 12:30:05 (UTC+8)", datetime(2021, 12, 9, 4, 30, 5)),
        ("2023/04/01 01:05:57 (JST)", datetime(2023, 3, 31, 16, 5, 57)),
        ("04-Oct-2008 04:00:00 UTC", datetime(2008, 10, 4, 4)),
        ("02-Jan-2006", datetime(2006, 1, 2)),
        ("29-APR-09", datetime(2009, 4, 29)),
        ("2019-Aug-22.", datetime(2019, 8, 22)),
        ("2006.01.02", datetime(2006, 1, 2)),
        ("2018.10.26 15:00:00", datetime(2018, 10, 26, 15)),
        ("02.01.2006", datetime(2006, 1, 2)),
        ("4.7.2020 10:15:55", datetime(2020, 7, 4, 10, 15, 55)),
        ("2006/01/02", datetime(2006, 1, 2)),
        ("2006. 01. 02.", datetime(2006, 1, 2)),
        ("18-06-2026", datetime(2026, 6, 18)),
        ("02/13/2019 23:59:00", datetime(2019, 2, 13, 23, 59)),
        ("16/09/14", datetime(2014, 9, 16)),
        ("07 Oct 2018 10:02 WAT", datetime(2018, 10, 7, 9, 2)),
        ("30/06/2014 00:00:00 EEST", datetime(2014, 6, 29, 21)),
        ("2013-01-10 12:00:00 EAT", datetime(2013, 1, 10, 9)),
        ("2012.06.01 10:00:00 MSK", datetime(2012, 6, 1, 6)),
        ("2016.06.01 10:00:00 MSK", datetime(2016, 6, 1, 7)),
        ("21-March-2015", datetime(2015, 3, 21)),
        ("OK-UNTIL 20131218000000", datetime(2013, 12, 18)),
        ("2014-09-04T00-00-00Z", datetime(2014, 9, 4)),
        ("2013-12-02/14:12:36", datetime(2013, 12, 2, 14, 12, 36)),
        ("20200518", datetime(2020, 5, 18)),
        ("19961206 #24302", datetime(1996, 12, 6)),
        ("Sat Mar 28 23:59:00 2026", datetime(2026, 3, 28, 23, 59)),
        ("31 May 1999", datetime(1999, 5, 31)),
        ("30th April 2003 at 00:00:00.000", datetime(2003, 4, 30)),
        ("9999. 12. 31.", datetime(9999, 12, 31)),  # KISA's "never expires", read as written
    ],
)
def test_it_reads_the_date_layouts_registries_use(text: str, expected: datetime) -> None:
    assert parse_whois_date(text) == expected.replace(tzinfo=UTC)


def test_a_month_first_date_is_read_when_the_day_cannot_be_a_month() -> None:
    assert parse_whois_date("12/31/2026") == datetime(2026, 12, 31, tzinfo=UTC)


def test_an_ambiguous_date_gives_both_readings_earlier_first_and_no_single_instant() -> None:
    may, june = datetime(2026, 5, 6, tzinfo=UTC), datetime(2026, 6, 5, tzinfo=UTC)
    assert read_date("05-06-2026") == (may, june)
    assert read_date("05/06/2026") == (may, june)
    assert parse_whois_date("05-06-2026") is None
    assert read_date("05-06-2026", "dmy") == (june,)
    assert read_date("05-06-2026", "mdy") == (may,)


def test_a_dotted_date_is_day_first_and_an_equal_day_and_month_is_no_ambiguity() -> None:
    assert read_date("05.06.2026") == (datetime(2026, 6, 5, tzinfo=UTC),)
    assert read_date("07/07/2026") == (datetime(2026, 7, 7, tzinfo=UTC),)


@pytest.mark.parametrize(
    ("answer", "tld", "order"),
    [
        ("Domain registered: 12/18/2001\nRecord will expire on: 03/02/2020\n", None, "mdy"),
        ("created: 18/12/2001\nexpires: 03/02/2020\n", None, "dmy"),
        ("created: 18/12/2001\nchanged: 12/18/2001\nexpires: 03/02/2020\n", None, None),
        ("expires: 03/02/2020\n", None, None),
        ("expires: 03/02/2020\n", "es", "dmy"),
        ("Registered: 2001.12.18\nServer 195.24.32.2 version 0.4.1.3\nexpires: 03/02/2020\n", None, None),
        # A label that states its format settles the order, whatever the dates are.
        ("Creation Date (dd/mm/yyyy): 09/02/2009\nExpiration Date (dd/mm/yyyy): 01/03/2014\n", None, "dmy"),
        ("Expiry (MM.DD.YYYY): 01.03.2014\n", None, "mdy"),
        # Phone numbers and street addresses are no dates: they settle nothing.
        ("Phone Number: 82-10-6485-1888\nExpiration Date: 03/02/2020\n", None, None),
        (
            "[Postal Address]   Minato-ku\n                   3-18-10 AKASAKA\nexpires: 03/02/2020\n",
            None,
            None,
        ),
        ("expires: 03/02/2020\n", "fr", "dmy"),
        ("Record will expire on: 03/02/2020\n", "gq", "mdy"),
        ("Expiry Date: 03/08/2014 23:59:52\n", "im", "dmy"),
    ],
)
def test_the_answer_settles_the_day_month_order_or_says_it_cannot(answer: str, tld: str | None, order: str | None
                                                                  ) -> None:  # fmt: skip
    assert answer_order(answer, tld) == order


@pytest.mark.parametrize(("written", "year"), [("01-Jan-68", 2068), ("01-Jan-69", 1969), ("31/12/99", 1999),
                                               ("31/12/00", 2000)])  # fmt: skip
def test_two_digit_years_pivot_like_posix_strptime(written: str, year: int) -> None:
    assert read_date(written)[0].year == year


def test_an_ambiguous_or_unknown_zone_abbreviation_reads_the_time_as_utc() -> None:
    assert parse_whois_date("2020-01-01 10:00:00 CST") == datetime(2020, 1, 1, 10, tzinfo=UTC)
    assert parse_whois_date("2020-01-01 10:00:00 XYZT") == datetime(2020, 1, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["", "see at www.register.bg", "before Aug-1996", "Registered until cancelled", "31.02.2020"]
)
def test_it_gives_none_for_a_value_that_names_no_date(text: str) -> None:
    assert parse_whois_date(text) is None


def test_years_past_2999_are_no_dates_except_the_end_of_the_calendar() -> None:
    assert parse_whois_date("5678-12-01") is None
    assert parse_whois_date("9999-12-30") is None
