"""``contentops demo``: a ready workspace with a sample ANZ campaign, a fortnight of posts in every
status, posting slots, key dates, a hashtag set and a caption template."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from .calendar_ops import add_campaign, add_post, transition
from .errors import WorkspaceError
from .keydates import KEY_DATES_FILE
from .reuse import add_tagset, add_template
from .slots import add_slot
from .timeutil import get_zone
from .workspace import init_workspace

MARKER = ".contentops-demo"
HANDLE = "@brand.anz"
CAMPAIGN = "Summer Sounds 2026"

# (day offset from today or None for unscheduled, time, title, pillar, owner, final status, caption)
# fmt: off
POSTS = [
    (-4, "18:00", "Festival day 1 recap", "event-recap", "Mia", "published",
     "Day 1 at Summer Sounds was unreal. Who was in the front row?"),
    (-3, "12:30", "Meet the creator: Aroha from Rotorua", "creator-showcase", "Aroha", "published",
     "Kia ora! Aroha shows us her festival fit, from Rotorua to the main stage."),
    (-2, "19:00", "How we pack for a three-day festival", "educational", "Jack", "published",
     "Sunscreen, water, power bank. Save this for your next festival."),
    (-1, "18:00", "Sound-on duet trend", "trend", "Mia", "cancelled", "Duet this with your best mate."),
    (0, "18:00", "Livestream highlights: Tāmaki Makaurau stage", "event-recap", "Jack", "scheduled",
     "The best moments from Auckland's stage. Kia ora Tāmaki Makaurau!"),
    (1, "12:00", "Behind the scenes with the crew", "creator-showcase", "Aroha", "scheduled",
     "What it takes to run a festival stage."),
    (2, "18:00", "Summer Sounds lineup drop", "announcement", "Mia", "approved",
     "The full lineup is here. Tag who you're going with."),
    (3, "17:30", "Festival hacks: staying cool in 35 °C", "educational", "Jack", "in-review",
     "Five ways to beat the heat."),
    (4, "18:00", "Crowd singalong montage", "event-recap", "Mia", "changes-requested",
     "The whole crowd knew every word."),
    (5, "11:00", "Creator collab: Zoë's dance challenge", "trend", "Zoë", "draft",
     "Learn Zoë's routine in 15 seconds."),
    (6, "18:00", "Merch restock announcement", "announcement", "Mia", "draft", "Restocked and ready."),
    (8, "18:00", "Sunset set timelapse", "campaign-highlight", "Jack", "draft", "Golden hour at the main stage."),
    (9, "12:00", "Perth meetup invite", "campaign-highlight", "Aroha", "idea", ""),
    (11, "18:00", "Thank-you video to the community", "announcement", "Mia", "idea", ""),
    # Approved but not yet given a time: 'contentops slot fill' places them.
    (None, "", "Creator Q&A: your festival questions", "creator-showcase", "Aroha", "approved",
     "You asked, Aroha answers."),
    (None, "", "Dance challenge: crowd edition", "trend", "Zoë", "approved", "The crowd learns Zoë's routine."),
    # The run-up to the festival, a week and more ago: published, with metrics for the weekly report.
    (-12, "18:00", "Summer Sounds lineup teaser", "announcement", "Mia", "published",
     "Three names. Guess the rest. #SummerSounds"),
    (-10, "12:00", "Packing list duet", "trend", "Zoë", "published", "Duet this with your festival must-have."),
    (-8, "19:30", "Behind the build: main stage", "creator-showcase", "Jack", "published",
     "Forty crew, four days, one stage."),
    (-6, "18:00", "Festival countdown: 2 days", "campaign-highlight", "Aroha", "published",
     "Two sleeps. Tag who you're going with."),
]
# fmt: on
SLOTS = [("mon,wed,fri", "18:00", None), ("sat", "11:00", "trend")]
TAGSET = ("summer", ["SummerSounds", "BrandANZ", "FestivalSeason"])
TEMPLATE = ("recap", "{title}! Relive it with us, {date}. {hashtags}")
KEY_DATES = """# Key dates of the demo workspace: shown in cal agenda, week and month.
[[date]]
date = {festival_start}
end = {festival_end}
name = "Summer Sounds festival"
kind = "event"

[[date]]
date = {sale}
name = "Summer sale starts"
kind = "sales"
"""
PATHS = {
    "published": ["submit", "approve", "publish"],
    "cancelled": ["cancel"],
    "scheduled": ["submit", "approve", "schedule"],
    "approved": ["submit", "approve"],
    "in-review": ["submit"],
    "changes-requested": ["submit", "request-changes"],
}


def post_slug(title: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())[:40]


# A generated 'livestream' and the cuts made from it: (start, end, post number, caption, frame).
RECORDING = "recordings/summer-sounds-livestream.mp4"
RECORDING_SECONDS = 12
CUTS = [
    ("0:01", "0:04", 5, "Kia ora Tāmaki Makaurau! 🎉", "crop"),
    ("0:05", "0:08", 6, "What it takes to run a festival stage", "blur"),
    ("0:08.5", "0:11", 7, "", "fit"),
]


def _demo_video(ws: Any, titles: dict[int, str], now: datetime, step: Callable[[str], None]) -> None:
    """Generate a sample recording, cut clips for three posts (attached to them), and a recap."""
    from .media.batch import batch_cutlist
    from .media.ffmpeg import output_arg, run_ffmpeg
    from .media.recap import make_recap

    recording = ws.root / RECORDING
    recording.parent.mkdir(parents=True, exist_ok=True)
    step("Generating a sample livestream recording")
    run_ffmpeg([
        "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=30:duration={RECORDING_SECONDS}",
        "-f", "lavfi", "-i", f"sine=frequency=330:sample_rate=48000:duration={RECORDING_SECONDS}",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
        output_arg(recording),
    ])  # fmt: skip
    cutlist = recording.parent / "cutlist.csv"
    lines = ["source,start,end,name,caption,frame,post"]
    for start, end, post_id, caption, frame in CUTS:
        lines.append(f'{recording.name},{start},{end},{post_slug(titles[post_id])},"{caption}",{frame},{post_id}')
    cutlist.write_text("\n".join(lines) + "\n", encoding="utf-8")
    step(f"Cutting {len(CUTS)} clips into clips/ (clip batch)")
    batch_cutlist(ws, cutlist, ws.root / "clips", now=now, actor="Jack")
    step("Making a recap with a title card and -14 LUFS loudness (clip recap)")
    rows = [(recording, start, end, caption or None) for start, end, _, caption, _ in CUTS]
    make_recap(rows, ws.root / "clips" / "recap.mp4", title="Summer Sounds: day 1")


def build_demo(
    out: str | Path,
    *,
    now: datetime,
    force: bool = False,
    video: bool = True,
    step: Callable[[str], None] = lambda message: None,
):
    """Create the demo workspace in ``out``; returns the Workspace. With ``video``, also cut clips
    from a generated recording and make a recap (about 20 s); ``step`` hears what is being done.

    An existing folder is only replaced with ``force`` and only if an earlier demo made it.
    """
    root = Path(out).expanduser()
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        if not (root / MARKER).is_file():
            raise WorkspaceError(
                f"{root} exists and is not an empty folder",
                hint="choose another folder with --out DIR",
            )
        if not force:
            raise WorkspaceError(
                f"{root} holds an earlier demo",
                hint="add --force to rebuild it (its changes are lost), or choose another folder with --out DIR",
            )
        shutil.rmtree(root)
    created = not root.exists()
    try:
        return _fill(root, now, video, step)
    except BaseException:  # Ctrl-C or a failure halfway: leave no half-built demo behind
        if created:  # made here (an earlier demo replaced with --force was removed above)
            shutil.rmtree(root, ignore_errors=True)
        else:  # the user's empty folder: leave it empty
            for child in root.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child)
                else:
                    child.unlink()
        raise


def _fill(root: Path, now: datetime, video: bool, step: Callable[[str], None]) -> Any:
    ws = init_workspace(root, handle=HANDLE, name="Brand ANZ (demo)")
    (root / MARKER).write_text("made by 'contentops demo'; 'contentops demo --force' may replace this folder\n")

    zone = get_zone(ws.config.zone)
    today = now.astimezone(zone).date()
    add_campaign(
        ws,
        CAMPAIGN,
        today - timedelta(days=14),
        today + timedelta(days=25),
        hashtags=["SummerSounds", "BrandANZ"],
        goals={"views": 250_000, "followers": 2_000},
        now=now,
        actor="demo",
    )
    (ws.calendar_dir / KEY_DATES_FILE).write_text(
        KEY_DATES.format(
            festival_start=today - timedelta(days=4),
            festival_end=today - timedelta(days=2),
            sale=today + timedelta(days=7),
        ),
        encoding="utf-8",
    )
    for days, clock, pillar in SLOTS:
        add_slot(ws, days, clock, pillar=pillar, now=now, actor="Priya")
    add_tagset(ws, TAGSET[0], TAGSET[1], now=now, actor="Priya")
    add_template(ws, *TEMPLATE, now=now, actor="Priya")

    titles: dict[int, str] = {}
    reviews: list[tuple[int, str, str, datetime, datetime | None]] = []
    for offset, clock, title, pillar, owner, status, caption in POSTS:
        at = None
        planned = now - timedelta(days=3)
        if offset is not None:
            at = datetime.combine(today + timedelta(days=offset), time.fromisoformat(clock), tzinfo=zone)
            if at <= now and status == "scheduled":
                status = "published"  # run late in the day: tonight's post is already live
            # Posts were planned and approved well before their time.
            planned = min(now, at - timedelta(days=3))
        post = add_post(
            ws, title, now=planned, at=at.strftime("%Y-%m-%d %H:%M") if at else None, pillar=pillar,
            campaign=CAMPAIGN, caption=caption, hashtags=["SummerSounds"], owner=owner, idea=status == "idea",
            video=f"clips/{post_slug(title)}.mp4" if status in PATHS and status != "cancelled" else None,
            actor=owner,
        )  # fmt: skip
        titles[post["id"]] = title
        reviews.append((post["id"], status, owner, planned, at))
    if video:  # clips first: a new clip sends an approved post back to review
        _demo_video(ws, titles, now, step)
    video_id = 7301234567890123000
    for post_id, status, owner, planned, at in reviews:
        for action in PATHS.get(status, []):
            reviewer = "Priya" if action in ("approve", "request-changes") else owner
            note = "Open on the crowd shot, and add the NZ dates." if action == "request-changes" else None
            url = None
            when = planned
            if action == "publish":
                video_id += 1
                url = f"https://www.tiktok.com/{HANDLE}/video/{video_id}"
                when = min(now, at + timedelta(minutes=5))  # type: ignore[operator]
            transition(ws, post_id, action, now=when, by=reviewer, note=note, url=url)
    if video:
        _demo_covers(ws, now, step)
    step("Logging sample metrics for the published posts")
    _demo_metrics(ws, now)
    step("Registering assets, trends and community feedback")
    _demo_library(ws, titles, now, today, video)
    return ws


def _demo_library(ws: Any, titles: dict[int, str], now: datetime, today: Any, video: bool) -> None:
    """Two creator submissions (one with consent, one pending) and the recording as assets, three trends
    (one used by a published post) and a few comments on the published posts, one flagged."""
    from PIL import Image

    from .assets import add_assets, set_consent
    from .calendar_ops import edit_post
    from .feedback import add_feedback
    from .trends import add_trend, set_status, use_trend

    ids = {title: post_id for post_id, title in titles.items()}
    folder = ws.root / "submissions"
    folder.mkdir(exist_ok=True)
    for name, colour in (("aroha-festival-fit.png", "#25F4EE"), ("kiri-dance-take.png", "#FE2C55")):
        Image.new("RGB", (540, 960), colour).save(folder / name)
    aroha = add_assets(ws, [folder / "aroha-festival-fit.png"], now=now, kind="creator-submission",
                       creator="@aroha.rotorua", campaign=CAMPAIGN, source="DM", actor="Aroha")  # fmt: skip
    kiri = add_assets(ws, [folder / "kiri-dance-take.png"], now=now, kind="creator-submission",
                      creator="@kiri.nz", campaign=CAMPAIGN, source="email", actor="Zoë")  # fmt: skip
    aroha_id, kiri_id = aroha["added"][0]["id"], kiri["added"][0]["id"]
    set_consent(ws, aroha_id, "granted", now=now, note="release signed", actor="Priya")
    edit_post(ws, ids["Summer Sounds lineup drop"], now=now, add_assets=[aroha_id], actor="Mia")
    edit_post(ws, ids["Creator collab: Zoë's dance challenge"], now=now, add_assets=[kiri_id], actor="Zoë")
    if video:
        add_assets(ws, [ws.root / RECORDING], now=now, campaign=CAMPAIGN, source="livestream", actor="Jack")
    sound = add_trend(ws, "Espresso (sped up)", "sound", now=now, region="AU", actor="Zoë",
                      note="everywhere in AU festival content")  # fmt: skip
    use_trend(ws, sound["id"], ids["How we pack for a three-day festival"], now=now, actor="Jack")
    add_trend(ws, "FestivalFit", "hashtag", now=now, region="ANZ", actor="Aroha")
    grwm = add_trend(ws, "Get ready with me: festival edition", "format", now=now, actor="Mia")
    set_status(ws, grwm["id"], "trying", now=now, note="Aroha to film one", actor="Mia")
    comments = [  # (days back, hour, post, author, text, sentiment, tags, flagged): after each post went out
        (4, 21, "Festival day 1 recap", "@jess.syd", "Best night of the year!! 🎉", "positive", ["crowd"], False),
        (3, 9, "Festival day 1 recap", "@tom_akl", "Tickets sold out in 5 minutes, not happy", "negative",
         ["tickets"], True),
        (3, 15, "Meet the creator: Aroha from Rotorua", "@mere.k", "Kia ora Aroha! Love the fit", "positive",
         ["creator"], False),
        (1, 10, "How we pack for a three-day festival", "@sam.w", "What sunscreen is that?", "neutral",
         ["question"], False),
    ]  # fmt: skip
    for back, hour, title, author, text, sentiment, tags, flag in comments:
        at = f"{(today - timedelta(days=back)).isoformat()} {hour:02d}:00"
        add_feedback(ws, ids[title], text, now=now, sentiment=sentiment, tags=tags, flag=flag, author=author, at=at,
                     actor="Mia")  # fmt: skip


def _demo_metrics(ws: Any, now: datetime) -> None:
    """Snapshots of every published post (a few a day since it went out, growing and levelling off, as
    TikTok figures do) and a fortnight of account figures, in one change of calendar/metrics.json."""
    import math
    import random

    from .calendar_ops import POSTS
    from .metrics import DAILY, SNAPSHOTS, figures_key, snapshot_doc
    from .timeutil import from_utc_iso, to_utc_iso

    snapshots = []
    for post in ws.store().read().all(POSTS):
        if post["status"] != "published":
            continue
        rng = random.Random(post["id"])
        final = rng.randint(8_000, 60_000)
        rates = {"likes": rng.uniform(0.05, 0.12), "comments": rng.uniform(0.002, 0.01),
                 "shares": rng.uniform(0.005, 0.02), "saves": rng.uniform(0.004, 0.02)}  # fmt: skip
        went_out = from_utc_iso(post["published_at"])
        hours = 2
        while went_out + timedelta(hours=hours) <= now:
            views = round(final * (1 - math.exp(-hours / 30)))
            figures = {"views": views, **{k: round(views * r) for k, r in rates.items()},
                       "reach": round(views * 0.8), "followers": round(views * 0.004),
                       "watch_time": round(rng.uniform(6, 14), 1),
                       "full_watch": round(rng.uniform(18, 40), 1)}  # fmt: skip
            at = to_utc_iso(went_out + timedelta(hours=hours))
            snapshots.append(snapshot_doc(post["id"], at, figures, "demo", figures_key("demo", post["id"], at)))
            hours += 8 if hours < 48 else 24
    zone = get_zone(ws.config.zone)
    today = now.astimezone(zone).date()
    rng = random.Random(2026)
    followers = 48_000
    daily = []
    for back in range(14, 0, -1):
        change = rng.randint(40, 260)
        followers += change
        day = (today - timedelta(days=back)).isoformat()
        daily.append({"day": day, "followers": followers, "follower_change": change,
                      "profile_views": rng.randint(400, 1_500), "video_views": rng.randint(15_000, 60_000),
                      "likes": None, "comments": None, "shares": None, "source": "demo",
                      "key": figures_key("demo", day)})  # fmt: skip
    with ws.metrics_store("demo").transaction("demo metrics", now) as tx:
        tx.insert_many(SNAPSHOTS, snapshots)
        tx.insert_many(DAILY, daily)
        tx.summary = f"demo metrics: {len(snapshots)} snapshots, {len(daily)} days of account figures"


def _demo_covers(ws: Any, now: datetime, step: Callable[[str], None]) -> None:
    """Covers from the clips: every scheduled post (thumb batch), and the approved lineup drop (thumb post)."""
    from .calendar_ops import POSTS
    from .media.thumbs import batch_covers, post_cover

    step("Making covers for the scheduled posts from their clips (thumb batch)")
    batch_covers(ws, now=now, actor="Mia")
    for post in ws.store().read().all(POSTS):
        if post["status"] == "approved" and post.get("video") and (ws.root / post["video"]).is_file():
            post_cover(ws, post["id"], now=now, actor="Mia", at=1.0)
