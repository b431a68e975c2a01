"""Calendar checks (``contentops cal check``): posting rules, captions, brand language, workflow and dates.

``check_calendar`` reads the calendar (it never writes) and returns findings, each with a
severity, the rule that found it, the post, what is wrong and how to fix it. Thresholds come
from ``[rules]`` in ``contentops.toml``; a ``[rules.severity]`` table sets a rule to
``"error"``, ``"warning"`` or ``"off"``. Days are days of the workspace's home zone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any

from .assets import asset_findings
from .brand import BRAND_FILE, Language, load_language
from .calendar_ops import CAMPAIGNS, POSTS
from .errors import UsageError, ValidationError
from .keydates import holidays_between
from .timeutil import day_bounds_utc, from_utc_iso, get_zone, in_zone, local_iso
from .workspace import Workspace, config_error

DEFAULT_DAYS = 28
LEVELS = ("error", "warning", "off")
# rule -> (default severity, what it finds)
RULES: dict[str, tuple[str, str]] = {
    "spacing": ("error", "two posts closer than rules.min_spacing_hours"),
    "daily-max": ("error", "more than rules.max_per_day posts on one day"),
    "caption-length": ("error", "caption longer than rules.max_caption_utf16 UTF-16 code units"),
    "hashtag-count": ("error", "more than rules.max_hashtags hashtags (list and caption together)"),
    "duplicate-hashtag": ("warning", "the same hashtag twice (caption and list, any case)"),
    "duplicate-title": ("warning", "another post has the same title"),
    "duplicate-caption": ("warning", "another post has the same caption"),
    "banned-word": ("error", "a banned word of the brand kit in the title or caption"),
    "brand-term": ("warning", "a brand term spelt wrong in the title or caption"),
    "approval-lead": ("error", "due within rules.approval_lead_hours and not approved"),
    "past-unpublished": ("error", "its time has passed and it is not published"),
    "missing-video": ("error", "scheduled without a video"),
    "missing-cover": ("warning", "scheduled without a cover"),
    "holiday": ("warning", "on a public holiday of a region in [calendar] regions"),
    "campaign-dates": ("warning", "outside its campaign's dates"),
    "asset-consent": ("error", "approved or scheduled, using a creator submission without granted consent"),
    "asset-changed": ("warning", "an asset file of the post is missing or changed since it was registered"),
}
_CLOSED = ("published", "cancelled")
_APPROVED = ("approved", "scheduled", "published")
_CAPTION_TAG = re.compile(r"(?<!\w)#(\w+)")

Post = dict[str, Any]
Raw = tuple[str, Post, str, str]  # rule, post, message, hint


def utf16_len(text: str) -> int:
    """Length as TikTok counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def severities(ws: Workspace) -> dict[str, str]:
    """Each rule's severity: the defaults, overridden by ``[rules.severity]`` in contentops.toml."""
    levels = {rule: default for rule, (default, _) in RULES.items()}
    table = ws.config.raw.get("rules", {}).get("severity", {})
    if not isinstance(table, dict):
        raise config_error(ws.config_path, '[rules.severity] must be a table of rule = "error"|"warning"|"off"')
    for rule, level in table.items():
        if rule not in RULES:
            raise config_error(ws.config_path, f"rules.severity: unknown rule {rule!r} (rules: {', '.join(RULES)})")
        if level not in LEVELS:
            raise config_error(ws.config_path, f'rules.severity.{rule} must be "error", "warning" or "off"')
        levels[rule] = level
    return levels


def _day(post: Post, zone: str) -> date:
    return in_zone(post["at"], zone).date()


def _gap(delta: timedelta) -> str:
    hours, minutes = divmod(int(delta.total_seconds() // 60), 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def _ids(posts: Iterable[Post]) -> str:
    return ", ".join(str(p["id"]) for p in posts)


def _spacing(dated: list[Post], lo: str, hi: str, hours: float) -> Iterable[Raw]:
    """Neighbours closer than ``hours``; reported on the later post, or on the earlier one when the later
    is published or outside the window."""
    for before, after in pairwise(dated):
        gap = from_utc_iso(after["at"]) - from_utc_iso(before["at"])
        if gap >= timedelta(hours=hours):
            continue
        movable = [p for p in (after, before) if p["status"] not in _CLOSED and lo <= p["at"] < hi]
        if not movable:
            continue
        target = movable[0]
        other = before if target is after else after
        yield (
            "spacing",
            target,
            f"{_gap(gap)} from post {other['id']} (minimum {hours:g} h between posts)",
            f"move one of them: contentops post move {target['id']} --at WHEN",
        )


def _daily_max(window: list[Post], zone: str, limit: int) -> Iterable[Raw]:
    """Days with more than ``limit`` posts; the latest open posts of the day are the ones to move."""
    by_day: dict[date, list[Post]] = {}
    for p in window:
        by_day.setdefault(_day(p, zone), []).append(p)
    for day, posts in by_day.items():
        excess = len(posts) - limit
        if excess <= 0:
            continue
        movable = [p for p in posts if p["status"] not in _CLOSED]
        for p in movable[-excess:]:
            yield (
                "daily-max",
                p,
                f"{day:%a %d/%m} has {len(posts)} posts (maximum {limit}): posts {_ids(posts)}",
                f"move it to another day: contentops post move {p['id']} --at WHEN",
            )


def _found_in(post: Post, word: str, flags: int = 0) -> str:
    """Where ``word`` stands as a whole word in the post: "title", "caption", "title and caption" or ""."""
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", flags)
    texts = (("title", post["title"]), ("caption", post.get("caption") or ""))
    return " and ".join(name for name, text in texts if pattern.search(text))


def _content(post: Post, rules: dict[str, Any], language: Language) -> Iterable[Raw]:
    """Caption length, hashtags and brand language of one post."""
    pid, caption = post["id"], post.get("caption") or ""
    units, limit = utf16_len(caption), int(rules["max_caption_utf16"])
    if units > limit:
        yield (
            "caption-length",
            post,
            f"caption is {units} characters in UTF-16 code units (TikTok allows {limit}; an emoji counts 2)",
            f"shorten it by {units - limit}: contentops post edit {pid} --caption TEXT",
        )
    tags = [t.lstrip("#") for t in post.get("hashtags", [])] + _CAPTION_TAG.findall(caption)
    counts = Counter(t.casefold() for t in tags)
    if len(counts) > rules["max_hashtags"]:
        yield (
            "hashtag-count",
            post,
            f"{len(counts)} hashtags in the list and caption (maximum {rules['max_hashtags']:g})",
            f"keep the best {rules['max_hashtags']:g}: contentops post edit {pid} --remove-hashtag TAG",
        )
    shown: dict[str, str] = {}
    for t in tags:
        if counts[t.casefold()] > 1:
            shown.setdefault(t.casefold(), "#" + t)
    if shown:
        yield (
            "duplicate-hashtag",
            post,
            f"{', '.join(shown.values())} used more than once (caption and hashtag list, any case)",
            "write each hashtag once, in the caption or in the hashtag list",
        )
    for word in language.banned_words:
        where = _found_in(post, word, re.IGNORECASE)
        if where:
            yield (
                "banned-word",
                post,
                f"banned word {word!r} in the {where}",
                f"reword the {where} without it (banned in assets/{BRAND_FILE})",
            )
    for wrong, right in language.terms.items():
        where = _found_in(post, wrong)
        if where:
            yield (
                "brand-term",
                post,
                f"{wrong!r} in the {where}: the brand writes {right!r}",
                f"write {right!r} instead (assets/{BRAND_FILE} [language.terms])",
            )


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _duplicates(checked: list[Post], live: list[Post]) -> Iterable[Raw]:
    """Titles and captions that another post (not cancelled) has too."""
    for rule, key in (("duplicate-title", "title"), ("duplicate-caption", "caption")):
        owners: dict[str, list[Post]] = {}
        for p in live:
            text = _normal(p.get(key) or "")
            if text:
                owners.setdefault(text, []).append(p)
        for p in checked:
            others = [o for o in owners.get(_normal(p.get(key) or ""), []) if o["id"] != p["id"]]
            if others:
                yield (
                    rule,
                    p,
                    f"same {key} as post{'s' if len(others) > 1 else ''} {_ids(others)}",
                    f"make it distinct (contentops post edit {p['id']} --{key} TEXT), or cancel the duplicate",
                )


def _approval_hint(post: Post) -> str:
    pid = post["id"]
    if post["status"] == "in-review":
        return f"approve it: contentops post approve {pid}"
    return f"send it for review and approve it: contentops post submit {pid}, then contentops post approve {pid}"


def _timing(post: Post, now: datetime, rules: dict[str, Any]) -> Iterable[Raw]:
    """Workflow state against the post's time: overdue, unapproved close to its time, missing media."""
    pid, status, at = post["id"], post["status"], from_utc_iso(post["at"])
    when = local_iso(post["at"], post["tz"])
    lead = timedelta(hours=rules["approval_lead_hours"])
    if at <= now:
        yield (
            "past-unpublished",
            post,
            f"was due {when} and is still {status}",
            f"mark it published (contentops post publish {pid} --url URL), move it or cancel it",
        )
    elif at <= now + lead and status not in _APPROVED:
        yield (
            "approval-lead",
            post,
            f"goes out in {_gap(at - now)} and is still {status} (approve {rules['approval_lead_hours']:g} h ahead)",
            _approval_hint(post),
        )
    if status == "scheduled":
        if not post.get("video"):
            yield (
                "missing-video",
                post,
                "scheduled without a video",
                f"attach it: contentops post edit {pid} --video PATH (the post goes back to review)",
            )
        if not post.get("cover"):
            yield ("missing-cover", post, "scheduled without a cover", "make a cover and attach it before it goes out")


def _dates(
    post: Post, zone: str, holidays: dict[date, list[dict[str, Any]]], campaigns: dict[str, dict[str, Any]]
) -> Iterable[Raw]:
    """Public holidays and campaign dates of the post's day."""
    day, pid = _day(post, zone), post["id"]
    if day in holidays:
        names = "; ".join(f"{h['name']} ({', '.join(h['regions'])})" for h in holidays[day])
        yield (
            "holiday",
            post,
            f"{day:%a %d/%m} is a public holiday: {names}",
            f"check it suits the day, or move it: contentops post move {pid} --at WHEN",
        )
    name = post.get("campaign")
    if not name:
        return
    campaign = campaigns.get(name)
    if campaign is None:
        yield (
            "campaign-dates",
            post,
            f"its campaign {name!r} does not exist",
            f"pick a campaign: contentops post edit {pid} --campaign NAME",
        )
    elif not date.fromisoformat(campaign["start"]) <= day <= date.fromisoformat(campaign["end"]):
        yield (
            "campaign-dates",
            post,
            f"{day:%a %d/%m} is outside campaign {name!r} ({campaign['start']} to {campaign['end']})",
            f"move it into the campaign (contentops post move {pid} --at WHEN) or change its campaign",
        )


def check_calendar(
    ws: Workspace, *, now: datetime, start: date | None = None, end: date | None = None
) -> dict[str, Any]:
    """Check the posts of local days [start, end] (default: today and the next 27 days) and the
    unscheduled posts. Published and cancelled posts are not checked, but published posts count
    for spacing, the daily maximum and duplicates. Returns findings sorted by time."""
    zone = ws.config.zone
    start = start or now.astimezone(get_zone(zone)).date()
    end = end or start + timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        raise UsageError(f"--to {end} is before --from {start}", hint="give the earlier day with --from")
    levels = severities(ws)
    rules = ws.config.rules
    language = load_language(ws) if levels["banned-word"] != "off" or levels["brand-term"] != "off" else Language()
    holidays: dict[date, list[dict[str, Any]]] = {}
    if levels["holiday"] != "off":
        holidays = holidays_between(ws.config.regions, start, end)

    view = ws.store().read()
    live = [p for p in view.all(POSTS) if p["status"] != "cancelled"]
    campaigns = {c["name"]: c for c in view.all(CAMPAIGNS)}
    lo, hi = day_bounds_utc(start, end + timedelta(days=1), zone)
    dated = sorted((p for p in live if p.get("at")), key=lambda p: (p["at"], p["id"]))
    window = [p for p in dated if lo <= p["at"] < hi]
    timed = [p for p in window if p["status"] not in _CLOSED]
    unscheduled = [p for p in live if not p.get("at") and p["status"] not in _CLOSED]
    checked = timed + unscheduled

    raw: list[Raw] = [
        *_spacing(dated, lo, hi, rules["min_spacing_hours"]),
        *_daily_max(window, zone, int(rules["max_per_day"])),
        *_duplicates(checked, live),
    ]
    for p in checked:
        raw.extend(_content(p, rules, language))
    for p in timed:
        raw.extend(_timing(p, now, rules))
        raw.extend(_dates(p, zone, holidays, campaigns))
    if levels["asset-consent"] != "off" or levels["asset-changed"] != "off":
        raw.extend(asset_findings(ws.root, view, checked))

    rank = {level: i for i, level in enumerate(LEVELS)}
    kept = sorted(
        (r for r in raw if levels[r[0]] != "off"),
        key=lambda r: (r[1].get("at") is None, r[1].get("at") or "", r[1]["id"], rank[levels[r[0]]], r[0]),
    )
    findings = [
        {
            "severity": levels[rule],
            "rule": rule,
            "post": post["id"],
            "title": post["title"],
            "status": post["status"],
            "at": local_iso(post.get("at"), post["tz"]),
            "message": message,
            "hint": hint,
        }
        for rule, post, message, hint in kept
    ]
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "zone": zone,
        "posts_checked": len(timed),
        "unscheduled_checked": len(unscheduled),
        "findings": findings,
        "errors": sum(f["severity"] == "error" for f in findings),
        "warnings": sum(f["severity"] == "warning" for f in findings),
    }


def raise_for_findings(report: dict[str, Any], strict: bool = False) -> None:
    """Raise ValidationError (exit 3) when the report has errors, or warnings with ``strict``."""
    errors, warnings = report["errors"], report["warnings"]
    if not errors and not (strict and warnings):
        return
    parts = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in ((errors, "error"), (warnings, "warning")) if n]
    raise ValidationError(
        f"the calendar check found {' and '.join(parts)}" + (" (--strict fails on warnings)" if strict else ""),
        hint='fix the posts listed, or set a rule to "warning" or "off" under [rules.severity] in contentops.toml',
    )


__all__ = ["RULES", "check_calendar", "raise_for_findings", "severities", "utf16_len"]
