"""Things a team types again and again: named hashtag sets and caption templates.

Hashtag sets (table ``tagsets``): a name and its hashtags, added to a post with
``post add --tags NAME``. Caption templates (table ``templates``): a name and a text with
``{placeholders}``, filled by ``post add --template NAME [--var key=value ...]``.

Placeholders are plain names only. They are read with ``string.Formatter().parse`` and
filled by joining the pieces, never with ``str.format``: ``{a.b}``, ``{a[0]}``, ``{a!r}`` and
``{a:>9}`` are refused, so a template can reach nothing but the values given to it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from .calendar_ops import normalise_hashtags
from .errors import ConflictError, NotFoundError, UsageError
from .timeutil import in_zone, local_iso, to_utc_iso
from .workspace import Workspace

TAGSETS = "tagsets"
TEMPLATES = "templates"
# Placeholders every template may use; their values come from the post and the workspace.
BUILTINS = {
    "title": "the post's title",
    "campaign": "the post's campaign",
    "handle": "the account handle",
    "hashtags": "the post's hashtags, joined by spaces",
    "date": "the post's local date, e.g. Fri 4 Dec",
}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_PLACEHOLDER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_KINDS = {TAGSETS: "hashtag set", TEMPLATES: "template"}
_GROUPS = {TAGSETS: "tags", TEMPLATES: "template"}


# -- shared by both tables -----------------------------------------------------------------
def _check_name(name: str, table: str) -> str:
    name = name.strip()
    if not _NAME.match(name):
        raise UsageError(
            f"{name!r} is not a {_KINDS[table]} name",
            hint="use up to 40 letters, digits, '.', '-' or '_', starting with a letter or digit, e.g. summer-drop",
        )
    return name


def _find(view: Any, table: str, name: str) -> dict[str, Any] | None:
    key = name.strip().casefold()
    return next((d for d in view.all(table) if d["name"].casefold() == key), None)


def _get(view: Any, table: str, name: str) -> dict[str, Any]:
    found = _find(view, table, name)
    if found is None:
        known = ", ".join(sorted(d["name"] for d in view.all(table))) or "none yet"
        raise NotFoundError(
            f"no {_KINDS[table]} named {name!r}",
            hint=f"{_KINDS[table]}s: {known} ('contentops {_GROUPS[table]} add' makes one)",
        )
    return found


def _json(ws: Workspace, table: str, doc: dict[str, Any]) -> dict[str, Any]:
    """The JSON form of a stored document of ``table`` (times in the home zone)."""
    to_json = tagset_json if table == TAGSETS else template_json
    return to_json(doc, ws.config.zone)


def _save(
    ws: Workspace, table: str, fields: dict[str, Any], *, replace: bool, now: datetime, actor: str | None
) -> dict[str, Any]:
    """Insert a document with ``fields`` (or, with ``replace``, overwrite the one of that name) in one
    transaction; returns its JSON form."""
    kind, group = _KINDS[table], _GROUPS[table]
    doc = {**fields, "created_at": to_utc_iso(now), "updated_at": to_utc_iso(now)}
    with ws.store(actor).transaction(f"{group} add", now) as tx:
        old = _find(tx, table, doc["name"])
        if old is None:
            doc = {**doc, "id": tx.insert(table, doc)}
            tx.summary = f"added {kind} '{doc['name']}'"
        elif replace:
            doc = {**doc, "id": old["id"], "created_at": old["created_at"]}
            tx.put(table, old["id"], doc)
            tx.summary = f"replaced {kind} '{doc['name']}'"
        else:
            raise ConflictError(
                f"a {kind} named {old['name']!r} exists already",
                hint=f"add --replace to overwrite it, or see it with 'contentops {group} show {old['name']}'",
            )
    return _json(ws, table, doc)


def _list(ws: Workspace, table: str) -> list[dict[str, Any]]:
    docs = ws.store().read().all(table)
    return [_json(ws, table, d) for d in sorted(docs, key=lambda d: d["name"].casefold())]


def _show(ws: Workspace, table: str, name: str) -> dict[str, Any]:
    return _json(ws, table, _get(ws.store().read(), table, name))


def _remove(ws: Workspace, table: str, name: str, *, now: datetime, actor: str | None) -> dict[str, Any]:
    with ws.store(actor).transaction(f"{_GROUPS[table]} rm", now) as tx:
        doc = tx.remove(table, _get(tx, table, name)["id"])
        tx.summary = f"removed {_KINDS[table]} '{doc['name']}'"
    return _json(ws, table, doc)


def _times(doc: dict[str, Any], zone: str) -> dict[str, Any]:
    return {"created_at": local_iso(doc.get("created_at"), zone), "updated_at": local_iso(doc.get("updated_at"), zone)}


# -- hashtag sets --------------------------------------------------------------------------
def tagset_json(doc: dict[str, Any], zone: str) -> dict[str, Any]:
    return {"id": doc["id"], "name": doc["name"], "hashtags": list(doc["hashtags"]), **_times(doc, zone)}


def add_tagset(
    ws: Workspace,
    name: str,
    hashtags: Iterable[str],
    *,
    now: datetime,
    replace: bool = False,
    actor: str | None = None,
) -> dict[str, Any]:
    """Store a named hashtag set; an existing name is refused unless ``replace``."""
    name = _check_name(name, TAGSETS)
    tags = normalise_hashtags(hashtags)
    if not tags:
        raise UsageError("a hashtag set needs at least one hashtag", hint=f"e.g. contentops tags add {name} #Summer")
    return _save(ws, TAGSETS, {"name": name, "hashtags": tags}, replace=replace, now=now, actor=actor)


def list_tagsets(ws: Workspace) -> list[dict[str, Any]]:
    return _list(ws, TAGSETS)


def show_tagset(ws: Workspace, name: str) -> dict[str, Any]:
    return _show(ws, TAGSETS, name)


def remove_tagset(ws: Workspace, name: str, *, now: datetime, actor: str | None = None) -> dict[str, Any]:
    return _remove(ws, TAGSETS, name, now=now, actor=actor)


def tagset_hashtags(view: Any, name: str) -> list[str]:
    """The hashtags of the set ``name`` in ``view`` (a read or a transaction)."""
    return list(_get(view, TAGSETS, name)["hashtags"])


# -- caption templates ---------------------------------------------------------------------
def _pieces(text: str) -> list[tuple[str, str | None]]:
    """``(literal text, placeholder or None)`` pairs of a template; refuses anything but plain names."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise UsageError(f"cannot read the template: {exc}", hint="write a literal brace twice: {{ or }}") from None
    pieces: list[tuple[str, str | None]] = []
    for literal, field, spec, conversion in parsed:
        if field is None:
            pieces.append((literal, None))
            continue
        shown = "{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        if not _PLACEHOLDER.match(field):
            raise UsageError(
                f"placeholder {shown} is not allowed: only plain names, no attribute or index access",
                hint=f"use names such as {{title}} or {{offer}}; built in: {', '.join(BUILTINS)}",
            )
        if spec or conversion:
            raise UsageError(
                f"placeholder {shown} is not allowed: formatting (':' or '!') is not supported",
                hint=f"write just {{{field}}}",
            )
        pieces.append((literal, field))
    return pieces


def placeholders(text: str) -> list[str]:
    """The placeholder names of a template in order of first use (checked, see ``_pieces``)."""
    return list(dict.fromkeys(field for _, field in _pieces(text) if field is not None))


def template_json(doc: dict[str, Any], zone: str) -> dict[str, Any]:
    names = placeholders(doc["text"])
    return {
        "id": doc["id"],
        "name": doc["name"],
        "text": doc["text"],
        "builtins": [n for n in names if n in BUILTINS],
        "variables": [n for n in names if n not in BUILTINS],
        **_times(doc, zone),
    }


def add_template(
    ws: Workspace, name: str, text: str, *, now: datetime, replace: bool = False, actor: str | None = None
) -> dict[str, Any]:
    """Store a caption template; an existing name is refused unless ``replace``."""
    name = _check_name(name, TEMPLATES)
    if not text.strip():
        raise UsageError("a template needs text", hint=f'e.g. contentops template add {name} "{{title}} {{hashtags}}"')
    placeholders(text)
    return _save(ws, TEMPLATES, {"name": name, "text": text}, replace=replace, now=now, actor=actor)


def list_templates(ws: Workspace) -> list[dict[str, Any]]:
    return _list(ws, TEMPLATES)


def show_template(ws: Workspace, name: str) -> dict[str, Any]:
    return _show(ws, TEMPLATES, name)


def remove_template(ws: Workspace, name: str, *, now: datetime, actor: str | None = None) -> dict[str, Any]:
    return _remove(ws, TEMPLATES, name, now=now, actor=actor)


def parse_vars(items: Iterable[str]) -> dict[str, str]:
    """``['offer=20% off', 'code=SUMMER']`` -> ``{'offer': '20% off', 'code': 'SUMMER'}``."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not _PLACEHOLDER.match(key):
            raise UsageError(f"cannot read --var {item!r}", hint="write it as NAME=VALUE, e.g. --var offer='20% off'")
        if key in out:
            raise UsageError(f"--var {key} is given twice", hint="give each variable once")
        if key in BUILTINS:
            raise UsageError(f"{{{key}}} is built in and comes from the post", hint=f"leave out --var {key}=...")
        out[key] = value
    return out


def fill_template(view: Any, name: str, post: dict[str, Any], handle: str, variables: Mapping[str, str]) -> str:
    """The caption from template ``name`` in ``view`` for the (not yet stored) ``post``.

    Built-ins come from the post and ``handle``; everything else from ``variables``. A
    placeholder without a value, or a variable the template does not use, is refused."""
    template = _get(view, TEMPLATES, name)
    pieces = _pieces(template["text"])
    used = {field for _, field in pieces if field is not None}
    for key in variables:
        if key not in used:
            raise UsageError(
                f"template '{template['name']}' has no placeholder {{{key}}}",
                hint=f"its placeholders: {', '.join('{' + n + '}' for n in sorted(used)) or 'none'}",
            )
    values = dict(variables)
    for field in used:
        if field in BUILTINS:
            values[field] = _builtin(field, post, handle, template["name"])
        elif field not in values:
            raise UsageError(
                f"template '{template['name']}' needs a value for {{{field}}}",
                hint=f"give it with --var {field}=VALUE",
            )
    return "".join(literal + (values[field] if field is not None else "") for literal, field in pieces)


def _builtin(field: str, post: dict[str, Any], handle: str, template: str) -> str:
    if field == "title":
        return post["title"]
    if field == "handle":
        return handle
    if field == "hashtags":
        return " ".join(post.get("hashtags", []))
    if field == "campaign":
        if not post.get("campaign"):
            raise UsageError(
                f"template '{template}' uses {{campaign}}, but the post has no campaign", hint="add --campaign NAME"
            )
        return post["campaign"]
    if not post.get("at"):  # date
        raise UsageError(f"template '{template}' uses {{date}}, but the post has no time", hint="add --at WHEN")
    day = in_zone(post["at"], post["tz"])
    return f"{day:%a} {day.day} {day:%b}"


__all__ = [
    "BUILTINS",
    "add_tagset",
    "add_template",
    "fill_template",
    "list_tagsets",
    "list_templates",
    "parse_vars",
    "placeholders",
    "remove_tagset",
    "remove_template",
    "show_tagset",
    "show_template",
    "tagset_hashtags",
]
