"""The asset library: campaign material registered where it lies, with creator consent.

``add_assets`` registers files without moving or copying them. Each asset (table ``assets`` of
``calendar/calendar.json``) keeps its path (relative to the workspace root when the file is inside it,
else absolute), size, modification time, SHA-256 of its content, and media facts: duration and
display size of a video (the video probe), pixel size of a picture (``open_image``). The same content
is registered once: adding it again, under any path, names the asset that has it and adds nothing.

Kinds are ``video``, ``photo`` (guessed from the file when not given) and ``creator-submission``
(a video or picture a creator sent in, which needs the creator's name). Consent applies to creator
submissions only: it starts ``pending`` unless given, changes with ``set_consent``, and every change
is kept in the asset's consent log (who, when, note). Other kinds have no consent (``None``).

Posts keep the ids of the assets they use (``assets``, changed with ``post edit --asset/--no-asset``
through ``link_assets``). ``asset_findings`` gives ``cal check`` two rules: ``asset-consent`` (an
approved or scheduled post uses a creator submission whose consent is not granted) and
``asset-changed`` (a post's asset file is missing or its content changed). The check stays light:
a file whose size and modification time match what was registered is taken as unchanged, one of
another size as changed, and only one of the same size with another time is hashed again.
``refresh_asset`` accepts a changed file, or a moved one (``path``), as the asset's content.

Heavy media libraries are imported only when reading media facts (add and refresh).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .calendar_ops import CAMPAIGNS, POSTS, get_campaign, parse_id
from .errors import ConflictError, ContentOpsError, MediaError, NotFoundError, UsageError
from .timeutil import local_iso, to_utc_iso
from .workspace import Workspace

ASSETS = "assets"
KINDS = ("video", "photo", "creator-submission")
CREATOR = "creator-submission"
CONSENTS = ("granted", "pending", "refused")
# Posts in these statuses are about to go out: their creator submissions need granted consent.
NEEDS_CONSENT = ("approved", "scheduled")
# file_state -> (what is wrong, how to fix it) for 'cal check'
_FILE_PROBLEMS = {
    "missing": ("is missing", "put it back, or give its new place: contentops asset refresh {id} --path NEW"),
    "changed": (
        "changed since it was registered",
        "put the original back, or accept the change: contentops asset refresh {id}",
    ),
    "unreadable": ("cannot be read", "check the file's permissions"),
}
MEDIA_HINT = "give a video (MP4, MOV, MKV/WebM) or a picture (PNG, JPEG, WebP, GIF, BMP, TIFF)"

Asset = dict[str, Any]
Progress = Callable[[str, int, int], None]  # (path, files done, files in all)


@dataclass(frozen=True)
class FileFacts:
    """What ``read_facts`` found out about one file."""

    given: str  # the path as the user gave it
    path: str  # as stored: relative to the workspace root when inside it, else absolute
    size: int
    mtime_ns: int
    sha256: str
    media: str  # "video" or "photo"
    duration: float | None  # seconds, videos only
    width: int  # display size of a video, pixel size of a picture
    height: int

    def fields(self) -> dict[str, Any]:
        """The asset fields these facts set."""
        return {
            "path": self.path,
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "sha256": self.sha256,
            "media": self.media,
            "duration": self.duration,
            "width": self.width,
            "height": self.height,
        }


# -- small helpers -------------------------------------------------------------------------
def parse_asset_id(text: str | int) -> int:
    return parse_id(text, "an asset", "contentops asset list")


def _choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    value = value.strip().lower()
    if value not in allowed:
        raise UsageError(f"unknown {what} {value!r}", hint=f"use one of: {', '.join(allowed)}")
    return value


def normalise_tags(tags: Iterable[str]) -> list[str]:
    """``['hero, b-roll', 'Hero']`` -> ``['hero', 'b-roll']`` (order kept, case-insensitive de-dup)."""
    out: list[str] = []
    seen: set[str] = set()
    for raw in tags:
        for part in raw.split(","):
            tag = " ".join(part.split())
            if tag and tag.casefold() not in seen:
                seen.add(tag.casefold())
                out.append(tag)
    return out


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's content, read in chunks (any size)."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def asset_file(root: Path, asset: Asset) -> Path:
    """Where an asset's file is: its stored path, relative to the workspace ``root`` unless absolute."""
    path = Path(asset["path"])
    return path if path.is_absolute() else root / path


def _stored_path(root: Path, file: Path) -> str:
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return str(file)


def _get_asset(view: Any, asset_id: int) -> Asset:
    asset = view.get(ASSETS, asset_id)
    if asset is None:
        raise NotFoundError(
            f"no asset with id {asset_id}", hint="'contentops asset list' shows the assets and their ids"
        )
    return asset


def _usage(posts: Iterable[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    """asset id -> the posts that use it, by post id."""
    users: dict[int, list[dict[str, Any]]] = {}
    for post in sorted(posts, key=lambda p: p["id"]):
        for asset_id in post.get("assets", []):
            users.setdefault(asset_id, []).append(post)
    return users


def asset_json(asset: Asset, zone: str, post_ids: Iterable[int] = ()) -> dict[str, Any]:
    """The stable public form of an asset (times as ISO-8601 in the home ``zone``)."""
    return {
        "id": asset["id"],
        "path": asset["path"],
        "kind": asset["kind"],
        "media": asset["media"],
        "size": asset["size"],
        "sha256": asset["sha256"],
        "duration": asset["duration"],
        "width": asset["width"],
        "height": asset["height"],
        "campaign": asset.get("campaign"),
        "creator": asset.get("creator"),
        "consent": asset.get("consent"),
        "consent_log": [{**e, "at": local_iso(e["at"], zone)} for e in asset.get("consent_log", [])],
        "source": asset.get("source"),
        "tags": list(asset.get("tags", [])),
        "added_at": local_iso(asset["added_at"], zone),
        "added_by": asset["added_by"],
        "posts": list(post_ids),
    }


# -- reading files -------------------------------------------------------------------------
def _read_media(name: str, file: Path, media: str) -> tuple[float | None, int, int]:
    if media == "video":
        from .media.probe import probe

        info = probe(name)
        return round(info.duration, 3), info.display_width, info.display_height
    from .media.kit import open_image

    width, height = open_image(Path(name), "picture").size
    return None, width, height


def _media_facts(name: str, file: Path, want: str | None) -> tuple[str, float | None, int, int]:
    """(media, duration, width, height). ``want`` "video" or "photo" insists on it; None guesses: the
    kind the file name suggests is tried first, then the other."""
    if want is not None:
        return want, *_read_media(name, file, want)
    import mimetypes

    guessed = mimetypes.guess_type(name)[0] or ""
    order = ("video", "photo") if guessed.startswith("video/") else ("photo", "video")
    errors: list[MediaError] = []
    for media in order:
        try:
            return media, *_read_media(name, file, media)
        except MediaError as exc:
            errors.append(exc)
    if guessed.startswith(("video/", "image/")):
        raise errors[0]
    raise MediaError(f"{name} is neither a video nor a picture contentops can read", hint=MEDIA_HINT)


def read_facts(root: Path, given: str | os.PathLike[str], want: str | None = None) -> FileFacts:
    """Size, hash and media facts of the file ``given`` (``want``: see ``_media_facts``). Refuses a
    missing path, a folder, a file it cannot read, and a file that is not the media wanted."""
    name = str(given)
    file = Path(os.path.realpath(given))  # Path.resolve() raises RuntimeError on a link loop before Python 3.13
    try:
        before = file.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise NotFoundError(f"no such file: {name}", hint="check the path and the file name") from None
    except OSError as exc:
        raise ContentOpsError(
            f"cannot read {name}: {exc.strerror}", hint="check the path and its permissions"
        ) from None
    if stat.S_ISDIR(before.st_mode):
        raise UsageError(f"{name} is a folder, not a file", hint="give the files in it, e.g. media/*.mp4")
    if not stat.S_ISREG(before.st_mode):
        raise UsageError(f"{name} is not a regular file (a device or pipe)", hint=MEDIA_HINT)
    try:
        digest = sha256_file(file)
        after = file.stat()
    except OSError as exc:
        raise ContentOpsError(f"cannot read {name}: {exc.strerror}", hint="check the file's permissions") from None
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns):
        raise ConflictError(f"{name} changed while it was read", hint="wait until it is fully copied, then try again")
    media, duration, width, height = _media_facts(name, file, want)
    return FileFacts(
        given=name,
        path=_stored_path(root, file),
        size=after.st_size,
        mtime_ns=after.st_mtime_ns,
        sha256=digest,
        media=media,
        duration=duration,
        width=width,
        height=height,
    )


def file_state(root: Path, asset: Asset) -> str:
    """ "ok", "missing", "changed" or "unreadable": the asset's file now against what was registered.
    Hashes the file again only when its size matches but its modification time does not."""
    file = asset_file(root, asset)
    try:
        info = file.stat()
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    except OSError:
        return "unreadable"
    if not stat.S_ISREG(info.st_mode):
        return "missing"
    if info.st_size != asset["size"]:
        return "changed"
    if info.st_mtime_ns == asset["mtime_ns"]:
        return "ok"
    try:
        return "ok" if sha256_file(file) == asset["sha256"] else "changed"
    except OSError:
        return "unreadable"


# -- commands ------------------------------------------------------------------------------
def add_assets(
    ws: Workspace,
    paths: Iterable[str | os.PathLike[str]],
    *,
    now: datetime,
    kind: str | None = None,
    campaign: str | None = None,
    creator: str | None = None,
    consent: str | None = None,
    source: str | None = None,
    tags: Iterable[str] = (),
    actor: str | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Register files as assets in one change. Returns ``{"added": [asset], "duplicates": [{"path",
    "asset", "registered_path", "same_path"}]}``: a file whose content is registered already (or that
    came earlier in ``paths``) is not added again. Any bad file refuses them all; nothing is written."""
    paths = list(paths)
    if not paths:
        raise UsageError("no files given", hint="e.g. contentops asset add media/*.mp4 --campaign 'Summer Sounds'")
    kind = _choice(kind, KINDS, "kind") if kind is not None else None
    consent = _choice(consent, CONSENTS, "consent") if consent is not None else None
    if creator is not None:
        creator = " ".join(creator.split()) or None
    if consent is not None and kind != CREATOR:
        raise UsageError(
            "consent is recorded for creator submissions only",
            hint="add --kind creator-submission --creator NAME, or leave out --consent",
        )
    if kind == CREATOR and creator is None:
        raise UsageError("a creator submission needs the creator's name", hint="add --creator NAME (name or @handle)")
    store = ws.store(actor)
    if campaign is not None:  # before reading the files: a typo should not wait for them
        campaign = get_campaign(store.read().all(CAMPAIGNS), campaign)["name"]
    want = kind if kind in ("video", "photo") else None  # a creator submission may be either
    facts = []
    for done, given in enumerate(paths, start=1):
        facts.append(read_facts(ws.root, given, want))
        if progress is not None:
            progress(str(given), done, len(paths))

    added: list[Asset] = []
    duplicates: list[dict[str, Any]] = []
    with store.transaction("asset add", now) as tx:
        if campaign is not None:
            get_campaign(tx.all(CAMPAIGNS), campaign)
        known = tx.all(ASSETS)
        by_hash = {a["sha256"]: a for a in known}
        by_path = {a["path"]: a for a in known}
        for f in facts:
            same = by_hash.get(f.sha256)
            if same is not None:
                dup = {"path": f.given, "asset": same["id"], "registered_path": same["path"]}
                duplicates.append({**dup, "same_path": same["path"] == f.path})
                continue
            other = by_path.get(f.path)
            if other is not None:
                raise ConflictError(
                    f"{f.given} is asset {other['id']}, and its content changed since it was registered",
                    hint=f"accept the new content with: contentops asset refresh {other['id']}",
                )
            doc: Asset = {
                **f.fields(),
                "kind": kind or f.media,
                "campaign": campaign,
                "creator": creator,
                "consent": None,
                "consent_log": [],
                "source": source or None,
                "tags": normalise_tags(tags),
                "added_at": to_utc_iso(now),
                "added_by": store.actor,
            }
            if doc["kind"] == CREATOR:
                doc["consent"] = consent or "pending"
                doc["consent_log"] = [{"at": to_utc_iso(now), "by": store.actor, "consent": doc["consent"]}]
            doc["id"] = tx.insert(ASSETS, doc)
            by_hash[f.sha256] = by_path[f.path] = doc
            added.append(doc)
        if added:
            ids = ", ".join(str(a["id"]) for a in added)
            tx.summary = f"added asset{'s' if len(added) > 1 else ''} {ids}"
    return {"added": [asset_json(a, ws.config.zone) for a in added], "duplicates": duplicates}


def list_assets(
    ws: Workspace, *, campaign: str | None = None, kind: str | None = None, consent: str | None = None
) -> list[dict[str, Any]]:
    """Assets matching every given filter, by id. ``consent`` finds creator submissions only."""
    kind = _choice(kind, KINDS, "kind") if kind is not None else None
    consent = _choice(consent, CONSENTS, "consent") if consent is not None else None
    view = ws.store().read()
    if campaign is not None:
        campaign = get_campaign(view.all(CAMPAIGNS), campaign)["name"]
    users = _usage(view.all(POSTS))
    return [
        asset_json(a, ws.config.zone, [p["id"] for p in users.get(a["id"], [])])
        for a in sorted(view.all(ASSETS), key=lambda a: a["id"])
        if (campaign is None or a.get("campaign") == campaign)
        and (kind is None or a["kind"] == kind)
        and (consent is None or a.get("consent") == consent)
    ]


def show_asset(ws: Workspace, asset_id: int) -> dict[str, Any]:
    """An asset, the posts that use it (``used_by``) and its file now (``file``: path, state)."""
    view = ws.store().read()
    asset = _get_asset(view, asset_id)
    users = _usage(view.all(POSTS)).get(asset_id, [])
    return {
        **asset_json(asset, ws.config.zone, [p["id"] for p in users]),
        "used_by": [
            {"id": p["id"], "title": p["title"], "status": p["status"], "at": local_iso(p.get("at"), p["tz"])}
            for p in users
        ],
        "file": {"path": str(asset_file(ws.root, asset)), "state": file_state(ws.root, asset)},
    }


def set_consent(
    ws: Workspace,
    asset_id: int,
    consent: str,
    *,
    now: datetime,
    note: str | None = None,
    actor: str | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Record a creator's consent for a creator submission (kept in its consent log with who and
    when). Returns the asset and notes for the user."""
    consent = _choice(consent, CONSENTS, "consent")
    store = ws.store(actor)
    notes: list[str] = []
    with store.transaction("asset consent", now) as tx:
        asset = _get_asset(tx, asset_id)
        users = _usage(tx.all(POSTS)).get(asset_id, [])
        if asset["kind"] != CREATOR:
            raise ConflictError(
                f"asset {asset_id} is a {asset['kind']}, not a creator submission: it needs no consent",
                hint="consent is recorded for assets added with --kind creator-submission --creator NAME",
            )
        old = asset["consent"]
        if old == consent and not note:
            notes.append(f"consent of asset {asset_id} is {consent} already; nothing changed")
        else:
            entry = {"at": to_utc_iso(now), "by": store.actor, "consent": consent}
            if note:
                entry["note"] = note
            asset = tx.update(
                ASSETS, asset_id, {"consent": consent, "consent_log": [*asset.get("consent_log", []), entry]}
            )
            tx.summary = f"consent of asset {asset_id} ({asset['creator']}): {old} -> {consent}"
        going_out = [p["id"] for p in users if p["status"] in NEEDS_CONSENT]
        if consent != "granted" and going_out:
            notes.append(
                f"post{'s' if len(going_out) > 1 else ''} {', '.join(map(str, going_out))} "
                f"use{'' if len(going_out) > 1 else 's'} it: 'contentops cal check' reports them as errors"
            )
    return asset_json(asset, ws.config.zone, [p["id"] for p in users]), notes


def refresh_asset(
    ws: Workspace,
    asset_id: int,
    *,
    now: datetime,
    path: str | os.PathLike[str] | None = None,
    actor: str | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Read an asset's file again and take it as the asset's content: after an intended change, or
    from its new place ``path`` after a move. It must stay the same media (video or picture), and its
    content must not be another asset's. Consent and links stay. Returns the asset and notes."""
    store = ws.store(actor)
    asset = _get_asset(store.read(), asset_id)
    try:
        facts = read_facts(ws.root, path if path is not None else asset_file(ws.root, asset), asset["media"])
    except NotFoundError as exc:
        if path is not None:
            raise
        raise NotFoundError(
            f"asset {asset_id}'s file {asset['path']} is missing",
            hint=f"give its new place: contentops asset refresh {asset_id} --path NEW",
        ) from exc
    notes: list[str] = []
    with store.transaction("asset refresh", now) as tx:
        asset = _get_asset(tx, asset_id)
        for other in tx.all(ASSETS):
            if other["id"] != asset_id and facts.sha256 == other["sha256"]:
                raise ConflictError(
                    f"{facts.given} has the content of asset {other['id']} ({other['path']})",
                    hint=f"use that asset instead: contentops post edit POST --asset {other['id']}",
                )
            if other["id"] != asset_id and facts.path == other["path"]:
                raise ConflictError(f"{facts.given} is asset {other['id']}'s file", hint="give the file of this asset")
        changed = {k: v for k, v in facts.fields().items() if asset.get(k) != v}
        if not changed:
            notes.append(f"asset {asset_id} is up to date; nothing changed")
        else:
            parts = [f"moved to {facts.path}"] if "path" in changed else []
            parts.append("new content" if "sha256" in changed else "same content")
            notes.append(f"asset {asset_id}: {', '.join(parts)} ({asset['size']:,} -> {facts.size:,} bytes)")
            asset = tx.update(ASSETS, asset_id, changed)
            tx.summary = f"refreshed asset {asset_id} ({', '.join(parts)})"
        users = _usage(tx.all(POSTS)).get(asset_id, [])
    return asset_json(asset, ws.config.zone, [p["id"] for p in users]), notes


# -- posts and checks ----------------------------------------------------------------------
def link_assets(
    tx: Any, post: dict[str, Any], add: Iterable[int] = (), remove: Iterable[int] = ()
) -> tuple[list[int], list[str]]:
    """The post's asset ids with ``add`` linked and ``remove`` unlinked (inside transaction ``tx``),
    and notes for the user: a creator submission linked without granted consent is allowed but noted."""
    add, remove = list(add), list(remove)
    both = sorted(set(add) & set(remove))
    if both:
        raise UsageError(f"asset {', '.join(map(str, both))} both linked and unlinked", hint="give each asset once")
    linked = list(post.get("assets", []))
    notes: list[str] = []
    for asset_id in remove:  # a linked id goes even if its asset is gone (a hand-edited calendar)
        if asset_id in linked:
            linked.remove(asset_id)
        else:
            _get_asset(tx, asset_id)
            notes.append(f"asset {asset_id} was not linked to post {post['id']}")
    for asset_id in add:
        asset = _get_asset(tx, asset_id)
        if asset_id in linked:
            continue
        linked.append(asset_id)
        if asset["kind"] == CREATOR and asset["consent"] != "granted":
            notes.append(
                f"asset {asset_id} is a creator submission by {asset['creator']} and its consent is "
                f"{asset['consent']}: 'cal check' reports an error while post {post['id']} is approved or "
                f"scheduled (once the creator agrees: contentops asset consent {asset_id} granted)"
            )
    return linked, notes


def asset_findings(root: Path, view: Any, posts: Iterable[dict[str, Any]]) -> list[tuple[str, Any, str, str]]:
    """``cal check`` findings (rule, post, message, hint) on the assets of ``posts``: ``asset-consent``
    and ``asset-changed`` (see the module docstring). Each file is looked at once."""
    found = []
    states: dict[int, str] = {}
    for post in posts:
        pid = post["id"]
        for asset_id in post.get("assets", []):
            asset = view.get(ASSETS, asset_id)
            if asset is None:
                hint = f"unlink it: contentops post edit {pid} --no-asset {asset_id}"
                found.append(("asset-changed", post, f"asset {asset_id} is not in the asset library", hint))
                continue
            if asset["kind"] == CREATOR and asset["consent"] != "granted" and post["status"] in NEEDS_CONSENT:
                message = (
                    f"uses creator submission {asset_id} by {asset['creator']} ({asset['path']}) "
                    f"without granted consent (it is {asset['consent']})"
                )
                hint = (
                    f"record the creator's consent (contentops asset consent {asset_id} granted) "
                    f"or unlink it (contentops post edit {pid} --no-asset {asset_id})"
                )
                found.append(("asset-consent", post, message, hint))
            if asset_id not in states:
                states[asset_id] = file_state(root, asset)
            if states[asset_id] in _FILE_PROBLEMS:
                problem, hint = _FILE_PROBLEMS[states[asset_id]]
                message = f"asset {asset_id}'s file {asset['path']} {problem}"
                found.append(("asset-changed", post, message, hint.format(id=asset_id)))
    return found


__all__ = [
    "ASSETS",
    "CONSENTS",
    "KINDS",
    "add_assets",
    "asset_findings",
    "file_state",
    "link_assets",
    "list_assets",
    "parse_asset_id",
    "refresh_asset",
    "set_consent",
    "show_asset",
]
