"""Cover benchmark: ``contentops thumb batch`` against a minimal Pillow script drawing the same 50 covers.

A workspace with 50 scheduled posts in the coming four weeks (titles of varied lengths, some with macrons;
the clock pinned with ``CONTENTOPS_NOW``) is generated in a temp folder with ``init_workspace`` and one store
transaction. Every case runs as a subprocess; after a warm-up round (untimed: it writes the .pyc files, fills
the page cache and is where the outputs are checked) the cases are run ``--runs`` times, round-robin (so
drift hits them all alike), and the medians are compared. Every contentops run starts from the generated
calendar (restored outside the timing), so every run does the same work and the calendar does not grow.

* (a) contentops   ``contentops thumb batch --jobs 1 --force --json``: 50 covers (1080x1920 PNG) on the
                   brand background colour, attached to their posts in one transaction
* (b) pillow       a minimal standalone Pillow script (``PILLOW_SCRIPT``, no contentops) drawing the same
                   50 covers: the same fonts and sizes, greedy wrap at the largest size that fits, accent
                   bar, outline, handle, logo top right at 18 % width, PNG with Pillow's defaults
* (c) jobs 2       ``contentops thumb batch --jobs 2 --force --json``
* (d), (e)         the same as (a) and (c) in a second workspace of 10 scheduled posts that each have a
                   video (all the same generated 1080x1920 testsrc2 clip, 6 s), so every cover starts from
                   the sharpest early frame (about a second a cover, hence only 10); information only
                   (``--no-video`` leaves them out)

Target: (a) / (b) <= 1.3; the speed-ups of ``--jobs 2`` are reported.

Run from the repository root (about three minutes on 2 cores with the video cases)::

    .venv/bin/python bench/covers.py [--runs 5] [--no-video] [--json-out [PATH]] [--keep]
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import benchlib as bl

COVERS = 50
VIDEO_COVERS = 10  # posts in the video workspace: each cover costs about a second there
CLIP_SECONDS = 6  # the generated video: longer than the 5 s a cover frame is picked from
TITLES = [
    "Kia ora Tāmaki Makaurau: summer sale starts Friday",
    "New drop",
    "Behind the scenes at the Ōtautahi pop-up with our creators",
    "Q&A: your questions about the summer range, answered by the team",
    "Whānau weekend",
    "Five ways to style the new linen shirt for a warm Pōneke evening out with friends",
    "Recap: the Sydney launch party",
    "Last chance!",
    "Meet the makers behind our Aotearoa collection",
    "Trend alert: the summer colours you will see on every beach from Bondi to Piha this year",
]
TARGETS = {"(a) / (b)": ("<=", 1.3)}
RATIOS = (  # label, numerator, denominator
    ("(a) / (b)", "(a) contentops", "(b) pillow"),
    ("--jobs 2 speed-up (a) / (c)", "(a) contentops", "(c) jobs 2"),
    ("video --jobs 2 speed-up (d) / (e)", "(d) video jobs 1", "(e) video jobs 2"),
)

# (b): what a person would write with Pillow for the same covers. Filled in with str.format.
PILLOW_SCRIPT = '''\
"""(b) of bench/covers.py: the covers drawn by a minimal Pillow script (generated; do not edit)."""

import json
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = {font!r}
EM = {em!r}  # font size per pixel of line height: the sizing contentops uses, so the text is as large
W, H = 1080, 1920
BACKGROUND, TEXT, ACCENT, OUTLINE = {background!r}, {text!r}, {accent!r}, {outline!r}
LEFT, TOP, RIGHT, BOTTOM = 120, 250, 1080 - 180, 1920 - 500  # the safe zone
GAP, BAR_W, BAR_H, HANDLE = 24, 160, 14, 52
HANDLE_TEXT = {handle!r}

fonts = {{}}


def font(size, bold):
    if (size, bold) not in fonts:
        f = ImageFont.truetype(FONT, size * EM)
        if bold:
            f.set_variation_by_name("Bold")
        fonts[size, bold] = f
    return fonts[size, bold]


def wrap(text, f, room):
    lines = []
    for word in text.split():
        if f.getlength(word) > room:
            return None
        if lines and f.getlength(lines[-1] + " " + word) <= room:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


logo = Image.open({logo!r}).convert("RGBA")
logo = logo.resize((194, round(logo.height * 194 / logo.width)), Image.Resampling.BICUBIC)
top = max(TOP, 40 + logo.height + GAP)  # the title stays below the logo
out = Path({out!r})
out.mkdir(exist_ok=True)
for post in json.loads(Path({posts!r}).read_text(encoding="utf-8")):
    room = BOTTOM - top - BAR_H - 3 * GAP - HANDLE
    for size in range(160, 55, -4):
        stroke = max(2, round(size * 0.04))
        lines = wrap(post["title"], font(size, True), RIGHT - LEFT - 2 * stroke)
        if lines and len(lines) <= 4 and len(lines) * size + 2 * stroke <= room:
            break
    title_h = len(lines) * size + 2 * stroke
    y = top + (BOTTOM - top - (BAR_H + GAP + title_h + GAP + HANDLE)) // 2
    canvas = Image.new("RGB", (W, H), BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((LEFT, y, LEFT + BAR_W - 1, y + BAR_H - 1), fill=ACCENT)
    y += BAR_H + GAP + stroke
    f = font(size, True)
    ascent, descent = f.getmetrics()
    for line in lines:
        baseline = y + size * ascent / (ascent + descent)
        draw.text((LEFT + stroke, baseline), line, font=f, fill=TEXT, anchor="ls", stroke_width=stroke,
                  stroke_fill=OUTLINE)
        y += size
    y += stroke + GAP
    h = font(HANDLE, False)
    ascent, descent = h.getmetrics()
    draw.text((LEFT, y + HANDLE * ascent / (ascent + descent)), HANDLE_TEXT, font=h, fill=ACCENT, anchor="ls")
    canvas.paste(logo, (W - logo.width - 40, 40), logo)
    canvas.save(out / f"post-{{post['id']}}.png")
'''


# -- the generated workspaces -----------------------------------------------------------------------
def build_workspace(root: Path, count: int, video: str | None) -> Path:
    """A workspace with ``count`` scheduled posts (each with ``video`` if given), written in one transaction."""
    from contentops.calendar_ops import log_entry, new_post
    from contentops.timeutil import UTC, to_utc_iso
    from contentops.workspace import init_workspace

    ws = init_workspace(root, handle="@brand.anz")
    now = datetime.fromisoformat(bl.PINNED_NOW).astimezone(UTC)
    docs = []
    for i in range(count):
        at = to_utc_iso(now + timedelta(days=1 + i // 2, hours=9 * (i % 2)))
        title = TITLES[i % len(TITLES)] + ("" if i < len(TITLES) else f" ({i // len(TITLES) + 1})")
        doc = new_post(ws, title, now=now, actor="bench", at_utc=at, video=video)
        doc.update(status="scheduled", approved_by="lead", approved_at=to_utc_iso(now))
        doc["log"] = log_entry(doc, now, "lead", "approve", None, status="approved")
        doc["log"] = log_entry(doc, now, "lead", "schedule", None, status="scheduled")
        docs.append(doc)
    with ws.store("bench").transaction("bench", now) as tx:
        tx.insert_many("posts", docs)
        tx.summary = f"bench: {count} scheduled posts"
    return ws.root


def write_pillow_case(tmp: Path, root: Path) -> Path:
    """The (b) script and its input (the posts' ids and titles); returns the script."""
    from contentops.brand import load_brand
    from contentops.calendar_ops import POSTS
    from contentops.media.fonts import ass_em_ratio, default_font
    from contentops.workspace import find_workspace

    ws = find_workspace(root)
    kit = load_brand(ws)
    assert kit.logo is not None and kit.heading_font is None and kit.body_font is None  # the defaults (b) copies
    posts = [{"id": p["id"], "title": p["title"]} for p in ws.store().read().all(POSTS)]
    (tmp / "posts.json").write_text(json.dumps(posts, ensure_ascii=False), encoding="utf-8")
    script = tmp / "pillow_covers.py"
    script.write_text(
        PILLOW_SCRIPT.format(
            font=str(default_font()),
            em=ass_em_ratio(default_font()),
            background=kit.colours["background"],
            text=kit.colours["text"],
            accent=kit.colours["accent"],
            outline=kit.caption_stroke_colour,
            handle=kit.handle,
            logo=str(kit.logo),
            out=str(tmp / "pillow-covers"),
            posts=str(tmp / "posts.json"),
        ),
        encoding="utf-8",
    )
    return script


# -- the checks ------------------------------------------------------------------------------------
def check_batch(name: str, stdout: str, root: Path) -> str:
    """Stops unless the batch made and attached all the covers (so the bench measures real work)."""
    from contentops.calendar_ops import POSTS
    from contentops.workspace import find_workspace

    report = json.loads(stdout)
    posts = find_workspace(root).store().read().all(POSTS)
    with_cover = sum(bool(p.get("cover")) and (root / p["cover"]).is_file() for p in posts)
    if not report["made"] == len(report["attached"]) == with_cover == len(posts):
        sys.exit(f"{name}: made {report['made']}, attached {len(report['attached'])}, {with_cover} posts with a "
                 f"cover file; expected {len(posts)}:\n{stdout[:2000]}")  # fmt: skip
    backgrounds = {os.path.basename(c["background"].rsplit(" at ", 1)[0]) for c in report["covers"]}
    return f"{report['made']} made, {len(report['attached'])} attached; background {', '.join(sorted(backgrounds))}"


def describe_pngs(files: list[Path]) -> str:
    """``50 PNG, 1080x1920, 41 KB average`` (checks that the cases made the same kind of file)."""
    from PIL import Image

    sizes = set()
    for path in files:
        with Image.open(path) as image:
            sizes.add(f"{image.format} {image.width}x{image.height}")
    average = statistics.mean(p.stat().st_size for p in files) / 1000 if files else 0
    return f"{len(files)} files, {', '.join(sorted(sizes))}, {average:.0f} KB average"


def main(argv: list[str] | None = None) -> int:
    parser = bl.bench_parser(__doc__, "covers", 5, "keep the temp folder (workspaces, covers) and print it")
    parser.add_argument("--no-video", action="store_true", help="leave out the video cases (d) and (e)")
    args = bl.parse_args(parser, argv)
    with bl.work_folder("covers", args.keep) as tmp:
        t0 = time.perf_counter()
        plain = build_workspace(tmp / "ws", COVERS, None)
        script = write_pillow_case(tmp, plain)
        roots = {"plain": plain}
        if not args.no_video:
            from contentops.media.ffmpeg import ffmpeg_exe

            video_ws = tmp / "ws-video"
            bl.make_test_video(ffmpeg_exe(), video_ws / "media" / "clip.mp4", "1080x1920", CLIP_SECONDS, crf=23)
            roots["video"] = build_workspace(video_ws, VIDEO_COVERS, "media/clip.mp4")
        build_s = time.perf_counter() - t0

        base_env = bl.bench_env(CONTENTOPS_NOW=bl.PINNED_NOW)
        envs = {key: {**base_env, "CONTENTOPS_HOME": str(root)} for key, root in roots.items()}
        restores = {key: bl.calendar_restorer(root) for key, root in roots.items()}
        co = bl.contentops_cmd()

        def batch(name: str, jobs: int, key: str) -> bl.Case:
            argv = [*co, "thumb", "batch", "--jobs", str(jobs), "--force", "--json"]
            return bl.Case(name, argv, restores[key], envs[key])

        cases = [batch("(a) contentops", 1, "plain"), bl.Case("(b) pillow", [sys.executable, str(script)]),
                 batch("(c) jobs 2", 2, "plain")]  # fmt: skip
        if "video" in roots:
            cases += [batch("(d) video jobs 1", 1, "video"), batch("(e) video jobs 2", 2, "video")]

        checks: dict[str, str] = {}

        def check(name: str, stdout: str) -> None:
            if name == "(b) pillow":
                checks[name] = describe_pngs(sorted((tmp / "pillow-covers").glob("*.png")))
            else:
                checks[name] = check_batch(name, stdout, roots["video" if "video" in name else "plain"])

        times = bl.measure(cases, args.runs, base_env, tmp, on_warm_up=check)
        checks["(a) files"] = describe_pngs(sorted((plain / "covers").glob("*.png")))
        counts = {name: VIDEO_COVERS if "video" in name else COVERS for name in times}
        rows = bl.summarise(times, "s")
        for row in rows:
            row["covers"] = counts[row["name"]]
            row["ms_per_cover"] = round(1000 * statistics.median(times[row["name"]]) / row["covers"], 1)
        ratio_rows = bl.ratios(times, RATIOS, TARGETS)

        video_line = f"{VIDEO_COVERS} posts sharing one 1080x1920 {CLIP_SECONDS} s testsrc2 clip (d, e)"
        bl.print_header(
            [
                ("contentops", " ".join(bl.shown(co))),
                ("workspace", f"{COVERS} scheduled posts, CONTENTOPS_NOW={bl.PINNED_NOW}; built in {build_s:.1f} s"),
                *([("video", video_line)] if "video" in roots else []),
                *(("check", f"{name}: {note}") for name, note in checks.items()),
            ],
            f"{args.runs} per case, round-robin, after a warm-up round; calendar restored before each",
        )
        bl.print_table(rows, [*bl.timing_columns("case", "s"), bl.Column("ms/cover", "ms_per_cover", "{:.1f}")])
        bl.print_ratios(ratio_rows)

        report = {
            "covers": counts,
            "contentops_now": bl.PINNED_NOW,
            "video": f"1080x1920 testsrc2, {CLIP_SECONDS} s" if "video" in roots else None,
            "checks": checks,
            "results": rows,
            "ratios": ratio_rows,
        }
        kept = f"kept: {tmp} (workspaces ws/ and ws-video/, Pillow covers in pillow-covers/)"
        return bl.finish(args, "covers", cases, times, "s", report, verdict=ratio_rows, kept=kept)


if __name__ == "__main__":
    sys.exit(main())
