"""The content calendar: campaigns, posts and the review workflow.

Functions take a Workspace and plain values (``now`` included) and return plain dicts,
so they serve the CLI and Python scripts alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from .errors import ConflictError, NotFoundError, TransitionError, UsageError
from .timeutil import from_utc_iso, get_zone, local_iso, parse_when, to_utc_iso
from .workspace import Workspace

POSTS = "posts"
CAMPAIGNS = "campaigns"

STATUSES = ("idea", "draft", "in-review", "changes-requested", "approved", "scheduled", "published", "cancelled")
# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": (("idea", "draft", "changes-requested"), "in-review"),
    "approve": (("in-review",), "approved"),
    "request-changes": (("in-review", "approved", "scheduled"), "changes-requested"),
    "schedule": (("approved",), "scheduled"),
    "publish": (("approved", "scheduled"), "published"),
    "cancel": (("idea", "draft", "in-review", "changes-requested", "approved", "scheduled"), "cancelled"),
}
CONTENT_FIELDS = ("title", "caption", "hashtags", "video")
_TIKTOK_URL = re.compile(
    r"^https://(?:www\.|m\.)?tiktok\.com/@[A-Za-z0-9._]+/(?:video|photo)/\d+(?:[/?#].*)?$"
    r"|^https://(?:vm|vt)\.tiktok\.com/[A-Za-z0-9]+/?$"
)
_HASHTAG = re.compile(r"^[^\s#]{1,100}$")


# -- small validators ---------------------------------------------------------------------
def normalise_hashtags(tags: Iterable[str]) -> list[str]:
    """``['#Summer', 'sale', 'a,b']`` -> ``['#Summer', '#sale', '#a', '#b']`` (order kept, case-insensitive de-dup)."""
    out: list[str] = []
    seen: set[str] = set()
    for raw in tags:
        for part in re.split(r"[,\s]+", raw.strip()):
            if not part:
                continue
            tag = part.lstrip("#")
            if not _HASHTAG.match(tag):
                raise UsageError(
                    f"{part!r} is not a hashtag", hint="use letters, digits or _ after '#', e.g. #SummerDrop"
                )
            if tag.casefold() not in seen:
                seen.add(tag.casefold())
                out.append("#" + tag)
    return out


MAX_TITLE = 200  # characters of a post's title (the caption holds the words)
MAX_CAPTION = 10_000  # characters of a caption: far beyond TikTok's limit, which 'cal check' reports


def check_title(text: str) -> str:
    """A post's title with its white space tidied; empty or over ``MAX_TITLE`` characters is refused."""
    title = " ".join(text.split())
    if not title:
        raise UsageError("a post needs a title", hint='e.g. contentops post add "Behind the scenes" --at "fri 6pm"')
    if len(title) > MAX_TITLE:
        raise UsageError(
            f"the title is {len(title):,} characters; a title takes at most {MAX_TITLE}",
            hint="keep the title short: the caption holds the words",
        )
    return title


def check_caption(text: str) -> str:
    if len(text) > MAX_CAPTION:
        raise UsageError(
            f"the caption is {len(text):,} characters; contentops keeps at most {MAX_CAPTION:,}",
            hint="TikTok takes far fewer: 'contentops cal check' names its limit",
        )
    return text


def parse_id(text: str | int, what: str, listing: str) -> int:
    """A record id typed by a person (``12`` or ``#12``); ``what`` names the record, ``listing`` the command
    that lists them. Only ASCII digits, at most 18 (``int()`` refuses '²' and numbers of 5,000 digits)."""
    raw = str(text).strip().lstrip("#")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18 or int(raw) == 0:
        shown = repr(str(text)) if len(str(text)) <= 40 else f"{str(text)[:20]!r}... ({len(str(text)):,} characters)"
        raise UsageError(f"{shown} is not {what} id", hint=f"ids are whole numbers; '{listing}' shows them")
    return int(raw)


def parse_post_id(text: str | int) -> int:
    return parse_id(text, "a post", "contentops post list")


def check_pillar(ws: Workspace, pillar: str | None) -> str | None:
    if pillar is None:
        return None
    pillar = pillar.strip().lower()
    if pillar not in ws.config.pillars:
        raise UsageError(
            f"unknown pillar {pillar!r}",
            hint=f"use one of: {', '.join(ws.config.pillars)} (or add it under [content] pillars in contentops.toml)",
        )
    return pillar


def check_url(url: str) -> str:
    url = url.strip()
    if not _TIKTOK_URL.match(url):
        raise UsageError(
            f"{url!r} is not a TikTok video URL",
            hint="copy the link from TikTok, e.g. https://www.tiktok.com/@brand/video/7301234567890123456",
        )
    return url


# -- output forms --------------------------------------------------------------------------
def post_json(post: dict[str, Any]) -> dict[str, Any]:
    """The stable public form of a post: times as ISO-8601 in the post's own zone."""
    zone = post.get("tz") or "UTC"
    return {
        "id": post["id"],
        "title": post["title"],
        "status": post["status"],
        "at": local_iso(post.get("at"), zone),
        "tz": zone,
        "pillar": post.get("pillar"),
        "campaign": post.get("campaign"),
        "caption": post.get("caption", ""),
        "hashtags": list(post.get("hashtags", [])),
        "owner": post.get("owner"),
        "video": post.get("video"),
        "cover": post.get("cover"),
        "assets": list(post.get("assets", [])),
        "url": post.get("url"),
        "approved_by": post.get("approved_by"),
        "approved_at": local_iso(post.get("approved_at"), zone),
        "published_at": local_iso(post.get("published_at"), zone),
        "created_at": local_iso(post.get("created_at"), zone),
        "updated_at": local_iso(post.get("updated_at"), zone),
        "log": [{**entry, "at": local_iso(entry["at"], zone)} for entry in post.get("log", [])],
    }


def campaign_json(campaign: dict[str, Any], zone: str, posts: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    out = {
        "id": campaign["id"],
        "name": campaign["name"],
        "start": campaign["start"],
        "end": campaign["end"],
        "hashtags": list(campaign.get("hashtags", [])),
        "goals": dict(campaign.get("goals", {})),
        "created_at": local_iso(campaign.get("created_at"), zone),
    }
    if posts is not None:
        counts: dict[str, int] = {}
        for p in posts:
            counts[p["status"]] = counts.get(p["status"], 0) + 1
        out["posts"] = {"total": len(posts), "by_status": counts}
    return out


# -- campaigns -----------------------------------------------------------------------------
def parse_goals(items: Iterable[str]) -> dict[str, int]:
    goals: dict[str, int] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lower()
        digits = value.strip().replace(",", "").replace("_", "")
        if not sep or not re.fullmatch(r"[a-z_]+", name) or not re.fullmatch(r"[0-9]{1,15}", digits):
            raise UsageError(
                f"cannot read goal {item!r}", hint="write goals as METRIC=NUMBER, e.g. --goal views=100000"
            )
        goals[name] = int(digits)
    return goals


def add_campaign(
    ws: Workspace,
    name: str,
    start: date,
    end: date,
    *,
    hashtags: Iterable[str] = (),
    goals: dict[str, int] | None = None,
    now: datetime,
    actor: str | None = None,
) -> dict[str, Any]:
    name = " ".join(name.split())
    if not name:
        raise UsageError("a campaign needs a name")
    if end < start:
        raise UsageError(f"the campaign ends ({end}) before it starts ({start})", hint="swap --start and --end")
    doc = {
        "name": name,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "hashtags": normalise_hashtags(hashtags),
        "goals": goals or {},
        "created_at": to_utc_iso(now),
    }
    with ws.store(actor).transaction("campaign add", now) as tx:
        if _find_campaign(tx.all(CAMPAIGNS), name) is not None:
            raise ConflictError(f"a campaign named {name!r} exists already", hint="choose another name")
        doc["id"] = tx.insert(CAMPAIGNS, doc)
        tx.summary = f"added campaign '{name}'"
    return doc


def _find_campaign(campaigns: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    key = name.strip().casefold()
    return next((c for c in campaigns if c["name"].casefold() == key or str(c["id"]) == key), None)


def get_campaign(campaigns: list[dict[str, Any]], name: str) -> dict[str, Any]:
    found = _find_campaign(campaigns, name)
    if found is None:
        known = ", ".join(c["name"] for c in campaigns) or "none yet"
        raise NotFoundError(
            f"no campaign named {name!r}", hint=f"campaigns: {known} ('contentops campaign add' makes one)"
        )
    return found


def list_campaigns(ws: Workspace) -> list[dict[str, Any]]:
    view = ws.store().read()
    posts = view.all(POSTS)
    return [
        campaign_json(c, ws.config.zone, [p for p in posts if p.get("campaign") == c["name"]])
        for c in sorted(view.all(CAMPAIGNS), key=lambda c: (c["start"], c["name"]))
    ]


def show_campaign(ws: Workspace, name: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    view = ws.store().read()
    campaign = get_campaign(view.all(CAMPAIGNS), name)
    posts = sorted(
        (p for p in view.all(POSTS) if p.get("campaign") == campaign["name"]),
        key=lambda p: (p.get("at") is None, p.get("at") or "", p["id"]),
    )
    return campaign_json(campaign, ws.config.zone, posts), [post_json(p) for p in posts]


# -- posts ---------------------------------------------------------------------------------
def log_entry(
    post: dict[str, Any], now: datetime, by: str, action: str, note: str | None, **extra: Any
) -> list[dict[str, Any]]:
    """The post's log with one entry added: ``by`` did ``action`` at ``now`` (with ``note`` and ``extra`` fields)."""
    entry = {"at": to_utc_iso(now), "by": by, "action": action, **extra}
    if note:
        entry["note"] = note
    return [*post.get("log", []), entry]


def resolve_when(ws: Workspace, when: str | None, tz: str | None, now: datetime) -> tuple[str | None, str]:
    """(UTC text or None, zone name) for a typed time in ``tz`` or the home zone."""
    zone = tz or ws.config.zone
    get_zone(zone)
    if when is None:
        return None, zone
    return to_utc_iso(parse_when(when, zone, now)), zone


def new_post(
    ws: Workspace,
    title: str,
    *,
    now: datetime,
    actor: str,
    at_utc: str | None = None,
    zone: str | None = None,
    pillar: str | None = None,
    caption: str = "",
    hashtags: Iterable[str] = (),
    owner: str | None = None,
    video: str | None = None,
    status: str = "draft",
) -> dict[str, Any]:
    """A validated post document, not yet stored (``campaign`` is set by the caller inside
    its transaction, since campaigns are looked up there)."""
    title = check_title(title)
    caption = check_caption(caption)
    if status not in ("idea", "draft"):
        raise UsageError(f"a new post starts as an idea or a draft, not {status!r}")
    doc: dict[str, Any] = {
        "title": title,
        "status": status,
        "at": at_utc,
        "tz": zone or ws.config.zone,
        "pillar": check_pillar(ws, pillar),
        "campaign": None,
        "caption": caption,
        "hashtags": normalise_hashtags(hashtags),
        "owner": owner,
        "video": video,
        "url": None,
        "created_at": to_utc_iso(now),
        "updated_at": to_utc_iso(now),
    }
    doc["log"] = log_entry(doc, now, actor, "created", None, status=status)
    return doc


def add_post(
    ws: Workspace,
    title: str,
    *,
    now: datetime,
    at: str | None = None,
    tz: str | None = None,
    pillar: str | None = None,
    campaign: str | None = None,
    caption: str = "",
    hashtags: Iterable[str] = (),
    owner: str | None = None,
    video: str | None = None,
    idea: bool = False,
    actor: str | None = None,
    tags: str | None = None,
    template: str | None = None,
    variables: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Add a post. ``tags`` names a hashtag set whose hashtags join ``hashtags``; ``template``
    names a caption template filled from the post and ``variables`` (see contentops.reuse)."""
    from . import reuse

    if template is not None and caption:
        raise UsageError("give a caption or a template, not both", hint="leave out --caption or --template")
    if variables and template is None:
        raise UsageError("--var fills a caption template", hint="add --template NAME, or leave out --var")
    at_utc, zone = resolve_when(ws, at, tz, now)
    store = ws.store(actor)
    doc = new_post(
        ws, title, now=now, actor=store.actor, at_utc=at_utc, zone=zone, pillar=pillar, caption=caption,
        hashtags=hashtags, owner=owner, video=video, status="idea" if idea else "draft",
    )  # fmt: skip
    with store.transaction("post add", now) as tx:
        if campaign is not None:
            doc["campaign"] = get_campaign(tx.all(CAMPAIGNS), campaign)["name"]
        if tags is not None:
            doc["hashtags"] = merge_hashtags(doc["hashtags"], add=reuse.tagset_hashtags(tx, tags))
        if template is not None:
            doc["caption"] = reuse.fill_template(tx, template, doc, ws.config.handle, variables or {})
        doc["id"] = tx.insert(POSTS, doc)
        tx.summary = f"added post {doc['id']} '{doc['title']}'"
    return post_json(doc)


def refuse_past(post_id: int, at_utc: str, zone: str, now: datetime, verb: str) -> None:
    """A scheduled post must stay in the future."""
    if from_utc_iso(at_utc) <= now:
        raise TransitionError(
            f"cannot {verb} post {post_id} for {local_iso(at_utc, zone)}: that is in the past",
            hint="give a time in the future, e.g. --at 'fri 6pm'",
        )


def _get_post(view: Any, post_id: int) -> dict[str, Any]:
    post = view.get(POSTS, post_id)
    if post is None:
        raise NotFoundError(f"no post with id {post_id}", hint="'contentops post list' shows the posts and their ids")
    return post


def show_post(ws: Workspace, post_id: int) -> dict[str, Any]:
    return post_json(_get_post(ws.store().read(), post_id))


def list_posts(
    ws: Workspace,
    *,
    start: date | None = None,
    end: date | None = None,
    status: str | None = None,
    campaign: str | None = None,
    pillar: str | None = None,
) -> list[dict[str, Any]]:
    """Posts matching every given filter, by time (unscheduled last). ``end`` is inclusive."""
    view = ws.store().read()
    keep = post_filter(ws, view, start=start, end=end, status=status, campaign=campaign, pillar=pillar)
    return [post_json(p) for p in sorted(view.find(POSTS, keep), key=post_order)]


def post_order(post: dict[str, Any]) -> tuple[bool, str, int]:
    """Sort key of post documents: by time, unscheduled last."""
    return post.get("at") is None, post.get("at") or "", post["id"]


def post_filter(
    ws: Workspace,
    view: Any,
    *,
    start: date | None = None,
    end: date | None = None,
    status: str | None = None,
    campaign: str | None = None,
    pillar: str | None = None,
) -> Callable[[dict[str, Any]], bool]:
    """The filters of ``list_posts`` as a predicate over post documents of ``view`` (a read
    or a transaction). Checks the values: an unknown status, campaign or pillar is refused."""
    from datetime import timedelta

    from .timeutil import day_bounds_utc

    if status is not None and status not in STATUSES:
        raise UsageError(f"unknown status {status!r}", hint=f"use one of: {', '.join(STATUSES)}")
    if campaign is not None:
        campaign = get_campaign(view.all(CAMPAIGNS), campaign)["name"]
    pillar = check_pillar(ws, pillar)
    lo = hi = None
    if start is not None or end is not None:
        lo, hi = day_bounds_utc(
            start or date(1970, 1, 1), (end or date(9998, 12, 31)) + timedelta(days=1), ws.config.zone
        )

    def keep(p: dict[str, Any]) -> bool:
        if status is not None and p["status"] != status:
            return False
        if campaign is not None and p.get("campaign") != campaign:
            return False
        if pillar is not None and p.get("pillar") != pillar:
            return False
        if lo is not None:
            return p.get("at") is not None and lo <= p["at"] < hi  # type: ignore[operator]
        return True

    return keep


def edit_post(
    ws: Workspace,
    post_id: int,
    *,
    now: datetime,
    title: str | None = None,
    caption: str | None = None,
    hashtags: Iterable[str] | None = None,
    add_hashtags: Iterable[str] = (),
    remove_hashtags: Iterable[str] = (),
    pillar: str | None = None,
    campaign: str | None = None,
    owner: str | None = None,
    video: str | None = None,
    at: str | None = None,
    tz: str | None = None,
    unschedule: bool = False,
    add_assets: Iterable[int] = (),
    remove_assets: Iterable[int] = (),
    actor: str | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Change fields of a post. Returns the post and notes for the user.

    Changing what viewers see (title, caption, hashtags, video) of an approved or scheduled
    post sends it back to review: the approval was for the old content. Linking assets
    (``add_assets``, ``remove_assets``: asset ids) does not; see contentops.assets.
    """
    store = ws.store(actor)
    notes: list[str] = []
    with store.transaction("post edit", now) as tx:
        post = _get_post(tx, post_id)
        if post["status"] in ("published", "cancelled") and (at is not None or unschedule):
            raise TransitionError(f"post {post_id} is {post['status']}; its time cannot change")
        fields: dict[str, Any] = {}
        if title is not None:
            fields["title"] = check_title(title)
        if caption is not None:
            fields["caption"] = check_caption(caption)
        tags = merge_hashtags(
            post.get("hashtags", []) if hashtags is None else normalise_hashtags(hashtags),
            add=add_hashtags,
            remove=remove_hashtags,
        )
        if tags != post.get("hashtags", []):
            fields["hashtags"] = tags
        if pillar is not None:
            fields["pillar"] = check_pillar(ws, pillar) if pillar else None
        if campaign is not None:
            fields["campaign"] = get_campaign(tx.all(CAMPAIGNS), campaign)["name"] if campaign else None
        if owner is not None:
            fields["owner"] = owner or None
        if video is not None:
            fields["video"] = video or None
        if add_assets or remove_assets:
            from .assets import link_assets

            linked, link_notes = link_assets(tx, post, add_assets, remove_assets)
            notes.extend(link_notes)
            if linked != post.get("assets", []):
                fields["assets"] = linked
        if unschedule:
            if post["status"] == "scheduled":
                raise TransitionError(
                    f"post {post_id} is scheduled; it needs a time",
                    hint="cancel it, or request changes first, before removing its time",
                )
            fields["at"] = None
        elif at is not None or tz is not None:
            at_utc, zone = resolve_when(ws, at, tz or post.get("tz"), now)
            if at_utc is None:  # only --tz given: keep the instant, show it in the new zone
                at_utc = post.get("at")
            elif post["status"] == "scheduled":
                refuse_past(post_id, at_utc, zone, now, "move scheduled")
            fields.update(at=at_utc, tz=zone)
        fields = {k: v for k, v in fields.items() if post.get(k) != v}
        if not fields:
            notes.append("nothing changed")
            return post_json(post), notes
        updated, note = apply_edit(tx, post, fields, now=now, actor=store.actor)
        if note:
            notes.append(note)
        tx.summary = f"edited post {post_id} ({', '.join(updated['log'][-1]['fields'])})"
    return post_json(updated), notes


def merge_hashtags(tags: Iterable[str], add: Iterable[str] = (), remove: Iterable[str] = ()) -> list[str]:
    """``tags`` with ``add`` appended and ``remove`` taken out (case-insensitive, de-duplicated)."""
    add, remove = list(add), list(remove)
    out = normalise_hashtags([*tags, *add]) if add else list(tags)
    if remove:
        gone = {t.casefold() for t in normalise_hashtags(remove)}
        out = [t for t in out if t.casefold() not in gone]
    return out


def apply_edit(
    tx: Any, post: dict[str, Any], fields: dict[str, Any], *, now: datetime, actor: str
) -> tuple[dict[str, Any], str | None]:
    """Store the changed ``fields`` of ``post`` inside transaction ``tx`` and log the edit.

    Changing what viewers see (title, caption, hashtags, video) of an approved or scheduled
    post sends it back to review. Returns the updated post and a note when that happened."""
    fields = dict(fields)
    note = None
    if post["status"] in ("approved", "scheduled") and any(k in fields for k in CONTENT_FIELDS):
        fields.update(status="in-review", approved_by=None, approved_at=None)
        note = f"post {post['id']} was {post['status']}; its content changed, so it is back in review"
    fields["updated_at"] = to_utc_iso(now)
    fields["log"] = log_entry(post, now, actor, "edit", None, fields=sorted(k for k in fields if k != "updated_at"))
    return tx.update(POSTS, post["id"], fields), note


def move_post(
    ws: Workspace, post_id: int, at: str, *, now: datetime, tz: str | None = None, actor: str | None = None
) -> dict[str, Any]:
    store = ws.store(actor)
    with store.transaction("post move", now) as tx:
        post = _get_post(tx, post_id)
        if post["status"] in ("published", "cancelled"):
            raise TransitionError(
                f"post {post_id} is {post['status']} and cannot move",
                hint="add a new post for a repeat instead",
            )
        at_utc, zone = resolve_when(ws, at, tz or post.get("tz"), now)
        if post["status"] == "scheduled":
            refuse_past(post_id, at_utc, zone, now, "move scheduled")  # type: ignore[arg-type]
        old = post.get("at")
        updated = tx.update(
            POSTS,
            post_id,
            {
                "at": at_utc,
                "tz": zone,
                "updated_at": to_utc_iso(now),
                "log": log_entry(post, now, store.actor, "move", None, before=old, after=at_utc),
            },
        )
        tx.summary = f"moved post {post_id} to {local_iso(at_utc, zone)}"
    return post_json(updated)


def remove_post(
    ws: Workspace, post_id: int, *, now: datetime | None = None, actor: str | None = None
) -> dict[str, Any]:
    with ws.store(actor).transaction("post rm", now) as tx:
        post = tx.remove(POSTS, _get_post(tx, post_id)["id"])
        tx.summary = f"removed post {post_id} '{post['title']}'"
    return post_json(post)


def transition(
    ws: Workspace,
    post_id: int,
    action: str,
    *,
    now: datetime,
    by: str | None = None,
    note: str | None = None,
    url: str | None = None,
    at: str | None = None,
    tz: str | None = None,
) -> dict[str, Any]:
    """Apply a workflow action (``submit``, ``approve``, ``request-changes``, ``schedule``,
    ``publish``, ``cancel``). A refused action raises TransitionError and changes nothing."""
    if action not in TRANSITIONS:
        raise UsageError(f"unknown action {action!r}", hint=f"use one of: {', '.join(TRANSITIONS)}")
    if action == "publish":
        if not url:
            raise UsageError(
                "publishing needs the TikTok URL", hint="add --url https://www.tiktok.com/@handle/video/ID"
            )
        url = check_url(url)
    store = ws.store(by)
    with store.transaction(f"post {action}", now) as tx:
        post = _get_post(tx, post_id)
        fields: dict[str, Any] = {}
        if at is not None or tz is not None:
            at_utc, zone = resolve_when(ws, at, tz or post.get("tz"), now)
            fields.update(at=at_utc or post.get("at"), tz=zone)
        updated = apply_transition(tx, post, action, now=now, actor=store.actor, note=note, url=url, fields=fields)
        tx.summary = f"{action} post {post_id}: {post['status']} -> {updated['status']}"
    return post_json(updated)


def refusal(post: dict[str, Any], action: str) -> str | None:
    """Why ``action`` cannot apply to ``post`` now, or None when it can (time rules aside)."""
    sources, _ = TRANSITIONS[action]
    if post["status"] not in sources:
        return f"it is {post['status']} ({action} works from {', '.join(sources)})"
    return None


def apply_transition(
    tx: Any,
    post: dict[str, Any],
    action: str,
    *,
    now: datetime,
    actor: str,
    note: str | None = None,
    url: str | None = None,
    fields: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Apply a workflow action to ``post`` inside transaction ``tx`` (``url`` already checked).
    ``fields`` may carry a new ``at``/``tz``. Raises TransitionError when it is not allowed."""
    post_id = post["id"]
    why = refusal(post, action)
    if why is not None:
        allowed = ", ".join(a for a, (src, _) in TRANSITIONS.items() if post["status"] in src) or "none"
        raise TransitionError(f"cannot {action} post {post_id}: {why}", hint=f"actions possible now: {allowed}")
    target = TRANSITIONS[action][1]
    fields = {**(fields or {}), "status": target, "updated_at": to_utc_iso(now)}
    when = fields.get("at", post.get("at"))
    if action == "schedule":
        if when is None:
            raise TransitionError(
                f"cannot schedule post {post_id}: it has no time",
                hint=f"give one: contentops post schedule {post_id} --at 'fri 6pm'",
            )
        refuse_past(post_id, when, fields.get("tz", post["tz"]), now, "schedule")
    if action == "approve":
        fields.update(approved_by=actor, approved_at=to_utc_iso(now))
    if action == "request-changes":
        fields.update(approved_by=None, approved_at=None)
    if action == "publish":
        fields.update(url=url, published_at=to_utc_iso(now))
    fields["log"] = log_entry(post, now, actor, action, note, status=target)
    return tx.update(POSTS, post_id, fields)


__all__ = [
    "STATUSES",
    "TRANSITIONS",
    "add_campaign",
    "add_post",
    "edit_post",
    "list_campaigns",
    "list_posts",
    "move_post",
    "remove_post",
    "show_campaign",
    "show_post",
    "transition",
]
