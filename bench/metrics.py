"""Metrics benchmark: ``contentops metrics report`` against merely loading metrics.json with ``json.load``.

A workspace is generated in a temp folder (``benchlib.posts_workspace``: posts over about a year around
the pinned clock, the published ones with TikTok URLs) and ``calendar/metrics.json`` gets ``--snapshots``
snapshots (default 50,000) spread over the published posts (every post a handful of readings in its first
days, then one a day for its first weeks) plus a year of daily account figures, written in one metrics
transaction, so the journal holds them once more as "after" values (a realistic upper bound: the file
keeps up to 200 imports' worth of journal).

Every case is a fresh subprocess of the same Python; after a warm-up round the cases run ``--runs`` times,
round-robin, and the medians are compared:

* (a) json.load      ``python -c "import json; json.load(open('metrics.json'))"`` (the floor: read the file)
* (b) report json    ``contentops metrics report --week <last week> --format json``
* (c) report md      ``... --format md`` (information)
* (d) report html    ``... --format html -o report.html --chart chart.png`` (information: Pillow, charts)
* (e) metrics log    ``contentops metrics log ID --views 1 --force`` (information: one write of metrics.json,
                     which is kept one document per line because indented JSON is four times slower to write)
* (f) undo import    ``contentops undo`` of a 5,000-row ``metrics import`` made just before (outside the timing;
                     information: a change of thousands of documents is reverted in time linear in them,
                     where TinyDB's own remove would rebuild the table once per document)

Target: (b) / (a) <= 3 (the exit status is 1 when it is missed).

Run from the repository root::

    .venv/bin/python bench/metrics.py [--runs 7] [--snapshots 50000] [--json-out [PATH]] [--keep]
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import benchlib as bl

POSTS = 3000  # about 40 % of them published
TARGETS = {"(b) report json": ("<=", 3.0)}  # the ratio to (a)
WEEK = "2026-W47"  # the week before PINNED_NOW (a Monday)


def make_snapshots(posts: list[dict[str, Any]], count: int, seed: int = 47) -> list[dict[str, Any]]:
    """``count`` snapshot documents over the published ``posts`` (with ids), growing counts per post."""
    from contentops.metrics import figures_key, snapshot_doc
    from contentops.timeutil import UTC, from_utc_iso, to_utc_iso

    rng = random.Random(seed)
    now = datetime.fromisoformat(bl.PINNED_NOW).astimezone(UTC)
    published = [p for p in posts if p["status"] == "published"]
    per_post = 2 * max(1, -(-count // len(published)))  # recent posts have fewer days behind them: older ones fill in
    docs: list[dict[str, Any]] = []
    for post in published:
        went_out = from_utc_iso(post["published_at"])
        final = rng.randint(2_000, 200_000)
        for n in range(per_post):
            hours = 2 + 6 * n if n < 8 else 24 * (n - 6)
            at = went_out + timedelta(hours=hours)
            if at > now or len(docs) == count:
                break
            views = round(final * (1 - 0.97**hours))
            figures = {"views": views, "likes": views // 12, "comments": views // 300, "shares": views // 90,
                       "saves": views // 110, "reach": views * 4 // 5, "followers": views // 250,
                       "watch_time": 9.5, "full_watch": 27.0}  # fmt: skip
            at_text = to_utc_iso(at)
            docs.append(snapshot_doc(post["id"], at_text, figures, "bench", figures_key(post["id"], at_text)))
    return docs


def build(folder: Path, snapshots: int) -> tuple[Path, int, int]:
    """The workspace, the number of snapshots written and a published post's id."""
    from contentops.metrics import DAILY, SNAPSHOTS

    ws = bl.posts_workspace(folder, POSTS)
    docs = make_snapshots(ws.store().read().all("posts"), snapshots)
    start = datetime.fromisoformat(bl.PINNED_NOW).date() - timedelta(days=365)
    daily = [{"day": (start + timedelta(days=d)).isoformat(), "followers": 40_000 + 30 * d, "follower_change": 30,
              "profile_views": 900, "video_views": 50_000, "likes": None, "comments": None, "shares": None,
              "source": "bench", "key": f"bench-{d}"} for d in range(365)]  # fmt: skip
    with ws.metrics_store("bench").transaction("bench") as tx:
        tx.insert_many(SNAPSHOTS, docs)
        tx.insert_many(DAILY, daily)
        tx.summary = f"bench: {len(docs)} snapshots"
    return ws.root, len(docs), docs[-1]["post"]


def import_sheet(root: Path, rows: int = 5000) -> Path:
    """An own-CSV metrics sheet: ``rows`` full-watch readings, a second apart, of the earliest published post
    (rates only: no count can clash with the snapshots there)."""
    from contentops.timeutil import from_utc_iso
    from contentops.workspace import find_workspace

    first = min((p for p in find_workspace(root).store().read().all("posts") if p["status"] == "published"),
                key=lambda p: p["published_at"])  # fmt: skip
    went_out = from_utc_iso(first["published_at"])
    sheet = root / "readings.csv"
    lines = [
        f"{first['id']},{went_out + timedelta(seconds=60 + n):%Y-%m-%dT%H:%M:%S}+00:00,{20 + n % 50}"
        for n in range(rows)
    ]
    sheet.write_text("post,at,full_watch\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return sheet


def main(argv: list[str] | None = None) -> int:
    parser = bl.bench_parser(__doc__, "metrics", 7, "keep the generated workspace and print its path")
    parser.add_argument("--snapshots", type=int, default=50_000, help="metric snapshots (default 50000)")
    args = bl.parse_args(parser, argv, "snapshots")
    with bl.work_folder("metrics", args.keep) as tmp:
        began = time.perf_counter()
        root, written, post_id = build(tmp, args.snapshots)
        build_s = time.perf_counter() - began
        metrics_file = root / "calendar" / "metrics.json"
        env = bl.bench_env(CONTENTOPS_NOW=bl.PINNED_NOW, CONTENTOPS_HOME=str(root))
        load_json = [sys.executable, "-c", f"import json; json.load(open({str(metrics_file)!r}, 'rb'))"]
        week = [*bl.contentops_cmd(), "metrics", "report", "--week", WEEK]
        html = ["--format", "html", "-o", str(tmp / "r.html"), "--chart", str(tmp / "chart.png")]
        # one more snapshot each run (--force: the same figure again): what one write of metrics.json costs
        log = [*bl.contentops_cmd(), "metrics", "log", str(post_id), "--views", "1", "--force"]
        import_ = [*bl.contentops_cmd(), "metrics", "import", str(import_sheet(root))]
        cases = [
            bl.Case("(a) json.load", load_json),
            bl.Case("(b) report json", [*week, "--format", "json"]),
            bl.Case("(c) report md", [*week, "--format", "md"]),
            bl.Case("(d) report html", [*week, *html]),
            bl.Case("(e) metrics log", log),
            bl.Case("(f) undo import", [*bl.contentops_cmd(), "undo"], prepare=lambda: bl.run_once(import_, env, root)),
        ]
        outputs: dict[str, str] = {}
        times = bl.measure(cases, args.runs, env, root, on_warm_up=outputs.__setitem__)
        results = bl.summarise(times, "ms", base="(a) json.load", targets=TARGETS)
        data = json.loads(outputs["(b) report json"])
        built = f"{POSTS} posts, {written} snapshots, 365 days of account figures; built in {build_s:.1f} s"
        bl.print_header(
            [
                ("workspace", built),
                ("metrics", f"{metrics_file.stat().st_size / 1e6:.1f} MB (one document per line, journal included)"),
                ("check", f"(b) reports {WEEK}: {len(data.get('posts', []))} posts; keys {sorted(data)[:6]}..."),
            ],
            f"{args.runs} per case, round-robin, after a warm-up round",
        )
        bl.print_table(results, [*bl.timing_columns("case", "ms"), *bl.ratio_columns("x (a)")])
        report = {"snapshots": written, "results": results}
        return bl.finish(args, "metrics", cases, times, "ms", report, verdict=results, kept=f"kept: {root}")


if __name__ == "__main__":
    sys.exit(main())
