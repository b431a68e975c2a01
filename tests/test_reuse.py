"""Hashtag sets (``tags``) and caption templates (``template``), and ``post add --tags/--template``.

The clock is pinned to Wednesday 18 November 2026, 09:00 in Sydney (AEDT); 4 December 2026 is a Friday.
"""

from __future__ import annotations

from typing import Any

import pytest
from cli_helpers import Cli

from contentops.errors import UsageError
from contentops.reuse import placeholders
from contentops.workspace import Workspace

NOW = "2026-11-18T09:00:00+11:00"
CLI = Cli(NOW, require_hint=True)
ok, run_json, add, refused = CLI.ok, CLI.run_json, CLI.add, CLI.refused


def add_post(ws: Workspace, title: str, *args: str) -> dict[str, Any]:
    return run_json(ws, "post", "show", str(add(ws, title, *args)))


# -- hashtag sets --------------------------------------------------------------------------
def test_tag_sets_crud(ws: Workspace) -> None:
    ok(ws, "tags", "add", "summer", "SummerSounds", "#NewMusic,AusMusic")
    ok(ws, "tags", "add", "anz", "#ANZ")
    sets = run_json(ws, "tags", "list")
    assert [(s["name"], s["hashtags"]) for s in sets] == [
        ("anz", ["#ANZ"]),
        ("summer", ["#SummerSounds", "#NewMusic", "#AusMusic"]),
    ]
    assert run_json(ws, "tags", "show", "SUMMER")["hashtags"] == ["#SummerSounds", "#NewMusic", "#AusMusic"]
    assert "#SummerSounds #NewMusic #AusMusic" in ok(ws, "tags", "show", "summer").stdout
    refused(ws, 4, "tags", "add", "Summer", "Other", needles=("exists already", "--replace"))
    ok(ws, "tags", "add", "summer", "Other", "--replace")
    assert run_json(ws, "tags", "show", "summer")["hashtags"] == ["#Other"]
    ok(ws, "tags", "rm", "summer")
    refused(ws, 1, "tags", "show", "summer", needles=("no hashtag set named 'summer'", "anz"))
    ok(ws, "undo")
    assert run_json(ws, "tags", "show", "summer")["hashtags"] == ["#Other"]
    assert [e["summary"] for e in run_json(ws, "history")[1:4]] == [
        "removed hashtag set 'summer'",
        "replaced hashtag set 'summer'",
        "added hashtag set 'anz'",
    ]


def test_empty_lists_say_how_to_start(ws: Workspace) -> None:
    assert run_json(ws, "tags", "list") == [] and run_json(ws, "template", "list") == []
    assert "contentops tags add" in ok(ws, "tags", "list").stdout
    assert "contentops template add" in ok(ws, "template", "list").stdout


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (("tags", "add", "bad name", "X"), 2, "not a hashtag set name"),
        (("tags", "add", "summer", "not a#tag"), 2, "not a hashtag"),
        (("tags", "add", "summer", ","), 2, "at least one hashtag"),
        (("tags", "rm", "nope"), 1, "no hashtag set named 'nope'"),
        (("template", "add", "promo", "  "), 2, "needs text"),
        (("template", "rm", "nope"), 1, "no template named 'nope'"),
    ],
)
def test_bad_names_and_values_are_refused(ws: Workspace, args: tuple[str, ...], code: int, needle: str) -> None:
    ok(ws, "tags", "add", "anz", "ANZ")
    refused(ws, code, *args, needles=(needle,))


def test_post_add_with_tag_set_merges_and_deduplicates(ws: Workspace) -> None:
    ok(ws, "tags", "add", "summer", "SummerSounds", "NewMusic")
    post = add_post(ws, "Gig", "-t", "newmusic", "-t", "Live", "--tags", "Summer")
    assert post["hashtags"] == ["#newmusic", "#Live", "#SummerSounds"]
    refused(ws, 1, "post", "add", "Gig", "--tags", "winter", needles=("no hashtag set named 'winter'",))


# -- caption templates ---------------------------------------------------------------------
def test_templates_crud(ws: Workspace) -> None:
    result = ok(ws, "template", "add", "promo", "{title}: {offer} on {date} {hashtags}")
    assert "{offer}" in result.stdout  # tells which variables to give
    ok(ws, "template", "add", "plain", "New video on {handle}")
    templates = run_json(ws, "template", "list")
    assert [t["name"] for t in templates] == ["plain", "promo"]
    promo = run_json(ws, "template", "show", "Promo")
    assert promo["text"] == "{title}: {offer} on {date} {hashtags}"
    assert promo["builtins"] == ["title", "date", "hashtags"] and promo["variables"] == ["offer"]
    text = ok(ws, "template", "show", "promo").stdout
    assert "{title}: {offer} on {date} {hashtags}" in text and "Variables" in text
    refused(ws, 4, "template", "add", "promo", "x", needles=("exists already", "--replace"))
    ok(ws, "template", "add", "promo", "{title} now", "--replace")
    assert run_json(ws, "template", "show", "promo")["variables"] == []
    ok(ws, "template", "rm", "plain")
    assert [t["name"] for t in run_json(ws, "template", "list")] == ["promo"]
    ok(ws, "undo")
    assert [t["name"] for t in run_json(ws, "template", "list")] == ["plain", "promo"]


def test_template_fills_builtins_and_variables(ws: Workspace) -> None:
    ok(ws, "campaign", "add", "Summer Sounds", "--start", "2026-12-01", "--end", "2027-01-31")
    ok(ws, "tags", "add", "summer", "SummerSounds")
    ok(ws, "template", "add", "promo", "{title} ({campaign}) {date}: {offer}, code {code}. {{{handle}}} {hashtags}")
    post = add_post(
        ws, "Gig night", "--at", "2026-12-04 18:00", "-c", "summer sounds", "-t", "Live", "--tags", "summer",
        "--template", "promo", "--var", "offer=2 for 1", "--var", "code=GIG=1",
    )  # fmt: skip
    assert (
        post["caption"] == "Gig night (Summer Sounds) Fri 4 Dec: 2 for 1, code GIG=1. {@brand.anz} #Live #SummerSounds"
    )
    # {date} is the post's own local date: 23:30 in Perth on 4 December is already the 5th in Sydney.
    ok(ws, "template", "add", "day", "{date}")
    assert (
        add_post(ws, "Late", "--at", "2026-12-04 23:30", "--tz", "Australia/Perth", "--template", "day")["caption"]
        == "Fri 4 Dec"
    )


def test_values_are_not_expanded_again(ws: Workspace) -> None:
    ok(ws, "template", "add", "echo", "{title} / {note}")
    post = add_post(ws, "{handle} {0.__class__}", "--template", "echo", "--var", "note={title.__doc__}")
    assert post["caption"] == "{handle} {0.__class__} / {title.__doc__}"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("{title.__class__}", "{title.__class__} is not allowed"),
        ("{post[0]}", "{post[0]} is not allowed"),
        ("{}", "{} is not allowed"),
        ("{0}", "{0} is not allowed"),
        ("{title!r}", "{title!r} is not allowed"),
        ("{title:>20}", "{title:>20} is not allowed"),
        ("{title", "cannot read the template"),
        ("50% off }", "cannot read the template"),
    ],
)
def test_template_add_refuses_anything_but_plain_names(ws: Workspace, text: str, needle: str) -> None:
    ok(ws, "post", "add", "Something stored")
    refused(ws, 2, "template", "add", "bad", text, needles=(needle,))
    with pytest.raises(UsageError):
        placeholders(text)


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (("--template", "promo"), 2, "needs a value for {offer}"),
        (("--template", "promo", "--var", "offer=x", "--var", "code=y"), 2, "has no placeholder {code}"),
        (("--template", "promo", "--var", "offer=x", "--var", "title=y"), 2, "{title} is built in"),
        (("--template", "promo", "--var", "offer"), 2, "cannot read --var 'offer'"),
        (("--template", "promo", "--var", "a.b=1"), 2, "cannot read --var 'a.b=1'"),
        (("--template", "promo", "--var", "offer=x", "--var", "offer=y"), 2, "given twice"),
        (("--template", "promo", "--var", "offer=x", "--caption", "Hi"), 2, "not both"),
        (("--var", "offer=x"), 2, "--var fills a caption template"),
        (("--template", "camp", "--at", "fri 6pm"), 2, "the post has no campaign"),
        (("--template", "when"), 2, "the post has no time"),
        (("--template", "nope"), 1, "no template named 'nope'"),
    ],
)
def test_post_add_template_refusals_store_nothing(ws: Workspace, args: tuple[str, ...], code: int, needle: str) -> None:
    ok(ws, "template", "add", "promo", "{title}: {offer}")
    ok(ws, "template", "add", "camp", "{campaign}")
    ok(ws, "template", "add", "when", "{date}")
    refused(ws, code, "post", "add", "Gig", *args, needles=(needle,))
    assert run_json(ws, "post", "list") == []
