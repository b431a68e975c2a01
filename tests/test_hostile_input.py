"""Hostile input: files made to let bad data in, and every parser fed random input.

Part 1, through the command line: each import (``cal import`` CSV and JSON, ``feedback import``,
``metrics import`` CSV and zip) and each settings file (``contentops.toml``, ``assets/brand.toml``,
``calendar/key-dates.toml``, cut lists) is fed duplicate JSON keys, NaN and Infinity, enormous numbers, a
100 MB file, 200 KB cells and TOML values of the wrong type. Each is refused: a non-zero exit code, one
``Error:`` line (and a ``Hint:``) naming the file and the row, column or key, no traceback, a short message
(the 200 KB are not echoed), and ``calendar.json`` and ``metrics.json`` byte-identical. contentops reads no
YAML anywhere, so the wrong-type cases are TOML ones.

Part 2, with hypothesis: every parser (time expressions, timecodes, cut lists, the CSV and JSON imports,
TikTok Studio exports and their zips, the brand kit, contentops.toml, key dates) is fed random text and
bytes, and mutations of valid examples (characters dropped, doubled, swapped, spiced with digits by the
thousand, NaN, NUL, quotes and delimiters; real headers with random cells) that reach past the first
checks. Each call must return or raise a ``ContentOpsError`` with a one-line message, within
``HANG_SECONDS``: any other exception, or a hang, fails.
"""

from __future__ import annotations

import csv
import io
import json
import signal
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from cli_helpers import Cli, snapshot
from hypothesis import example, given, settings
from hypothesis import strategies as st

from contentops import metrics_import as mi
from contentops import timeutil
from contentops.assets import parse_asset_id
from contentops.brand import brand_path, brand_problems, default_kit_dir, load_brand, load_language
from contentops.calendar_ops import STATUSES, add_campaign, add_post, parse_post_id, transition
from contentops.errors import ContentOpsError, UsageError
from contentops.exchange import COLUMNS, READ_ONLY, import_calendar
from contentops.feedback import IMPORT_COLUMNS, SENTIMENTS, import_feedback, parse_feedback_id
from contentops.keydates import load_key_dates
from contentops.lint import severities
from contentops.media.cutlist import read_cutlist
from contentops.media.timecode import parse_timecode
from contentops.metrics import log_metrics
from contentops.slots import parse_days, parse_slot_id, parse_slot_time
from contentops.trends import parse_trend_id
from contentops.workspace import Workspace, config_text, load_config

NOW = "2026-11-18T09:00:00+11:00"  # Wednesday 18 November 2026, 09:00 in Sydney
NOW_DT = datetime.fromisoformat(NOW)
TODAY = date(2026, 11, 18)
VIDEO = "7301234567890123456"
URL = f"https://www.tiktok.com/@brand.anz/video/{VIDEO}"
CLI = Cli(NOW, require_hint=True)
HANG_SECONDS = 5.0

T = TypeVar("T")


# -- the guard every fuzzed call goes through -------------------------------------------------------------
class Hang(Exception):
    """A parser took longer than HANG_SECONDS: raised by the alarm, so a hang fails instead of blocking CI."""


@contextmanager
def time_limit(seconds: float = HANG_SECONDS) -> Iterator[None]:
    def alarm(signum: int, frame: Any) -> None:
        raise Hang(f"no answer within {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def documented(call: Callable[..., T], *args: Any, **kwargs: Any) -> T | ContentOpsError:
    """``call(...)``'s result, or the ContentOpsError it raised (with a one-line message). Anything else it
    raises, and a hang, propagate: hypothesis then shrinks the input and reports it."""
    with time_limit():
        try:
            return call(*args, **kwargs)
        except ContentOpsError as exc:
            assert exc.message.strip() and "\n" not in exc.message and "\r" not in exc.message, repr(exc.message)
            return exc


# -- strategies: random text, and valid examples mutated ----------------------------------------------------
SPICE = (
    "9" * 5000, "1" * 400, "1e400", "NaN", "-Infinity", "²", "٣", "\x00", "\x7f", "\ufeff", "🎉", "ā", '"', "'",
    ",", ";", "\t", "\n", "\r\n", "=", "[", "]", "{", "}", "#", "/", "\\", "..", "-", "+", ":", ".", " ", "%",
    "0", "00", "24", "60", "99", "2026", "9999", "0001",
)  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, seeds: Sequence[str], spice: Sequence[str] = SPICE, edits: int = 4) -> str:
    """One of ``seeds`` with up to ``edits`` edits: a spice (or random characters) put in, a slice dropped,
    doubled, or swapped with the next one."""
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(0, edits))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 8)))
        k = draw(st.integers(j, min(len(text), j + 8)))
        op = draw(st.integers(0, 3))
        if op == 0:
            text = text[:i] + draw(st.sampled_from(spice) | st.text(max_size=3)) + text[i:]
        elif op == 1:
            text = text[:i] + text[j:]
        elif op == 2:
            text = text[:i] + text[i:j] * draw(st.integers(2, 3)) + text[j:]
        else:
            text = text[:i] + text[j:k] + text[i:j] + text[k:]
    return text


def texts(seeds: Sequence[str], spice: Sequence[str] = SPICE) -> st.SearchStrategy[str]:
    """Valid examples, their mutations, and random text."""
    return st.one_of(st.sampled_from(seeds), mutated(seeds, spice), st.text(max_size=30))


@st.composite
def csv_bytes(draw: st.DrawFn, cells: dict[str, Sequence[str]], delimiters: str = ",") -> bytes:
    """A CSV file: a header from the real columns (all, some, repeated, reordered, or with a stranger), rows of
    valid, mutated or random cells (sometimes one too many or too few), written with random quoting, maybe a
    byte-order mark, then maybe mutated as a whole."""
    names = list(cells)
    header = draw(
        st.one_of(
            st.just(names),
            st.permutations(names),
            st.lists(st.sampled_from(names) | st.text(max_size=8), min_size=1, max_size=len(names) + 1),
        )
    )
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        row = [draw(texts(cells.get(name, [""]))) for name in header]
        if draw(st.integers(0, 9)) == 0:
            row = [*row, "extra"] if draw(st.booleans()) else row[:-1]
        rows.append(row)
    buf = io.StringIO()
    quoting = draw(st.sampled_from((csv.QUOTE_MINIMAL, csv.QUOTE_ALL)))
    csv.writer(buf, delimiter=draw(st.sampled_from(delimiters)), quoting=quoting, lineterminator="\r\n").writerows(
        [header, *rows]
    )
    text = buf.getvalue()
    if draw(st.booleans()):
        text = draw(mutated([text], edits=2))
    data = (("\ufeff" if draw(st.booleans()) else "") + text).encode("utf-8")
    return draw(st.just(data) | st.binary(max_size=200)) if draw(st.integers(0, 9)) == 0 else data


def toml_value(value: Any) -> str:
    """``value`` (from ``toml_values``) as TOML: strings quoted and escaped, tables and arrays inline."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        escaped = "".join(f"\\u{ord(c):04x}" if ord(c) < 0x20 or c in '"\\\x7f' else c for c in value)
        return f'"{escaped}"'
    if isinstance(value, int | float):
        return repr(value).replace("e+", "e")  # inf, nan, 1e300: all TOML
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{toml_value(str(k))} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_values(words: Sequence[str]) -> st.SearchStrategy[Any]:
    """Any TOML value: text (often one of ``words``), numbers of any size (nan and inf too), booleans, dates and
    date-times, and arrays and tables of them."""
    scalars = st.one_of(
        st.sampled_from(words), st.text(max_size=8), st.integers(), st.floats(), st.booleans(), st.dates(),
        st.datetimes(),
    )  # fmt: skip
    keys = st.sampled_from(words) | st.text(min_size=1, max_size=6)
    return st.recursive(
        scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3), max_leaves=8
    )


def toml_doc(tables: dict[str, Sequence[str]], words: Sequence[str]) -> st.SearchStrategy[str]:
    """A TOML document of the shape ``tables`` (table -> its keys; "" for the top level), or near it: each
    known key (and some strangers) set to any value, tables sometimes not tables."""
    values = toml_values(words)

    @st.composite
    def build(draw: st.DrawFn) -> str:
        lines = []
        for table, keys in tables.items():
            if not table:
                entries = draw(st.dictionaries(st.sampled_from(keys) | st.text(min_size=1, max_size=5), values))
                lines += [f"{toml_value(k)} = {toml_value(v)}" for k, v in entries.items()]
            elif draw(st.integers(0, 5)) == 0:
                lines.append(f"{toml_value(table)} = {toml_value(draw(values))}")
            elif draw(st.booleans()):
                entries = draw(st.dictionaries(st.sampled_from(keys) | st.text(min_size=1, max_size=5), values))
                lines.append(f"{toml_value(table)} = {toml_value(entries)}")
        return "\n".join(lines) + "\n"

    return build()


# -- the workspace the imports are fuzzed against -----------------------------------------------------------
@pytest.fixture
def cal(ws: Workspace) -> Workspace:
    """Post 1 a draft, 2 scheduled, 3 published with URL and a metrics snapshot, 4 cancelled; campaign 'Summer
    Sounds'."""
    add_campaign(ws, "Summer Sounds", date(2026, 12, 1), date(2027, 4, 30), hashtags=["SummerSounds"], now=NOW_DT)
    for title, at in (("Draft", "fri 6pm"), ("Scheduled", "2026-12-05 18:00"), ("Published", "2026-11-14 18:00"),
                      ("Cancelled", "2026-12-06 18:00")):  # fmt: skip
        add_post(ws, title, now=NOW_DT, at=at)
    for action in ("submit", "approve", "schedule"):
        transition(ws, 2, action, now=NOW_DT)
    for action in ("submit", "approve", "publish"):
        transition(ws, 3, action, now=NOW_DT, url=URL if action == "publish" else None)
    transition(ws, 4, "cancel", now=NOW_DT)
    log_metrics(ws, 3, {"views": 1200}, now=NOW_DT)  # so metrics.json exists, and must stay as it is
    return ws


# == Part 1: hostile imports, through the command line ====================================================
def metrics_bytes(ws: Workspace) -> bytes | None:
    return ws.metrics_db.read_bytes() if ws.metrics_db.exists() else None


def refused(ws: Workspace, code: int, *args: str, needles: Sequence[str] = ()) -> str:
    """Run a command that must be refused: ``code``, one ``Error:`` and one ``Hint:`` line with ``needles``, no
    traceback, a short message (the offending value is not echoed), and both databases byte-identical."""
    before = snapshot(ws), metrics_bytes(ws)
    result = CLI.run(ws, *args)
    CLI.assert_error(result, code, *needles)
    assert len(result.stderr) < 600, result.stderr[:600]
    assert (snapshot(ws), metrics_bytes(ws)) == before, f"{args} changed a database"
    return result.stderr


def write(path: Path, data: str | bytes) -> str:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


BIG = "9" * 5000
JSON_CASES = [
    # duplicate keys: refused, not "the last one wins"
    ("cal", '[{"title": "One", "title": "Two"}]', "row 1, column 'title': the column is there twice"),
    ("cal", '[{"title": "One", "TITLE": "Two"}]', "row 1, column 'title': the column is there twice"),
    ("cal", '{"posts": [{"title": "A"}], "posts": [{"title": "B"}]}', "posts.json: the key 'posts' is there twice"),
    ("cal", '[{"title": "One", "log": [{"by": "a", "by": "b"}]}]', "row 1, column 'log': the key 'by' is there twice"),
    ("feedback", '[{"post": "3", "text": "hi", "text": "bye"}]', "row 1, column 'text': the column is there twice"),
    # NaN and Infinity, in a column, in one the import ignores, inside a list
    ("cal", '[{"title": NaN}]', "row 1, column 'title': NaN is not a value JSON allows"),
    ("cal", '[{"title": "One", "created_at": Infinity}]', "column 'created_at': Infinity is not a value JSON allows"),
    ("cal", '[{"title": "One", "hashtags": ["#a", -Infinity]}]', "column 'hashtags': -Infinity is not a value"),
    ("feedback", '[{"post": "3", "text": NaN}]', "comments.json, row 1, column 'text': NaN is not a value"),
    # enormous numbers
    ("cal", '[{"id": 1e400}]', "row 1, column 'id': 1e400 is too large a number"),
    ("cal", '[{"id": 1' + "0" * 5000 + "}]", "row 1, column 'id': a number of 5,001 digits"),
    ("cal", '[{"id": 1234567890123456789}]', "row 1, column 'id': a number of 19 digits"),
    # nesting that overflows the parser's stack, and half a UTF-16 pair
    ("cal", "[" * 100_000 + "]" * 100_000, "posts.json: lists or objects nested too deeply"),
    ("cal", '[{"title": "\\ud800 x"}]', "row 1, column 'title': the text holds '\\ud800', half of a UTF-16 pair"),
    ("cal", '[{"title": "x", "hashtags": [1, "\\udfff"]}]', "column 'hashtags': the text holds '\\udfff'"),
    ("cal", '[{"title": "x", "\\ud800": 1}]', "row 1, column '\\ud800': unknown column"),
]  # fmt: skip


@pytest.mark.parametrize(("command", "text", "needle"), JSON_CASES)
def test_hostile_json_is_refused_and_imports_nothing(cal: Workspace, tmp_path: Path, command: str, text: str,
                                                     needle: str) -> None:  # fmt: skip
    path = write(tmp_path / ("posts.json" if command == "cal" else "comments.json"), text)
    refused(cal, 2, command, "import", path, needles=(needle,))


OWN_METRICS = "post,views\n3,{}\n"
HUGE_CASES = [
    (["cal", "import"], "posts.csv", f"id,title\n{BIG},Ghost\n", 2, ("row 2, column 'id'", "is not a post id")),
    (["cal", "import"], "posts.csv", f"title,at\nOne,2026-12-04 18:{BIG}\n", 2,
     ("row 2, column 'at': '2026-12-04 18:999999'... is 5,014 characters long, not a time",)),
    (["feedback", "import"], "comments.csv", f"post,text\n{BIG},hi\n", 2, ("row 2, column 'post'", "not a post id")),
    (["metrics", "import"], "team.csv", OWN_METRICS.format("1" + "0" * 30), 2,
     ("team.csv row 2, column 'views'", "is more than 1,000,000,000,000")),
    (["metrics", "import"], "team.csv", OWN_METRICS.format(BIG), 2, ("column 'views'", "(5,000 characters)")),
    (["metrics", "import"], "Overview.csv", f"Date,Video Views\nNovember 1,{BIG}.5\n", 2,
     ("Overview.csv row 2, column 'Video Views'", "is more than")),
    (["metrics", "import"], "Activity.csv", f"Date,Hour,Active followers\nNovember 1,{BIG},5\n", 2,
     ("row 2, column 'Hour'", "is not an hour")),
]  # fmt: skip


@pytest.mark.parametrize(("command", "name", "text", "code", "needles"), HUGE_CASES)
def test_enormous_numbers_are_refused(cal: Workspace, tmp_path: Path, command: list[str], name: str, text: str,
                                      code: int, needles: tuple[str, ...]) -> None:  # fmt: skip
    refused(cal, code, *command, write(tmp_path / name, text), needles=needles)


def test_a_100_mb_file_is_refused_before_it_is_read(cal: Workspace, tmp_path: Path) -> None:
    def huge(name: str) -> str:
        path = tmp_path / name
        with path.open("wb") as fh:
            fh.truncate(100 * 1_048_576)  # sparse: instant, and no disk used
        return str(path)

    tracemalloc.start()
    try:
        for command in (["cal", "import"], ["feedback", "import"]):
            for name in ("big.csv", "big.json"):
                refused(cal, 2, *command, huge(name), needles=("is 100.0 MB; an import takes at most 20 MB",))
        for name in ("Overview.csv", "export.zip"):
            refused(cal, 2, "metrics", "import", huge(name), needles=(f"{name} is 100.0 MB",))
        refused(cal, 2, "clip", "batch", huge("cuts.csv"), needles=("cuts.csv is larger than 1 MB",))
        assert tracemalloc.get_traced_memory()[1] < 20 * 1_048_576  # none of the 100 MB was read
    finally:
        tracemalloc.stop()
    readers = {cal.config_path: ("post", "list"), brand_path(cal): ("cal", "check"),
               cal.calendar_dir / "key-dates.toml": ("cal", "week")}  # fmt: skip
    for path, command in readers.items():
        kept = path.read_bytes() if path.exists() else None
        Path(huge(path.name)).replace(path)
        refused(cal, 1, *command, needles=(f"{path.name}: is larger than 1,024 KB",))
        path.unlink()
        if kept is not None:
            path.write_bytes(kept)
    with pytest.raises(UsageError, match="larger than 1 MB"):  # read 1 MB, not for ever
        read_cutlist("/dev/zero")


CELL = "x" * 200_000
LONG_CASES = [
    (["cal", "import"], "posts.csv", f"title,caption\nOne,{CELL}\n", "row 2, column 'caption': 200,000 characters"),
    (["cal", "import"], "posts.json", json.dumps([{"title": CELL}]), "row 1, column 'title': 200,000 characters"),
    (["cal", "import"], "posts.csv", f"title\n{'x' * 201}\n", "row 2, column 'title': the title is 201 characters"),
    (["cal", "import"], "posts.csv", f"title,owner\nOne,{CELL}\n", "row 2, column 'owner': 200,000 characters"),
    (["feedback", "import"], "comments.csv", f"post,text\n3,{CELL}\n", "comments.csv, row 2, column 'text'"),
    (["feedback", "import"], "comments.csv", f"post,text,tags\n3,hi,{CELL}\n", "row 2, column 'tags'"),
    (["metrics", "import"], "Content.csv", f"Video title,Video link,Total views\n{CELL},{URL},5\n",
     "Content.csv row 2, column 'Video title': 200,000 characters"),
    (["metrics", "import"], "team.csv", f"post,views,title\n3,5,{CELL}\n", "team.csv row 2, column 'title'"),
]  # fmt: skip


@pytest.mark.parametrize(("command", "name", "text", "needle"), LONG_CASES)
def test_200_kb_cells_are_refused_by_their_column(cal: Workspace, tmp_path: Path, command: list[str], name: str,
                                                 text: str, needle: str) -> None:  # fmt: skip
    refused(cal, 2, *command, write(tmp_path / name, text), needles=(needle,))


def test_hostile_cut_lists(tmp_path: Path) -> None:
    """Whole-file problems refuse the file; a bad cell fails its row only, named by row and column."""
    (tmp_path / "talk.mp4").write_bytes(b"")
    head = "source,start,end,caption,post\n"
    cases = {
        f"talk.mp4,{BIG},10,,": "row 2, column start: '999999999999999999999999'... (5,000 characters) is not a time",
        "talk.mp4,0,1e400,,": "row 2, column end: '1e400' is not a time",
        "talk.mp4,0,100:00:00,,": "row 2, column end: time '100:00:00' is 100 hours or more",
        f"talk.mp4,0,10,{'x' * 50_000},": "row 2, column caption: 50,000 characters; a cell takes at most 10,000",
        "talk.mp4,0,10,,²": "row 2, column post: '²' is not a post id",
        f"talk.mp4,0,10,,{BIG}": "row 2, column post: '99999",
        "~nobody-such-user/talk.mp4,0,10,,": "row 2, column source: '~nobody-such-user/talk.mp4' is not a path",
        "talk\x00.mp4,0,10,,": "row 2, column source: no such file: talk\x00.mp4",
    }
    for row, needle in cases.items():
        [found] = read_cutlist(write(tmp_path / "cuts.csv", head + row + "\n"))
        assert found.errors and found.errors[0].startswith(needle), (row[:40], found.errors)
    with pytest.raises(UsageError, match="not valid CSV"):  # a cell over the csv module's 128 KB
        read_cutlist(write(tmp_path / "cuts.csv", head + f"talk.mp4,0,10,{CELL},\n"))


CONFIG_CASES = [
    ('zone = "Australia/Sydney"', "zone = 5", "time.zone must be a string"),
    ('zone = "Australia/Sydney"', 'zone = ["Australia/Sydney"]', "time.zone must be a string"),
    ('handle = "@brand.anz"', "handle = 2026-01-01", "account.handle must be a string"),
    ('name = ""', 'name = {first = "Brand"}', "account.name must be a string"),
    ('name = ""', f'name = "{CELL}"', "account.name must be a string of at most 100 characters"),
    ("[account]", 'account = "@brand.anz"\n[old]', "[account] must be a table"),
    ("max_per_day = 3", 'max_per_day = "3"', "rules.max_per_day must be a number from 0 to 1,000,000"),
    ("max_per_day = 3", "max_per_day = nan", "rules.max_per_day must be a number"),
    ("max_per_day = 3", "max_per_day = 1e400", "rules.max_per_day must be a number"),
    ("max_per_day = 3", f"max_per_day = {BIG}", "holds a number of more than 4,300 digits"),
    ("backups_recent = 10", "backups_recent = inf", "storage.backups_recent must be a number"),
    ("pillars = [", 'pillars = "trend"\nx = [', "content.pillars must be a list"),
    ('regions = ["AU-NSW", "AU-VIC", "NZ"]', 'regions = [["AU"]]', "calendar.regions must be a list"),
    ("[time]", "[time]\nzone = " + "[" * 5000 + "]" * 5000, "nested too deeply"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "needle"), CONFIG_CASES)
def test_settings_of_the_wrong_type_are_refused_by_their_key(cal: Workspace, old: str, new: str, needle: str) -> None:
    text = cal.config_path.read_text(encoding="utf-8")
    assert old in text
    cal.config_path.write_text(text.replace(old, new, 1), encoding="utf-8")
    stderr = refused(cal, 1, "cal", "check", needles=("contentops.toml: ", needle))
    assert stderr == refused(cal, 1, "post", "add", "Teaser", "--at", "fri 6pm")  # nothing added either


BRAND_CASES = [
    ("[colours]\nprimary = 16711680\n", "colours.primary", "16711680 is not a colour"),
    ('[[colours]]\nprimary = "#FFFFFF"\n', "colours", "[colours] must be a table"),
    ("name = 2026-01-01\n", "name", "must be text"),
    (f'name = "{CELL}"\n', "name", "must be text of at most 200 characters, not 200,000 characters"),
    ("[captions]\nsize = {value = 80}\n", "captions.size", "must be a number from 20 to 200"),
    ("[captions]\nsize = nan\n", "captions.size", "must be a number from 20 to 200, not nan"),
    ('[logo]\ncorner = ["top-left"]\n', "logo.corner", "is not one of"),
    ("[safe_zone]\ntop = true\n", "safe_zone.top", "must be a number"),
    (f"[safe_zone]\ntop = {BIG}\n", "", "holds a number of more than 4,300 digits"),
]  # fmt: skip


@pytest.mark.parametrize(("toml", "key", "needle"), BRAND_CASES)
def test_a_brand_kit_of_the_wrong_types_is_refused_by_its_key(cal: Workspace, toml: str, key: str, needle: str) -> None:
    brand_path(cal).write_text(toml, encoding="utf-8")
    with pytest.raises(ContentOpsError) as caught:
        load_brand(cal)
    assert f"brand.toml: {key}" in caught.value.message and needle in caught.value.message
    if key:  # brand check lists it by its key, exit 3
        result = CLI.run(cal, "brand", "check", "--json")
        assert result.exit_code == 3 and key in {p["key"] for p in json.loads(result.stdout)["problems"]}
    else:  # a file that is not TOML at all
        refused(cal, 1, "brand", "check", needles=(needle,))


LANGUAGE_CASES = [
    ("[language]\nbanned_words = {cheap = true}\n", "language.banned_words must be a list"),
    ('[language]\nterms = ["Tiktok"]\n', "[language.terms] must be a table"),
    ("[language.terms]\nTiktok = 5\n", "language.terms: 'Tiktok' must map to a non-empty spelling"),
    ('language = "none"\n', "[language] must be a table"),
]


@pytest.mark.parametrize(("toml", "needle"), LANGUAGE_CASES)
def test_brand_language_of_the_wrong_types_stops_calendar_checks(cal: Workspace, toml: str, needle: str) -> None:
    brand_path(cal).write_text(toml, encoding="utf-8")
    refused(cal, 1, "cal", "check", needles=("brand.toml: ", needle))


KEY_DATE_CASES = [
    ('[[date]]\ndate = "2026-11-27"\nname = "Black Friday"\n', "[[date]] number 1: 'date' (and 'end') must be days"),
    ('[[date]]\ndate = 2026-11-27T09:00:00\nname = "Black Friday"\n', "must be days like 2026-11-27"),
    ("date = {date = 2026-11-27}\n", "'date' must be an array of tables"),
    ("[[date]]\ndate = 2026-11-27\nname = 5\n", "[[date]] number 1: 'name' must be text"),
    ('date = ["2026-11-27"]\n', "[[date]] number 1 is not a table"),
]


@pytest.mark.parametrize(("toml", "needle"), KEY_DATE_CASES)
def test_key_dates_of_the_wrong_types_are_refused(cal: Workspace, toml: str, needle: str) -> None:
    (cal.calendar_dir / "key-dates.toml").write_text(toml, encoding="utf-8")
    refused(cal, 1, "cal", "week", needles=("key-dates.toml: ", needle))


# == Part 2: every parser fed random input ===================================================================
WHEN_SEEDS = ("2026-12-04 18:00", "2026-12-04T18:00+05:30", "fri 6pm", "tomorrow 9:30", "next monday 18:00",
              "4/12 6pm", "4 Dec 2026 18:00", "today noon", "tonight 8", "2027-04-04 02:30", "2026-10-04 02:30",
              "yesterday 9pm", "31/12/2026 11:59pm", "December 4 at 6.30pm")  # fmt: skip
DAY_SEEDS = (
    "2026-12-04",
    "4/12",
    "4/12/26",
    "4/12/2026",
    "today",
    "tomorrow",
    "fri",
    "next sunday",
    "2026-02-29",
    "2026-12",
)


# Inputs that crashed or hung before the fixes, tried first on every run.
@example("0005-01-01 10:00", "0000-01-01", "Australia/Sydney")  # stored as "4-12-31T23:55:08Z": not sortable
@example("0001-01-01 00:00", "0000-12", "Australia/Sydney")  # OverflowError; ValueError (year 0)
@example("1:99999999999999999999999999999999999999", "fri", "Australia/Sydney")  # decimal.InvalidOperation
@example("12pm UTC+99", "fri", "Australia/Sydney")  # ValueError: an offset of more than a day
@example("a " * 30_000, "a " * 30_000, "Australia/Sydney")  # 10 s
@given(text=texts(WHEN_SEEDS), day_text=texts(DAY_SEEDS),
       zone=st.sampled_from(("Australia/Sydney", "Pacific/Auckland", "Australia/Perth")))  # fmt: skip
@settings(max_examples=300)
def test_time_expressions_fuzzed(text: str, day_text: str, zone: str) -> None:
    found = documented(timeutil.parse_when, text, zone, NOW_DT)
    if isinstance(found, datetime):  # a time contentops stores: four-digit year, so stored times sort as text
        stored = timeutil.to_utc_iso(found)
        assert len(stored) == 20 and 0 <= found.timestamp() - timeutil.from_utc_iso(stored).timestamp() < 1, stored
    for words in (text, day_text):
        day = documented(timeutil.parse_day, words, TODAY)
        assert isinstance(day, ContentOpsError) or 2000 <= day.year <= 2999
        documented(timeutil.parse_month, words)
    with time_limit():
        clock = timeutil.parse_clock(text)  # None, never an error: callers word the refusal
    assert clock is None or clock.hour < 24
    documented(parse_days, text)
    documented(parse_slot_time, text)
    documented(timeutil.get_zone, text)


ID_PARSERS = (parse_post_id, parse_slot_id, parse_feedback_id, parse_asset_id, parse_trend_id)


@example("²")  # ValueError: '²'.isdigit() but int() refuses it
@example("9" * 5000)  # ValueError: more digits than int() reads
@given(text=texts(("1", "#12", "0", "007", "12345678901234567890")))
@settings(max_examples=150)
def test_ids_fuzzed(text: str) -> None:
    for parse in ID_PARSERS:
        found = documented(parse, text)
        assert isinstance(found, ContentOpsError) or found > 0


@example("9" * 5000)  # ValueError: more digits than int() reads
@example("1" * 400)  # float("1" * 400) is inf
@given(text=texts(("75", "12.5", ".5", "1:15.5", "0:01:15", "59:59", "1:00:00.25", "-3", "1:60")))
@settings(max_examples=200)
def test_timecodes_fuzzed(text: str) -> None:
    found = documented(parse_timecode, text)
    if isinstance(found, float | int):
        assert 0 <= found < float("inf")


CUT_CELLS = {
    "source": ["talk.mp4", "", "missing.mp4", "~nobody-here/x.mp4", "/etc", "a\x00b.mp4"],
    "start": ["1:15", "0", "12.5", "", "2:00"],
    "end": ["1:30", "10", "1:00:00", "", "1:15"],
    "name": ["intro", "", "CON", "../x", "a" * 300],
    "caption": ["Kia ora 🎉", "", "line one\nline two"],
    "srt": ["", "talk.srt", "missing.srt"],
    "frame": ["crop", "fit", "none", "", "square"],
    "post": ["", "12", "#3", "0", "x"],
}


@example(b"source,start,end,post\n~nobody-here/x.mp4,0,1,\xc2\xb2\n")  # RuntimeError (no such user); ValueError ('²')
@given(data=csv_bytes(CUT_CELLS))
@settings(max_examples=150)
def test_cut_lists_fuzzed(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "talk.mp4").write_bytes(b"")
    (tmp_path / "talk.srt").write_bytes(b"")
    path = tmp_path / "cuts.csv"
    path.write_bytes(data)
    rows = documented(read_cutlist, path)
    if isinstance(rows, list):
        assert len({r.name.casefold() for r in rows}) == len(rows)
        for row in rows:
            assert all(isinstance(e, str) and e for e in row.errors)
            assert row.errors or (row.source is not None and row.start is not None and row.end is not None)


CAL_CELLS = {
    "id": ["", "1", "2", "3", "4", "#2", "999", "0"],
    "title": ["Teaser", "  ", "Kia ora Tāmaki 🎉", ""],
    "status": [*STATUSES, ""],
    "at": ["fri 6pm", "2026-12-04 18:00", "", "4/12 6pm", "2026-11-01 18:00", "2026-10-04 02:30"],
    "tz": ["Australia/Perth", "Pacific/Auckland", "", "Mars/Base"],
    "pillar": ["trend", "educational", "", "dance"],
    "campaign": ["Summer Sounds", "", "Winter"],
    "caption": ["Hello #Tag", "", "'=1+2", "Line\nbreak"],
    "hashtags": ["#a #b", "SummerSounds,Matariki", "", "#"],
    "owner": ["Aroha", ""],
    "video": ["clips/a.mp4", ""],
    "url": [URL, "", "http://x", "https://www.tiktok.com/@a/video/1"],
}
JSON_SPICE = (*SPICE, "\\ud800", "\\u0000", "1e400", "NaN", "Infinity", "[", "{", '{"title": "x", "title": "y"}')


@st.composite
def cal_json(draw: st.DrawFn) -> bytes:
    """A JSON import: a list of rows with real and stray keys and values of any JSON type, or such text mutated."""
    keys = st.sampled_from([*COLUMNS, *READ_ONLY]) | st.text(max_size=5)
    leaf = st.one_of(texts(CAL_CELLS["at"] + CAL_CELLS["title"]), st.integers(), st.floats(), st.booleans(),
                     st.none())  # fmt: skip
    value = st.recursive(leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=2),
                         max_leaves=5)  # fmt: skip
    rows = draw(st.lists(st.dictionaries(keys, value, max_size=5), max_size=4))
    text = json.dumps(draw(st.sampled_from((rows, {"posts": rows}))), ensure_ascii=draw(st.booleans()))
    if draw(st.booleans()):
        text = draw(mutated([text], JSON_SPICE, edits=3))
    return text.encode("utf-8")


@example(b'[{"id": 1' + b"0" * 5000 + b"}]", ".json", True)  # ValueError in json.loads
@example(b"[" * 100_000 + b"]" * 100_000, ".json", True)  # RecursionError
@example(b'[{"title": "\\ud800"}]', ".json", False)  # UnicodeEncodeError writing calendar.json
@given(data=csv_bytes(CAL_CELLS) | cal_json(), suffix=st.sampled_from((".csv", ".json", ".txt")), dry=st.booleans())
@settings(max_examples=200)
def test_calendar_imports_fuzzed(cal: Workspace, tmp_path: Path, data: bytes, suffix: str, dry: bool) -> None:
    path = tmp_path / f"posts{suffix}"
    path.write_bytes(data)
    documented(import_calendar, cal, path, now=NOW_DT, dry_run=dry)


FEEDBACK_CELLS = {
    "post": ["1", "3", "", "x", "#3"],
    "url": [URL, "", "https://www.tiktok.com/@a/video/1234567"],
    "author": ["@sam", ""],
    "text": ["Love it", "", "x" * 50],
    "time": ["yesterday 9pm", "2026-11-17 19:30", "", "2026-12-20 10:00"],
    "sentiment": [*SENTIMENTS, "", "angry"],
    "tags": ["price; music", "", "#x|y", "a,b,c,d,e,f,g,h,i,j,k"],
    "flag": ["yes", "no", "", "maybe"],
}
assert set(FEEDBACK_CELLS) == set(IMPORT_COLUMNS)


@given(data=csv_bytes(FEEDBACK_CELLS), dry=st.booleans())
@settings(max_examples=120)
def test_feedback_imports_fuzzed(cal: Workspace, tmp_path: Path, data: bytes, dry: bool) -> None:
    path = tmp_path / "comments.csv"
    path.write_bytes(data)
    documented(import_feedback, cal, path, now=NOW_DT, dry_run=dry)


COUNT = ["1,234", "undefined", "12", "0", "-5", "1.5", "+40", "12 345", "1.234.567"]
DAY = ["December 30", "9 Aug", "2026-11-10", "Total", "", "February 29", "Monday, 9th of November"]
TIKTOK_CELLS = {
    "overview": {"Date": DAY, "Video Views": COUNT, "Profile Views": COUNT, "Likes": COUNT, "Comments": COUNT,
                 "Shares": COUNT},
    "followers": {"Date": DAY, "Followers": COUNT, "Difference in followers from previous day": COUNT},
    "activity": {"Date": DAY, "Hour": ["0", "23", "24", "1pm", "13:00", "12:30"], "Active followers": COUNT},
    "content": {"Video title": ["Recap", ""], "Video link": [URL, "", "https://x/video/1"], "Video ID": [VIDEO, ""],
                "Total views": COUNT, "Total likes": COUNT, "Average watch time": ["9.4s", "1:05", "undefined"],
                "Watched full video": ["31.5%", "140%", "-1%"], "Reached audience": COUNT},
    "own": {"post": ["3", "1", "", "99"], "url": [URL, ""], "at": ["2026-11-17 09:00", "", "2026-12-01 09:00"],
            "title": ["Recap"], "views": COUNT, "likes": COUNT, "watch_time": ["9.4", "1:05"],
            "full_watch": ["31.5", "101"], "followers": COUNT},
}  # fmt: skip
TIKTOK_FILES = st.sampled_from(list(TIKTOK_CELLS.values())).flatmap(lambda cells: csv_bytes(cells, ",;\t"))


@given(data=TIKTOK_FILES, dry=st.booleans())
@settings(max_examples=150)
def test_tiktok_exports_fuzzed(cal: Workspace, tmp_path: Path, data: bytes, dry: bool) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    documented(mi.import_metrics, cal, [path], now=NOW_DT, dry_run=dry)


MEMBER_NAMES = (".", "./", "Overview.csv", "Content.csv", "Followers/FollowerHistory.csv", "../escape.csv", "/abs.csv",
                "C:/x.csv", "__MACOSX/._Content.csv", "inner.zip", "notes.txt", "folder/", ".hidden.csv")  # fmt: skip


@st.composite
def tiktok_zip(draw: st.DrawFn) -> bytes:
    """A zip of random members (real exports, mutated ones, random bytes, odd names), maybe with bytes changed."""
    buf = io.BytesIO()
    methods = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
    with zipfile.ZipFile(buf, "w", draw(st.sampled_from(methods))) as zf:
        odd = st.text(st.characters(blacklist_characters="\x00"), min_size=1, max_size=8)  # zipfile cuts names at NUL
        names = draw(st.lists(st.sampled_from(MEMBER_NAMES) | odd, min_size=1, max_size=4, unique=True))
        for name in names:
            zf.writestr(name, draw(TIKTOK_FILES | st.binary(max_size=50)))
    data = bytearray(buf.getvalue())
    for _ in range(draw(st.sampled_from((0, 0, 1, 3)))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


@given(data=tiktok_zip())
@settings(max_examples=120)
def test_tiktok_zips_fuzzed(cal: Workspace, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "export.zip"
    path.write_bytes(data)
    documented(mi.import_metrics, cal, [path], now=NOW_DT, dry_run=True)


@example("9" * 400, "\u00b2 August")  # OverflowError (inf count), ValueError ('²' day)
@example("9" * 5000 + ":00:00", "9" * 5000)  # ValueError: more digits than int() reads
@given(text=texts([*COUNT, "31.5%", "9.4s", "1:05", "1:00:05.5"]), day=texts(DAY))
@settings(max_examples=200)
def test_tiktok_values_fuzzed(text: str, day: str) -> None:
    for kind in ({}, {"percent": True}, {"seconds": True}):
        documented(mi.parse_number, text, **kind)
    documented(mi.parse_count, text, signed=True)
    for dates in (mi.Dates(TODAY), mi.Dates(TODAY, 2025)):
        documented(dates.day, day)
    with time_limit():
        assert mi.video_id(text) is None or mi.video_id(text).isdigit()


KIT_WORDS = ("#FE2C55", "#fff", "top-left", "centre", "", "@brand.anz", "name", "handle", "primary", "size",
             "corner", "scale", "banned_words", "terms", "Tiktok", "TikTok", "logo.png")  # fmt: skip
KIT_TEXT = (default_kit_dir() / "brand.toml").read_text(encoding="utf-8")
TOML_SPICE = (*SPICE, "[colours]", "[[colours]]", "= {", "= [", "inf", "nan", "1979-05-27", '"""', "'''")


@given(text=mutated([KIT_TEXT], TOML_SPICE) | toml_doc(
    {"": ("name", "handle"), "colours": ("primary", "text"), "fonts": ("heading",), "logo": ("file", "corner", "scale"),
     "safe_zone": ("top", "left"), "captions": ("size", "colour"), "language": ("banned_words", "terms")},
    KIT_WORDS))  # fmt: skip
@settings(max_examples=150)
def test_brand_kits_fuzzed(ws: Workspace, text: str) -> None:
    brand_path(ws).write_text(text, encoding="utf-8")
    found = documented(brand_problems, ws)
    if not isinstance(found, ContentOpsError):
        kit, problems = found
        assert all(p.key and p.message and "\n" not in p.message for p in problems)
        assert kit.colours and kit.safe_zone
    documented(load_brand, ws)
    documented(load_language, ws)


CONFIG_WORDS = ("Australia/Sydney", "Pacific/Auckland", "Mars/Base", "@brand.anz", "AU-NSW", "NZ", "trend", "zone",
                "handle", "name", "pillars", "regions", "max_per_day", "lock_timeout_seconds", "backups_recent",
                "severity", "display_zones")  # fmt: skip


@example("[time]\nzone = 5\n")  # AttributeError in get_zone
@example('[time]\nzone = ["Australia/Sydney"]\n')  # TypeError: unhashable list
@example("[account]\nx = " + "9" * 5000 + "\n")  # ValueError in tomllib
@example("x = " + "[" * 5000 + "]" * 5000 + "\n")  # RecursionError in tomllib
@given(text=mutated([config_text("@brand.anz", "Australia/Sydney", "Brand ANZ")], TOML_SPICE) | toml_doc(
    {"account": ("handle", "name"), "time": ("zone", "display_zones"), "content": ("pillars",),
     "calendar": ("regions",), "rules": ("max_per_day", "max_caption_utf16", "severity"),
     "storage": ("lock_timeout_seconds", "backups_recent")}, CONFIG_WORDS))  # fmt: skip
@settings(max_examples=150)
def test_settings_files_fuzzed(tmp_path: Path, text: str) -> None:
    path = tmp_path / "contentops.toml"
    path.write_text(text, encoding="utf-8")
    config = documented(load_config, path)
    if not isinstance(config, ContentOpsError):  # settings that load are settings the commands can use
        ws = Workspace(tmp_path, config)
        documented(severities, ws)
        with ws.store().transaction("fuzzed settings", NOW_DT) as tx:
            tx.summary = "nothing"
        assert timeutil.get_zone(config.zone) and all(timeutil.get_zone(z) for z in config.display_zones)


@given(
    text=toml_doc({"": ("date",)}, ("date", "end", "name", "kind", "Black Friday"))
    | mutated(['[[date]]\ndate = 2026-11-27\nend = 2026-11-30\nname = "Black Friday"\nkind = "sales"\n'], TOML_SPICE)
)
@settings(max_examples=100)
def test_key_dates_fuzzed(tmp_path: Path, text: str) -> None:
    path = tmp_path / "key-dates.toml"
    path.write_text(text, encoding="utf-8")
    documented(load_key_dates, path)


# -- arguments typed on the command line -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["post", "add", "caf\udcff"], "not valid Unicode"),  # bytes the terminal could not decode
        (["post", "add", "x" * 201], "a title takes at most 200"),
        (["post", "add", "Ok", "--caption", "x" * 200_000], "contentops keeps at most 10,000"),
        (["post", "show", "²"], "is not a post id"),
        (["post", "show", "9" * 5000], "is not a post id"),
        (["metrics", "log", "1", "--watch-time", "inf"], "is more than 1,000,000,000,000"),
        (["metrics", "log", "1", "--views", "9" * 30], "is more than 1,000,000,000,000"),
        (["metrics", "log", "1", "--full-watch", "nan"], "NaN is not a number"),
    ],
    ids=["surrogate", "long-title", "huge-caption", "superscript-id", "5000-digit-id", "inf", "30-digit-count", "nan"],
)
def test_hostile_arguments_are_refused(ws: Workspace, args: list[str], needle: str) -> None:
    from cli_helpers import Cli

    from contentops.calendar_ops import add_post

    add_post(ws, "Existing", now=datetime(2026, 11, 20, tzinfo=UTC))
    before = ws.calendar_db.read_bytes()
    result = Cli("2026-11-22T09:00:00+11:00").run(ws, *args)
    assert result.exit_code in (1, 2, 4), result.output
    assert needle in result.stderr and "Traceback" not in result.output
    assert ws.calendar_db.read_bytes() == before and not ws.metrics_db.exists()
