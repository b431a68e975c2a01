"""Community feedback: what people said about posts, with its tone, topics and what needs acting on.

Stored in table ``feedback`` of ``calendar/calendar.json``, one document per comment::

    {"post": 12, "at": "2026-11-24T07:00:00Z", "author": "@sam.k", "text": "Tickets sold out in 5 min :(",
     "sentiment": "negative", "tags": ["tickets"], "flagged": true, "source": "import",
     "key": "...", "created_at": "2026-11-25T22:00:00Z", "by": "priya"}

* ``sentiment`` is positive, neutral or negative; a comment given without one is ``neutral`` (counted, but
  neither praise nor complaint);
* ``tags`` are topics in lower case without ``#`` (``Customer Service`` -> ``customer-service``);
* ``flagged`` marks a comment someone has to act on (a complaint, a question, a safety concern);
* ``key`` identifies a comment by post, author, time and text, so importing the same file again adds nothing
  (a row without a time is stamped with the time of the import, and its key leaves the time out).

Every command is one transaction of the calendar store, so ``contentops history`` lists it and
``contentops undo`` reverts it. The weekly report counts the feedback dated in its period (``community``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .calendar_ops import POSTS, _get_post, parse_id, parse_post_id
from .errors import ConflictError, ContentOpsError, NotFoundError, UsageError
from .metrics import figures_key
from .store import Transaction
from .timeutil import local_iso, parse_when, to_utc_iso
from .workspace import Workspace

if TYPE_CHECKING:
    from .report import Section

FEEDBACK = "feedback"
SENTIMENTS = ("positive", "neutral", "negative")
DEFAULT_SENTIMENT = "neutral"
IMPORT_COLUMNS = ("post", "url", "author", "text", "time", "sentiment", "tags", "flag")
MAX_TEXT = 2000  # characters of one comment (TikTok's own limit is 150; messages and e-mails run longer)
MAX_AUTHOR = 100
MAX_TAG = 40
MAX_TAGS = 10
SHORT_TEXT = 80  # characters of a comment quoted in the weekly report
_TAG_SPLIT = re.compile(r"[;|,]")
_TAG = re.compile(r"^[^\W_][\w-]*$")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}


# -- checking values ------------------------------------------------------------------------------
def check_text(text: str) -> str:
    """The comment, trimmed; refused when empty or longer than ``MAX_TEXT`` characters."""
    text = text.strip()
    if not text:
        raise UsageError("the comment text is empty", hint="give what the person said, e.g. --text 'Love this!'")
    if len(text) > MAX_TEXT:
        raise UsageError(
            f"the comment is {len(text):,} characters; at most {MAX_TEXT:,} are kept",
            hint="shorten it to the part that matters",
        )
    return text


def check_author(author: str | None) -> str | None:
    author = " ".join((author or "").split())
    if len(author) > MAX_AUTHOR:
        raise UsageError(f"the author is {len(author)} characters; at most {MAX_AUTHOR}", hint="give the handle")
    return author or None


def check_sentiment(text: str | None) -> str:
    """``positive``, ``neutral`` or ``negative`` (any case); empty or None: ``DEFAULT_SENTIMENT``."""
    sentiment = (text or "").strip().lower() or DEFAULT_SENTIMENT
    if sentiment not in SENTIMENTS:
        raise UsageError(f"unknown sentiment {text!r}", hint=f"use one of: {', '.join(SENTIMENTS)}")
    return sentiment


def normalise_tags(items: Iterable[str]) -> list[str]:
    """``['Price; Music', 'customer service|#price']`` -> ``['price', 'music', 'customer-service']``: lower case,
    no ``#``, spaces as ``-``, split at ``;``, ``|`` and ``,``, repeats dropped (order kept)."""
    out: list[str] = []
    for item in items:
        for part in _TAG_SPLIT.split(item):
            tag = "-".join(part.strip().lstrip("#").lower().split())
            if not tag or tag in out:
                continue
            if len(tag) > MAX_TAG or not _TAG.match(tag):
                raise UsageError(
                    f"{part.strip()!r} is not a tag",
                    hint=f"tags are words of letters, digits, - or _ (at most {MAX_TAG}), e.g. price, customer-service",
                )
            out.append(tag)
    if len(out) > MAX_TAGS:
        raise UsageError(f"{len(out)} tags; a comment takes at most {MAX_TAGS}", hint="keep the main topics")
    return out


def parse_flag(text: str) -> bool:
    """``yes``/``no``, ``true``/``false``, ``1``/``0``, ``y``/``n`` (any case); empty: no."""
    value = text.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise UsageError(f"{text!r} is not yes or no", hint="write yes/no, true/false or 1/0 (empty means no)")


def comment_time(text: str | None, zone: str, now: datetime) -> str:
    """The UTC text of a comment's time (``now`` when None), read in ``zone``; refused in the future."""
    if text is None:
        return to_utc_iso(now)
    moment = parse_when(text, zone, now)
    if moment > now:
        raise UsageError(
            f"{moment.isoformat()} is in the future",
            hint="give when it was said, e.g. 'yesterday 9pm' or '2026-11-24 19:30' (a day without a year, "
            "such as 21/11 or fri, means the next one: add the year, 21/11/2026)",
        )
    return to_utc_iso(moment)


def comment_key(post_id: int, author: str | None, at_utc: str | None, text: str) -> str:
    """What identifies a comment (``at_utc`` None: one without its own time)."""
    return figures_key("feedback", post_id, (author or "").casefold(), at_utc, " ".join(text.split()))


def feedback_doc(
    post_id: int,
    text: str,
    *,
    at_utc: str,
    key: str,
    now: datetime,
    actor: str,
    source: str,
    author: str | None = None,
    sentiment: str = DEFAULT_SENTIMENT,
    tags: list[str] | None = None,
    flagged: bool = False,
) -> dict[str, Any]:
    return {"post": post_id, "at": at_utc, "author": author, "text": text, "sentiment": sentiment,
            "tags": tags or [], "flagged": flagged, "source": source, "key": key, "created_at": to_utc_iso(now),
            "by": actor}  # fmt: skip


# -- output forms ---------------------------------------------------------------------------------
def feedback_json(doc: Mapping[str, Any], zone: str, posts: Mapping[int, Mapping[str, Any]]) -> dict[str, Any]:
    """The stable public form of a comment: times in ``zone``, with the title of its post (None if removed)."""
    post = posts.get(doc["post"])
    return {
        "id": doc["id"],
        "post": doc["post"],
        "post_title": post["title"] if post else None,
        "at": local_iso(doc["at"], zone),
        "author": doc.get("author"),
        "text": doc["text"],
        "sentiment": doc["sentiment"],
        "tags": list(doc.get("tags", [])),
        "flagged": bool(doc.get("flagged")),
        "source": doc.get("source"),
        "by": doc.get("by"),
        "created_at": local_iso(doc.get("created_at"), zone),
    }


def _posts(view: Any) -> dict[int, dict[str, Any]]:
    return {i: {**d, "id": i} for i, d in view.scan(POSTS)}


def _get(tx: Transaction, feedback_id: int) -> dict[str, Any]:
    doc = tx.get(FEEDBACK, feedback_id)
    if doc is None:
        raise NotFoundError(f"no feedback with id {feedback_id}", hint="'contentops feedback list' shows the ids")
    return doc


def parse_feedback_id(text: str | int) -> int:
    return parse_id(text, "a feedback", "contentops feedback list")


# -- commands -------------------------------------------------------------------------------------
def add_feedback(
    ws: Workspace,
    post_id: int,
    text: str,
    *,
    now: datetime,
    sentiment: str | None = None,
    tags: Iterable[str] = (),
    flag: bool = False,
    author: str | None = None,
    at: str | None = None,
    actor: str | None = None,
) -> dict[str, Any]:
    """Log one comment on post ``post_id``, made at ``at`` (a time as ``post add --at`` takes it; default now)."""
    text, author = check_text(text), check_author(author)
    values = {"sentiment": check_sentiment(sentiment), "tags": normalise_tags(tags), "flagged": flag}
    at_utc = comment_time(at, ws.config.zone, now)
    key = comment_key(post_id, author, at_utc, text)
    store = ws.store(actor)
    with store.transaction("feedback add", now) as tx:
        post = _get_post(tx, post_id)
        same = next((i for i, d in tx.scan(FEEDBACK) if d.get("key") == key), None)
        if same is not None:
            raise ConflictError(
                f"this comment is logged already (feedback {same})", hint=f"'contentops feedback list --post {post_id}'"
            )
        doc = feedback_doc(post_id, text, at_utc=at_utc, key=key, now=now, actor=store.actor, source="add",
                           author=author, **values)  # fmt: skip
        doc["id"] = tx.insert(FEEDBACK, doc)
        tx.summary = f"feedback {doc['id']} on post {post_id}: {doc['sentiment']}" + (", flagged" if flag else "")
    return feedback_json(doc, ws.config.zone, {post_id: post})


def list_feedback(
    ws: Workspace,
    *,
    flagged: bool = False,
    post_id: int | None = None,
    sentiment: str | None = None,
    tag: str | None = None,
) -> list[dict[str, Any]]:
    """Comments matching every given filter, newest first."""
    sentiment = check_sentiment(sentiment) if sentiment is not None else None
    tags = normalise_tags([tag]) if tag is not None else []
    view = ws.store().read()
    posts = _posts(view)
    docs = view.all(FEEDBACK)
    if post_id is not None and post_id not in posts and not any(d["post"] == post_id for d in docs):
        raise NotFoundError(f"no post with id {post_id}", hint="'contentops post list' shows the posts and their ids")

    def keep(d: Mapping[str, Any]) -> bool:
        return (
            (not flagged or bool(d.get("flagged")))
            and (post_id is None or d["post"] == post_id)
            and (sentiment is None or d["sentiment"] == sentiment)
            and all(t in d.get("tags", []) for t in tags)
        )

    found = sorted((d for d in docs if keep(d)), key=lambda d: (d["at"], d["id"]), reverse=True)
    return [feedback_json(d, ws.config.zone, posts) for d in found]


def set_flag(
    ws: Workspace, feedback_id: int, flagged: bool, *, now: datetime, actor: str | None = None
) -> tuple[dict[str, Any], bool]:
    """Flag (or unflag) a comment; returns it and whether it changed (a comment flagged already stays as it is)."""
    action = "flag" if flagged else "unflag"
    with ws.store(actor).transaction(f"feedback {action}", now) as tx:
        doc = _get(tx, feedback_id)
        changed = bool(doc.get("flagged")) != flagged
        if changed:
            doc = tx.update(FEEDBACK, feedback_id, {"flagged": flagged})
            tx.summary = f"{action}ged feedback {feedback_id} on post {doc['post']}"
        posts = _posts(tx)
    return feedback_json(doc, ws.config.zone, posts), changed


# -- import ---------------------------------------------------------------------------------------
@contextmanager
def _cell(path: Path, row_no: int, column: str) -> Iterator[None]:
    """Name the file, row and column in an error raised inside (keeping its kind and exit code)."""
    try:
        yield
    except ContentOpsError as exc:
        hint = f"{exc.hint}; nothing was imported" if exc.hint else "nothing was imported"
        raise type(exc)(f"{path.name}, row {row_no}, column {column!r}: {exc.message}", hint=hint) from None


def _row_doc(
    ws: Workspace,
    path: Path,
    row_no: int,
    row: Mapping[str, str],
    posts: Mapping[int, dict[str, Any]],
    by_video: dict[str, list[dict[str, Any]]],
    *,
    now: datetime,
    actor: str,
) -> dict[str, Any]:
    """One row of an import file as a feedback document; the first bad cell raises."""
    from .metrics_import import _by_video, video_id

    cell = {c: (row.get(c) or "").strip() for c in IMPORT_COLUMNS}
    post: dict[str, Any] | None = None
    if cell["post"]:
        with _cell(path, row_no, "post"):
            post = _get_post_in(posts, parse_post_id(cell["post"]))
    if cell["url"]:
        with _cell(path, row_no, "url"):
            vid = video_id(cell["url"])
            if vid is None:
                raise UsageError(f"{cell['url']!r} holds no TikTok video id", hint="copy the link of the video")
            found = _by_video(by_video, vid)
            if found is None or isinstance(found, str):
                raise NotFoundError(
                    f"{found or 'no post has this video'} ({vid})",
                    hint="publish the post with its URL first ('contentops post publish ID --url URL'), or give post",
                )
            if post is not None and post["id"] != found["id"]:
                raise UsageError(f"the video is post {found['id']}'s, not post {post['id']}'s", hint="fix one of them")
            post = found
    if post is None:
        with _cell(path, row_no, "post"):
            raise UsageError("no post and no url", hint="give the post id or the TikTok link of its video")
    with _cell(path, row_no, "text"):
        text = check_text(row.get("text") or "")
    with _cell(path, row_no, "author"):
        author = check_author(cell["author"])
    with _cell(path, row_no, "time"):
        at_utc = comment_time(cell["time"] or None, ws.config.zone, now)
    with _cell(path, row_no, "sentiment"):
        sentiment = check_sentiment(cell["sentiment"])
    with _cell(path, row_no, "tags"):
        tags = normalise_tags([cell["tags"]])
    with _cell(path, row_no, "flag"):
        flagged = parse_flag(cell["flag"])
    key = comment_key(post["id"], author, at_utc if cell["time"] else None, text)
    return feedback_doc(post["id"], text, at_utc=at_utc, key=key, now=now, actor=actor, source="import",
                        author=author, sentiment=sentiment, tags=tags, flagged=flagged)  # fmt: skip


def _get_post_in(posts: Mapping[int, dict[str, Any]], post_id: int) -> dict[str, Any]:
    if post_id not in posts:
        raise NotFoundError(f"no post with id {post_id}", hint="'contentops post list' shows the posts and their ids")
    return posts[post_id]


def import_feedback(
    ws: Workspace, path: Path, *, now: datetime, dry_run: bool = False, actor: str | None = None
) -> dict[str, Any]:
    """Import comments from a CSV (or JSON) file with ``IMPORT_COLUMNS``: each row names its post by ``post``
    (an id) or ``url`` (the TikTok link of the post's video) and has a ``text``; ``author``, ``time`` (default:
    now), ``sentiment`` (default neutral), ``tags`` (separated by ``;`` or ``|``) and ``flag`` (yes/no) are
    optional. Every row is checked first: one bad cell refuses the whole file and nothing changes. Comments
    imported before (same post, author, time and text) are skipped. One transaction; ``dry_run`` works the
    same on a copy in memory and writes nothing."""
    from .exchange import read_rows

    try:
        fmt, rows = read_rows(path, columns=IMPORT_COLUMNS, ignored=())
    except ContentOpsError as exc:  # "row 1, column 'x': ..." -> with the file's name
        if not exc.message.startswith("row "):
            raise
        raise type(exc)(f"{path.name}, {exc.message}", hint=exc.hint) from None
    with ws.store(actor).transaction("feedback import", now, dry_run=dry_run) as tx:
        return _import(ws, tx, path, fmt, rows, now, dry_run)


def _import(
    ws: Workspace, tx: Transaction, path: Path, fmt: str, rows: list[Any], now: datetime, dry_run: bool
) -> dict[str, Any]:
    from .metrics_import import video_id

    posts = _posts(tx)
    by_video: dict[str, list[dict[str, Any]]] = {}
    for post in posts.values():
        vid = video_id(post.get("url"))
        if vid:
            by_video.setdefault(vid, []).append(post)
    keys = {d.get("key") for _, d in tx.scan(FEEDBACK)}
    new: list[tuple[int, dict[str, Any]]] = []
    already = 0
    for row_no, row in rows:
        doc = _row_doc(ws, path, row_no, row, posts, by_video, now=now, actor=tx.actor)
        if doc["key"] in keys:
            already += 1
            continue
        keys.add(doc["key"])
        new.append((row_no, doc))
    ids = tx.insert_many(FEEDBACK, [doc for _, doc in new]) if new else []
    added = [{"row": row_no, **feedback_json({**doc, "id": i}, ws.config.zone, posts)}
             for (row_no, doc), i in zip(new, ids, strict=True)]  # fmt: skip
    tx.summary = f"imported {path.name}: {len(added)} comment{'' if len(added) == 1 else 's'}" + (
        f", {already} already there" if already else ""
    )
    return {"file": str(path), "format": fmt, "rows": len(rows), "dry_run": dry_run,
            "applied": not dry_run and bool(added), "added": added, "already_imported": already}  # fmt: skip


# -- the weekly report ----------------------------------------------------------------------------
def community(
    docs: Iterable[Mapping[str, Any]], posts: Mapping[int, Mapping[str, Any]], start: str, end: str, zone: str
) -> dict[str, Any]:
    """The feedback dated in [``start``, ``end``) (UTC text): how many, by sentiment (every sentiment, 0 too),
    by tag (most used first) and the flagged comments, oldest first (``feedback_json`` form)."""
    found = sorted((d for d in docs if start <= d["at"] < end), key=lambda d: (d["at"], d["id"]))
    by_sentiment = Counter(d["sentiment"] for d in found)
    by_tag = Counter(t for d in found for t in d.get("tags", []))
    return {
        "total": len(found),
        "by_sentiment": {s: by_sentiment[s] for s in SENTIMENTS},
        "by_tag": dict(sorted(by_tag.items(), key=lambda item: (-item[1], item[0]))),
        "flagged": [feedback_json(d, zone, posts) for d in found if d.get("flagged")],
    }


def short(text: str, width: int = SHORT_TEXT) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def community_section(data: Mapping[str, Any]) -> Section:
    """The "What the community said" part of the weekly report, from ``community``'s data."""
    from .report import Section

    title = "What the community said"
    total = data["total"]
    if not total:
        return Section(title, ("No feedback was logged for this period ('contentops feedback add' or 'import').",))
    counts = ", ".join(f"{data['by_sentiment'][s]} {s}" for s in SENTIMENTS)
    notes = [f"{total} comment{'' if total == 1 else 's'} dated in the period: {counts}."]
    tags = ", ".join(f"{tag} {n}" for tag, n in data["by_tag"].items())
    notes.append(f"Tags: {tags}." if tags else "No tags.")
    flagged = data["flagged"]
    if not flagged:
        return Section(title, (*notes, "Nothing was flagged."))
    notes.append(f"Flagged, to act on: {len(flagged)}.")
    return Section(
        title, tuple(notes), ("ID", "Post", "Author", "Sentiment", "Comment"),
        tuple((str(f["id"]), f"#{f['post']} {f['post_title'] or '(removed)'}", f["author"] or "-", f["sentiment"],
               short(f["text"])) for f in flagged),
        "ntsst",
    )  # fmt: skip


__all__ = [
    "FEEDBACK",
    "IMPORT_COLUMNS",
    "SENTIMENTS",
    "add_feedback",
    "community",
    "community_section",
    "import_feedback",
    "list_feedback",
    "normalise_tags",
    "set_flag",
]
