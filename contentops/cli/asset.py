"""``contentops asset ...``: the asset library: register files, creator consent, file checks."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .common import ByOpt, JsonOpt, console, esc, now, print_json, progress_bar, status_text, when_text, wide, workspace

app = typer.Typer(no_args_is_help=True, add_completion=False)

IdArg = Annotated[str, typer.Argument(help="Asset id (from 'contentops asset list').", show_default=False)]
CampaignOpt = Annotated[str | None, typer.Option("--campaign", "-c", help="Campaign name.", show_default=False)]
KindOpt = Annotated[
    str | None, typer.Option("--kind", "-k", help="video, photo or creator-submission.", show_default=False)
]
ConsentOpt = Annotated[
    str | None, typer.Option("--consent", help="granted, pending or refused (creator submissions).", show_default=False)
]
FILE_STATE = {
    "ok": "[green]present, unchanged[/]",
    "missing": "[bold red]missing[/]",
    "changed": "[yellow]changed since it was registered[/]",
    "unreadable": "[bold red]cannot be read[/]",
}
CONSENT_STYLE = {"granted": "green", "pending": "yellow", "refused": "bold red"}


@app.callback()
def asset() -> None:
    """The asset library: campaign material registered where it lies.

    An asset is a file (video or picture) with its size, SHA-256 content
    hash and media facts, a kind (video, photo, creator-submission), and
    for creator submissions the creator and their consent. Files are not
    moved or copied; 'cal check' warns when a post's asset file goes
    missing or changes, and reports an approved or scheduled post that
    uses a creator submission without granted consent as an error.
    """


def _media(a: dict[str, Any]) -> str:
    size = f"{a['width']}x{a['height']}"
    return f"video {a['duration']:.1f} s, {size}" if a["media"] == "video" else f"photo {size}"


def _consent(a: dict[str, Any]) -> str:
    consent = a["consent"]
    return f"[{CONSENT_STYLE[consent]}]{consent}[/]" if consent else "[dim]-[/]"


@app.command("add")
def add(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(help="The files (videos or pictures).", show_default=False)],
    campaign: CampaignOpt = None,
    kind: KindOpt = None,
    creator: Annotated[
        str | None, typer.Option("--creator", help="Who made it (needed for creator submissions).", show_default=False)
    ] = None,
    consent: ConsentOpt = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Where it came from, e.g. 'shoot 3 Dec'.", show_default=False)
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help="A label (repeat, or separate with commas).")
    ] = None,
    by: ByOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Register files as assets, where they are (nothing is moved or copied).

    Reads each file's size, SHA-256 and media facts (duration and size of a
    video, pixel size of a picture). Without --kind the file decides:
    video or photo. A creator submission needs --creator; its consent
    starts pending unless --consent says otherwise (other kinds have no
    consent). Content registered already, under any path, is named and
    not added again. A bad file (missing, a folder, unreadable, not a
    video or picture) refuses the whole command and nothing is written.

    Example: contentops asset add media/*.mp4 --campaign "Summer Sounds" -t hero

    Example: contentops asset add inbox/kiri.mp4 --kind creator-submission --creator @kiri.nz --source email
    """
    from ..assets import add_assets
    from ..fsutil import size_text

    with progress_bar() as bar:
        task = bar.add_task("Reading files", total=len(paths))
        result = add_assets(
            workspace(ctx),
            paths,
            now=now(),
            kind=kind,
            campaign=campaign,
            creator=creator,
            consent=consent,
            source=source,
            tags=tag or [],
            actor=by,
            progress=lambda path, done, total: bar.update(task, completed=done, total=total),
        )
    if json_:
        print_json(result)
        return
    out = console()
    for a in result["added"]:
        what = f"  {a['kind']} by {esc(a['creator'])}, consent {_consent(a)}" if a["consent"] else ""
        out.print(f"Added asset {a['id']}: {esc(a['path'])} ({_media(a)}, {size_text(a['size'])}){what}")
    for d in result["duplicates"]:
        where = "" if d["same_path"] else f" under {esc(d['registered_path'])} (same content)"
        out.print(f"[yellow]{esc(d['path'])}: already registered as asset {d['asset']}{where}; not added again[/]")


@app.command("list")
def list_(
    ctx: typer.Context,
    campaign: Annotated[str | None, typer.Option("--campaign", "-c", help="Only this campaign.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", "-k", help="Only this kind.")] = None,
    consent: Annotated[
        str | None, typer.Option("--consent", help="Only creator submissions with this consent.")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """List assets by id, with the posts that use them.

    Example: contentops asset list --kind creator-submission --consent pending
    """
    from rich.table import Table

    from ..assets import list_assets
    from ..fsutil import size_text

    assets = list_assets(workspace(ctx), campaign=campaign, kind=kind, consent=consent)
    if json_:
        print_json(assets)
        return
    extra = wide()
    t = Table(header_style="bold")
    t.add_column("ID", justify="right", no_wrap=True)
    t.add_column("Kind", no_wrap=True)
    t.add_column("Path", overflow="fold", ratio=1, min_width=16)
    t.add_column("Media", no_wrap=True)
    for name in ("Size", "Campaign", "Creator") if extra else ():
        t.add_column(name, overflow="fold")
    t.add_column("Consent", no_wrap=True)
    t.add_column("Posts")
    for a in assets:
        cells = [str(a["id"]), a["kind"], esc(a["path"]), _media(a)]
        if extra:
            cells += [size_text(a["size"]), esc(a["campaign"] or ""), esc(a["creator"] or "")]
        cells += [_consent(a), ", ".join(map(str, a["posts"]))]
        t.add_row(*cells)
    out = console()
    out.print(t)
    out.print(f"[dim]{len(assets)} asset{'s' if len(assets) != 1 else ''}[/]")


def _show(a: dict[str, Any]) -> None:
    from rich.table import Table

    from ..fsutil import size_text

    t = Table(show_header=False, box=None, pad_edge=False)
    t.add_column(style="bold")
    t.add_column(overflow="fold")
    t.add_row("Asset", f"{a['id']}  {esc(a['path'])}")
    if "file" in a:
        t.add_row("File", f"{FILE_STATE[a['file']['state']]}  [dim]{esc(a['file']['path'])}[/]")
    t.add_row("Kind", a["kind"])
    t.add_row("Media", f"{_media(a)}, {size_text(a['size'])} ({a['size']:,} bytes)")
    t.add_row("SHA-256", a["sha256"])
    for label, key in (("Campaign", "campaign"), ("Creator", "creator"), ("Source", "source")):
        if a[key]:
            t.add_row(label, esc(a[key]))
    if a["consent"]:
        t.add_row("Consent", _consent(a))
    for entry in a["consent_log"]:
        note = f" - {esc(entry['note'])}" if entry.get("note") else ""
        t.add_row(
            "[dim]consent[/]", f"[dim]{when_text(entry['at'], False)} {esc(entry['by'])}: {entry['consent']}[/]{note}"
        )
    if a["tags"]:
        t.add_row("Tags", esc(", ".join(a["tags"])))
    t.add_row("Added", f"{when_text(a['added_at'])} by {esc(a['added_by'])}")
    for p in a.get("used_by", []):
        t.add_row(
            "Used by", f"post {p['id']}  {status_text(p['status'])}  {when_text(p['at'], False)}  {esc(p['title'])}"
        )
    if not a["posts"]:
        t.add_row("Used by", "[dim]no post yet (contentops post edit POST --asset ID)[/]")
    console().print(t)


@app.command("show")
def show(ctx: typer.Context, asset_id: IdArg, json_: JsonOpt = False) -> None:
    """Show an asset, the posts that use it and whether its file is still there, unchanged.

    The file is hashed again only if its size is the same but its
    modification time is not.

    Example: contentops asset show 3
    """
    from ..assets import parse_asset_id, show_asset

    a = show_asset(workspace(ctx), parse_asset_id(asset_id))
    if json_:
        print_json(a)
    else:
        _show(a)


def _notes(notes: list[str]) -> None:
    for note in notes:
        console().print(f"[yellow]{esc(note)}[/]")


@app.command("consent")
def consent(
    ctx: typer.Context,
    asset_id: IdArg,
    state: Annotated[str, typer.Argument(help="granted, refused or pending.", show_default=False)],
    note: Annotated[
        str | None, typer.Option("--note", "-n", help="Kept in the consent log, e.g. how it was given.")
    ] = None,
    by: ByOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Record a creator's consent for a creator submission (kept in its consent log: who, when, note).

    Example: contentops asset consent 5 granted --note "signed release form, 3 Dec"
    """
    from ..assets import parse_asset_id, set_consent

    a, notes = set_consent(workspace(ctx), parse_asset_id(asset_id), state, now=now(), note=note, actor=by)
    if json_:
        print_json(a)
        return
    _notes(notes)
    console().print(f"Asset {a['id']} ({esc(a['creator'])}): consent {_consent(a)}")


@app.command("refresh")
def refresh(
    ctx: typer.Context,
    asset_id: IdArg,
    path: Annotated[
        str | None, typer.Option("--path", help="The file's new place, after a move or rename.", show_default=False)
    ] = None,
    by: ByOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Accept an asset's file as it is now: after an intended change, or at its new place (--path).

    Reads size, hash and media facts again. The file must stay a video (or
    a picture) and must not be another asset's content. Consent and the
    posts that use it stay.

    Example: contentops asset refresh 3 --path media/final/hero.mp4
    """
    from ..assets import parse_asset_id, refresh_asset
    from ..fsutil import size_text

    a, notes = refresh_asset(workspace(ctx), parse_asset_id(asset_id), now=now(), path=path, actor=by)
    if json_:
        print_json(a)
        return
    _notes(notes)
    console().print(f"Asset {a['id']}: {esc(a['path'])}  {_media(a)}, {size_text(a['size'])}")
