"""Calendar export (iCalendar, CSV, JSON) and import (CSV, JSON).

Export formats:

* ``ics``: one VEVENT per post with a time that is not cancelled, for Google Calendar and
  Outlook: DTSTART with the TZID of the post's zone plus the VTIMEZONE components it needs,
  a UID that stays the same across exports (``post-<id>@<handle>.contentops``), CRLF lines
  folded at 75 octets (the ``icalendar`` library does the format).
* ``csv``: UTF-8 with a byte-order mark (so Excel reads it as UTF-8), CRLF, a header row with
  ``COLUMNS``. Cells Excel would run as a formula get a leading ``'``, which the importer
  takes off again, so a round trip is lossless.
* ``json``: a list of ``post_json()`` dicts, the same as ``contentops post list --json``.

Import reads CSV or JSON with the ``COLUMNS`` (only ``title`` is needed, for new posts), checks
every row before it changes anything, and applies the whole file as one transaction: one
journal entry, one ``contentops undo``. It refuses, naming the row and column: a file over
``MAX_IMPORT_BYTES`` (before reading it) or ``MAX_IMPORT_ROWS``, a cell over ``MAX_CELL`` characters
(a title over ``calendar_ops.MAX_TITLE``), and in JSON a key given twice, ``NaN``/``Infinity``, a number of more
than ``MAX_DIGITS`` digits or too large for a float, and text holding half a UTF-16 pair.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from . import __version__
from .calendar_ops import (
    CAMPAIGNS,
    POSTS,
    STATUSES,
    TRANSITIONS,
    apply_edit,
    check_pillar,
    check_title,
    check_url,
    get_campaign,
    list_posts,
    new_post,
    normalise_hashtags,
    parse_post_id,
    post_json,
    refuse_past,
)
from .errors import ContentOpsError, NotFoundError, UsageError
from .fsutil import atomic_write_bytes
from .store import Transaction
from .timeutil import get_zone, parse_when, to_utc_iso
from .workspace import Workspace

FORMATS = ("ics", "csv", "json")
COLUMNS = ("id", "title", "status", "at", "tz", "pillar", "campaign", "caption", "hashtags", "owner", "video", "url")
# Keys of post_json() that only the workflow (or ``thumb``, for the cover, and ``post edit --asset``, for
# the assets) sets: accepted in imported files and ignored.
READ_ONLY = ("cover", "assets", "approved_by", "approved_at", "published_at", "created_at", "updated_at", "log")
CONFIRMED = ("approved", "scheduled", "published")
EVENT_MINUTES = 15
MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
MAX_CELL = 10_000  # characters of any cell of an import (more than the longest caption TikTok takes)
MAX_DIGITS = 18  # of a whole number in a JSON import: more is refused, as NaN and Infinity are
# Import reads tz before at: a time is read in the row's zone.
_READ_ORDER = ("tz", *(c for c in COLUMNS[1:] if c != "tz"))
# A cell starting with one of these is a formula (or DDE) to Excel and LibreOffice.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SURROGATE = re.compile("[\ud800-\udfff]")  # half of a UTF-16 pair: JSON can write one ("\\ud800"), UTF-8 cannot


# -- export ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Export:
    format: str
    count: int  # posts (csv, json) or events (ics) written
    data: bytes


def export_calendar(
    ws: Workspace,
    fmt: str | None,
    *,
    now: datetime,
    start: date | None = None,
    end: date | None = None,
    out: Path | None = None,
) -> Export:
    """Export the posts (all, or those with a time in local days ``start``..``end``) as
    ``fmt``; written atomically to ``out`` when given. ``fmt`` defaults to ``out``'s extension."""
    fmt = _export_format(fmt, out)
    posts = list_posts(ws, start=start, end=end)
    if fmt == "ics":
        data, count = ics_bytes(ws, posts, now)
    elif fmt == "csv":
        data, count = csv_bytes(posts), len(posts)
    else:
        data, count = (json.dumps(posts, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), len(posts)
    if out is not None:
        atomic_write_bytes(out, data)
    return Export(fmt, count, data)


def _export_format(fmt: str | None, out: Path | None) -> str:
    if fmt is None and out is not None:
        fmt = out.suffix.lstrip(".")
    fmt = (fmt or "").strip().lower()
    if fmt not in FORMATS:
        raise UsageError(
            f"unknown export format {fmt!r}" if fmt else "which format? give --format, or -o FILE with an extension",
            hint="use --format ics (calendar apps), csv (Excel) or json (scripts)",
        )
    return fmt


def event_uid(post_id: int, handle: str) -> str:
    """The iCalendar UID of a post: the same in every export, so calendar apps update the event."""
    return f"post-{post_id}@{handle.lstrip('@')}.contentops"


def ics_bytes(ws: Workspace, posts: list[dict[str, Any]], now: datetime) -> tuple[bytes, int]:
    """An iCalendar file of ``posts`` (``post_json`` form): each post with a time that is not
    cancelled becomes a 15-minute event; approved, scheduled and published ones are CONFIRMED,
    the others TENTATIVE."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", f"-//contentops//contentops {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{ws.config.name or ws.config.handle} content calendar")
    events = [p for p in posts if p["at"] and p["status"] != "cancelled"]
    for p in events:
        begin = datetime.fromisoformat(p["at"]).astimezone(get_zone(p["tz"]))
        ev = Event()
        ev.add("uid", event_uid(p["id"], ws.config.handle))
        ev.add("dtstamp", now)
        ev.add("dtstart", begin)
        ev.add("dtend", begin + timedelta(minutes=EVENT_MINUTES))
        ev.add("summary", p["title"])
        ev.add("description", _event_description(p))
        ev.add("status", "CONFIRMED" if p["status"] in CONFIRMED else "TENTATIVE")
        ev.add("transp", "TRANSPARENT")  # a post does not make the team busy
        if p["pillar"]:
            ev.add("categories", [p["pillar"]])
        if p["url"]:
            ev.add("url", p["url"])
        if p["updated_at"]:
            ev.add("last-modified", datetime.fromisoformat(p["updated_at"]))
        cal.add_component(ev)
    if events:
        # VTIMEZONE rules for a year either side of the events: complete, and short.
        years = [int(p["at"][:4]) for p in events]
        cal.add_missing_timezones(first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 2, 1, 1))
    return cal.to_ical(), len(events)


def _event_description(post: dict[str, Any]) -> str:
    """Caption, hashtags, then the planning details."""
    details = [f"Status: {post['status']}"]
    for label, key in (("Pillar", "pillar"), ("Campaign", "campaign"), ("Owner", "owner"), ("Video", "video")):
        if post[key]:
            details.append(f"{label}: {post[key]}")
    details.append(f"contentops post show {post['id']}")
    parts = [post["caption"].strip(), " ".join(post["hashtags"]), "\n".join(details)]
    return "\n\n".join(part for part in parts if part)


def cell_text(post: dict[str, Any], column: str) -> str:
    """The text of ``column`` for a post in ``post_json`` form (before formula neutralising)."""
    value = post.get(column)
    if column == "hashtags":
        return " ".join(value or [])
    return "" if value is None else str(value)


def neutralise(text: str) -> str:
    """Quote a cell Excel would run as a formula. A value that already starts with quotes
    before such a character gets one more, so ``unneutralise`` restores every value exactly."""
    return "'" + text if text.lstrip("'").startswith(FORMULA_START) else text


def unneutralise(text: str) -> str:
    return text[1:] if text.startswith("'") and text.lstrip("'").startswith(FORMULA_START) else text


def csv_bytes(posts: list[dict[str, Any]]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for p in posts:
        writer.writerow([neutralise(cell_text(p, c)) for c in COLUMNS])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# -- import: reading the file -----------------------------------------------------------------
Row = tuple[int, dict[str, str]]  # (row number as the user sees it, column -> text)


def check_import_file(
    path: Path, what: str, too_big: str = "split the file into smaller ones and import them one after the other"
) -> int:
    """``path`` is an existing regular file of at most ``MAX_IMPORT_BYTES``; returns its size. ``what`` is
    the hint for something that is not a file, ``too_big`` the hint for a file over the limit."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise NotFoundError(f"{path} does not exist", hint="check the file name") from None
    if not path.is_file():
        raise UsageError(f"{path} is not a file", hint=what)
    if size > MAX_IMPORT_BYTES:
        raise UsageError(
            f"{path} is {size / 1_048_576:.1f} MB; an import takes at most {MAX_IMPORT_BYTES // 1_048_576} MB",
            hint=too_big,
        )
    return size


def read_rows(
    path: Path, columns: Sequence[str] = COLUMNS, ignored: Sequence[str] = READ_ONLY
) -> tuple[str, list[Row]]:
    """Read a CSV or JSON file (by extension, else by its first character) into rows of text.

    CSV rows are numbered like a spreadsheet (the header is row 1); JSON rows by their place
    in the list (the first is row 1). A column outside ``columns`` and ``ignored`` is refused
    (a typing mistake); JSON rows leave out the ``ignored`` ones. The defaults are the calendar's."""
    check_import_file(path, "give a .csv or .json file")
    suffix = path.suffix.lower()
    if suffix in (".ics", ".ical", ".ifb"):
        raise UsageError(
            f"{path.name}: import reads CSV or JSON, not iCalendar",
            hint="export with 'contentops cal export --format csv', edit, then import that file",
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{path.name} is not UTF-8 text (byte {exc.start})", hint="save it as 'CSV UTF-8' in Excel"
        ) from None
    is_json = suffix == ".json" or (suffix != ".csv" and text.lstrip()[:1] in ("[", "{"))
    with long_cells():
        rows = _json_rows(path, text, columns, ignored) if is_json else _csv_rows(path, text, columns, ignored)
    if len(rows) > MAX_IMPORT_ROWS:
        raise UsageError(
            f"{path.name} has more than {MAX_IMPORT_ROWS} rows; an import takes at most {MAX_IMPORT_ROWS}",
            hint="split the file into smaller ones and import them one after the other",
        )
    for row_no, values in rows:
        for name, value in values.items():
            if len(value) > MAX_CELL:
                raise UsageError(
                    f"row {row_no}, column {name!r}: {len(value):,} characters; a cell takes at most {MAX_CELL:,}",
                    hint="shorten it: no caption, title or other value is that long",
                )
    return ("json" if is_json else "csv"), rows


def _check_column(row_no: int, name: str, columns: Sequence[str], ignored: Sequence[str]) -> None:
    if name not in columns and name not in ignored:
        raise UsageError(f"row {row_no}, column {name!r}: unknown column", hint=f"columns: {','.join(columns)}")


@contextmanager
def long_cells() -> Iterator[None]:
    """Inside, the csv module reads cells of any length (it stops at 128 KB), so an import (whose file is at most
    ``MAX_IMPORT_BYTES``) can name the row and column of a cell that is too long."""
    previous = csv.field_size_limit(MAX_IMPORT_BYTES)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _csv_rows(path: Path, text: str, columns: Sequence[str], ignored: Sequence[str]) -> list[Row]:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[Row] = []
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        if not any(header):
            raise UsageError(f"{path.name} has no header row", hint=f"the first row names the columns: {columns}")
        seen: set[str] = set()
        for name in header:
            if name:
                _check_column(1, name, columns, ignored)
                if name in seen:
                    raise UsageError(f"row 1, column {name!r}: the column is there twice", hint="keep one of them")
                seen.add(name)
        for row_no, cells in enumerate(reader, start=2):
            if len(cells) > len(header):
                raise UsageError(
                    f"row {row_no}: {len(cells)} cells, but the header names {len(header)} columns",
                    hint="check for an unquoted comma, or add a name for the extra column",
                )
            values = {name: unneutralise(cell) for name, cell in zip(header, cells, strict=False) if name}
            if any(not name and cell.strip() for name, cell in zip(header, cells, strict=False)):
                raise UsageError(f"row {row_no}: a cell under a column without a name", hint="name the column")
            if any(v.strip() for v in values.values()):
                rows.append((row_no, values))
            if len(rows) > MAX_IMPORT_ROWS:
                break
    except csv.Error as exc:
        raise UsageError(f"row {reader.line_num}: not valid CSV ({exc})", hint="save the file as CSV") from None
    return rows


class _Refused:
    """A JSON value an import refuses wherever it stands: NaN, Infinity, a number of more than MAX_DIGITS digits."""

    def __init__(self, why: str) -> None:
        self.why = why


class _Object(dict[str, Any]):
    """A JSON object that remembers a key given twice (``json.loads`` keeps the last one without a word)."""

    twice: str | None = None


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object()
    for key, value in pairs:
        if key in obj and obj.twice is None:
            obj.twice = key
        obj[key] = value
    return obj


def _number(text: str) -> int | float | _Refused:
    if "." not in text and "e" not in text.lower():
        digits = len(text.lstrip("-"))
        return int(text) if digits <= MAX_DIGITS else _Refused(f"a number of {digits:,} digits")
    number = float(text)
    return number if math.isfinite(number) else _Refused(f"{text[:20]} is too large a number")


def _refusal(value: Any) -> str | None:
    """Why ``value`` (parsed JSON) cannot be imported, wherever in it the reason stands; None when it can be."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _Refused):
            return item.why
        if isinstance(item, str) and (half := _SURROGATE.search(item)):
            return f"the text holds {half[0]!r}, half of a UTF-16 pair, not a character"
        if isinstance(item, _Object):
            if item.twice is not None:
                return f"the key {item.twice!r} is there twice"
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _json_rows(path: Path, text: str, columns: Sequence[str], ignored: Sequence[str]) -> list[Row]:
    hint = "fix the file, or export a fresh one with 'contentops cal export --format json'"
    try:
        data = json.loads(
            text,
            object_pairs_hook=_object,
            parse_int=_number,
            parse_float=_number,
            parse_constant=lambda name: _Refused(f"{name} is not a value JSON allows"),
        )
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{path.name} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", hint=hint
        ) from None
    except RecursionError:
        raise UsageError(f"{path.name}: lists or objects nested too deeply", hint=hint) from None
    if isinstance(data, _Object) and data.twice is not None:
        raise UsageError(f"{path.name}: the key {data.twice!r} is there twice", hint="keep one of them")
    if isinstance(data, dict) and set(data) == {"posts"}:
        data = data["posts"]
    if not isinstance(data, list):
        raise UsageError(f"{path.name} holds no list of posts", hint='write [{"title": ...}, ...] or {"posts": [...]}')
    rows: list[Row] = []
    for row_no, item in enumerate(data[: MAX_IMPORT_ROWS + 1], start=1):
        if not isinstance(item, dict):
            raise UsageError(f"row {row_no}: not an object with post fields", hint='e.g. {"title": "Teaser"}')
        values: dict[str, str] = {}
        seen: set[str] = set()
        for key, value in item.items():
            name = key.strip().lower()
            _check_column(row_no, name, columns, ignored)
            if name in seen or item.twice == key:
                raise UsageError(f"row {row_no}, column {name!r}: the column is there twice", hint="keep one of them")
            seen.add(name)
            refusal = _refusal(value)
            if refusal is not None:
                raise UsageError(
                    f"row {row_no}, column {name!r}: {refusal}", hint="write values as JSON strings, and each key once"
                )
            if name not in ignored:
                values[name] = _json_text(row_no, name, value)
        rows.append((row_no, values))
    return rows


def _json_text(row_no: int, name: str, value: Any) -> str:
    if value is None:
        return ""
    if name == "id" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list) and name == "hashtags" and all(isinstance(v, str) for v in value):
        value = " ".join(value)
    if not isinstance(value, str):
        raise UsageError(
            f"row {row_no}, column {name!r}: expected text, not {json.dumps(value, ensure_ascii=False)[:40]}",
            hint="write the value as a JSON string (hashtags may be a list of strings)",
        )
    return value


# -- import: checking and applying --------------------------------------------------------------
@dataclass
class _Plan:
    """What an import would do; ``problems`` are errors already prefixed with row and column."""

    added: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (row, new post document)
    changed: list[tuple[int, dict[str, Any], dict[str, Any]]] = field(default_factory=list)  # (row, post, fields)
    unchanged: int = 0
    problems: list[UsageError] = field(default_factory=list)

    @contextmanager
    def cell(self, row_no: int, column: str) -> Iterator[None]:
        """Record an error raised inside as a problem of this row and column."""
        try:
            yield
        except ContentOpsError as exc:
            self.problems.append(UsageError(f"row {row_no}, column {column!r}: {exc.message}", hint=exc.hint))


def import_calendar(
    ws: Workspace, path: Path, *, now: datetime, dry_run: bool = False, actor: str | None = None
) -> dict[str, Any]:
    """Import posts from a CSV or JSON file: rows with the ``id`` of a post update the fields
    given that differ; rows without one add posts (drafts, or ideas). Every row is checked
    before anything changes, and the changes are one transaction (one ``contentops undo``).
    An import changes no statuses, except that new content sends an approved or scheduled
    post back to review, as ``post edit`` does. ``dry_run`` works the same on a copy in memory
    and writes nothing."""
    fmt, rows = read_rows(path)
    with ws.store(actor).transaction("cal import", now, dry_run=dry_run) as tx:
        return _import(ws, tx, path, fmt, rows, now, dry_run)


def _import(
    ws: Workspace, tx: Transaction, path: Path, fmt: str, rows: list[Row], now: datetime, dry_run: bool
) -> dict[str, Any]:
    plan = _plan(ws, tx, rows, now)
    changed = []
    for row_no, post, fields in plan.changed:
        before = post_json(post)
        after = post_json(apply_edit(tx, post, fields, now=now, actor=tx.actor)[0])
        diff = {c: {"before": before[c], "after": after[c]} for c in COLUMNS[1:] if before[c] != after[c]}
        changed.append({"row": row_no, "id": post["id"], "title": post["title"], "changes": diff})
    docs = [doc for _, doc in plan.added]
    ids = tx.insert_many(POSTS, docs) if docs else []
    added = []
    for (row_no, doc), new_id in zip(plan.added, ids, strict=True):
        public = post_json({**doc, "id": new_id})
        added.append({"row": row_no, **{c: public[c] for c in COLUMNS}})
    plural = "" if len(added) == 1 else "s"
    tx.summary = f"imported {path.name}: added {len(added)} post{plural}, changed {len(changed)}"
    return {
        "file": str(path),
        "format": fmt,
        "rows": len(rows),
        "dry_run": dry_run,
        "applied": not dry_run and bool(added or changed),
        "added": added,
        "changed": changed,
        "unchanged": plan.unchanged,
    }


def _plan(ws: Workspace, tx: Transaction, rows: list[Row], now: datetime) -> _Plan:
    plan = _Plan()
    posts = {p["id"]: p for p in tx.all(POSTS)}
    campaigns = tx.all(CAMPAIGNS)
    first_row: dict[int, int] = {}
    for row_no, row in rows:
        post = None
        if row.get("id", "").strip():
            with plan.cell(row_no, "id"):
                post = _existing(posts, row["id"], row_no, first_row)
            if post is None:
                continue
        values = _row_values(ws, plan, row_no, row, post, campaigns, now)
        if post is not None:
            fields = {k: v for k, v in values.items() if post.get(k) != v}
            if fields:
                plan.changed.append((row_no, post, fields))
            else:
                plan.unchanged += 1
        elif "title" not in row:
            plan.problems.append(
                UsageError(f"row {row_no}, column 'title': a new post needs a title", hint="or give the id of a post")
            )
        elif "title" in values:
            plan.added.append((row_no, _new_doc(ws, values, now, tx.actor)))
    if plan.problems:
        first, more = plan.problems[0], plan.problems[1:]
        extra = ""
        if more:
            where = "; ".join(p.message.split(":", 1)[0] for p in more[:5]) + ("; ..." if len(more) > 5 else "")
            extra = f" (and {len(more)} more problem{'s' if len(more) > 1 else ''}: {where})"
        raise UsageError(first.message + extra, hint=f"{first.hint + '; ' if first.hint else ''}nothing was changed")
    return plan


def _existing(posts: dict[int, dict[str, Any]], text: str, row_no: int, first_row: dict[int, int]) -> dict[str, Any]:
    post_id = parse_post_id(text)
    if post_id not in posts:
        raise UsageError(
            f"no post with id {post_id}",
            hint="leave 'id' empty to add a new post; 'contentops post list' shows the ids",
        )
    if post_id in first_row:
        raise UsageError(f"post {post_id} is in the file twice (also in row {first_row[post_id]})", hint="keep one row")
    first_row[post_id] = row_no
    return posts[post_id]


def _row_values(
    ws: Workspace,
    plan: _Plan,
    row_no: int,
    row: dict[str, str],
    post: dict[str, Any] | None,
    campaigns: list[dict[str, Any]],
    now: datetime,
) -> dict[str, Any]:
    """The stored values of the row's columns. For an existing post, a cell whose text is what
    an export writes for it is the same value and is not checked again (a pillar since taken
    out of the settings does not block a round trip)."""
    current = post_json(post) if post is not None else None
    values: dict[str, Any] = {}
    zone = (post or {}).get("tz") or ws.config.zone
    for column in _READ_ORDER:
        if column not in row or (current is not None and row[column] == cell_text(current, column)):
            continue
        text = row[column]
        with plan.cell(row_no, column):
            value = _parse_cell(ws, column, text, post, zone, campaigns, now)
            if column == "tz" and value is not None:
                zone = value
            if value is not None or column not in ("status", "tz"):
                values[column] = value
    return values


def _parse_cell(
    ws: Workspace,
    column: str,
    text: str,
    post: dict[str, Any] | None,
    zone: str,
    campaigns: list[dict[str, Any]],
    now: datetime,
) -> Any:
    stripped = text.strip()
    if column == "title":
        return check_title(text)
    if column == "status":
        return _check_status(stripped.lower(), post) if stripped else None
    if column == "tz":
        return get_zone(stripped).key if stripped else None
    if column == "at":
        at_utc = to_utc_iso(parse_when(stripped, zone, now)) if stripped else None
        if post is not None and at_utc != post.get("at"):
            _check_move(post, at_utc, zone, now)
        return at_utc
    if column == "pillar":
        return check_pillar(ws, stripped) if stripped else None
    if column == "campaign":
        return get_campaign(campaigns, stripped)["name"] if stripped else None
    if column == "caption":
        return text
    if column == "hashtags":
        return normalise_hashtags([text])
    if column == "url":
        if stripped and (post is None or post["status"] != "published"):
            which = "a new post" if post is None else f"post {post['id']} is {post['status']}"
            raise UsageError(
                f"{which}: only published posts have a URL",
                hint="'contentops post publish ID --url URL' publishes a post with its URL",
            )
        return check_url(stripped) if stripped else None
    return stripped or None  # owner, video


def _check_status(status: str, post: dict[str, Any] | None) -> str:
    if status not in STATUSES:
        raise UsageError(f"unknown status {status!r}", hint=f"use one of: {', '.join(STATUSES)}")
    if post is None:
        if status not in ("idea", "draft"):
            raise UsageError(
                f"a new post starts as an idea or a draft, not {status!r}",
                hint="import it as a draft, then move it on with 'contentops post submit/approve/schedule ID'",
            )
        return status
    if status != post["status"]:
        step = next((a for a, (src, dst) in TRANSITIONS.items() if dst == status and post["status"] in src), None)
        how = f"'contentops post {step} {post['id']}'" if step else "the review commands ('contentops post --help')"
        raise UsageError(
            f"post {post['id']} is {post['status']}; an import does not change statuses (to {status!r})",
            hint=f"use {how}, or put {post['status']!r} back in the file",
        )
    return status


def _check_move(post: dict[str, Any], at_utc: str | None, zone: str, now: datetime) -> None:
    """The time rules of ``post edit``: published and cancelled posts keep their time, a
    scheduled post keeps a time in the future."""
    if post["status"] in ("published", "cancelled"):
        raise UsageError(f"post {post['id']} is {post['status']}; its time cannot change", hint="put the old time back")
    if post["status"] == "scheduled":
        if at_utc is None:
            raise UsageError(
                f"post {post['id']} is scheduled; it needs a time",
                hint="cancel it, or request changes first, before removing its time",
            )
        refuse_past(post["id"], at_utc, zone, now, "move scheduled")


def _new_doc(ws: Workspace, values: dict[str, Any], now: datetime, actor: str) -> dict[str, Any]:
    doc = new_post(
        ws, values["title"], now=now, actor=actor, at_utc=values.get("at"), zone=values.get("tz"),
        pillar=values.get("pillar"), caption=values.get("caption") or "", hashtags=values.get("hashtags") or [],
        owner=values.get("owner"), video=values.get("video"), status=values.get("status") or "draft",
    )  # fmt: skip
    doc["campaign"] = values.get("campaign")
    return doc


__all__ = [
    "COLUMNS",
    "FORMATS",
    "Export",
    "csv_bytes",
    "event_uid",
    "export_calendar",
    "ics_bytes",
    "import_calendar",
    "read_rows",
]
