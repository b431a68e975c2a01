"""Cut lists and ``clip batch`` (contentops.media.cutlist, contentops.media.batch).

Sources are tiny generated videos; library tests render at a reduced size (270x480, x264 ultrafast)
through ``Encoding``, the command-line tests render one or two one-second clips at the real 1080x1920
(``--preset ultrafast``). Every batch must leave no temp file and no ffmpeg process behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import Cli
from media_fixtures import ffmpeg_children, make_video

from contentops.calendar_ops import add_post, show_post, transition
from contentops.errors import ConflictError, NotFoundError, UsageError
from contentops.media.batch import LOCK_NAME, MANIFEST_NAME, BatchEvent, batch_cutlist, run_batch
from contentops.media.cutlist import MAX_NAME_CHARS, CutRow, output_path, read_cutlist, safe_name
from contentops.media.job import Encoding
from contentops.media.probe import probe
from contentops.media.style import clip_style
from contentops.timeutil import from_utc_iso

CLI = Cli("2026-11-18T09:00:00+11:00", require_hint=True)
NOW = from_utc_iso("2026-11-17T22:00:00Z")
SMALL = Encoding(width=270, height=480, preset="ultrafast")


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("batch-media")
    make_video(folder / "talk.mp4", seconds=3)
    make_video(folder / "crowd.mp4", seconds=2, size=(240, 320))
    return folder


@pytest.fixture(autouse=True)
def no_ffmpeg_left() -> None:
    yield
    assert ffmpeg_children() == []


def cutlist(folder: Path, text: str, name: str = "cuts.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def leftovers(folder: Path) -> list[str]:
    """Temp files in ``folder`` (render_clip's ``.NAME.XXXX.tmp.mp4``, or any other)."""
    return sorted(p.name for p in folder.iterdir() if ".tmp" in p.name)


def batch(path: Path, **options: Any) -> Any:
    return batch_cutlist(options.pop("ws", None), path, encoding=SMALL, now=NOW, **options)


def statuses(report: Any) -> dict[int, str]:
    return {c.row: c.status for c in report.clips}


# -- the cut list ------------------------------------------------------------------------------
def test_a_cut_list_is_read_with_paths_times_and_line_numbers(media: Path, tmp_path: Path) -> None:
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "talk.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nKia ora\n", encoding="utf-8")
    (tmp_path / "talk.mp4").write_bytes((media / "talk.mp4").read_bytes())
    text = (
        "\ufeff Source ,START,end,caption,srt,frame,post,name\n"  # BOM, spaces and any case in the header
        'talk.mp4,1.5,0:02.25,"Tēnā koutou, everyone\nline two",,BLUR,#12,\n'
        ",,,,,,,\n"  # blank rows are left out
        f"{media / 'crowd.mp4'},0:00:00,1,,subs/talk.srt,,,Crowd shot\n"
    )
    rows = read_cutlist(cutlist(tmp_path, text))
    assert [r.line for r in rows] == [2, 5]  # the caption spans lines 2-3; line 4 is blank
    first, second = rows
    assert first.ok and second.ok, (first.errors, second.errors)
    assert (first.source, first.start, first.end) == (tmp_path / "talk.mp4", 1.5, 2.25)
    assert (first.caption, first.frame, first.post, first.srt) == ("Tēnā koutou, everyone\nline two", "blur", 12, None)
    assert first.name == "talk-1.5s-2.25s.mp4"
    assert (second.source, second.srt, second.frame) == (media / "crowd.mp4", tmp_path / "subs" / "talk.srt", "crop")
    assert (second.start, second.end, second.name, second.caption) == (0.0, 1.0, "Crowd shot.mp4", None)


def test_every_bad_cell_is_named_by_row_and_column(media: Path, tmp_path: Path) -> None:
    talk = media / "talk.mp4"
    text = (
        "source,start,end,caption,srt,frame,post\n"
        f"{talk},0,1,ok,,,\n"
        f"{talk},1:75,2,,,,\n"
        f"{talk},3,2,,,,\n"
        f"{talk},,2,,,,\n"
        "nowhere.mp4,0,1,,,,\n"
        f"{talk},0,1,,missing.srt,,\n"
        f"{talk},0,1,both,{talk},,\n"
        f"{talk},0,1,,,square,\n"
        f"{talk},0,1,,,,twelve\n"
        f"{talk},0,1,,,,,extra\n"
        ",0,1,,,,\n"
        f"{media},0,1,,,,\n"
    )
    rows = read_cutlist(cutlist(tmp_path, text))
    expected = {
        3: "row 3, column start: time '1:75' has 75 seconds",
        4: "row 4, column end: the end (2) is not after the start (3)",
        5: "row 5, column start: no time given",
        6: f"row 6, column source: no such file: nowhere.mp4 (looked in {tmp_path})",
        7: "row 7, column srt: no such file: missing.srt",
        8: "row 8, column caption: give a caption or an srt file, not both",
        9: "row 9, column frame: unknown frame mode 'square' (use crop, blur, fit, none)",
        10: "row 10, column post: 'twelve' is not a post id",
        11: "row 11: 8 cells, but the header has 7 columns",
        12: "row 12, column source: no source video given",
        13: f"row 13, column source: {media} is a folder, not a file",
    }
    assert rows[0].ok
    assert {r.line for r in rows if not r.ok} == set(expected)
    for row in rows[1:]:
        assert len(row.errors) == 1, row.errors
        assert row.errors[0].startswith(expected[row.line]), row.errors


@pytest.mark.parametrize(
    ("text", "error", "needle"),
    [
        ("source,start,end,captoin\n", UsageError, "row 1: unknown column 'captoin'"),
        ("source,start,end,start\n", UsageError, "column start given twice"),
        ("source,end,caption\n", UsageError, "row 1: no start column"),
        ("", UsageError, "is empty"),
        ('source,start,end\n"a.mp4,0,1\n', UsageError, "not valid CSV"),
    ],
)
def test_a_bad_cut_list_file_is_refused_as_a_whole(tmp_path: Path, text: str, error: type, needle: str) -> None:
    with pytest.raises(error) as info:
        read_cutlist(cutlist(tmp_path, text))
    assert needle in info.value.message and info.value.hint


def test_a_missing_or_non_utf8_cut_list_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="not found"):
        read_cutlist(tmp_path / "nope.csv")
    (tmp_path / "latin1.csv").write_bytes("source,start,end,caption\na.mp4,0,1,café\n".encode("latin-1"))
    with pytest.raises(UsageError, match="not UTF-8") as info:
        read_cutlist(tmp_path / "latin1.csv")
    assert "UTF-8" in (info.value.hint or "")


# -- output names ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../x", "x.mp4"),
        ("/abs", "abs.mp4"),
        ("C:\\x", "C_x.mp4"),
        ("a/../../b", "a_._._b.mp4"),
        ("CON", "_CON.mp4"),
        ("NUL.txt", "_NUL.txt.mp4"),
        ("com1", "_com1.mp4"),
        ("teaser. . ", "teaser.mp4"),
        ("  teaser  .mp4", "teaser.mp4"),
        ("Tēnā koe 🎉", "Tēnā koe 🎉.mp4"),
        ('what? "yes" <no> | *', "what_ _yes_ _no.mp4"),
        ("..", "row-9.mp4"),
        ("", "row-9.mp4"),
        (".hidden", "hidden.mp4"),
        ("-rf", "rf.mp4"),
        ("Teaser.MP4", "Teaser.mp4"),
    ],
)
def test_output_names_are_safe_everywhere_and_stay_in_the_folder(tmp_path: Path, name: str, safe: str) -> None:
    result = safe_name(name, fallback="row-9")
    assert result == safe
    target = output_path(tmp_path, result)
    target.write_bytes(b"")  # a name this file system takes, in the folder itself
    assert target.resolve().parent == tmp_path.resolve()
    assert ".." not in result and "/" not in result and "\\" not in result


def test_long_names_are_cut_to_size() -> None:
    for name in ("x" * 300, "é" * 300, "🎉" * 300, "a" * 113 + ". . ."):
        result = safe_name(name)
        assert len(result) <= MAX_NAME_CHARS and len(result.encode()) <= 240
        assert result.endswith(".mp4") and not result[:-4].endswith((".", " "))


def test_names_that_differ_only_in_case_get_a_suffix(media: Path, tmp_path: Path) -> None:
    talk = media / "talk.mp4"
    text = f"source,start,end,name\n{talk},0,1,Teaser\n{talk},1,2,teaser\n{talk},0,1,TEASER.mp4\n{talk},0,1,\n"
    text += f"{talk},0,1,\n"
    rows = read_cutlist(cutlist(tmp_path, text))
    assert [r.name for r in rows] == [
        "Teaser.mp4",
        "teaser-2.mp4",
        "TEASER-3.mp4",
        "talk-0s-1s.mp4",
        "talk-0s-1s-2.mp4",
    ]
    assert output_path(tmp_path, "x.mp4") == tmp_path / "x.mp4"
    with pytest.raises(UsageError, match="would leave"):
        output_path(tmp_path, "../x.mp4")


# -- batches ------------------------------------------------------------------------------------
def test_bad_rows_fail_alone_and_the_others_render_two_at_a_time(media: Path, tmp_path: Path) -> None:
    path = cutlist(
        tmp_path,
        "source,start,end,name,caption,frame,post\n"
        f"{media / 'talk.mp4'},0.5,1.5,first,Kia ora Tāmaki 🎉,,\n"
        f"{media / 'crowd.mp4'},0,1,second,,blur,\n"
        f"{media / 'gone.mp4'},0,1,missing,,,\n"
        f"{media / 'talk.mp4'},2,4,too-long,,,\n"
        f"{media / 'talk.mp4'},2,2,empty,,,\n"
        f"{media / 'crowd.mp4'},1,2,for-a-post,,,3\n",
    )
    events: list[BatchEvent] = []
    report = batch(path, jobs=2, progress=events.append)
    out = tmp_path / "clips"
    assert report.out_dir == out
    assert statuses(report) == {2: "rendered", 3: "rendered", 4: "failed", 5: "failed", 6: "failed", 7: "failed"}
    errors = {c.row: c.error for c in report.clips}
    assert "row 4, column source: no such file" in errors[4]
    assert errors[5].startswith("row 5: cut ") and "ends after the source" in errors[5]
    assert "row 6, column end: the end (2) is not after the start (2)" in errors[6]
    assert "row 7: no workspace to attach the clip to post 3" in errors[7]
    assert all(c.hint for c in report.clips if c.status == "failed")
    for name in ("first.mp4", "second.mp4", "for-a-post.mp4"):  # rendered, even where attaching failed
        info = probe(out / name)
        assert (info.width, info.height, info.fps) == (270, 480, 30.0)
        assert info.duration == pytest.approx(1.0, abs=0.05)
    assert not any((out / f"{name}.mp4").exists() for name in ("missing", "too-long", "empty"))
    assert leftovers(out) == []
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert sorted(manifest["clips"]) == ["first.mp4", "for-a-post.mp4", "second.mp4"]
    finished = [e for e in events if e.outcome is not None]
    assert sorted(e.row for e in finished) == [2, 3, 4, 5, 6, 7] and finished[-1].done == finished[-1].total == 6
    assert all(0.0 <= e.fraction <= 1.0 for e in events)
    data = report.to_json()
    assert json.loads(json.dumps(data)) == data
    assert (data["rendered"], data["skipped"], data["failed"]) == (2, 0, 4)
    assert list(data["clips"][0]) == [
        "row", "name", "output", "status", "seconds", "error", "hint", "post", "attached", "note",
    ]  # fmt: skip


def test_up_to_date_clips_are_skipped_until_something_changes(media: Path, tmp_path: Path) -> None:
    rows = "source,start,end,name,caption\n{talk},0,1,one,First\n{talk},1,2,two,Second\n"
    path = cutlist(tmp_path, rows.format(talk=media / "talk.mp4"))
    out = tmp_path / "clips"
    assert set(statuses(batch(path, jobs=1)).values()) == {"rendered"}
    stamps = {name: (out / name).stat().st_mtime_ns for name in ("one.mp4", "two.mp4")}

    assert statuses(batch(path)) == {2: "skipped", 3: "skipped"}  # nothing to do: no render at all
    assert {name: (out / name).stat().st_mtime_ns for name in stamps} == stamps

    path.write_text(rows.replace("Second", "Second take").format(talk=media / "talk.mp4"), encoding="utf-8")
    assert statuses(batch(path)) == {2: "skipped", 3: "rendered"}
    assert (out / "one.mp4").stat().st_mtime_ns == stamps["one.mp4"]

    (out / "one.mp4").unlink()  # a deleted output renders again
    assert statuses(batch(path)) == {2: "rendered", 3: "skipped"}
    assert statuses(batch(path, force=True)) == {2: "rendered", 3: "rendered"}
    assert leftovers(out) == []


def test_a_render_that_fails_midway_leaves_no_output_and_no_temp_file(media: Path, tmp_path: Path) -> None:
    caption = "far too many words " * 150  # refused while the captions are laid out, after the temp file exists
    path = cutlist(tmp_path, f'source,start,end,name,caption\n{media / "talk.mp4"},0,1,wordy,"{caption}"\n')
    report = batch(path)
    assert statuses(report) == {2: "failed"}
    assert "does not fit" in report.clips[0].error
    out = tmp_path / "clips"
    assert not (out / "wordy.mp4").exists()
    assert leftovers(out) == []
    assert not (out / MANIFEST_NAME).exists()  # nothing finished, nothing recorded


def test_clips_are_attached_to_their_posts_in_one_change(media: Path, ws) -> None:
    draft = add_post(ws, "Launch teaser", now=NOW)["id"]
    approved = add_post(ws, "Crowd moment", now=NOW)["id"]
    transition(ws, approved, "submit", now=NOW)
    transition(ws, approved, "approve", now=NOW, by="Priya")
    (ws.root / "media").mkdir()
    for name in ("talk.mp4", "crowd.mp4"):
        (ws.root / "media" / name).write_bytes((media / name).read_bytes())
    path = cutlist(
        ws.root,
        "source,start,end,name,post\n"
        f"media/talk.mp4,0,1,teaser,{draft}\n"
        f"media/crowd.mp4,0,1,crowd,{approved}\n"
        "media/talk.mp4,1,2,orphan,99\n"
        f"media/talk.mp4,2,3,twice,{draft}\n",
    )
    before = len(ws.store().read().history())
    report = batch(path, ws=ws)
    assert statuses(report) == {2: "rendered", 3: "rendered", 4: "failed", 5: "failed"}
    errors = {c.row: c.error for c in report.clips}
    assert "row 4: no post with id 99" in errors[4]
    assert f"row 5: post {draft} already gets the clip of row 2" in errors[5]
    assert [c.attached for c in report.clips] == [True, True, False, False]
    assert "back in review" in (report.clips[1].note or "")

    history = ws.store().read().history()
    assert len(history) == before + 1  # one transaction for every attachment
    assert history[-1]["action"] == "clip batch"
    teaser, crowd = show_post(ws, draft), show_post(ws, approved)
    assert teaser["video"] == "clips/teaser.mp4" and crowd["video"] == "clips/crowd.mp4"
    assert teaser["log"][-1]["action"] == "clip-attach" and teaser["log"][-1]["row"] == 2
    assert crowd["status"] == "in-review" and crowd["approved_by"] is None  # approved for another video

    again = batch(path, ws=ws)  # up to date and attached already: no change at all
    assert statuses(again) == {2: "skipped", 3: "skipped", 4: "failed", 5: "failed"}
    assert len(ws.store().read().history()) == before + 1

    elsewhere = ws.root.parent / "exports"
    batch(path, out_dir=elsewhere, ws=ws)  # outside the workspace: the absolute path
    assert show_post(ws, draft)["video"] == str((elsewhere / "teaser.mp4").resolve())


def test_one_batch_at_a_time_per_folder_and_jobs_must_be_positive(tmp_path: Path) -> None:
    from filelock import FileLock

    style = clip_style(None)
    with pytest.raises(UsageError, match="--jobs 0"):
        run_batch([], tmp_path, style=style, jobs=0)
    with FileLock(str(tmp_path / LOCK_NAME)), pytest.raises(ConflictError, match="another clip batch"):
        run_batch([], tmp_path, style=style)
    assert run_batch([CutRow(2, "x.mp4", None, None, None, errors=("row 2: bad",))], tmp_path, style=style).failed


def test_ctrl_c_in_the_batch_stops_every_worker_and_leaves_nothing(tmp_path: Path) -> None:
    make_video(tmp_path / "long.mp4", seconds=12)
    path = cutlist(tmp_path, "source,start,end\nlong.mp4,0,12\nlong.mp4,0,11\nlong.mp4,0,10\n")

    def interrupt(event: BatchEvent) -> None:
        if event.fraction > 0:  # a clip is being encoded
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch_cutlist(None, path, encoding=Encoding(width=540, height=960), jobs=2, progress=interrupt)
    out = tmp_path / "clips"
    assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]  # no clip, no temp file, no manifest entry
    assert _ffmpeg_for(tmp_path) == []


# -- the command line ---------------------------------------------------------------------------
def test_clip_batch_renders_attaches_and_reports(media: Path, ws) -> None:
    post = add_post(ws, "Launch teaser", now=NOW)["id"]
    path = cutlist(
        ws.root,
        "source,start,end,name,caption,post\n"
        f"{media / 'talk.mp4'},0,1,teaser,Kia ora,{post}\n"
        f"{media / 'talk.mp4'},1,2,Nope,,\n"  # two names that differ only in case
        f"{media / 'talk.mp4'},1,9,nope,,\n",
    )
    args = ("clip", "batch", str(path), "--jobs", "2", "--preset", "ultrafast")
    result = CLI.run(ws, *args, "--json")
    assert result.exit_code == 1, result.output  # one row failed
    data = json.loads(result.stdout)
    assert list(data) == ["out_dir", "rendered", "skipped", "failed", "clips"]
    assert [(c["name"], c["status"], c["attached"]) for c in data["clips"]] == [
        ("teaser.mp4", "rendered", True),
        ("Nope.mp4", "rendered", False),
        ("nope-2.mp4", "failed", False),
    ]
    assert "ends after the source" in data["clips"][2]["error"]
    clip = probe(ws.root / "clips" / "teaser.mp4")
    assert (clip.width, clip.height, clip.fps, [a.codec for a in clip.audio]) == (1080, 1920, 30.0, ["aac"])
    assert CLI.run_json(ws, "post", "show", str(post))["video"] == "clips/teaser.mp4"

    table = CLI.run(ws, *args)  # the second run renders nothing
    assert table.exit_code == 1
    lines = [line for line in table.stdout.splitlines() if "teaser.mp4" in line or "nope-2.mp4" in line]
    assert "skipped" in lines[0] and f"post {post}" in lines[0] and "failed" in lines[1]
    assert "0 rendered, 2 skipped, 1 failed" in table.stdout
    assert leftovers(ws.root / "clips") == []


def test_clip_batch_refuses_a_bad_cut_list_with_a_hint(tmp_path: Path) -> None:
    path = cutlist(tmp_path, "source,start,end,length\n")
    CLI.assert_error(CLI.invoke("clip", "batch", str(path)), 2, "unknown column 'length'", "the columns are")
    CLI.assert_error(CLI.invoke("clip", "batch", str(tmp_path / "none.csv")), 1, "not found")
    assert not (tmp_path / "clips").exists()


@pytest.mark.parametrize("whom", ["the whole terminal", "the batch process"])
def test_ctrl_c_from_the_terminal_exits_130_and_leaves_nothing(tmp_path: Path, whom: str) -> None:
    make_video(tmp_path / "long.mp4", seconds=20)
    cutlist(tmp_path, "source,start,end\nlong.mp4,0,20\nlong.mp4,0,19\n")
    out = tmp_path / "clips"
    command = [sys.executable, "-m", "contentops", "clip", "batch", "cuts.csv", "--json"]
    proc = subprocess.Popen(
        command, cwd=tmp_path, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 30
        while not (out.is_dir() and any(p.name.endswith(".tmp.mp4") for p in out.iterdir())):  # encoding now
            assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            time.sleep(0.02)
        if whom == "the whole terminal":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130
    assert stdout == b"" and b"Interrupted" in stderr and b"Traceback" not in stderr
    assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]
    assert _ffmpeg_for(tmp_path) == []


def _ffmpeg_for(folder: Path) -> list[int]:
    """Running (not zombie) ffmpeg processes whose command line names a file in ``folder``; they are
    killed, so a failing test leaves nothing running either."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if not entry.name.isdigit() or not (entry / "comm").read_text().startswith("ffmpeg"):
                continue
            stat = (entry / "stat").read_text()
            if str(folder) in (entry / "cmdline").read_text(errors="replace") and stat[stat.rindex(")") + 2] != "Z":
                found.append(int(entry.name))
                os.kill(int(entry.name), signal.SIGKILL)
        except OSError:
            continue
    return found
