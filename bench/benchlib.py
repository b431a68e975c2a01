"""What the benchmark scripts in bench/ share (not a benchmark itself; see bench/README.md).

The scripts run as ``python bench/<name>.py``, which puts bench/ on ``sys.path``, so they import this module
as ``benchlib``. It holds:

* running the cases: the environment of the timed commands (``bench_env``), how contentops is started
  (``contentops_cmd``), one timed subprocess (``run_once``), round-robin rounds after a warm-up (``measure``)
* the numbers: median, min and max of each case, optionally its ratio to a base case (``summarise``), ratios of
  medians against targets marked ok/MISSED (``ratios``)
* the report: the common options (``bench_parser``, ``parse_args``), the lines above the tables
  (``print_header``), the tables (``print_table``, ``print_ratios``), and the end (``finish``: the JSON file,
  what ``--keep`` kept, the exit status)
* generated data: the temp folder (``work_folder``), a workspace with a year of posts (``posts_workspace``),
  restoring a calendar between runs (``calendar_restorer``), a testsrc2 video (``make_test_video``)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from contentops.workspace import Workspace

RESULTS_DIR = Path(__file__).resolve().parent / "results"

# The clock every contentops command sees: a Monday morning in Sydney, so the agenda's seven days
# (Monday to Sunday) sit in the middle of the generated year.
PINNED_NOW = "2026-11-23T09:00:00+11:00"

# Dropped from the timed commands' environment: a workspace of the user's, import-time and memory tracing,
# dev mode, and PYTHONDONTWRITEBYTECODE (the warm-up writes contentops' .pyc files; with it set every run
# would compile contentops again, about 0.1 s).
DROPPED_ENV = ("CONTENTOPS_HOME", "PYTHONPROFILEIMPORTTIME", "PYTHONDONTWRITEBYTECODE", "PYTHONDEVMODE",
               "PYTHONTRACEMALLOC")  # fmt: skip

Samples = dict[str, list[float]]  # seconds per timed run, by case name
Target = tuple[str, float]  # ("<=", 1.3): the ratio must be at most 1.3; (">=", 4.0): at least 4
Row = dict[str, Any]


# -- running the cases ------------------------------------------------------------------------------
def bench_env(**extra: str) -> dict[str, str]:
    """This environment without ``DROPPED_ENV``, plain output (no colour, 120 columns), user ``bench``, ``extra``."""
    env = {**os.environ, "CONTENTOPS_USER": "bench", "NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}
    for var in DROPPED_ENV:
        env.pop(var, None)
    return {**env, **extra}


def contentops_cmd(via: str = "script") -> list[str]:
    """How contentops is started: its console script next to this Python, run by this Python, or ``-m``."""
    if via == "module":
        return [sys.executable, "-m", "contentops"]
    script = Path(sys.executable).with_name("contentops")
    if not script.is_file():
        sys.exit(f"no contentops console script next to {sys.executable}; install contentops in this Python")
    return [sys.executable, str(script)]


def shown(argv: Sequence[str]) -> list[str]:
    """``argv`` without a leading ``sys.executable`` (for printing)."""
    return list(argv[1:] if argv and argv[0] == sys.executable else argv)


@dataclass(frozen=True)
class Case:
    """A timed command: ``argv`` run after ``prepare`` (outside the timing), in ``env`` if given."""

    name: str
    argv: list[str]
    prepare: Callable[[], None] | None = None
    env: dict[str, str] | None = None


def run_once(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str]:
    """Wall seconds of ``argv`` as a subprocess and its output; stops the benchmark if it fails."""
    t0 = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(argv)}\n{proc.stdout}{proc.stderr}")
    return elapsed, proc.stdout


def measure(
    cases: list[Case],
    runs: int,
    env: dict[str, str],
    cwd: Path,
    *,
    warm_up: bool = True,
    on_warm_up: Callable[[str, str], None] | None = None,
) -> Samples:
    """Seconds per run of each case, ``runs`` rounds taking the cases in turn (so drift hits them all alike).

    With ``warm_up`` an untimed round comes first (it writes .pyc files and fills the page cache);
    ``on_warm_up(name, output)`` is called right after each of its runs, before the next case runs."""
    times: Samples = {case.name: [] for case in cases}
    for round_no in range(runs + 1 if warm_up else runs):
        for case in cases:
            if case.prepare is not None:
                case.prepare()
            elapsed, stdout = run_once(case.argv, case.env or env, cwd)
            if warm_up and round_no == 0:
                if on_warm_up is not None:
                    on_warm_up(case.name, stdout)
            else:
                times[case.name].append(elapsed)
    return times


# -- the numbers ------------------------------------------------------------------------------------
UNITS = {"ms": (1000, 1), "s": (1, 2)}  # unit -> (factor from seconds, decimals)


def meets(value: float, target: Target | None) -> bool | None:
    """Whether ``value`` meets ``target``; None when there is no target."""
    if target is None:
        return None
    op, bound = target
    return value <= bound if op == "<=" else value >= bound


def ratios(times: Samples, specs: Iterable[tuple[str, str, str]], targets: dict[str, Target]) -> list[Row]:
    """For each (label, numerator case, denominator case) whose cases ran: the ratio of their medians, the
    label's target (``"<= 1.3"`` or None) and whether it was ``met``."""
    median = {name: statistics.median(runs) for name, runs in times.items()}
    rows = []
    for label, top, bottom in specs:
        if top not in median or bottom not in median:
            continue
        value = median[top] / median[bottom]
        target = targets.get(label)
        text = f"{target[0]} {target[1]:g}" if target else None
        rows.append({"name": label, "ratio": round(value, 2), "target": text, "met": meets(value, target)})
    return rows


def summarise(
    times: Samples, unit: str, base: str | None = None, targets: dict[str, Target] | None = None
) -> list[Row]:
    """A row a case: median, min and max in ``unit`` (``ms`` or ``s``, e.g. ``median_ms``); with ``base``, also
    the ratio of its median to the base case's, its target in ``targets`` (by case name) and whether it was met."""
    factor, decimals = UNITS[unit]
    stats = (("median", statistics.median), ("min", min), ("max", max))
    rows = [
        {"name": name, **{f"{stat}_{unit}": round(fn(runs) * factor, decimals) for stat, fn in stats}}
        for name, runs in times.items()
    ]
    if base is not None:
        for row, ratio in zip(rows, ratios(times, [(name, name, base) for name in times], targets or {}), strict=True):
            row.update(ratio=ratio["ratio"], target=ratio["target"], met=ratio["met"])
    return rows


# -- the report -------------------------------------------------------------------------------------
def bench_parser(doc: str, name: str, runs: int, keep: str) -> argparse.ArgumentParser:
    """The options every benchmark has: ``--runs``, ``--json-out [PATH]``, ``--keep`` (whose help is ``keep``)."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=runs, help=f"timed runs per case (default {runs})")
    json_help = f"also write the results as JSON (default path: bench/results/{name}-<time>.json)"
    parser.add_argument("--json-out", nargs="?", const="", default=None, metavar="PATH", help=json_help)
    parser.add_argument("--keep", action="store_true", help=keep)
    return parser


def parse_args(parser: argparse.ArgumentParser, argv: list[str] | None, *counts: str) -> argparse.Namespace:
    """The parsed options; an error unless ``--runs`` and the options named in ``counts`` are at least 1."""
    args = parser.parse_args(argv)
    names = ("runs", *counts)
    if any(getattr(args, name) < 1 for name in names):
        parser.error(f"{' and '.join('--' + name.replace('_', '-') for name in names)} must be at least 1")
    return args


def load_average() -> list[float] | None:
    return list(os.getloadavg()) if hasattr(os, "getloadavg") else None


def say(label: str, text: str) -> None:
    print(f"{label:<10} {text}")


def print_header(lines: Iterable[tuple[str, str]], runs: str) -> None:
    """The lines above the tables: this Python, the benchmark's own ``(label, text)`` lines, the load, ``runs``."""
    say("python", f"{sys.executable} ({platform.python_version()})")
    for label, text in lines:
        say(label, text)
    load = ", ".join(f"{x:.2f}" for x in load_average() or []) or "n/a"
    say("load avg", f"{load} on {os.cpu_count()} CPUs (other work on the machine makes the numbers noisy)")
    say("runs", runs)
    print()


@dataclass(frozen=True)
class Column:
    """A table column: its ``header``, the row's value (a key or a function of the row) and its ``fmt``."""

    header: str
    value: str | Callable[[Row], Any]
    fmt: str = "{}"
    left: bool = False


def target_text(row: Row, none: str = "") -> str:
    """``<= 1.3x ok`` or ``<= 1.3x MISSED`` for a row with a target, ``none`` without one."""
    return f"{row['target']}x " + ("ok" if row["met"] else "MISSED") if row.get("target") else none


def timing_columns(first: str, unit: str) -> list[Column]:
    """The name (headed ``first``) and the median, min and max in ``unit`` of rows from ``summarise``."""
    fmt = f"{{:.{UNITS[unit][1]}f}}"
    stats = [Column(f"{stat} {unit}", f"{stat}_{unit}", fmt) for stat in ("median", "min", "max")]
    return [Column(first, "name", left=True), *stats]


def ratio_columns(header: str) -> list[Column]:
    """The ratio (headed ``header``) and the target of rows from ``summarise(..., base=...)``."""
    return [Column(header, "ratio", "{:.2f}x"), Column("target", target_text, left=True)]


def print_table(rows: list[Row], columns: list[Column]) -> None:
    cells = [
        [col.fmt.format(col.value(row) if callable(col.value) else row[col.value]) for col in columns] for row in rows
    ]
    widths = [max([len(col.header)] + [len(line[i]) for line in cells]) for i, col in enumerate(columns)]
    for line in [[col.header for col in columns], *cells]:
        texts = (t.ljust(w) if col.left else t.rjust(w) for t, w, col in zip(line, widths, columns, strict=True))
        print("  ".join(texts).rstrip())


def print_ratios(rows: list[Row]) -> None:
    """The table of rows from ``ratios``; a ratio without a target is "reported"."""
    print()
    print_table(rows, [Column("ratio of medians", "name", left=True), Column("value", "ratio", "{:.2f}x"),
                       Column("target", lambda row: target_text(row, "reported"), left=True)])  # fmt: skip


def samples(times: Samples, unit: str) -> dict[str, list[float]]:
    """Every timed run in ``unit``, for the JSON (one more decimal than the tables)."""
    factor, decimals = UNITS[unit]
    return {name: [round(t * factor, decimals + 1) for t in ts] for name, ts in times.items()}


def finish(
    args: argparse.Namespace,
    name: str,
    cases: list[Case],
    times: Samples,
    unit: str,
    report: dict[str, Any],
    verdict: list[Row],
    kept: str,
) -> int:
    """The end of a benchmark. With ``--json-out``: the JSON file (default bench/results/<name>-<time>.json)
    of the machine, ``--runs``, the benchmark's ``report``, the exact commands and every sample in ``unit``.
    With ``--keep``: the line ``kept`` (what was kept where). Returns the exit status: 1 when a row of
    ``verdict`` missed its target."""
    if args.json_out is not None:
        out = Path(args.json_out or RESULTS_DIR / f"{name}-{time.strftime('%Y%m%dT%H%M%S')}.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "python": sys.executable,
            "python_version": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average": load_average(),
            "runs": args.runs,
            **report,
            "commands": {case.name: case.argv for case in cases},
            f"samples_{unit}": samples(times, unit),
        }
        out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nJSON written to {out}")
    if args.keep:
        print(f"\n{kept}")
    return 0 if all(row.get("met") is not False for row in verdict) else 1


# -- generated data ---------------------------------------------------------------------------------
@contextmanager
def work_folder(name: str, keep: bool) -> Iterator[Path]:
    """A temp folder for the benchmark's data, removed afterwards unless ``keep``."""
    tmp = Path(tempfile.mkdtemp(prefix=f"contentops-bench-{name}-"))
    try:
        yield tmp
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


def calendar_restorer(root: Path) -> Callable[[], None]:
    """Saves the calendar of the workspace at ``root`` (next to it) and returns what puts it back and removes
    ``calendar/backups/``: run before every run of a command that changes the calendar, it makes every run do
    the same work, and the calendar does not grow."""
    calendar = root / "calendar" / "calendar.json"
    pristine = root.with_name(f"{root.name}.calendar.pristine.json")
    shutil.copy2(calendar, pristine)

    def restore() -> None:
        shutil.copy2(pristine, calendar)
        shutil.rmtree(root / "calendar" / "backups", ignore_errors=True)

    return restore


STATUS_FUTURE = ["idea", "draft", "draft", "in-review", "changes-requested", "approved", "scheduled", "scheduled"]
STATUS_PAST = ["published"] * 8 + ["cancelled", "draft"]
PILLARS = ["campaign-highlight", "creator-showcase", "educational", "event-recap", "trend", "announcement"]
OWNERS = ["mia", "jack", "aroha", "liam", "chloe", None]
WORDS = ["summer", "drop", "teaser", "behind", "scenes", "creator", "collab", "recap", "sale", "launch", "q&a"]


def make_posts(count: int, seed: int = 2026) -> list[dict[str, Any]]:
    """``count`` post documents over about a year around PINNED_NOW; about 8% unscheduled, the past ones
    mostly published (with TikTok URLs)."""
    from contentops.timeutil import UTC, get_zone, to_utc_iso

    rng = random.Random(seed)
    zone = get_zone("Australia/Sydney")
    now = datetime.fromisoformat(PINNED_NOW).astimezone(UTC)
    start = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=182)
    posts = []
    for i in range(count):
        day = start + timedelta(days=rng.randrange(365))  # wall-clock arithmetic in the home zone
        at = day.replace(hour=rng.randrange(7, 22), minute=rng.choice((0, 15, 30, 45))).astimezone(UTC)
        unscheduled = rng.random() < 0.08
        past = at < now
        status = rng.choice(["idea", "draft"]) if unscheduled else rng.choice(STATUS_PAST if past else STATUS_FUTURE)
        created = (now if unscheduled else at) - timedelta(days=rng.randrange(3, 40))
        by = rng.choice(OWNERS[:-1])
        log = [{"at": to_utc_iso(created), "by": by, "action": "created", "status": "draft"}]
        doc: dict[str, Any] = {
            "title": " ".join(rng.sample(WORDS, 3)).capitalize() + f" #{i + 1}",
            "status": status,
            "at": None if unscheduled else to_utc_iso(at),
            "tz": "Australia/Sydney",
            "pillar": rng.choice(PILLARS),
            "campaign": None,
            "caption": "Caption text for the bench " * rng.randrange(1, 4),
            "hashtags": ["#" + w.replace("&", "and").capitalize() for w in rng.sample(WORDS, rng.randrange(0, 4))],
            "owner": rng.choice(OWNERS),
            "video": None,
            "url": None,
            "created_at": to_utc_iso(created),
            "updated_at": to_utc_iso(created),
        }
        if status in ("approved", "scheduled", "published"):
            doc["approved_by"] = "lead"
            doc["approved_at"] = to_utc_iso(created + timedelta(days=1))
            log.append({"at": doc["approved_at"], "by": "lead", "action": "approve", "status": "approved"})
        if status == "published":
            doc["url"] = f"https://www.tiktok.com/@brand.anz/video/{7300000000000000000 + i}"
            doc["published_at"] = to_utc_iso(at)
            log.append({"at": doc["published_at"], "by": by, "action": "publish", "status": "published"})
        doc["log"] = log
        posts.append(doc)
    return posts


def posts_workspace(folder: Path, count: int) -> Workspace:
    """A workspace in ``folder/ws`` whose calendar holds ``make_posts(count)``, written in one transaction (so
    the journal holds every post once more, as an "after" value)."""
    from contentops.workspace import init_workspace

    ws = init_workspace(folder / "ws", handle="@brand.anz", name="Bench")
    with ws.store("bench").transaction("bench") as tx:
        tx.insert_many("posts", make_posts(count))
        tx.summary = f"bench: generated {count} posts"
    return ws


def make_test_video(ffmpeg: str, path: Path, size: str, seconds: int, *, crf: int, tone: bool = False) -> None:
    """A testsrc2 H.264 clip of ``size`` (``WxH``), 30 fps with a keyframe every 2 s (as cameras write), and
    with ``tone`` a 440 Hz 48 kHz AAC sine tone."""
    cmd = [ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
           "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30:duration={seconds}"]  # fmt: skip
    if tone:
        cmd += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    cmd += ["-c:v", "libx264", "-preset", "veryfast", "-crf", str(crf), "-g", "60", "-pix_fmt", "yuv420p"]
    if tone:
        cmd += ["-c:a", "aac", "-b:a", "160k", "-shortest"]
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([*cmd, str(path)], check=True)
