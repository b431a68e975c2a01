"""Bulk operations: change many posts at once, as ONE undoable change.

Every operation selects posts with the filters of ``post list`` (campaign, pillar, status,
days) or, explicitly, all of them; decides post by post what changes and what is skipped
(and why); and applies it all in one transaction, so ``contentops undo`` reverts all of it.
A dry run does the same work inside the transaction and then abandons it, so it shows
exactly what the real run would do and writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from .calendar_ops import (
    POSTS,
    TRANSITIONS,
    apply_edit,
    apply_transition,
    log_entry,
    merge_hashtags,
    normalise_hashtags,
    post_filter,
    post_order,
    refusal,
)
from .errors import TransitionError, UsageError
from .timeutil import checked_local, from_utc_iso, get_zone, in_zone, local_iso, to_utc_iso
from .workspace import Workspace

# Workflow actions that work in bulk; publish needs a URL per post, so it stays one at a time.
BULK_ACTIONS = tuple(a for a in TRANSITIONS if a != "publish")
FROZEN = ("published", "cancelled")
_OFFSET = re.compile(r"^(?P<sign>[+-])\s*(?P<n>\d{1,4})\s*(?P<unit>[wdhm])$", re.IGNORECASE)
_UNITS = {"w": "week", "d": "day", "h": "hour", "m": "minute"}

# What a step returns for one post: why it is skipped, or (before, after, the updated post).
Outcome = str | tuple[Any, Any, dict[str, Any]]


@dataclass(frozen=True)
class Selection:
    """Which posts a bulk operation touches: every given filter must match (as in ``post
    list``), or ``all_posts``. ``end`` is inclusive."""

    campaign: str | None = None
    pillar: str | None = None
    status: str | None = None
    start: date | None = None
    end: date | None = None
    all_posts: bool = False

    def is_empty(self) -> bool:
        return not self.all_posts and all(
            v is None for v in (self.campaign, self.pillar, self.status, self.start, self.end)
        )


def _run(
    ws: Workspace,
    operation: str,
    where: Selection,
    step: Callable[[Any, dict[str, Any], str], Outcome],
    *,
    field: str,
    now: datetime,
    dry_run: bool,
    actor: str | None,
    check: Callable[[list[dict[str, Any]]], None] | None = None,
) -> dict[str, Any]:
    """Apply ``step`` to each selected post in one transaction; ``check`` may refuse the
    whole plan (raising leaves the calendar untouched). Returns the plan or result."""
    if where.is_empty():
        raise UsageError(
            "say which posts to change: give a filter, or --all for every post",
            hint="filter with --campaign, --pillar, --status, --from/--to; try --dry-run first",
        )
    store = ws.store(actor)
    with store.transaction(f"bulk {operation.split()[0]}", now, dry_run=dry_run) as tx:
        keep = post_filter(
                ws, tx, start=where.start, end=where.end, status=where.status, campaign=where.campaign,
                pillar=where.pillar,
            )  # fmt: skip
        posts = sorted(tx.find(POSTS, keep), key=post_order)
        changed: list[dict[str, Any]] = []
        skipped: list[dict[str, Any]] = []
        for post in posts:
            outcome = step(tx, post, store.actor)
            if isinstance(outcome, str):
                skipped.append({"id": post["id"], "title": post["title"], "status": post["status"], "reason": outcome})
                continue
            before, after, updated = outcome
            changed.append(
                {
                    "id": post["id"],
                    "title": post["title"],
                    "field": field,
                    "before": before,
                    "after": after,
                    "status_before": post["status"],
                    "status_after": updated["status"],
                }
            )
        if check is not None:
            check(changed)
        summary = f"bulk {operation}: changed {len(changed)} post{'s' if len(changed) != 1 else ''}"
        tx.summary = summary + (f" ({len(skipped)} skipped)" if skipped else "")
        result = {
            "operation": operation,
            "dry_run": dry_run,
            "matched": len(posts),
            "changed": changed,
            "skipped": skipped,
            "summary": tx.summary,
        }
    return result


# -- shift ---------------------------------------------------------------------------------
def parse_offset(text: str) -> tuple[int, str]:
    """``+2d`` -> ``(2, 'd')``, ``-3h`` -> ``(-3, 'h')``; units w, d, h, m."""
    m = _OFFSET.match(text.strip())
    if not m:
        raise UsageError(
            f"cannot read {text!r} as a shift",
            hint="write a sign, a number and a unit: +2d, -3h, +30m, +1w (w weeks, d days, h hours, m minutes)",
        )
    amount = int(m["n"]) * (-1 if m["sign"] == "-" else 1)
    if amount == 0:
        raise UsageError(f"a shift of {text.strip()} changes nothing", hint="e.g. +2d or -3h")
    return amount, m["unit"].lower()


def shifted(at_utc: str, zone: str, amount: int, unit: str) -> str:
    """The UTC text ``amount`` units after ``at_utc``. Days and weeks keep the wall-clock
    time in ``zone`` across daylight-saving changes; hours and minutes move the instant."""
    if unit in ("h", "m"):
        delta = timedelta(hours=amount) if unit == "h" else timedelta(minutes=amount)
        return to_utc_iso(from_utc_iso(at_utc) + delta)
    local = in_zone(at_utc, zone)
    day = local.date() + timedelta(days=amount * (7 if unit == "w" else 1))
    return to_utc_iso(checked_local(day, local.time(), get_zone(zone), zone))


def shift_posts(
    ws: Workspace,
    offset: str,
    where: Selection,
    *,
    now: datetime,
    dry_run: bool = False,
    actor: str | None = None,
) -> dict[str, Any]:
    """Move the selected posts by ``offset`` (``+2d``, ``-3h``, ``+30m``, ``+1w``).

    Unscheduled, published and cancelled posts are skipped. If a scheduled post would move
    into the past, the whole operation is refused (TransitionError) and nothing changes."""
    amount, unit = parse_offset(offset)
    label = f"{'+' if amount > 0 else '-'}{abs(amount)}{unit}"

    def step(tx: Any, post: dict[str, Any], by: str) -> Outcome:
        if post["status"] in FROZEN:
            return f"it is {post['status']}"
        if post.get("at") is None:
            return "it has no time"
        try:
            new = shifted(post["at"], post["tz"], amount, unit)
        except UsageError as exc:
            raise UsageError(f"cannot shift post {post['id']}: {exc.message}", hint=exc.hint) from None
        fields = {
            "at": new,
            "updated_at": to_utc_iso(now),
            "log": log_entry(post, now, by, "move", None, before=post["at"], after=new),
        }
        return local_iso(post["at"], post["tz"]), local_iso(new, post["tz"]), tx.update(POSTS, post["id"], fields)

    def check(changed: list[dict[str, Any]]) -> None:
        late = [c for c in changed if c["status_before"] == "scheduled" and datetime.fromisoformat(c["after"]) <= now]
        if late:
            names = "; ".join(f"post {c['id']} '{c['title']}' to {c['after']}" for c in late)
            raise TransitionError(
                f"nothing shifted: scheduled posts would move into the past: {names}",
                hint="shift by less, or leave those posts out with a narrower filter (--from, --status)",
            )

    return _run(ws, f"shift {label}", where, step, field="at", now=now, dry_run=dry_run, actor=actor, check=check)


# -- workflow ------------------------------------------------------------------------------
def bulk_transition(
    ws: Workspace,
    action: str,
    where: Selection,
    *,
    now: datetime,
    note: str | None = None,
    dry_run: bool = False,
    actor: str | None = None,
) -> dict[str, Any]:
    """Apply a workflow action (submit, approve, request-changes, schedule, cancel) to the
    selected posts; posts where it is not allowed are skipped with the reason."""
    if action == "publish":
        raise UsageError(
            "publish needs the TikTok URL of each post, so it does not work in bulk",
            hint="publish one at a time: contentops post publish ID --url URL",
        )
    if action not in BULK_ACTIONS:
        raise UsageError(f"unknown action {action!r}", hint=f"use one of: {', '.join(BULK_ACTIONS)}")

    def step(tx: Any, post: dict[str, Any], by: str) -> Outcome:
        why = refusal(post, action)
        if why is not None:
            return why
        try:  # the time rules: schedule needs a time, in the future
            updated = apply_transition(tx, post, action, now=now, actor=by, note=note)
        except TransitionError as exc:
            return exc.message
        return post["status"], updated["status"], updated

    return _run(ws, f"status {action}", where, step, field="status", now=now, dry_run=dry_run, actor=actor)


# -- hashtags ------------------------------------------------------------------------------
def bulk_hashtags(
    ws: Workspace,
    hashtags: Iterable[str],
    where: Selection,
    *,
    now: datetime,
    remove: bool = False,
    dry_run: bool = False,
    actor: str | None = None,
) -> dict[str, Any]:
    """Add (or with ``remove``, take out) hashtags on the selected posts. As with ``post edit``,
    approved and scheduled posts whose hashtags change go back to review; published and
    cancelled posts are skipped."""
    tags = normalise_hashtags(hashtags)
    if not tags:
        raise UsageError("no hashtags given", hint="e.g. contentops bulk tag add SummerDrop --campaign 'Summer Drop'")
    operation = f"tag {'rm' if remove else 'add'} {' '.join(tags)}"

    def step(tx: Any, post: dict[str, Any], by: str) -> Outcome:
        if post["status"] in FROZEN:
            return f"it is {post['status']}"
        old = list(post.get("hashtags", []))
        new = merge_hashtags(old, remove=tags) if remove else merge_hashtags(old, add=tags)
        if new == old:
            return "it has none of them" if remove else "it has all of them already"
        updated, _ = apply_edit(tx, post, {"hashtags": new}, now=now, actor=by)
        return old, new, updated

    return _run(ws, operation, where, step, field="hashtags", now=now, dry_run=dry_run, actor=actor)


__all__ = ["BULK_ACTIONS", "Selection", "bulk_hashtags", "bulk_transition", "parse_offset", "shift_posts", "shifted"]
