"""Cut lists: the CSV file that ``clip batch`` (and recap) read, one clip per row.

Columns (header row required, any order, names case-insensitive)::

    source,start,end,name,caption,srt,frame,post

Only ``source``, ``start`` and ``end`` are required; any other column name is refused. The file is UTF-8
(a byte-order mark, as Excel writes, is fine). Paths (``source``, ``srt``) are relative to the cut list's
folder; times are ``SS.s``, ``MM:SS.s`` or ``HH:MM:SS.s``; ``frame`` is one of ``FRAME_MODES`` (default
``crop``); ``post`` is the id of a post to attach the clip to.

Problems of the file as a whole (missing, over ``MAX_BYTES``, not UTF-8, a bad header) raise a ``UsageError``.
Problems of one row do not: they are collected in ``CutRow.errors`` (each message names the row and the
column), so the other rows can still be rendered. Rows are numbered by the line of the file they start on (the header is
row 1), which is the spreadsheet's row number unless a cell above spans several lines.

Output names are ``name`` or ``<source stem>-<start>-<end>`` (e.g. ``keynote-1m15.5s-1m30s.mp4``), made
safe on Windows, macOS and Linux by ``safe_name`` and unique (ignoring case) by ``unique_names``, both
built on ``contentops.names``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from pathlib import Path

from ..calendar_ops import parse_post_id
from ..errors import NotFoundError, UsageError
from ..names import MAX_NAME_CHARS as MAX_NAME_CHARS
from ..names import child_path, safe_filename, unique_filename
from .job import FRAME_MODES
from .timecode import parse_timecode

COLUMNS: tuple[str, ...] = ("source", "start", "end", "name", "caption", "srt", "frame", "post")
REQUIRED: tuple[str, ...] = ("source", "start", "end")
DEFAULT_FRAME = "crop"
EXTENSION = ".mp4"
HINT_COLUMNS = f"the columns are: {','.join(COLUMNS)} (source, start and end are required)"
MAX_BYTES = 1_048_576  # of a cut list: over ten thousand rows
MAX_CELL = 10_000  # characters of a cell: far more than fits on a clip, far less than a hostile file holds


@dataclass(frozen=True)
class CutRow:
    """One row of a cut list. With ``errors`` the row cannot be rendered; the other fields then hold
    what could be read (``None`` for what could not)."""

    line: int  # the line of the file the row starts on (the header is line 1)
    name: str  # the output file name (safe and unique within the cut list)
    source: Path | None
    start: float | None
    end: float | None
    caption: str | None = None
    srt: Path | None = None
    frame: str = DEFAULT_FRAME
    post: int | None = None
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def read_cutlist(path: Path | str) -> list[CutRow]:
    """The rows of the cut list at ``path`` (blank rows left out), in file order."""
    path = Path(path)
    label = str(path)
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)  # never more: a huge file (or /dev/zero) is not read into memory
    except FileNotFoundError:
        raise NotFoundError(f"cut list {label} not found", hint="check the path of the CSV file") from None
    except IsADirectoryError:
        raise UsageError(f"{label} is a folder, not a cut list", hint="give the path of the CSV file") from None
    if len(data) > MAX_BYTES:
        raise UsageError(
            f"cut list {label} is larger than {MAX_BYTES // 1_048_576} MB", hint="split it into several cut lists"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"cut list {label} is not UTF-8 text (byte {exc.start + 1})",
            hint="save it as 'CSV UTF-8' (Excel) or UTF-8 text",
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise UsageError(f"cut list {label} is empty", hint=f"start with a header row; {HINT_COLUMNS}")
        columns = _columns(label, header)
        folder = path.parent.absolute()
        rows: list[CutRow] = []
        line = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append(_row(line, columns, cells, folder))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise UsageError(
            f"cut list {label} row {reader.line_num}: not valid CSV ({exc})",
            hint='put a cell that holds commas, quotes or line breaks in double quotes, and double its quotes ("")',
        ) from None
    return unique_names(rows)


def _columns(label: str, header: list[str]) -> list[str]:
    columns = [cell.strip().lower() for cell in header]
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        shown = ", ".join(repr(c) if c else "(a blank header)" for c in unknown)
        raise UsageError(f"cut list {label} row 1: unknown column {shown}", hint=HINT_COLUMNS)
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise UsageError(f"cut list {label} row 1: column {', '.join(repeated)} given twice", hint=HINT_COLUMNS)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise UsageError(f"cut list {label} row 1: no {', '.join(missing)} column", hint=HINT_COLUMNS)
    return columns


def _row(line: int, columns: list[str], cells: list[str], folder: Path) -> CutRow:
    errors: list[str] = []

    def problem(column: str, message: str) -> None:
        errors.append(f"row {line}, column {column}: {message}")

    if len(cells) > len(columns):
        errors.append(f"row {line}: {len(cells)} cells, but the header has {len(columns)} columns")
    values = {c: v.strip() for c, v in zip(columns, cells, strict=False)}
    for column, value in values.items():
        if len(value) > MAX_CELL:
            problem(column, f"{len(value):,} characters; a cell takes at most {MAX_CELL:,}")
            values[column] = ""
    caption = values.get("caption") or None  # line breaks inside are kept: they are forced breaks

    def file(column: str) -> Path | None:
        text = values.get(column, "")
        if not text:
            return None
        try:
            found = folder / Path(text).expanduser()
            is_dir, exists = found.is_dir(), found.exists()
        except (RuntimeError, ValueError, OSError):  # ~nobody (no such user), a NUL character, a name too long
            problem(column, f"{text!r} is not a path this computer can open")
            return None
        if is_dir:
            problem(column, f"{text} is a folder, not a file")
        elif not exists:
            problem(column, f"no such file: {text} (looked in {found.parent})")
        return found

    def time(column: str) -> float | None:
        text = values.get(column, "")
        if not text:
            problem(column, "no time given")
            return None
        try:
            return parse_timecode(text)
        except UsageError as exc:
            problem(column, f"{exc.message}; {exc.hint}")
            return None

    source = file("source")
    if not values.get("source"):
        problem("source", "no source video given")
    start, end = time("start"), time("end")
    if start is not None and end is not None and start >= end:
        problem("end", f"the end ({values['end']}) is not after the start ({values['start']})")
    srt = file("srt")
    if caption and srt:
        problem("caption", "give a caption or an srt file, not both")
    frame = (values.get("frame") or DEFAULT_FRAME).lower()
    if frame not in FRAME_MODES:
        problem("frame", f"unknown frame mode {values['frame']!r} (use {', '.join(FRAME_MODES)})")
    post = None
    if values.get("post"):
        try:
            post = parse_post_id(values["post"])
        except UsageError as exc:
            problem("post", exc.message)
    name = values.get("name") or default_name(values.get("source", ""), values.get("start", ""), values.get("end", ""))
    return CutRow(
        line=line,
        name=safe_name(name, fallback=f"row-{line}"),
        source=source,
        start=start,
        end=end,
        caption=caption,
        srt=srt,
        frame=frame,
        post=post,
        errors=tuple(errors),
    )


def _stamp(text: str) -> str:
    """A cut time for a file name: ``75.5`` -> ``1m15.5s``, ``3725`` -> ``1h02m05s`` (unreadable times as typed)."""
    try:
        seconds = parse_timecode(text)
    except UsageError:
        return text
    hours, rest = divmod(round(seconds * 1000), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    whole, millis = divmod(rest, 1000)
    fraction = f".{millis:03d}".rstrip("0") if millis else ""
    if hours:
        return f"{hours}h{minutes:02d}m{whole:02d}{fraction}s"
    if minutes:
        return f"{minutes}m{whole:02d}{fraction}s"
    return f"{whole}{fraction}s"


def default_name(source: str, start: str, end: str) -> str:
    """``<source stem>-<start>-<end>``, e.g. ``keynote-1m15.5s-1m30s`` (sanitised later by ``safe_name``)."""
    stem = Path(source.replace("\\", "/")).stem if source else ""
    return f"{stem}-{_stamp(start)}-{_stamp(end)}" if stem else ""


def safe_name(name: str, *, fallback: str = "clip") -> str:
    """A clip's file name (with ``.mp4``): ``names.safe_filename``, safe on Windows, macOS and Linux and in
    its folder. A name ending in ``.mp4`` keeps it; any other text is the stem."""
    return safe_filename(name, EXTENSION, fallback=fallback)


def unique_names(rows: list[CutRow]) -> list[CutRow]:
    """Rows whose names differ case-insensitively: a repeated name gets ``-2``, ``-3`` ... in row order."""
    taken: set[str] = set()
    out: list[CutRow] = []
    for row in rows:
        name = unique_filename(row.name, taken)
        out.append(row if name == row.name else replace(row, name=name))
    return out


def output_path(out_dir: Path, name: str) -> Path:
    """``out_dir / name``, refusing any name that would leave the folder (``safe_name`` never makes one)."""
    return child_path(out_dir, name)
