"""Batch rendering of a cut list: ``clip batch`` (DESIGN section 5).

``run_batch(rows, out_dir, ...)`` renders every valid row of a cut list (``cutlist.read_cutlist``) into
``out_dir`` with ``render.render_clip`` in a process pool, and returns a ``BatchReport``:

- a bad row (see ``CutRow.errors``) or a failing render fails alone; the other rows still render, and
  every failure is reported at the end with its message and hint. A source that is no video at all
  (empty, a playlist, concat list or other text: ``probe.check_source``) fails before any render starts;
  a damaged one (truncated) fails when its worker probes it, before that worker writes anything;
- outputs already up to date are skipped: ``out_dir/.contentops-clips.json`` maps each output name to the
  ``job_key`` (hash of source, cut, captions, style, encoding, engine) it was rendered from; a row is
  skipped when its output exists and the key matches, unless ``force``. Only this (parent) process writes
  the manifest, atomically, after each finished clip, so an interrupted batch keeps what it finished;
- each output is written atomically by ``render_clip`` (a temp file renamed into place);
- one batch at a time per output folder (a lock file, ``.contentops-clips.lock``);
- Ctrl-C cancels the clips not started, stops the workers (each kills its ffmpeg and removes its temp
  file) and raises ``KeyboardInterrupt`` once they are gone;
- rows with a ``post`` are attached to that post of the workspace at the end, in one transaction
  (``clip batch`` in ``contentops history``; ``clip-attach`` in the post's log). The post's ``video`` is the
  clip's path relative to the workspace root when the clip is inside it, else its absolute path. As with
  ``post edit --video``, a new video sends an approved or scheduled post back to review.

Workers are started with ``forkserver`` (``spawn`` where there is none): forking a process that runs
threads (Rich's progress display) is unsafe.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EXIT_INTERRUPTED, ConflictError, ContentOpsError, MediaError, UsageError
from ..fsutil import atomic_write_text
from .cutlist import CutRow, output_path, read_cutlist
from .job import ClipJob, ClipStyle, Encoding, job_key
from .probe import check_source

if TYPE_CHECKING:
    from ..workspace import Workspace

MANIFEST_NAME = ".contentops-clips.json"
LOCK_NAME = ".contentops-clips.lock"
MANIFEST_VERSION = 1
TEMP_SUFFIX = ".tmp.mp4"  # render_clip's temp files: .<output stem>.XXXX.tmp.mp4
STATUSES = ("rendered", "skipped", "failed")
STOP_TIMEOUT = 10.0  # seconds a worker gets to clean up after Ctrl-C before it is killed
POLL_SECONDS = 0.2


@dataclass
class ClipOutcome:
    """What happened to one row: ``status`` is rendered, skipped (up to date) or failed."""

    row: int
    name: str
    output: Path
    status: str = "failed"
    seconds: float = 0.0  # wall time of the render
    error: str | None = None
    hint: str | None = None
    post: int | None = None
    attached: bool = False
    note: str | None = None

    def fail(self, error: str, hint: str | None = None) -> None:
        self.status, self.error, self.hint, self.attached, self.note = "failed", error, hint, False, None

    def to_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "name": self.name,
            "output": str(self.output),
            "status": self.status,
            "seconds": round(self.seconds, 2),
            "error": self.error,
            "hint": self.hint,
            "post": self.post,
            "attached": self.attached,
            "note": self.note,
        }


@dataclass
class BatchReport:
    out_dir: Path
    clips: list[ClipOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for c in self.clips if c.status == status)

    @property
    def failed(self) -> bool:
        return any(c.status == "failed" for c in self.clips)

    def to_json(self) -> dict[str, Any]:
        """The public JSON form (stable keys)."""
        return {
            "out_dir": str(self.out_dir),
            **{status: self.count(status) for status in STATUSES},
            "clips": [c.to_json() for c in self.clips],
        }


@dataclass(frozen=True)
class BatchEvent:
    """Progress of a batch: ``fraction`` (0..1) of row ``row``'s clip; ``outcome`` once the row is finished."""

    total: int  # rows in the batch
    done: int  # rows finished so far
    row: int
    name: str
    fraction: float
    outcome: ClipOutcome | None = None


Progress = Callable[[BatchEvent], None]


def default_jobs() -> int:
    """Clips rendered at once by default: two (ffmpeg already uses several cores for one clip)."""
    return max(1, min(2, os.cpu_count() or 1))


def batch_cutlist(
    ws: Workspace | None,
    cutlist: Path | str,
    out_dir: Path | str | None = None,
    *,
    now: datetime | None = None,
    actor: str | None = None,
    caption_mode: str = "static",
    logo: bool = True,
    encoding: Encoding | None = None,
    engine: str = "ffmpeg",
    jobs: int | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> BatchReport:
    """``clip batch``: read the cut list at ``cutlist`` and ``run_batch`` it in ``ws``'s brand style (the
    packaged kit when ``ws`` is None) into ``out_dir`` (default: ``clips/`` next to the cut list)."""
    from .style import clip_style

    path = Path(cutlist)
    rows = read_cutlist(path)
    if not rows:
        raise UsageError(f"cut list {path} has no rows", hint="add one row per clip under the header")
    style = clip_style(ws, caption_mode=caption_mode, logo=logo)
    folder = Path(out_dir) if out_dir is not None else path.absolute().parent / "clips"
    return run_batch(
        rows,
        folder,
        style=style,
        encoding=encoding or Encoding(),
        engine=engine,
        jobs=jobs,
        force=force,
        progress=progress,
        ws=ws,
        now=now,
        actor=actor,
    )


def run_batch(
    rows: list[CutRow],
    out_dir: Path | str,
    *,
    style: ClipStyle,
    encoding: Encoding | None = None,
    engine: str = "ffmpeg",
    jobs: int | None = None,
    force: bool = False,
    progress: Progress | None = None,
    ws: Workspace | None = None,
    now: datetime | None = None,
    actor: str | None = None,
) -> BatchReport:
    """Render ``rows`` into ``out_dir`` (see the module docstring). ``style`` is the look of every clip
    (each row's ``frame`` replaces its frame mode); ``ws`` and ``now`` are needed to attach clips to posts."""
    from filelock import FileLock, Timeout

    if ws is not None and now is None:
        raise ValueError("run_batch needs now= to attach clips to the posts of a workspace")
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise UsageError(f"--jobs {jobs}: at least one clip must render at a time", hint="use --jobs 1 or more")
    folder = Path(out_dir).absolute()
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder", hint="give a folder for the clips with --out")
    folder.mkdir(parents=True, exist_ok=True)
    report = BatchReport(folder)
    lock = FileLock(str(folder / LOCK_NAME), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise ConflictError(
            f"another clip batch is writing into {folder}",
            hint="wait for it to finish, or give another folder with --out",
        ) from None
    try:
        _remove_temp_files(folder, [row.name for row in rows])  # left by a batch that was killed
        batch = _Batch(rows, folder, report, progress)
        todo = batch.plan(style, encoding or Encoding(), engine, force)
        if todo:
            batch.render(todo, min(jobs, len(todo)))
    finally:
        lock.release()
    _attach(ws, report.clips, now, actor)
    return report


class _Batch:
    """The bookkeeping of one run: outcomes, the manifest and progress events."""

    def __init__(self, rows: list[CutRow], folder: Path, report: BatchReport, progress: Progress | None) -> None:
        self.rows = rows
        self.folder = folder
        self.report = report
        self.progress = progress
        self.manifest = _read_manifest(folder / MANIFEST_NAME)
        self.keys: dict[int, str] = {}
        self.done = 0

    def event(self, outcome: ClipOutcome, fraction: float, finished: bool = False) -> None:
        if finished:
            self.done += 1
        if self.progress:
            self.progress(
                BatchEvent(
                    len(self.rows), self.done, outcome.row, outcome.name, fraction, outcome if finished else None
                )
            )

    def plan(self, style: ClipStyle, encoding: Encoding, engine: str, force: bool) -> list[tuple[ClipJob, ClipOutcome]]:
        """Outcomes for every row; bad and up-to-date rows are finished here. Returns what to render."""
        todo = []
        for row in self.rows:
            outcome = ClipOutcome(row.line, row.name, self.folder / row.name, post=row.post)
            self.report.clips.append(outcome)
            if not row.ok:
                outcome.fail("; ".join(row.errors), "fix the row in the cut list and run the batch again")
                self.event(outcome, 0.0, finished=True)
                continue
            assert row.source is not None and row.start is not None and row.end is not None
            job = ClipJob(
                source=row.source,
                start=row.start,
                end=row.end,
                output=output_path(self.folder, row.name),
                caption=row.caption,
                srt=row.srt,
                style=replace(style, frame=row.frame),
                encoding=encoding,
                engine=engine,
            )
            try:
                check_source(row.source)  # an empty file, a playlist or other text fails here, before any render
                key = job_key(job)
            except MediaError as exc:
                outcome.fail(f"row {row.line}: {exc.message}", exc.hint)
            except OSError as exc:  # the file went away or became unreadable since the cut list was read
                outcome.fail(f"row {row.line}: cannot read {exc.filename}: {exc.strerror}", "check the file")
            except UnicodeDecodeError:
                outcome.fail(f"row {row.line}, column srt: {row.srt} is not UTF-8 text", "save it as UTF-8 .srt")
            if outcome.error is not None:
                self.event(outcome, 0.0, finished=True)
                continue
            self.keys[row.line] = key
            if not force and job.output.is_file() and self.manifest.get(row.name) == key:
                outcome.status = "skipped"
                self.event(outcome, 1.0, finished=True)
                continue
            todo.append((job, outcome))
        return todo

    def finish(self, outcome: ClipOutcome, result: _WorkerResult) -> None:
        outcome.seconds = result.seconds
        if result.error is None:
            outcome.status = "rendered"
            self.manifest[outcome.name] = self.keys[outcome.row]
            _write_manifest(self.folder / MANIFEST_NAME, self.manifest)
        else:
            outcome.fail(f"row {outcome.row}: {result.error}", result.hint)
        self.event(outcome, 1.0, finished=True)

    def render(self, todo: list[tuple[ClipJob, ClipOutcome]], workers: int) -> None:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        queue = context.SimpleQueue()
        running = {outcome.row: outcome for _, outcome in todo}
        executor = ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(queue,))
        pending: dict[Future[_WorkerResult], ClipOutcome] = {}
        try:
            with workers_starting():
                for job, outcome in todo:  # the workers start here
                    pending[executor.submit(_render_in_worker, job, outcome.row)] = outcome
            while pending:
                finished, _ = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                while not queue.empty():
                    row, fraction = queue.get()
                    if row in running:  # a late report of a finished clip is dropped
                        self.event(running[row], fraction)
                for future in finished:
                    outcome = pending.pop(future)
                    running.pop(outcome.row)
                    self.finish(outcome, _result_of(future))
        except BaseException:
            _stop_workers(executor)
            for future in [f for f in pending if f.done() and not f.cancelled() and f.exception() is None]:
                self.finish(pending.pop(future), future.result())  # finished just before the stop: keep it
            _remove_temp_files(self.folder, [outcome.name for outcome in pending.values()])
            raise
        executor.shutdown()


# --- the worker side -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _WorkerResult:
    seconds: float
    error: str | None = None
    hint: str | None = None


_progress_queue: Any = None
_busy = False  # a render is running in this worker
_interrupted = False  # ... and has been told to stop


def _init_worker(queue: Any) -> None:
    global _progress_queue
    _progress_queue = queue
    if hasattr(os, "setpgrp"):  # a group of its own: Ctrl-C goes to the parent, which stops the workers
        os.setpgrp()
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # see workers_starting


def _on_signal(signum: int, frame: object) -> None:
    """In a worker: Ctrl-C or a stop from the parent interrupts the render once (``render_clip`` then
    kills its ffmpeg and removes its temp file, and the worker exits); further signals do not cut that
    clean-up short. An idle worker ignores Ctrl-C (the parent stops it) and exits at once when stopped."""
    global _interrupted
    if _interrupted:
        return
    if _busy:
        _interrupted = True
        raise KeyboardInterrupt
    if signum == signal.SIGTERM:
        os._exit(128 + signum)


def _render_in_worker(job: ClipJob, row: int) -> _WorkerResult:
    """Render one job in a worker process; errors come back as text (an exception's hint would not
    survive pickling)."""
    global _busy
    from .render import render_clip

    began = time.perf_counter()
    last = -1.0

    def report(fraction: float) -> None:
        nonlocal last
        if fraction - last >= 0.01 or fraction >= 1.0:
            last = fraction
            _progress_queue.put((row, fraction))

    _busy = True
    try:
        report(0.0)
        result = render_clip(job, progress=report)
        return _WorkerResult(result.seconds)
    except ContentOpsError as exc:
        return _WorkerResult(time.perf_counter() - began, exc.message, exc.hint)
    except OSError as exc:
        return _WorkerResult(time.perf_counter() - began, f"{exc.strerror or exc}: {exc.filename or job.output}")
    except KeyboardInterrupt:  # cleaned up by now; a worker pool would wait for the next job: leave instead
        os._exit(EXIT_INTERRUPTED)
    finally:
        _busy = False


def _result_of(future: Future[_WorkerResult]) -> _WorkerResult:
    try:
        return future.result()
    except BrokenProcessPool:
        return _WorkerResult(0.0, "the process rendering this clip stopped unexpectedly", "run the batch again")
    except Exception as exc:  # a bug: report it for this row, carry on with the others
        return _WorkerResult(
            0.0, f"internal error: {exc!r}", "run the batch again with --jobs 1; report it if it stays"
        )


@contextlib.contextmanager
def workers_starting() -> Iterator[None]:
    """Hold Ctrl-C back while a process pool starts its workers and takes its jobs, then deliver it.

    A ``KeyboardInterrupt`` inside ``ProcessPoolExecutor.submit`` would leave the pool half made (a worker
    nobody stops, a thread nobody can join, tracebacks): in here a Ctrl-C is only noted, and given to the
    handler before once the jobs are in. Workers started in here inherit the blocked signal mask, so they
    too hold Ctrl-C back until their initializer has set them up (see ``_init_worker``)."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    noted: list[int] = []

    def note(signum: int, frame: object) -> None:
        noted.append(signum)

    previous = signal.signal(signal.SIGINT, note)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # one held back by the mask is noted here
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)
        if noted:
            signal.raise_signal(signal.SIGINT)


def _stop_workers(executor: ProcessPoolExecutor) -> None:
    """Cancel what has not started and stop the workers; each cleans up (see ``_on_signal``) or is killed
    after ``STOP_TIMEOUT``. Another Ctrl-C meanwhile does not cut this short."""
    processes = list((executor._processes or {}).values())  # no public way before Python 3.14
    # The pool's thread is waited for too: Python's exit would race with it winding down (CPython 3.11
    # prints "OSError: Bad file descriptor" from concurrent.futures' exit hook).
    manager = executor._executor_manager_thread
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(STOP_TIMEOUT)
            if process.is_alive():
                process.kill()
                process.join()
            if hasattr(os, "killpg") and process.pid:
                # An ffmpeg started in the instant the stop arrived (before its runner could guard it)
                # outlives its worker: it is still in the worker's process group.
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
        if manager is not None:
            manager.join(STOP_TIMEOUT)
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)


# --- files -----------------------------------------------------------------------------------------


def _remove_temp_files(folder: Path, names: Iterable[str]) -> None:
    """Temp files of ``render_clip`` for these outputs (a worker killed before it could clean up)."""
    prefixes = tuple(f".{Path(name).stem}." for name in names)
    if not prefixes:
        return
    for path in folder.iterdir():
        if path.name.startswith(prefixes) and path.name.endswith(TEMP_SUFFIX):
            path.unlink(missing_ok=True)


def _read_manifest(path: Path) -> dict[str, str]:
    """Output name -> job key. A missing or unreadable manifest is empty: everything renders again."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    clips = data.get("clips") if isinstance(data, dict) and data.get("version") == MANIFEST_VERSION else None
    if not isinstance(clips, dict):
        return {}
    return {k: v for k, v in clips.items() if isinstance(k, str) and isinstance(v, str)}


def _write_manifest(path: Path, manifest: dict[str, str]) -> None:
    data = {"version": MANIFEST_VERSION, "clips": manifest}
    atomic_write_text(path, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


# --- posts -----------------------------------------------------------------------------------------


def video_field(ws: Workspace, output: Path) -> str:
    """A post's ``video`` for ``output``: relative to the workspace root (with /) when inside it, else absolute."""
    path = output.resolve()
    try:
        return path.relative_to(ws.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _attach(ws: Workspace | None, clips: list[ClipOutcome], when: datetime | None, actor: str | None) -> None:
    """Attach the finished clips of rows with a post, in one transaction; a missing post fails its row."""
    from ..calendar_ops import POSTS, log_entry
    from ..timeutil import to_utc_iso

    wanted = [c for c in clips if c.post is not None and c.status != "failed"]
    if not wanted:
        return
    if ws is None:
        for clip in wanted:
            clip.fail(
                f"row {clip.row}: no workspace to attach the clip to post {clip.post}",
                "run the batch inside a workspace (or with --workspace DIR), or leave the post column empty",
            )
        return
    assert when is not None
    store = ws.store(actor)
    try:
        with store.transaction("clip batch", when) as tx:
            first_row: dict[int, int] = {}
            changed: list[int] = []
            for clip in wanted:
                assert clip.post is not None
                post = tx.get(POSTS, clip.post)
                if post is None:
                    clip.fail(f"row {clip.row}: no post with id {clip.post}", "'contentops post list' shows the posts")
                    continue
                if clip.post in first_row:
                    clip.fail(
                        f"row {clip.row}: post {clip.post} already gets the clip of row {first_row[clip.post]}",
                        "give each post one row",
                    )
                    continue
                first_row[clip.post] = clip.row
                video = video_field(ws, clip.output)
                clip.attached = True
                if post.get("video") == video and clip.status == "skipped":
                    continue  # attached by an earlier run, and the clip has not changed since
                fields: dict[str, Any] = {"video": video, "updated_at": to_utc_iso(when)}
                if post["status"] in ("approved", "scheduled"):  # as post edit --video does
                    fields.update(status="in-review", approved_by=None, approved_at=None)
                    clip.note = f"post {clip.post} was {post['status']}; its video changed, so it is back in review"
                fields["log"] = log_entry(post, when, store.actor, "clip-attach", None, video=video, row=clip.row)
                tx.update(POSTS, clip.post, fields)
                changed.append(clip.post)
            tx.summary = f"clip batch: attached clips to post(s) {', '.join(map(str, changed))}"
    except ContentOpsError as exc:
        for clip in wanted:
            if clip.attached:
                clip.fail(f"row {clip.row}: the clip was not attached to post {clip.post}: {exc.message}", exc.hint)
