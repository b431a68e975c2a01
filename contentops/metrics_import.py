"""``contentops metrics import``: TikTok Studio analytics exports and contentops' own CSV into ``metrics.json``.

What it reads (CSV files, alone or inside ``.zip`` files, told apart by their header row, not their name):

* ``Overview.csv`` (Date, Video Views, Profile Views, Likes, Comments, Shares) and ``FollowerHistory.csv``
  (Date, Followers, Difference in followers from previous day): the account's figures per day of the home
  zone, into table ``daily`` (one document per day; an import sets the fields it knows).
* ``FollowerActivity.csv`` (Date, Hour, Active followers): into table ``activity``, one document per day
  and hour, for best posting times.
* ``Content.csv`` (per video: Video title, Video link, Total views, Total likes, ...): a snapshot per video
  whose link holds the video id of a published post, taken at the export time; other rows are reported as
  unmatched.
* contentops' own CSV (``OWN_COLUMNS``): ``post`` or ``url``, an optional ``at``, and the metric columns
  named as ``metrics.FIELDS``, to log many snapshots at once.

Real exports start with a UTF-8 byte-order mark, vary header case and quoting, may end header names with
a non-breaking space, write ``undefined`` for unknown values (kept as None: unknown, not zero) and dates
in the UI language without a year (``August 9``, ``9 Aug``): a date takes the latest year that does not
put it after the export day (``--at``), or the year given (``--year``).

Everything is read and checked before anything is written: one bad cell stops the import with its file
(and zip member), row and column, and nothing changes. The import is one transaction of the metrics
store. Each document carries a ``key`` (``metrics.figures_key``) so importing the same file again adds
nothing.
"""

from __future__ import annotations

import bisect
import csv
import io
import lzma
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from . import metrics
from .calendar_ops import POSTS, parse_post_id
from .errors import ContentOpsError, NotFoundError, UsageError, ValidationError
from .exchange import MAX_CELL, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, check_import_file, long_cells
from .store import Transaction
from .timeutil import WEEKDAY_NAMES, get_zone, local_iso, parse_clock, parse_when, to_utc_iso
from .workspace import Workspace

SOURCE = "import"

OVERVIEW, FOLLOWER_HISTORY, FOLLOWER_ACTIVITY, CONTENT, OWN = (
    "overview", "follower-history", "follower-activity", "content", "contentops",
)  # fmt: skip
KIND_TABLE = {OVERVIEW: metrics.DAILY, FOLLOWER_HISTORY: metrics.DAILY, FOLLOWER_ACTIVITY: metrics.ACTIVITY,
              CONTENT: metrics.SNAPSHOTS, OWN: metrics.SNAPSHOTS}  # fmt: skip

MAX_MEMBERS = 200  # files in one zip
MAX_ZIP_BYTES = 4 * MAX_IMPORT_BYTES  # all the CSV files of one zip, unpacked
MAX_RATIO = 500  # unpacked / packed size above which a zip member is a zip bomb, not a CSV file

# Header names, normalised by _norm(): field -> the names it may have, the preferred first. Windowed
# columns ("Views in the last 7 days") are left out on purpose: snapshots hold totals.
DATE = ("date", "day")
DAILY_COLUMNS: dict[str, tuple[str, ...]] = {
    "video_views": ("video views", "total video views", "views"),
    "profile_views": ("profile views", "profile visits"),
    "likes": ("likes",),
    "comments": ("comments",),
    "shares": ("shares",),
    "followers": ("followers", "total followers", "follower count"),
    "follower_change": ("difference in followers from previous day", "difference in followers", "net growth",
                        "net followers", "net follower growth", "follower change"),
}  # fmt: skip
ACTIVITY_COLUMNS = {"hour": ("hour", "hour of day"), "active_followers": ("active followers", "followers online")}
CONTENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "link": ("video link", "link", "video url", "share link"),
    "video_id": ("video id",),
    "title": ("video title", "title", "caption", "description"),
    "views": ("total views", "total video views", "video views", "views", "total plays", "plays"),
    "likes": ("total likes", "likes"),
    "comments": ("total comments", "comments"),
    "shares": ("total shares", "shares"),
    "saves": ("total saves", "saves", "added to favorites", "add to favorites", "total favorites", "favorites",
              "added to favourites", "add to favourites", "total favourites", "favourites", "bookmarks"),
    "watch_time": ("average watch time", "avg watch time", "average time watched", "avg time watched"),
    "full_watch": ("watched full video", "watched full video rate", "full video watch rate", "full watch rate",
                   "completion rate", "watched the full video"),
    "reach": ("reached audience", "reach", "total reach", "audience reached", "accounts reached"),
    "followers": ("new followers", "followers gained", "total new followers", "followers"),
}  # fmt: skip
CONTENT_MARKERS = ("video link", "video url", "video id", "video title", "link")
OWN_COLUMNS = ("post", "url", "at", "title", *metrics.FIELDS)  # "title" only helps people (and unmatched rows)
_UNIT_WORDS = {"s", "sec", "secs", "seconds", "pct", "percent"}
_UNKNOWN = {"", "undefined", "-", "--", "–", "—", "n/a"}
_VIDEO_ID = re.compile(r"/(?:video|photo)/(\d{6,25})(?:\D|$)")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")], start=1)
    for name in names
}  # fmt: skip
_FILLERS = {"st", "nd", "rd", "th", "of"}  # 9th of August
_THOUSANDS = re.compile(r"-?\d{1,3}(?:([,\s'\u202f])\d{3})(?:\1\d{3})*(?:\.\d+)?")
_PLAIN = re.compile(r"-?\d+(?:\.\d+)?")


# -- reading files and zips -------------------------------------------------------------------------
@dataclass
class Source:
    label: str  # the file's name, or ``zip:member``
    data: bytes
    in_zip: bool


@dataclass
class Skipped:
    file: str
    reason: str


def read_sources(paths: list[Path]) -> tuple[list[Source], list[Skipped]]:
    """The CSV files to import: plain files, and the members of zip files (read in memory, with limits on
    their number and size); also the members left out, with the reason."""
    sources: list[Source] = []
    skipped: list[Skipped] = []
    for path in paths:
        check_import_file(path, "give a .csv file or the .zip TikTok Studio downloads",
                          "export a shorter period from TikTok Studio, or split the file")  # fmt: skip
        if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
            _read_zip(path, sources, skipped)  # limits its members' number and size too
            continue
        sources.append(Source(path.name, path.read_bytes(), in_zip=False))
    return sources, skipped


def _read_zip(path: Path, sources: list[Source], skipped: list[Skipped]) -> None:
    mb = MAX_IMPORT_BYTES // 1_048_576
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if any(i.filename == "[Content_Types].xml" for i in infos):
                raise UsageError(
                    f"{path.name} is an Excel workbook, not a zip of CSV files",
                    hint="download the data as CSV in TikTok Studio (or save the sheet as 'CSV UTF-8')",
                )
            if len(infos) > MAX_MEMBERS:
                raise UsageError(
                    f"{path.name} holds {len(infos)} files; an import reads zips of at most {MAX_MEMBERS}",
                    hint="unzip it and import the CSV files you need",
                )
            total = 0
            for info in infos:
                label = f"{path.name}:" + "".join(c if c.isprintable() else "?" for c in info.filename)
                reason = _member_problem(info)
                if reason == "":
                    continue
                if reason is not None:
                    skipped.append(Skipped(label, reason))
                    continue
                if info.flag_bits & 0x1:
                    raise UsageError(f"{label} is encrypted", hint="download the export again, without a password")
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > MAX_IMPORT_BYTES or (ratio > MAX_RATIO and info.file_size > 1_048_576):
                    raise UsageError(
                        f"{label} unpacks to {info.file_size / 1_048_576:.1f} MB; a file may have at most {mb} MB",
                        hint="this is not a TikTok Studio export; export a shorter period or split the file",
                    )
                with zf.open(info) as fh:
                    data = fh.read(MAX_IMPORT_BYTES + 1)
                total += len(data)
                if len(data) > MAX_IMPORT_BYTES or total > MAX_ZIP_BYTES:
                    raise UsageError(
                        f"{label}: the zip unpacks to more than it declares or than an import takes",
                        hint="unzip it and import the CSV files you need, one by one",
                    )
                sources.append(Source(label, data, in_zip=True))
    except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, NotImplementedError, RuntimeError, ValueError,
            OSError) as exc:  # fmt: skip
        # ValueError: a member name that is not UTF-8; OSError: an offset past the end, or bad bzip2 data
        raise UsageError(
            f"{path.name} is not a readable zip file ({exc})", hint="download the export from TikTok Studio again"
        ) from None


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    """Why a zip member is not read (``""``: quietly, e.g. folders and macOS metadata), or None to read it."""
    name = info.filename.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if not parts:
        return "a file without a name; not read"
    if info.is_dir():
        return ""
    if name.startswith("/") or ".." in parts or re.match(r"^[A-Za-z]:", name):
        return "a path outside the zip's own folder; not read"
    if parts[0] == "__MACOSX" or parts[-1].startswith("."):
        return ""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix == ".zip":
        return "a zip inside the zip is not read: unzip it and import it on its own"
    if suffix != ".csv":
        return f"not a CSV file ({suffix or 'no extension'})"
    return None


# -- parsing CSV text -------------------------------------------------------------------------------
def _norm(name: str) -> str:
    """A header name compared loosely: case, quotes, punctuation, spaces (NBSP too) and a unit word go."""
    words = re.sub(r"[\W_]+", " ", name.replace("\ufeff", "").casefold()).split()
    while len(words) > 1 and words[-1] in _UNIT_WORDS:
        words.pop()
    return " ".join(words)


def _clean(name: str) -> str:
    """A header name as shown in messages."""
    return name.replace("\ufeff", "").strip().strip("\"'").strip()


def _decode(label: str, data: bytes) -> str:
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{label} is not UTF-8 text (byte {exc.start})", hint="save it as 'CSV UTF-8' in Excel, or export again"
        ) from None


@dataclass
class Table:
    """One CSV file: its kind, the columns used (field -> index), the rows (spreadsheet row number, cells)."""

    label: str
    kind: str
    header: list[str]
    columns: dict[str, int]
    rows: list[tuple[int, list[str]]]
    unused: list[str]

    def cell(self, cells: list[str], name: str) -> str | None:
        index = self.columns.get(name)
        return None if index is None else cells[index].strip()

    def where(self, row_no: int, name: str | None = None) -> str:
        place = f"{self.label} row {row_no}"
        return place if name is None else f"{place}, column {self.header[self.columns[name]]!r}"

    @contextmanager
    def at(self, row_no: int, name: str | None = None) -> Iterator[None]:
        """Errors raised inside name this file, row and column (their class, hence exit code, is kept)."""
        try:
            yield
        except ContentOpsError as exc:
            raise type(exc)(f"{self.where(row_no, name)}: {exc.message}", hint=exc.hint) from None


class UnknownFileError(UsageError):
    """A CSV file whose columns are not those of any file an import reads (``reason`` says which they are)."""

    def __init__(self, label: str, columns: list[str]) -> None:
        shown = [" ".join(c.split())[:40] for c in columns[:8] if c.strip()]
        self.reason = f"not a file contentops reads (columns: {', '.join(shown) or 'none'})"
        super().__init__(
            f"{label} is {self.reason}",
            hint="import TikTok Studio's Overview, FollowerHistory, FollowerActivity or Content CSV (or their zip), "
            "or a CSV with the columns post (or url), at, " + ", ".join(metrics.FIELDS),
        )


def parse_table(label: str, data: bytes) -> Table:
    """The CSV in ``data`` as a Table; UnknownFileError when its columns are not those of a file an import reads."""
    text = _decode(label, data)
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    with long_cells():
        try:
            header = [_clean(h) for h in next(reader, [])]
            _check_lengths(label, 1, header, header)
            normal = [_norm(h) for h in header]
            found = _detect(normal)
            if found is None:
                raise UnknownFileError(label, header)
            kind, columns = found
            rows: list[tuple[int, list[str]]] = []
            for row_no, cells in enumerate(reader, start=2):
                if len(cells) > len(header):
                    if any(c.strip() for c in cells[len(header) :]):
                        raise UsageError(
                            f"{label} row {row_no}: {len(cells)} cells, but the header names {len(header)} columns",
                            hint="check for an unquoted comma in a title",
                        )
                    cells = cells[: len(header)]
                _check_lengths(label, row_no, header, cells)
                if any(c.strip() for c in cells):
                    rows.append((row_no, cells + [""] * (len(header) - len(cells))))
                if len(rows) > MAX_IMPORT_ROWS:
                    raise UsageError(
                        f"{label} has more than {MAX_IMPORT_ROWS} rows; an import takes at most {MAX_IMPORT_ROWS}",
                        hint="export a shorter period, or split the file",
                    )
        except csv.Error as exc:
            raise UsageError(
                f"{label} row {reader.line_num}: not valid CSV ({exc})", hint="export the file again"
            ) from None
    used = set(columns.values())
    unused = [h for i, h in enumerate(header) if i not in used and h]
    if kind == OWN and unused:
        raise UsageError(
            f"{label} row 1, column {unused[0]!r}: not a column of the contentops metrics CSV",
            hint="columns: " + ", ".join(OWN_COLUMNS),
        )
    return Table(label, kind, header, columns, rows, unused)


def _check_lengths(label: str, row_no: int, header: list[str], cells: list[str]) -> None:
    for column, cell in zip(header, cells, strict=False):
        if len(cell) > MAX_CELL:
            raise UsageError(
                f"{label} row {row_no}, column {column[:40]!r}: {len(cell):,} characters; a cell takes at most "
                f"{MAX_CELL:,}",
                hint="TikTok Studio writes no such cell: export the file again",
            )


def _pick(normal: list[str], names: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    """field -> index of its column (the first of its names that the header has)."""
    picked: dict[str, int] = {}
    for name, synonyms in names.items():
        for synonym in synonyms:
            if synonym in normal and normal.index(synonym) not in picked.values():
                picked[name] = normal.index(synonym)
                break
    return picked


def _detect(normal: list[str]) -> tuple[str, dict[str, int]] | None:
    """(kind, field -> column index) for a header row, or None when it is none of the kinds."""
    has = set(normal)
    if has & set(CONTENT_MARKERS):
        return CONTENT, _pick(normal, CONTENT_COLUMNS)
    date_col = next((normal.index(n) for n in DATE if n in has), None)
    if date_col is not None:
        columns = _pick(normal, ACTIVITY_COLUMNS)
        if "hour" in columns:
            return (FOLLOWER_ACTIVITY, {"day": date_col, **columns}) if "active_followers" in columns else None
        columns = _pick(normal, DAILY_COLUMNS)
        if "video_views" in columns:
            return OVERVIEW, {"day": date_col, **columns}
        if "followers" in columns or "follower_change" in columns:
            return FOLLOWER_HISTORY, {"day": date_col, **columns}
        return None
    if "post" in has or "url" in has:
        return OWN, _pick(normal, {c: (_norm(c),) for c in OWN_COLUMNS})
    return None


# -- values ---------------------------------------------------------------------------------------------
def parse_number(text: str, *, percent: bool = False, seconds: bool = False) -> int | float | None:
    """A figure as exports write it: ``1,234``, ``31.5%`` (``percent``), ``12.5s`` or ``1:05`` (``seconds``);
    None for ``undefined`` or an empty cell (unknown, not zero)."""
    raw = " ".join(text.split())
    if raw.casefold() in _UNKNOWN:
        return None
    shown = repr(raw) if len(raw) <= 40 else f"{raw[:40]!r}... ({len(raw):,} characters)"
    value = raw
    if percent and value.endswith("%"):
        value = value[:-1].strip()
    if seconds:
        m = re.fullmatch(r"(?:(\d{1,6}):)?(\d{1,2}):(\d{2}(?:\.\d+)?)", value)
        if m:
            return int(m[1] or 0) * 3600 + int(m[2]) * 60 + float(m[3])
        value = re.sub(r"\s*(?:s|sec|secs|seconds)$", "", value, flags=re.IGNORECASE)
    value = value[1:] if re.match(r"\+\d", value) else value
    if _THOUSANDS.fullmatch(value):
        value = re.sub(r"[,\s'\u202f]", "", value)
    elif re.fullmatch(r"-?\d+,\d+", value):  # a decimal comma: 12,5
        value = value.replace(",", ".")
    if not _PLAIN.fullmatch(value):
        what = "a percentage" if percent else "seconds" if seconds else "a number"
        raise UsageError(f"{shown} is not {what}", hint="give a number such as 1200 (or 'undefined')")
    number = float(value)
    if abs(number) > metrics.MAX_FIGURE:
        raise UsageError(
            f"{shown} is more than {metrics.MAX_FIGURE:,}", hint="check the figure: no count is that large"
        )
    return int(number) if number.is_integer() and "." not in value else number


def parse_count(text: str, *, signed: bool = False) -> int | None:
    """A whole number from 0 (any sign when ``signed``), or None when unknown."""
    value = parse_number(text)
    if value is None:
        return None
    if value != int(value) or (value < 0 and not signed):
        raise UsageError(f"{text.strip()!r} is not a count", hint="counts are whole numbers from 0")
    return int(value)


@dataclass(frozen=True)
class Dates:
    """Days as exports write them, placed in a year: the one written, ``year``, or the latest year that
    does not put the day after ``export_day``."""

    export_day: date
    year: int | None = None

    def day(self, text: str) -> date:
        raw = " ".join(text.split())
        m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?", raw)
        if m:
            return self._checked(raw, self._date(raw, int(m[1]), int(m[2]), int(m[3])))
        tokens = re.findall(r"[^\W\d_]+|\d+", raw.casefold())
        months = [_MONTHS[t] for t in tokens if t in _MONTHS]
        numbers = [t for t in tokens if t.isdecimal()]  # not isdigit(): int() refuses '²'
        others = [
            t for t in tokens if not t.isdecimal() and t not in _MONTHS and t not in WEEKDAY_NAMES and t not in _FILLERS
        ]
        days = [int(n) for n in numbers if len(n) <= 2]
        years = [int(n) for n in numbers if len(n) == 4]
        if len(months) != 1 or len(days) != 1 or len(years) > 1 or others or len(numbers) != len(days) + len(years):
            raise UsageError(
                f"cannot read {raw!r} as a day",
                hint="dates look like 'August 9', '9 Aug' or 2026-08-09; export with TikTok Studio set to English",
            )
        month, day = months[0], days[0]
        if years:
            return self._checked(raw, self._date(raw, years[0], month, day))
        if self.year is not None:
            return self._checked(raw, self._date(raw, self.year, month, day), given_year=True)
        self._date(raw, 2000, month, day)  # 2000 was a leap year: only impossible days fail here
        year = self.export_day.year
        while True:  # back from the export's year; 29 February finds a leap year within 8 years
            try:
                found = date(year, month, day)
            except ValueError:
                found = None
            if found is not None and found <= self.export_day:
                return found
            year -= 1

    @staticmethod
    def _date(raw: str, year: int, month: int, day: int) -> date:
        try:
            return date(year, month, day)
        except ValueError:
            raise UsageError(f"{raw!r} is not a day of the calendar", hint="check the date") from None

    def _checked(self, raw: str, found: date, given_year: bool = False) -> date:
        if found > self.export_day:
            what = f"{raw!r} in --year {self.year} is {found.isoformat()}" if given_year else repr(raw)
            raise ValidationError(
                f"{what}, after the day of the export ({self.export_day.isoformat()})",
                hint="give the time the file was exported with --at (e.g. --at '2027-01-03 09:00'), or another --year",
            )
        return found


def video_id(text: str | None) -> str | None:
    """The video id in a TikTok link (``.../video/7301234567890123456``), or the text itself if it is one."""
    if not text:
        return None
    text = text.strip()
    if text.isascii() and text.isdigit():
        return text
    m = _VIDEO_ID.search(text)
    return m[1] if m else None


# -- rows into records ------------------------------------------------------------------------------
@dataclass
class FileReport:
    """What the import makes of one file: rows read, new, already imported, (un)matched videos, notes."""

    file: str
    kind: str
    rows: int = 0
    new: int = 0
    already_imported: int = 0
    matched: list[dict[str, Any]] = field(default_factory=list)
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, new: bool) -> None:
        if new:
            self.new += 1
        else:
            self.already_imported += 1

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "kind": self.kind, "table": KIND_TABLE[self.kind], "rows": self.rows,
                "new": self.new, "already_imported": self.already_imported, "matched": self.matched,
                "unmatched": self.unmatched, "notes": self.notes}  # fmt: skip


@dataclass
class _SnapRow:
    """A row of Content.csv or of the own CSV, read and checked."""

    row: int
    figures: dict[str, int | float | None]
    video_id: str | None
    link: str
    title: str
    post_id: int | None = None
    at_utc: str | None = None  # None: the export time


def _read_rows(table: Table, dates: Dates, posts: dict[int, dict[str, Any]], now: datetime, zone: str) -> list[Any]:
    """Every row of ``table`` read and checked, before the store is opened: the first bad cell raises."""
    if table.kind in (OVERVIEW, FOLLOWER_HISTORY):
        return [_daily_row(table, dates, row_no, cells) for row_no, cells in table.rows if not _total_row(table, cells)]
    if table.kind == FOLLOWER_ACTIVITY:
        return [_activity_row(table, dates, row_no, cells) for row_no, cells in table.rows]
    return [_snap_row(table, row_no, cells, posts, now, zone) for row_no, cells in table.rows]


def _total_row(table: Table, cells: list[str]) -> bool:
    """TikTok-like files may end with a 'Total' row: not a day."""
    return (table.cell(cells, "day") or "").casefold() in ("total", "totals")


def _daily_row(table: Table, dates: Dates, row_no: int, cells: list[str]) -> tuple[int, date, dict[str, int | None]]:
    with table.at(row_no, "day"):
        day = dates.day(table.cell(cells, "day") or "")
    values: dict[str, int | None] = {}
    for name in metrics.ACCOUNT_FIELDS:
        if name in table.columns:
            with table.at(row_no, name):
                values[name] = parse_count(table.cell(cells, name) or "", signed=name == "follower_change")
    return row_no, day, values


def _activity_row(table: Table, dates: Dates, row_no: int, cells: list[str]) -> tuple[int, date, int, int | None]:
    with table.at(row_no, "day"):
        day = dates.day(table.cell(cells, "day") or "")
    with table.at(row_no, "hour"):
        hour = _hour(table.cell(cells, "hour") or "")
    with table.at(row_no, "active_followers"):
        active = parse_count(table.cell(cells, "active_followers") or "")
    return row_no, day, hour, active


def _hour(text: str) -> int:
    if text.isdecimal() and len(text) <= 2 and int(text) < 24:
        return int(text)
    clock = parse_clock(text.lower())
    if clock is None or clock.minute:
        shown = repr(text) if len(text) <= 20 else f"{text[:20]!r}... ({len(text):,} characters)"
        raise UsageError(f"{shown} is not an hour of the day", hint="hours are 0 to 23, or 13:00, or 1pm")
    return clock.hour


def _figures(table: Table, row_no: int, cells: list[str]) -> dict[str, int | float | None]:
    """The metric cells of a row, checked (``metrics.check_figures``); None for the unknown ones."""
    figures: dict[str, int | float | None] = {}
    for name in metrics.FIELDS:
        if name not in table.columns:
            continue
        with table.at(row_no, name):
            value = parse_number(table.cell(cells, name) or "", percent=name == "full_watch",
                                 seconds=name == "watch_time")  # fmt: skip
        figures.update(metrics.check_figures({name: value}, f"{table.where(row_no, name)}: "))
    return figures


def _snap_row(
    table: Table, row_no: int, cells: list[str], posts: dict[int, dict[str, Any]], now: datetime, zone: str
) -> _SnapRow:
    """A row of Content.csv, or of the own CSV: ``post`` (an id) or ``url``, and ``at`` when given."""
    figures = _figures(table, row_no, cells)
    title = table.cell(cells, "title") or ""
    if table.kind == CONTENT:
        link = table.cell(cells, "link") or ""
        return _SnapRow(row_no, figures, video_id(table.cell(cells, "video_id")) or video_id(link), link, title)
    link = table.cell(cells, "url") or ""
    rec = _SnapRow(row_no, figures, video_id(link), link, title)
    if all(v is None for v in figures.values()):
        raise UsageError(f"{table.where(row_no)}: no figures", hint="give at least one of " + ", ".join(metrics.FIELDS))
    if link and rec.video_id is None:
        with table.at(row_no, "url"):
            raise UsageError(f"{link!r} holds no TikTok video id", hint="copy the link of the video from TikTok")
    if table.cell(cells, "post"):
        with table.at(row_no, "post"):
            rec.post_id = parse_post_id(table.cell(cells, "post") or "")
            post = posts.get(rec.post_id)
            if post is None:
                raise NotFoundError(f"no post with id {rec.post_id}", hint="'contentops post list' shows the posts")
            if rec.video_id is not None and video_id(post.get("url")) != rec.video_id:
                raise ValidationError(
                    f"post {rec.post_id} has another video than the url ({post.get('url') or 'none'})",
                    hint="give the post or the url, or correct one of them",
                )
    elif not link:
        raise UsageError(f"{table.where(row_no)}: no post and no url", hint="give the post id or its TikTok link")
    if table.cell(cells, "at"):
        with table.at(row_no, "at"):
            moment = parse_when(table.cell(cells, "at") or "", zone, now)
            if moment > now:
                raise ValidationError(
                    f"{local_iso(to_utc_iso(moment), zone)} is in the future",
                    hint="give the time the figures were read",
                )
        rec.at_utc = to_utc_iso(moment)
    return rec


# -- the import ---------------------------------------------------------------------------------------
@dataclass
class _Plan:
    """What the import writes, worked out inside the transaction (or its copy in memory, for a dry run)."""

    tx: Transaction
    zone: str
    keys: set[str]  # of the snapshots
    snaps: dict[int, list[dict[str, Any]]]  # post -> its snapshots in time order, the planned ones too
    daily: dict[str, tuple[int | None, dict[str, Any]]]  # day -> (document id or None when new, document)
    activity: dict[tuple[str, int], tuple[int | None, dict[str, Any]]]  # (day, hour) -> the same
    new_snapshots: list[dict[str, Any]] = field(default_factory=list)
    changed_days: set[str] = field(default_factory=set)
    changed_hours: set[tuple[str, int]] = field(default_factory=set)

    @classmethod
    def start(cls, tx: Transaction, zone: str) -> _Plan:
        snapshot_docs = [doc for _, doc in tx.scan(metrics.SNAPSHOTS)]
        return cls(
            tx, zone, {d.get("key") for d in snapshot_docs}, metrics.snapshots_by_post(snapshot_docs),
            {d["day"]: (i, dict(d)) for i, d in tx.scan(metrics.DAILY)},
            {(d["day"], d["hour"]): (i, dict(d)) for i, d in tx.scan(metrics.ACTIVITY)},
        )  # fmt: skip

    def add_snapshot(self, post_id: int, at_utc: str, figures: Mapping[str, Any], key: str) -> bool:
        """Plan a snapshot; False when one with this key exists (imported before)."""
        if key in self.keys:
            return False
        self.keys.add(key)
        doc = metrics.snapshot_doc(post_id, at_utc, figures, SOURCE, key)
        self.new_snapshots.append(doc)
        snaps = self.snaps.setdefault(post_id, [])
        bisect.insort_right(snaps, doc, key=lambda s: s["at"])
        return True

    def set_day(self, day: str, values: Mapping[str, int | None]) -> bool:
        """Merge the known ``values`` into the day's document; False when that changes nothing."""
        doc_id, doc = self.daily.get(day, (None, None))
        before = {f: (doc or {}).get(f) for f in metrics.ACCOUNT_FIELDS}
        after = {**before, **{k: v for k, v in values.items() if v is not None}}
        if doc is not None and after == before:
            return False
        key = metrics.figures_key(metrics.DAILY, day, after)
        self.daily[day] = (doc_id, {"day": day, **after, "source": SOURCE, "key": key})
        self.changed_days.add(day)
        return True

    def set_hour(self, day: str, hour: int, active: int | None) -> bool:
        """Set the active followers of a day and hour (an unknown value keeps a known one)."""
        doc_id, doc = self.activity.get((day, hour), (None, None))
        if doc is not None and (active is None or doc.get("active_followers") == active):
            return False
        key = metrics.figures_key(metrics.ACTIVITY, day, hour, active)
        self.activity[(day, hour)] = (doc_id, {"day": day, "hour": hour, "active_followers": active, "key": key})
        self.changed_hours.add((day, hour))
        return True

    def write(self) -> dict[str, int]:
        """Put the planned documents into the transaction: one insert per table, plus the updated days."""
        if self.new_snapshots:
            self.tx.insert_many(metrics.SNAPSHOTS, self.new_snapshots)
        changes: list[tuple[str, list[Any], Mapping[Any, tuple[int | None, dict[str, Any]]]]] = [
            (metrics.DAILY, sorted(self.changed_days), self.daily),
            (metrics.ACTIVITY, sorted(self.changed_hours), self.activity),
        ]
        for table, changed, docs in changes:
            fresh = []
            for name in changed:
                doc_id, doc = docs[name]
                if doc_id is None:
                    fresh.append(doc)
                else:
                    self.tx.update(table, doc_id, doc)
            if fresh:
                self.tx.insert_many(table, fresh)
        return {"snapshots": len(self.new_snapshots), "daily": len(self.changed_days),
                "activity": len(self.changed_hours)}  # fmt: skip


def import_metrics(
    ws: Workspace,
    paths: list[Path],
    *,
    now: datetime,
    at: str | None = None,
    year: int | None = None,
    dry_run: bool = False,
    actor: str | None = None,
) -> dict[str, Any]:
    """``metrics import``: read the files (CSV, or zips of them), check every row, then write what is new
    in one transaction of the metrics store (nothing when ``dry_run``). ``at`` is when the export was
    made (friendly or ISO time in the home zone; default ``now``): Content snapshots are taken then, and
    dates without a year are placed before it (or in ``year``). Returns the report, with stable keys."""
    zone = ws.config.zone
    when = now if at is None else parse_when(at, zone, now)
    if when > now:
        raise UsageError(
            f"--at {local_iso(to_utc_iso(when), zone)} is in the future",
            hint="give the time the export was downloaded, e.g. --at 'yesterday 9am' or --at '2026-11-20 09:00'",
        )
    export_day = when.astimezone(get_zone(zone)).date()
    if year is not None and not 2016 <= year <= export_day.year:
        raise UsageError(
            f"--year {year} is not a year of TikTok Studio exports made by {export_day.isoformat()}",
            hint="give the year the dates of the file are in, e.g. --year 2026",
        )
    dates = Dates(export_day, year)
    sources, skipped = read_sources(paths)
    tables: list[Table] = []
    for source in sources:
        try:
            tables.append(parse_table(source.label, source.data))
        except UnknownFileError as exc:
            if not source.in_zip:
                raise
            skipped.append(Skipped(source.label, exc.reason))
    if not tables:
        names = ", ".join(p.name for p in paths)
        raise UsageError(
            f"nothing to import in {names}: no CSV file contentops reads",
            hint="TikTok Studio's Overview, FollowerHistory, FollowerActivity and Content downloads hold them",
        )
    posts = {p["id"]: p for p in ws.store().read().all(POSTS)}
    read = [(table, _read_rows(table, dates, posts, now, zone)) for table in tables]
    job = _Job(read, skipped, posts, to_utc_iso(when), zone, ", ".join(p.name for p in paths), dry_run)
    with ws.metrics_store(actor).transaction("metrics import", now, dry_run=dry_run) as tx:
        return job.run(tx)


def written_text(written: Mapping[str, int]) -> str:
    """``{"snapshots": 2, "daily": 4, "activity": 0}`` -> ``2 snapshots, 4 days`` (``nothing new`` for none)."""
    words = {"snapshots": "snapshot", "daily": "day", "activity": "activity hour"}
    parts = [f"{written[k]} {word}{'' if written[k] == 1 else 's'}" for k, word in words.items() if written[k]]
    return ", ".join(parts) or "nothing new"


@dataclass
class _Job:
    """The checked rows of every file, applied to a transaction."""

    tables: list[tuple[Table, list[Any]]]
    skipped: list[Skipped]
    posts: dict[int, dict[str, Any]]
    export_at: str  # UTC text
    zone: str
    names: str
    dry_run: bool

    def run(self, tx: Transaction) -> dict[str, Any]:
        plan = _Plan.start(tx, self.zone)
        by_video: dict[str, list[dict[str, Any]]] = {}
        for post in self.posts.values():
            vid = video_id(post.get("url"))
            if vid:
                by_video.setdefault(vid, []).append(post)
        reports = []
        for table, rows in self.tables:
            report = FileReport(table.label, table.kind, rows=len(rows))
            if table.unused:
                report.notes.append("columns not used: " + ", ".join(table.unused))
            if len(rows) < len(table.rows):
                report.notes.append("a 'Total' row was left out: it is not a day")
            if table.kind in (OVERVIEW, FOLLOWER_HISTORY):
                self._daily(table, report, rows, plan)
            elif table.kind == FOLLOWER_ACTIVITY:
                self._activity(table, report, rows, plan)
            else:
                self._snapshots(table, report, rows, plan, by_video)
            reports.append(report)
        written = plan.write()
        unmatched = sum(len(r.unmatched) for r in reports)
        already = sum(r.already_imported for r in reports)
        parts = [written_text(written)] + ([f"{unmatched} unmatched"] if unmatched else [])
        parts += [f"{already} already imported"] if already else []
        tx.summary = f"metrics import {self.names}: {', '.join(parts)}"
        return {
            "at": local_iso(self.export_at, self.zone),
            "zone": self.zone,
            "dry_run": self.dry_run,
            "applied": not self.dry_run and any(written.values()),
            "written": written,
            "already_imported": already,
            "unmatched": unmatched,
            "files": [r.as_json() for r in reports],
            "skipped": [{"file": s.file, "reason": s.reason} for s in self.skipped],
            "summary": tx.summary,
        }

    @staticmethod
    def _daily(table: Table, report: FileReport, rows: list[Any], plan: _Plan) -> None:
        seen: dict[date, tuple[int, dict[str, Any]]] = {}
        for row_no, day, values in rows:
            if day in seen and seen[day][1] != values:
                raise ValidationError(
                    f"{table.where(row_no, 'day')}: {day.isoformat()} is also in row {seen[day][0]}, with other "
                    "figures",
                    hint="keep one row per day",
                )
            seen[day] = (row_no, values)
            report.count(plan.set_day(day.isoformat(), values))

    @staticmethod
    def _activity(table: Table, report: FileReport, rows: list[Any], plan: _Plan) -> None:
        seen: dict[tuple[date, int], tuple[int, int | None]] = {}
        for row_no, day, hour, active in rows:
            if (day, hour) in seen and seen[(day, hour)][1] != active:
                raise ValidationError(
                    f"{table.where(row_no, 'hour')}: {day.isoformat()} {hour}:00 is also in row "
                    f"{seen[(day, hour)][0]}, with another figure",
                    hint="keep one row per day and hour",
                )
            seen[(day, hour)] = (row_no, active)
            report.count(plan.set_hour(day.isoformat(), hour, active))

    def _snapshots(
        self, table: Table, report: FileReport, rows: list[_SnapRow], plan: _Plan,
        by_video: dict[str, list[dict[str, Any]]],
    ) -> None:  # fmt: skip
        seen: dict[tuple[int, str], int] = {}
        for rec in rows:
            post = self.posts[rec.post_id] if rec.post_id is not None else _by_video(by_video, rec.video_id)
            unmatched = {"row": rec.row, "video_id": rec.video_id, "title": rec.title, "url": rec.link or None}
            if post is None or isinstance(post, str):
                report.unmatched.append({**unmatched, "reason": post or "no post has this video"})
                continue
            if post["status"] != "published":
                why = f"post {post['id']} is {post['status']}, not published"
                if table.kind == OWN:
                    raise ValidationError(
                        f"{table.where(rec.row)}: {why}; only published posts have metrics",
                        hint=f"mark it published first: contentops post publish {post['id']} --url URL",
                    )
                report.unmatched.append({**unmatched, "reason": why})
                continue
            at_utc = rec.at_utc or self.export_at
            if table.kind == OWN and post.get("published_at") and at_utc < post["published_at"]:
                raise ValidationError(  # as 'metrics log --at' refuses it
                    f"{table.where(rec.row)}: {local_iso(at_utc, self.zone)} is before post {post['id']} went out "
                    f"({local_iso(post['published_at'], self.zone)})",
                    hint="give the time the figures were read",
                )
            if (post["id"], at_utc) in seen:
                raise ValidationError(
                    f"{table.where(rec.row)}: post {post['id']} at {local_iso(at_utc, self.zone)} is also in row "
                    f"{seen[(post['id'], at_utc)]}",
                    hint="keep one row per post (and time)",
                )
            seen[(post["id"], at_utc)] = rec.row
            known = {k: v for k, v in rec.figures.items() if v is not None}
            # A key without the time when the time is the export's: importing the file again later adds nothing.
            # With its own time, a row has the key 'metrics log' gives the same figures.
            if rec.at_utc is None:
                key = metrics.figures_key(table.kind, rec.video_id if table.kind == CONTENT else post["id"], known)
            else:
                key = metrics.figures_key(post["id"], at_utc, known)
            if key not in plan.keys:
                _check_counts(table, report, rec.row, post["id"], plan, at_utc, known)
            new = plan.add_snapshot(post["id"], at_utc, known, key)
            report.count(new)
            report.matched.append({"row": rec.row, "post": post["id"], "title": post["title"], "new": new})


def _by_video(by_video: dict[str, list[dict[str, Any]]], vid: str | None) -> dict[str, Any] | str | None:
    """The post with video ``vid``; a string says why there is none; None when no post has it."""
    if vid is None:
        return "no video id in the link"
    found = by_video.get(vid, [])
    if len(found) > 1:
        return "posts " + ", ".join(str(p["id"]) for p in found) + " all have this video"
    return found[0] if found else None


def _check_counts(
    table: Table, report: FileReport, row_no: int, post_id: int, plan: _Plan, at_utc: str, figures: Mapping[str, Any]
) -> None:
    """Counts only grow: in the own CSV a lower count is refused, as 'metrics log' refuses it; TikTok's own
    figures are kept, with a note (TikTok removes views and likes it finds fake)."""
    try:
        metrics.check_monotonic(post_id, plan.snaps.get(post_id, []), at_utc, figures, plan.zone)
    except ValidationError as exc:
        if table.kind == OWN:
            raise ValidationError(
                f"{table.where(row_no)}: {exc.message}",
                hint="check the figure; if TikTok really lowered it, log it with 'contentops metrics log ... --force'",
            ) from None
        report.notes.append(f"row {row_no}: {exc.message} (kept: these are TikTok's own figures)")
