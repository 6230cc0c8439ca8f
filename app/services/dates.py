"""Dates as the secretariat reads them: in Asia/Jakarta (WIB), in Indonesian."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")
MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def local_day(moment: datetime) -> date:
    return moment.astimezone(JAKARTA).date()


def day_month_year(day: date) -> str:
    """``9 Mei 2018``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def indonesian_date(moment: datetime) -> str:
    """``3 Mei 2018``: the day of ``moment`` in Asia/Jakarta."""
    return day_month_year(local_day(moment))


def long_date(day: date) -> str:
    """``Rabu, 9 Mei 2018``."""
    return f"{DAYS[day.weekday()]}, {day_month_year(day)}"


def date_time(moment: datetime) -> str:
    """``Rabu, 9 Mei 2018 pukul 14.30 WIB``: the moment in Asia/Jakarta."""
    local = moment.astimezone(JAKARTA)
    return f"{long_date(local.date())} pukul {local.hour:02d}.{local.minute:02d} WIB"


def decimal(value: float | None, places: int = 2) -> str:
    """``87,29``: a number as Indonesian writes it (comma decimals, dot thousands)."""
    if value is None:
        return "\u2013"  # an en dash: no score
    text = f"{value:,.{places}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
