"""Ctrl-C during long commands (issue 8, point 4), with real signals against real processes.

Each test starts ``contentops ...`` in a session of its own (as a terminal starts a job), waits
until the work is really under way (a temp file, a finished clip, an ffmpeg process, the database lock
taken: polled, never slept for), then sends SIGINT to the whole process group (what a terminal's Ctrl-C
does) or to the main process only (``kill -INT``). Then it checks what the README promises:

- exit code 130, one ``Interrupted...`` line on stderr and no traceback;
- no process of the session left running: the main process, its workers (which move to process groups of
  their own, but stay in the session) and every ffmpeg they started;
- no temp file in the output folder, and every output file that exists is complete (videos probe at
  their planned size and length, images open at their size);
- ``calendar.json`` (and ``metrics.json``) byte-identical, or changed by exactly one journalled
  transaction holding the finished work.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from media_fixtures import make_video
from metrics_fixtures import planned_post, t

from contentops import metrics
from contentops.calendar_ops import POSTS, add_post, transition
from contentops.media.batch import LOCK_NAME, MANIFEST_NAME
from contentops.media.probe import probe
from contentops.timeutil import to_utc_iso
from contentops.workspace import Workspace, init_workspace

NOW = "2026-11-22T11:00:00+11:00"
NOW_UTC = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)
TIMEOUT = 30.0  # seconds: the longest any wait here may take before the test fails
# The console script, as people run it. (``python -m contentops`` exits the same way, except that CPython 3.11
# then reports a handled Ctrl-C that came in during an import as a death by SIGINT: -2, which a shell shows as 130.)
CONTENTOPS = str(Path(sys.executable).with_name("contentops"))
TARGETS = ["group", "main"]  # Ctrl-C in the terminal (the whole process group), or kill -INT of the main process


# -- running a command and interrupting it -----------------------------------------------------------
@dataclass
class Run:
    """A ``contentops`` command running in a session of its own (session id = its pid)."""

    proc: subprocess.Popen[bytes]
    logs: Path
    ffmpeg_seen: set[int] = field(default_factory=set)

    @property
    def sid(self) -> int:
        return self.proc.pid

    def stderr(self) -> str:
        return (self.logs / "stderr").read_text(encoding="utf-8", errors="replace")

    def stdout(self) -> str:
        return (self.logs / "stdout").read_text(encoding="utf-8", errors="replace")

    def wait_for(self, condition: Callable[[], bool], what: str) -> None:
        """Poll ``condition`` until it holds; fail if the command ends first or ``TIMEOUT`` passes."""
        deadline = time.monotonic() + TIMEOUT
        scanned = 0.0
        while not condition():
            if time.monotonic() - scanned > 0.02:  # a scan of /proc takes milliseconds: not at every poll
                self.note_ffmpeg()
                scanned = time.monotonic()
            assert self.proc.poll() is None, f"ended (exit {self.proc.returncode}) before {what}:\n{self.stderr()}"
            assert time.monotonic() < deadline, f"no {what} after {TIMEOUT:g} s:\n{self.stderr()}"
            time.sleep(0.001)
        self.note_ffmpeg()

    def note_ffmpeg(self) -> None:
        self.ffmpeg_seen.update(p.pid for p in processes(self.sid) if p.comm.startswith("ffmpeg"))

    def ffmpeg(self, needle: str = "") -> list[int]:
        """The ffmpeg processes of the session running now (whose command line holds ``needle``)."""
        found = []
        for p in processes(self.sid):
            with contextlib.suppress(OSError):
                if p.comm.startswith("ffmpeg") and needle in Path(f"/proc/{p.pid}/cmdline").read_text(errors="replace"):
                    found.append(p.pid)
        return found

    def interrupt(self, target: str) -> None:
        if target == "group":
            os.killpg(self.proc.pid, signal.SIGINT)
        else:
            self.proc.send_signal(signal.SIGINT)

    def assert_stopped_cleanly(self) -> str:
        """Exit 130, one ``Interrupted`` line and no traceback on stderr, nothing of the session left running.
        Returns stdout."""
        self.proc.wait(TIMEOUT)
        stderr = self.stderr()
        assert self.proc.returncode == 130, stderr
        assert "Traceback" not in stderr and "Error" not in stderr, stderr
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("Interrupted"), stderr
        deadline = time.monotonic() + 10
        while left := processes(self.sid):
            assert time.monotonic() < deadline, f"still running after the command ended: {left}"
            time.sleep(0.01)
        assert not any(alive(pid) for pid in self.ffmpeg_seen)
        return self.stdout()


@dataclass(frozen=True)
class Proc:
    pid: int
    comm: str  # the command name (15 characters at most)
    state: str  # R, S, D, ...; Z: ended, waiting to be collected by its parent
    ppid: int
    pgrp: int
    session: int


def proc(pid: int) -> Proc | None:
    """What /proc/PID/stat says of a process; None when there is none."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    state, ppid, pgrp, session = stat[stat.rindex(")") + 2 :].split()[:4]
    return Proc(pid, stat[stat.index("(") + 1 : stat.rindex(")")], state, int(ppid), int(pgrp), int(session))


def processes(sid: int) -> list[Proc]:
    """The processes of session ``sid`` still running. Zombies are not: they have ended, and wait only for
    the system to collect them (init does not here, which is also why ``os.killpg(pgid, 0)`` cannot tell
    whether a process group is gone)."""
    found = (proc(int(entry.name)) for entry in Path("/proc").iterdir() if entry.name.isdigit())
    return [p for p in found if p is not None and p.session == sid and p.state not in "ZX"]


def alive(pid: int) -> bool:
    found = proc(pid)
    return found is not None and found.state not in "ZX"


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., Run]]:
    """``start(cwd, *args)`` runs ``contentops ARGS`` in ``cwd`` with the clock pinned; every process of
    every session started is killed at the end, so a failing test leaves nothing running."""
    runs: list[Run] = []

    def _start(cwd: Path, *args: str) -> Run:
        logs = tmp_path / f"logs-{len(runs)}"
        logs.mkdir()
        env = {**os.environ, "CONTENTOPS_NOW": NOW}
        with open(logs / "stdout", "wb") as out, open(logs / "stderr", "wb") as err:
            proc = subprocess.Popen(
                [CONTENTOPS, *args],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,
                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as a terminal's job has it
            )
        runs.append(Run(proc, logs))
        return runs[-1]

    yield _start
    for run in runs:
        for p in processes(run.sid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(p.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            run.proc.wait(5)


# -- checks on files -----------------------------------------------------------------------------------
def names(folder: Path) -> list[str]:
    """The names in ``folder``, sorted ([] while it does not exist)."""
    return sorted(os.listdir(folder)) if folder.is_dir() else []


def hidden(folder: Path, *allowed: str) -> list[str]:
    """Dot files of ``folder`` (temp files, temp folders) other than ``allowed``."""
    return [name for name in names(folder) if name.startswith(".") and name not in allowed]


def assert_clip(path: Path, seconds: float, size: tuple[int, int] = (1080, 1920)) -> None:
    info = probe(path)
    assert (info.width, info.height) == size
    assert abs(info.duration - seconds) < 0.1, (path, info.duration)


def journal(ws: Workspace) -> list[str]:
    return [entry["action"] for entry in ws.store().read().history()]


# -- clip batch ----------------------------------------------------------------------------------------
@pytest.fixture
def studio(tmp_path: Path) -> Workspace:
    """A workspace with a 12 s source video in media/ (small: the 1080x1920 clips are what takes time)."""
    ws = init_workspace(tmp_path / "ws", handle="@brand.anz")
    (ws.root / "media").mkdir()
    make_video(ws.root / "media" / "long.mp4", seconds=12)
    return ws


def cut_list(ws: Workspace, rows: list[tuple[float, str]]) -> Path:
    """A cut list of ``media/long.mp4`` from 0 to each row's end, one draft post per row to attach to."""
    lines = ["source,start,end,name,post"]
    for end, name in rows:
        post = add_post(ws, f"Clip {name}", now=NOW_UTC)["id"]
        lines.append(f"media/long.mp4,0,{end},{name},{post}")
    path = ws.root / "cuts.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def manifest(folder: Path) -> dict[str, str]:
    try:
        return json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))["clips"]
    except (OSError, ValueError):  # not written yet, or being replaced this instant
        return {}


def test_clip_batch_one_job_keeps_the_finished_clip_and_stops_the_next(studio: Workspace, start) -> None:
    cut_list(studio, [(1, "first"), (10, "second"), (10, "third")])
    before = studio.calendar_db.read_bytes()
    clips = studio.root / "clips"
    run = start(studio.root, "clip", "batch", "cuts.csv", "--jobs", "1", "--preset", "ultrafast", "--json")
    run.wait_for(
        lambda: "first.mp4" in manifest(clips) and any(n.startswith(".second.") for n in names(clips)),
        "first clip finished and second clip encoding",
    )
    run.interrupt("group")
    assert run.assert_stopped_cleanly() == ""
    assert names(clips) == sorted([LOCK_NAME, MANIFEST_NAME, "first.mp4"])
    assert list(manifest(clips)) == ["first.mp4"]
    assert_clip(clips / "first.mp4", 1.0)
    # The posts get their clips when a batch finishes: after a Ctrl-C the calendar is as it was, and the
    # next run skips the finished clip and attaches it.
    assert studio.calendar_db.read_bytes() == before


@pytest.mark.parametrize("impatient", [False, True])
def test_clip_batch_two_jobs_stops_both_renders(studio: Workspace, start, impatient: bool) -> None:
    cut_list(studio, [(10, "left"), (10, "right")])
    before = studio.calendar_db.read_bytes()
    clips = studio.root / "clips"
    run = start(studio.root, "clip", "batch", "cuts.csv", "--jobs", "2", "--preset", "ultrafast")
    run.wait_for(
        lambda: len([n for n in names(clips) if n.endswith(".tmp.mp4")]) == 2 and len(run.ffmpeg("libx264")) == 2,
        "both clips encoding",
    )
    run.interrupt("main")
    if impatient:  # Ctrl-C again as the clean-up goes on (the encoders are stopped, the batch is winding up)
        deadline = time.monotonic() + TIMEOUT
        while run.ffmpeg("libx264") and run.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        with contextlib.suppress(ProcessLookupError):
            run.interrupt("main")
    assert run.assert_stopped_cleanly() == ""
    assert names(clips) == [LOCK_NAME]
    assert studio.calendar_db.read_bytes() == before


# -- thumb batch -------------------------------------------------------------------------------------------
@pytest.fixture
def scheduled_posts(tmp_path: Path) -> tuple[Workspace, list[int]]:
    """A workspace with eight scheduled posts sharing one video (a cover takes about half a second)."""
    ws = init_workspace(tmp_path / "ws", handle="@brand.anz")
    (ws.root / "clips").mkdir()
    make_video(ws.root / "clips" / "a.mp4", seconds=3, size=(270, 480), audio=False)
    ids = []
    for n in range(8):
        post = add_post(ws, f"Summer post {n}", now=NOW_UTC, at=f"2026-11-{24 + n % 6} 18:00", video="clips/a.mp4")
        for action in ("submit", "approve", "schedule"):
            transition(ws, post["id"], action, now=NOW_UTC)
        ids.append(post["id"])
    return ws, ids


def assert_covers_attached_as_made(ws: Workspace, before: bytes, stdout: str) -> None:
    """The covers on disk are whole images, and exactly their posts got them, in one ``thumb batch`` change
    (or none, with the calendar as it was)."""
    from PIL import Image

    folder = ws.root / "covers"
    made = [name for name in names(folder) if not name.startswith(".")]
    assert hidden(folder) == []
    for name in made:
        with Image.open(folder / name) as image:
            image.load()  # the whole file decodes
            assert image.size == (1080, 1920)
    posts = {p["id"]: p for p in ws.store().read().all(POSTS)}
    assert sorted(p["cover"] for p in posts.values() if p.get("cover")) == [f"covers/{name}" for name in made]
    if made:
        assert journal(ws)[-1] == "thumb batch" and len(journal(ws)) == len(json.loads(before)["history"]) + 1
    else:
        assert ws.calendar_db.read_bytes() == before
    report = json.loads(stdout)
    assert report["interrupted"] and sorted(report["attached"]) == sorted(
        p["id"] for p in posts.values() if p.get("cover")
    )


@pytest.mark.parametrize("target", TARGETS)
def test_thumb_batch_attaches_the_covers_made_before_ctrl_c(scheduled_posts, start, target: str) -> None:
    ws, ids = scheduled_posts
    before = ws.calendar_db.read_bytes()
    covers = ws.root / "covers"
    run = start(ws.root, "thumb", "batch", "--jobs", "2", "--json")
    run.wait_for(lambda: len([n for n in names(covers) if not n.startswith(".")]) >= 2, "two covers made")
    run.interrupt(target)
    stdout = run.assert_stopped_cleanly()
    assert_covers_attached_as_made(ws, before, stdout)
    assert 2 <= len(json.loads(stdout)["attached"]) < len(ids)


def test_thumb_batch_ctrl_c_while_the_workers_start(scheduled_posts, start) -> None:
    """Ctrl-C in the instant the pool's workers are starting, still in the terminal's process group."""
    ws, _ = scheduled_posts
    before = ws.calendar_db.read_bytes()
    run = start(ws.root, "thumb", "batch", "--jobs", "2", "--json")

    def booting_worker() -> bool:  # a process of the pool, not yet moved to a process group of its own
        return any(p.pgrp == run.sid and run.sid not in (p.pid, p.ppid) for p in processes(run.sid))

    run.wait_for(booting_worker, "a worker starting")
    run.interrupt("group")
    stdout = run.assert_stopped_cleanly()
    assert_covers_attached_as_made(ws, before, stdout)


# -- clip recap --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("target", "step", "under_way"),
    [
        ("group", "rendering its second part", lambda run, work: any(".part-0002." in n for n in names(work()))),
        ("main", "normalising its loudness", lambda run, work: bool(run.ffmpeg("loudnorm"))),
    ],
)
def test_clip_recap_leaves_no_recap_and_no_temp_folder(studio: Workspace, start, target: str, step, under_way) -> None:
    (studio.root / "day1.csv").write_text("source,start,end\nmedia/long.mp4,0,1.5\nmedia/long.mp4,3,4.5\n")
    before = names(studio.root)

    def work() -> Path:  # the recap's hidden temp folder next to the output
        found = [n for n in names(studio.root) if n.endswith(".recap-tmp")]
        return studio.root / found[0] if found else studio.root / "none"

    run = start(studio.root, "clip", "recap", "day1.csv", "-o", "recap.mp4", "--json")
    run.wait_for(lambda: under_way(run, work), f"the recap {step}")
    run.interrupt(target)
    assert run.assert_stopped_cleanly() == ""
    assert names(studio.root) == before  # no recap.mp4, no .recap.XXXX.recap-tmp folder


# -- imports -----------------------------------------------------------------------------------------------
def big_calendar_csv(path: Path, rows: int) -> Path:
    """New posts for ``cal import``: a few seconds of work, most of it under the calendar's lock."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["title", "at", "caption", "hashtags"])
        for n in range(rows):
            out.writerow([f"Post {n}", f"2026-12-{1 + n % 28:02d}T18:00:00+11:00", "Kia ora koutou! " * 8, "#Summer"])
    return path


@pytest.mark.parametrize(
    ("target", "step", "under_way"),
    [
        ("group", "checking the rows", lambda ws: (ws.calendar_dir / ".calendar.json.lock.holder").exists()),
        ("main", "writing the calendar", lambda ws: any(n.endswith(".tmp") for n in names(ws.calendar_dir))),
    ],
)
def test_cal_import_changes_all_or_nothing(tmp_path: Path, start, target: str, step: str, under_way) -> None:
    ws = init_workspace(tmp_path / "ws", handle="@brand.anz")
    add_post(ws, "Already planned", now=NOW_UTC)
    rows = 5000
    big_calendar_csv(tmp_path / "posts.csv", rows)
    before = ws.calendar_db.read_bytes()
    run = start(ws.root, "cal", "import", str(tmp_path / "posts.csv"))
    run.wait_for(lambda: under_way(ws), step)
    run.interrupt(target)
    run.assert_stopped_cleanly()
    assert hidden(ws.calendar_dir, ".calendar.json.lock") == []  # no temp file, no lock holder left
    after = ws.calendar_db.read_bytes()
    if after != before:  # the Ctrl-C came as the new file replaced the old: all of the import is there
        assert step == "writing the calendar"
        assert len(ws.store().read().all(POSTS)) == 1 + rows
        assert journal(ws)[-1] == "cal import" and len(journal(ws)) == len(json.loads(before)["history"]) + 1


def test_metrics_import_changes_nothing_when_interrupted(tmp_path: Path, start) -> None:
    ws = init_workspace(tmp_path / "ws", handle="@brand.anz")
    went_out = t("2026-10-01T18:00:00+10:00")
    posts = [planned_post(ws, f"Post {n}", "2026-10-01 18:00", created=went_out, went_out="2026-10-01T18:00:00+10:00")
             for n in range(4)]  # fmt: skip
    with open(tmp_path / "team.csv", "w", newline="", encoding="utf-8") as fh:  # contentops' own metrics CSV
        out = csv.writer(fh)
        out.writerow(["post", "at", "views", "likes", "comments", "shares", "saves"])
        for post in posts:
            for hour in range(500):
                at = (went_out + timedelta(hours=hour + 1)).isoformat()
                out.writerow([post, at, 100 + 10 * hour, hour, hour // 10, hour // 20, hour // 30])
    calendar = ws.calendar_db.read_bytes()
    run = start(ws.root, "metrics", "import", str(tmp_path / "team.csv"))
    run.wait_for(lambda: (ws.calendar_dir / ".metrics.json.lock.holder").exists(), "checking the rows")
    run.interrupt("main")
    run.assert_stopped_cleanly()
    assert not ws.metrics_db.exists()  # nothing imported
    assert ws.calendar_db.read_bytes() == calendar
    assert hidden(ws.calendar_dir, ".calendar.json.lock", ".metrics.json.lock") == []


# -- metrics report --------------------------------------------------------------------------------------
def bytes_read(pid: int) -> int:
    """Bytes the process has read so far (``rchar`` of /proc/PID/io)."""
    try:
        return int(Path(f"/proc/{pid}/io").read_text().split("rchar:")[1].split()[0])
    except (OSError, IndexError):
        return 0


def test_metrics_report_keeps_the_old_files_when_interrupted(tmp_path: Path, start) -> None:
    ws = init_workspace(tmp_path / "ws", handle="@brand.anz")
    went_out = t("2026-11-16T18:00:00+11:00")
    posts = [planned_post(ws, f"Post {n}", "2026-11-16 18:00", created=t("2026-11-02T09:00:00+11:00"),
                          went_out=went_out.isoformat()) for n in range(5)]  # fmt: skip
    docs = []
    for post in posts:  # a snapshot every 2 minutes for a week: a big metrics.json to read and sum up
        for n in range(5000):
            at = to_utc_iso(went_out + timedelta(minutes=2 * (n + 1)))
            docs.append(metrics.snapshot_doc(post, at, {"views": 100 + n, "likes": n // 2}, "log", f"{post}-{n}"))
    with ws.metrics_store().transaction("test snapshots", t("2026-11-22T09:00:00+11:00")) as tx:
        tx.insert_many(metrics.SNAPSHOTS, docs)
    stores = ws.calendar_db.read_bytes(), ws.metrics_db.read_bytes()
    out = tmp_path / "reports"
    out.mkdir()
    (out / "week47.html").write_text("last week's report", encoding="utf-8")
    run = start(ws.root, "metrics", "report", "--week", "2026-W47", "-o", str(out / "week47.html"),
                "--chart", str(out / "week47.png"))  # fmt: skip
    run.wait_for(lambda: bytes_read(run.proc.pid) > len(stores[1]), "metrics.json read")
    run.interrupt("group")
    assert run.assert_stopped_cleanly() == ""
    assert names(out) == ["week47.html"] and (out / "week47.html").read_text() == "last week's report"
    assert (ws.calendar_db.read_bytes(), ws.metrics_db.read_bytes()) == stores


# -- the demo ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("folder", ["new", "empty"])
def test_an_interrupted_demo_leaves_no_half_built_workspace(tmp_path: Path, folder: str) -> None:
    from contentops.demo import build_demo

    out = tmp_path / "demo"
    if folder == "empty":
        out.mkdir()
    steps: list[str] = []

    def ctrl_c_at_the_metrics(message: str) -> None:
        steps.append(message)
        if message.startswith("Logging sample metrics"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_demo(out, now=NOW_UTC, video=False, step=ctrl_c_at_the_metrics)
    assert steps  # it was well under way: posts made, the calendar written
    assert (not out.exists()) if folder == "new" else (out.is_dir() and not any(out.iterdir()))
    build_demo(out, now=NOW_UTC, video=False)  # and the next run needs no --force
    assert (out / "calendar" / "calendar.json").is_file()


def test_ctrl_c_while_starting_exits_130_quietly(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """Before the root group's handler is in place (imports, parsing): no traceback either."""
    import contentops.cli.app as app_module
    from contentops.cli import main

    def still_importing() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(app_module, "main", still_importing)
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 130 and capsys.readouterr().err == "Interrupted.\n"
