"""Cover thumbnails as files and on posts: ``thumb make``, ``thumb post``, ``thumb batch`` and ``thumb sheet``.

Every image is written atomically (a temp file next to it, then renamed), so an interrupted or failed run
leaves the old file or none, never half an image. A post's cover is ``covers/post-ID-SLUG.png`` in the
workspace and its ``cover`` field is that path relative to the workspace root; attaching a cover does not
change the post's status (the cover is artwork made for an approved plan, not a change to what was
approved). ``thumb batch`` renders in a process pool and attaches every finished cover in one transaction.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..brand import load_brand
from ..errors import ConflictError, ContentOpsError, MediaError, NotFoundError, TransitionError, UsageError
from ..fsutil import atomic_write_bytes
from ..names import child_path, resolves_inside, safe_filename, slug
from .cover import CoverLayout, CoverLook, cover_look, render_cover
from .kit import open_image

if TYPE_CHECKING:
    from PIL.Image import Image

    from ..workspace import Workspace
    from .frames import Sheet

COVERS_DIR = "covers"
SAVE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}
NO_COVER_STATUSES = ("published", "cancelled")


@dataclass
class CoverResult:
    """One cover made: where it went, what its background was and how it was laid out."""

    output: Path
    layout: CoverLayout
    background: str  # "brand colour", an image path, or "VIDEO at 0:00:01.5"
    frame_at: float | None = None  # seconds, for a frame of a video
    post: int | None = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "output": str(self.output),
            "post": self.post,
            "background": self.background,
            "frame_at": self.frame_at,
            "note": self.note,
            **self.layout.to_json(),
        }


def check_output(out: Path, *, force: bool) -> Path:
    """Refuse an output name contentops cannot write, or one that exists (unless ``force``)."""
    if out.suffix.lower() not in SAVE_FORMATS:
        raise UsageError(
            f"cannot write {out.name}: unknown image type {out.suffix or '(none)'!r}",
            hint="end the output name with .png (or .jpg, .webp)",
        )
    if out.is_dir():
        raise UsageError(f"{out} is a folder", hint="give a file name, e.g. -o cover.png")
    if out.exists() and not force:
        raise ConflictError(f"{out} already exists", hint="use --force to replace it, or give another name with -o")
    return out


def save_image(image: Image, out: Path) -> None:
    """Write ``image`` to ``out`` atomically, in the format its suffix names."""
    kind = SAVE_FORMATS[out.suffix.lower()]
    buffer = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(buffer, kind, quality=92)
    else:
        image.save(buffer, kind)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(out, buffer.getvalue())


def _background(
    background: Path | None, video: Path | None, at: float | None
) -> tuple[Image | None, str, float | None]:
    from .frames import frame_at, sharpest_frame
    from .timecode import format_timecode

    if background is not None and video is not None:
        raise UsageError("give --background or --video, not both", hint="one picture goes behind the title")
    if at is not None and video is None:
        raise UsageError("--at picks a frame of --video", hint="add --video FILE, or leave out --at")
    if background is not None:
        return open_image(background, "background image", draft=(1080, 1080)), str(background), None
    if video is None:
        return None, "brand colour", None
    if at is None:
        picked = sharpest_frame(video)
        return picked.image, f"{video} at {format_timecode(picked.at)} (sharpest)", picked.at
    return frame_at(video, at), f"{video} at {format_timecode(at)}", at


def make_cover(
    ws: Workspace | None,
    title: str,
    *,
    subtitle: str = "",
    background: Path | None = None,
    video: Path | None = None,
    at: float | None = None,
    template: str = "cover",
    out: Path | None = None,
    max_lines: int = 4,
    logo: bool = True,
    force: bool = False,
) -> CoverResult:
    """``thumb make``: one cover in ``ws``'s brand kit (the packaged kit when None), written to ``out``
    (default ``SLUG-TEMPLATE.png`` in the current folder). Nothing is written if anything is wrong."""
    look = cover_look(load_brand(ws), logo=logo)
    out = check_output(out or Path(safe_filename(f"{slug(title)}-{template}", ".png", fallback=template)), force=force)
    picture, source, frame = _background(background, video, at)
    image, layout = render_cover(
        title, look, subtitle=subtitle, template=template, picture=picture, logo=_logo(look), max_lines=max_lines
    )
    save_image(image, out)
    return CoverResult(out, layout, source, frame)


def _logo(look: CoverLook) -> Image | None:
    return _open_logo(look.logo) if look.logo is not None else None


@lru_cache(maxsize=4)
def _open_logo(path: Path) -> Image:
    return open_image(path, "logo")


# --- posts -----------------------------------------------------------------------------------------


def post_cover_path(ws: Workspace, post: dict[str, Any], template: str = "cover") -> Path:
    """``covers/post-ID-SLUG.png`` (``-TEMPLATE`` before ``.png`` for other templates): the post id keeps
    the names of posts whose titles differ only in case (or not at all) apart."""
    suffix = "" if template == "cover" else f"-{template}"
    name = safe_filename(f"post-{post['id']}-{slug(post['title'])}{suffix}", ".png", fallback=f"post-{post['id']}")
    return child_path(ws.root / COVERS_DIR, name)


def post_video(ws: Workspace, post: dict[str, Any]) -> Path | None:
    """The post's video file (``video`` is relative to the workspace root, or absolute); None if it has none.
    A relative path must stay in the workspace with its symbolic links followed: a teammate's link, or a
    ``../``, to a file elsewhere on this computer is refused (an absolute path is taken as stored)."""
    if not post.get("video"):
        return None
    path = Path(post["video"])
    if not path.is_absolute():
        path = ws.root / path
        if not resolves_inside(path, ws.root):
            raise MediaError(
                f"post {post['id']}'s video {post['video']} leads outside the workspace, to {os.path.realpath(path)}",
                hint=f"copy the file into the workspace, or give its real path: "
                f"contentops post edit {post['id']} --video /real/path",
            )
    if not path.is_file():
        raise NotFoundError(
            f"post {post['id']}'s video {post['video']} is missing",
            hint=f"cut the clip again, or fix it with 'contentops post edit {post['id']} --video PATH'",
        )
    return path


def _coverable(post: dict[str, Any]) -> None:
    if post["status"] in NO_COVER_STATUSES:
        raise TransitionError(
            f"post {post['id']} is {post['status']}: its cover can no longer change",
            hint="covers are made for posts that have not gone out yet",
        )


def _attach(ws: Workspace, covers: dict[int, Path], now: datetime, actor: str | None, name: str) -> list[int]:
    """Set the ``cover`` of each post in one transaction; returns the posts changed."""
    from ..calendar_ops import POSTS, log_entry
    from ..timeutil import to_utc_iso
    from .batch import video_field

    store = ws.store(actor)
    changed: list[int] = []
    with store.transaction(name, now) as tx:
        for post_id, path in sorted(covers.items()):
            post = tx.get(POSTS, post_id)
            if post is None or post["status"] in NO_COVER_STATUSES:
                continue  # removed or published meanwhile
            cover = video_field(ws, path)
            fields = {"cover": cover, "updated_at": to_utc_iso(now)}
            fields["log"] = log_entry(post, now, store.actor, "cover-attach", None, cover=cover)
            tx.update(POSTS, post_id, fields)
            changed.append(post_id)
        shown = ", ".join(map(str, changed[:10])) + (f" and {len(changed) - 10} more" if len(changed) > 10 else "")
        tx.summary = f"{name}: cover for post(s) {shown}"
    return changed


def post_cover(
    ws: Workspace,
    post_id: int,
    *,
    now: datetime,
    actor: str | None = None,
    at: float | None = None,
    template: str = "cover",
    logo: bool = True,
) -> CoverResult:
    """``thumb post``: the post's cover from its title and a frame of its video (at ``at`` seconds, or the
    sharpest of the first seconds; the brand colour when it has no video), saved under ``covers/`` and set
    as the post's ``cover``."""
    from ..calendar_ops import POSTS

    post = ws.store().read().get(POSTS, post_id)
    if post is None:
        raise NotFoundError(f"no post with id {post_id}", hint="'contentops post list' shows the posts")
    _coverable(post)
    look = cover_look(load_brand(ws), logo=logo)
    video = post_video(ws, post)
    note = None if video is not None else "the post has no video yet: the cover uses the brand background colour"
    if at is not None and video is None:
        raise UsageError(f"--at picks a frame of the post's video, and post {post_id} has none",
                         hint=f"attach one first: contentops post edit {post_id} --video PATH")  # fmt: skip
    picture, source, frame = _background(None, video, at)
    image, layout = render_cover(post["title"], look, template=template, picture=picture, logo=_logo(look))
    out = post_cover_path(ws, post, template)
    save_image(image, out)
    _attach(ws, {post_id: out}, now, actor, "thumb post")
    return CoverResult(out, layout, source, frame, post=post_id, note=note)


# --- batch -----------------------------------------------------------------------------------------


@dataclass
class BatchItem:
    post: int
    title: str
    output: Path
    status: str = "pending"  # made, failed
    error: str | None = None
    hint: str | None = None
    seconds: float = 0.0
    background: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "post": self.post,
            "title": self.title,
            "output": str(self.output),
            "status": self.status,
            "background": self.background,
            "seconds": round(self.seconds, 3),
            "error": self.error,
            "hint": self.hint,
        }


@dataclass
class CoverBatch:
    items: list[BatchItem] = field(default_factory=list)
    attached: list[int] = field(default_factory=list)
    skipped: int = 0  # scheduled posts in range that already have a cover
    interrupted: bool = False  # stopped by Ctrl-C: the rest were not made

    @property
    def failed(self) -> list[BatchItem]:
        return [i for i in self.items if i.status == "failed"]

    def to_json(self) -> dict[str, Any]:
        return {
            "made": sum(i.status == "made" for i in self.items),
            "failed": len(self.failed),
            "skipped": self.skipped,
            "interrupted": self.interrupted,
            "attached": self.attached,
            "covers": [i.to_json() for i in self.items],
        }


BatchProgress = Callable[[BatchItem, int, int], None]  # the item just finished, done, total


@dataclass(frozen=True)
class _Task:
    post: int
    title: str
    video: Path | None
    output: Path
    look: CoverLook


def _render_task(task: _Task) -> tuple[int, str | None, str | None, float, str]:
    """Make one cover (in a worker, or inline for one job): (post, error, hint, seconds, background)."""
    began = time.perf_counter()
    try:
        picture, source, _ = _background(None, task.video, None)
        image, _ = render_cover(task.title, task.look, picture=picture, logo=_logo(task.look))
        save_image(image, task.output)
        return task.post, None, None, time.perf_counter() - began, source
    except ContentOpsError as exc:
        return task.post, exc.message, exc.hint, time.perf_counter() - began, ""
    except OSError as exc:
        return task.post, f"{exc.strerror or exc}: {exc.filename or task.output}", None, 0.0, ""
    except Exception as exc:  # a bug: report it for this post, carry on with the others
        return task.post, f"internal error: {exc!r}", "run again with --jobs 1; report it if it stays", 0.0, ""


def batch_covers(
    ws: Workspace,
    *,
    now: datetime,
    actor: str | None = None,
    week: date | None = None,
    campaign: str | None = None,
    jobs: int = 1,
    force: bool = False,
    logo: bool = True,
    progress: BatchProgress | None = None,
) -> CoverBatch:
    """``thumb batch``: a cover for every scheduled post (in the week of ``week``, of ``campaign``) that has
    none (``force``: all of them), rendered by ``jobs`` processes; one bad post does not stop the others.
    The finished covers are attached in one transaction at the end, also after a Ctrl-C (then the report says
    ``interrupted``)."""
    from ..calendar_ops import POSTS, post_filter, post_order
    from ..views import week_start

    if jobs < 1:
        raise UsageError(f"--jobs {jobs}: at least one cover must render at a time", hint="use --jobs 1 or more")
    look = cover_look(load_brand(ws), logo=logo)
    start = week_start(week) if week is not None else None
    view = ws.store().read()
    keep = post_filter(ws, view, start=start, end=start + timedelta(days=6) if start else None, status="scheduled",
                       campaign=campaign)  # fmt: skip
    report = CoverBatch()
    tasks = []
    for post in sorted(view.find(POSTS, keep), key=post_order):
        if post.get("cover") and not force:
            report.skipped += 1
            continue
        item = BatchItem(post["id"], post["title"], post_cover_path(ws, post))
        report.items.append(item)
        try:
            tasks.append(_Task(post["id"], post["title"], post_video(ws, post), item.output, look))
        except ContentOpsError as exc:
            item.status, item.error, item.hint = "failed", exc.message, exc.hint
    by_post = {item.post: item for item in report.items}
    done = len(report.failed)

    def finish(result: tuple[int, str | None, str | None, float, str]) -> None:
        nonlocal done
        item = by_post[result[0]]
        item.error, item.hint, item.seconds, item.background = result[1], result[2], result[3], result[4]
        item.status = "failed" if item.error else "made"
        done += 1
        if progress:
            progress(item, done, len(report.items))

    try:
        if jobs == 1 or len(tasks) <= 1:
            for task in tasks:
                finish(_render_task(task))
        else:
            _run_pool(tasks, min(jobs, len(tasks)), finish)
    except KeyboardInterrupt:
        report.interrupted = True  # the covers finished so far are still attached
    made = {i.post: i.output for i in report.items if i.status == "made"}
    if made:
        report.attached = _attach(ws, made, now, actor, "thumb batch")
    return report


def _run_pool(tasks: list[_Task], workers: int, finish: Callable[[Any], None]) -> None:
    """Render ``tasks`` in ``workers`` processes, calling ``finish`` with each result. On Ctrl-C, what has not
    started is cancelled and the covers being drawn (a second at most) are finished and kept."""
    from .batch import workers_starting

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker) as executor:
        pending: set[Future[Any]] = set()
        try:
            with workers_starting():
                pending.update(executor.submit(_render_task, task) for task in tasks)
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    finish(future.result())
                    pending.discard(future)  # only now: a Ctrl-C during finish() must not lose its cover
        except KeyboardInterrupt:
            executor.shutdown(wait=True, cancel_futures=True)
            for future in pending:
                if future.done() and not future.cancelled() and future.exception() is None:
                    finish(future.result())
            raise


def _init_worker() -> None:
    import signal

    if hasattr(os, "setpgrp"):
        os.setpgrp()  # Ctrl-C goes to the parent, which cancels what has not started
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # held back while booting: see workers_starting


# --- contact sheets --------------------------------------------------------------------------------


def make_sheet(
    video: Path, *, count: int = 12, out: Path | None = None, width: int = 320, force: bool = False
) -> tuple[Sheet, Path]:
    """``thumb sheet``: a contact sheet of ``video`` written to ``out`` (default ``VIDEO-sheet.png`` beside it)."""
    from .frames import contact_sheet

    out = check_output(
        out or video.with_name(safe_filename(f"{video.stem}-sheet", ".png", fallback="sheet")), force=force
    )
    sheet = contact_sheet(video, count, tile_width=width)
    save_image(sheet.image, out)
    return sheet, out
