"""Cover thumbnails (contentops.media.cover, media.thumbs, media.frames and ``thumb ...``): sizes, where the
logo, accent and title land (pixel checks), auto-fit, fonts and fallbacks, frames from video, posts, batch,
contact sheets, and every bad input leaving nothing behind."""

from __future__ import annotations

import json
import struct
import zlib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cli_helpers import Cli
from media_fixtures import _ffmpeg, ffmpeg_children, make_video
from PIL import Image, ImageChops

from contentops.brand import load_brand
from contentops.calendar_ops import POSTS, add_post, transition
from contentops.errors import MediaError, NotFoundError, UsageError
from contentops.media.cover import TEMPLATES, CoverLook, cover_look, render_cover, text_box
from contentops.media.fonts import default_font, has_glyph
from contentops.media.frames import sharpest_frame
from contentops.media.kit import open_image
from contentops.media.thumbs import batch_covers, make_cover, post_cover
from contentops.workspace import Workspace

NOW = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)  # 11:00 in Sydney
CLI = Cli("2026-11-22T11:00:00+11:00", require_hint=True)
LONG = "Kia ora Tāmaki Makaurau! Our summer range lands this Friday in every store across Aotearoa"
BG, TEXT, ACCENT = (0x10, 0x20, 0x30), (0xFF, 0xFF, 0xFF), (0x00, 0xFF, 0x00)


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cover-media")
    make_video(folder / "tall.mp4", seconds=3, size=(270, 480), audio=False)
    # one second of black, then two of a busy test pattern: the sharpest early frame is after 1 s
    _ffmpeg("-f", "lavfi", "-i", "color=black:size=270x480:rate=30:duration=1", "-f", "lavfi", "-i",
            "testsrc2=size=270x480:rate=30:duration=2", "-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]",
            "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            f"file:{folder / 'fade-in.mp4'}")  # fmt: skip
    return folder


@pytest.fixture(autouse=True)
def no_ffmpeg_left() -> None:
    yield
    assert ffmpeg_children() == []


def look(**changes: object) -> CoverLook:
    """The built-in kit's look in plain test colours, with no logo and no handle unless given."""
    base = cover_look(load_brand(None), logo=False)
    colours = {"background": "#102030", "text": "#FFFFFF", "accent": "#00FF00", "outline": "#000000", "handle": ""}
    return replace(base, **{**colours, **changes})  # type: ignore[arg-type]


def red_logo(width: int = 100, height: int = 50) -> Image.Image:
    return Image.new("RGBA", (width, height), (255, 0, 0, 255))


def near(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 6) -> bool:
    return max(abs(a - b) for a, b in zip(pixel[:3], colour, strict=True)) <= tolerance


def ink_box(image: Image.Image) -> tuple[int, int, int, int] | None:
    """Bounding box of every pixel that is not the background colour."""
    return ImageChops.difference(image.convert("RGB"), Image.new("RGB", image.size, BG)).getbbox()


def inside(box: tuple[int, int, int, int], outer: tuple[int, int, int, int]) -> bool:
    return box[0] >= outer[0] and box[1] >= outer[1] and box[2] <= outer[2] and box[3] <= outer[3]


# -- sizes and layout -------------------------------------------------------------------------------
@pytest.mark.parametrize("template", list(TEMPLATES))
def test_each_template_has_its_size(template: str, tmp_path: Path) -> None:
    result = make_cover(None, "Summer Sounds", subtitle="Day one", template=template, out=tmp_path / "c.png")
    with Image.open(tmp_path / "c.png") as image:
        assert image.size == TEMPLATES[template] == result.layout.size and image.format == "PNG"


@pytest.mark.parametrize("corner", ["top-right", "bottom-left"])
def test_logo_accent_and_background_are_where_they_belong(corner: str) -> None:
    style = look(logo_corner=corner, handle="@brand.anz")
    image, layout = render_cover("Lineup drop", style, logo=red_logo())
    assert layout.logo_box is not None and layout.accent_box is not None
    x0, y0, x1, y1 = layout.logo_box
    assert x1 - x0 == round(1080 * style.logo_scale) and (y1 - y0) == round((x1 - x0) / 2)  # 18 % wide, 2:1 kept
    assert (x1 == 1080 - 40) if corner.endswith("right") else (x0 == 40)
    assert (y0 == 40) if corner.startswith("top") else (y1 == 1920 - 40)
    assert near(image.getpixel(((x0 + x1) // 2, (y0 + y1) // 2)), (255, 0, 0))
    a0, a1, a2, a3 = layout.accent_box
    assert near(image.getpixel(((a0 + a2) // 2, (a1 + a3) // 2)), ACCENT)
    assert a3 <= layout.title_box[1]  # the accent bar sits above the title
    assert near(image.getpixel((540, 1900 if corner.startswith("top") else 10)), BG)
    assert near(image.getpixel((5, 960)), BG)
    assert layout.handle_box is not None and inside(layout.handle_box, layout.text_box)


@pytest.mark.parametrize("template", list(TEMPLATES))
@pytest.mark.parametrize("title", ["Hi", LONG, "🎉🎉 Party time 🎉", "Āta haere: ā ē ī ō ū Ā Ē Ī Ō Ū"])
def test_no_title_pixel_leaves_the_safe_zone(template: str, title: str) -> None:
    style = look()
    image, layout = render_cover(title, style, subtitle="Every store across Aotearoa", template=template)
    zone = text_box(template, style)
    if template == "cover":
        assert zone == (120, 250, 1080 - 180, 1920 - 500)  # the kit's safe zone
    drawn = ink_box(image)
    assert drawn is not None and inside(drawn, zone), (drawn, zone)
    assert inside(layout.title_box, zone)


def test_a_longer_title_is_set_smaller_and_wraps() -> None:
    _, short = render_cover("Summer drop", look())
    _, long = render_cover(LONG, look())
    assert short.title_size > long.title_size and len(short.title_lines) == 1
    assert 2 <= len(long.title_lines) <= 4 and " ".join(long.title_lines) == LONG
    _, two = render_cover(LONG, look(), max_lines=2, template="landscape")
    assert len(two.title_lines) <= 2


def test_the_title_block_is_centred_in_the_text_box() -> None:
    style = look()
    _, layout = render_cover("Summer drop", style)
    top, bottom = layout.accent_box[1], layout.title_box[3]  # type: ignore[index]
    box = text_box("cover", style)
    assert abs((top - box[1]) - (box[3] - bottom)) < 60


def test_macrons_render_with_real_glyphs() -> None:
    assert all(has_glyph(default_font(), c) for c in "āēīōūĀĒĪŌŪéñ")
    _, plain = render_cover("aeou", look())
    _, macron = render_cover("āēōū", look())
    assert macron.title_size == plain.title_size

    def height(box: tuple[int, int, int, int]) -> int:
        return box[3] - box[1]

    assert height(macron.title_box) > height(plain.title_box) + 10  # the bars stand above the letters


@pytest.mark.parametrize("title", ["🎉", "東京 ライブ 🎉", "שלום Kia ora", "\u0378 unassigned"])
def test_text_no_font_draws_does_not_crash(title: str) -> None:
    image, layout = render_cover(title, look())
    assert layout.title_lines and ink_box(image) is not None


def test_the_heading_is_bold_and_a_brand_font_is_used(ws: Workspace) -> None:
    kit = load_brand(ws)
    assert cover_look(kit).heading.weight == "Bold" and cover_look(kit).body.weight is None
    (ws.assets_dir / "fonts").mkdir()
    (ws.assets_dir / "fonts" / "Brand.ttf").write_bytes(default_font().read_bytes())
    (ws.assets_dir / "brand.toml").write_text('[fonts]\nheading = "Brand.ttf"\n', encoding="utf-8")
    assert cover_look(load_brand(ws)).heading.path == ws.assets_dir / "fonts" / "Brand.ttf"


# -- backgrounds ------------------------------------------------------------------------------------
def test_a_picture_is_cover_cropped_and_darkened(tmp_path: Path) -> None:
    picture = Image.new("RGB", (400, 100), (200, 200, 200))
    picture.paste((0, 0, 255), (0, 0, 150, 100))  # a blue strip on the left, cropped away
    picture.save(tmp_path / "wide.jpg", quality=95)
    make_cover(None, "Hi", background=tmp_path / "wide.jpg", out=tmp_path / "c.png", logo=False)
    with Image.open(tmp_path / "c.png") as image:
        top = image.getpixel((540, 40))
        assert near(top, (140, 140, 140), 8)  # 30 % darker far from the title
        assert near(image.getpixel((10, 40)), (140, 140, 140), 8)  # the blue strip was cropped off
        assert sum(image.getpixel((1070, 900))) < sum(top) * 0.5  # much darker behind the title


def test_a_frame_of_a_video_is_the_background(media: Path, tmp_path: Path) -> None:
    result = CLI.invoke("thumb", "make", "--title", "Kia ora", "--video", str(media / "tall.mp4"), "--at", "1.5",
                        "--no-logo", "-o", str(tmp_path / "c.png"), "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["frame_at"] == 1.5 and data["width"] == 1080 and data["height"] == 1920
    frame = open_image(tmp_path / "c.png")
    # testsrc2's colour bars are in the frame's top half: not the flat brand background
    assert len({frame.getpixel((x, 300)) for x in range(0, 1080, 60)}) > 5


def test_the_sharpest_early_frame_is_picked(media: Path) -> None:
    picked = sharpest_frame(media / "fade-in.mp4")
    assert picked.at > 1.0 and picked.sharpness > 100
    assert picked.image.size == (270, 480)


# -- posts and batch --------------------------------------------------------------------------------
def scheduled(ws: Workspace, title: str, *, video: str | None = None, day: int = 25) -> int:
    post = add_post(ws, title, now=NOW, at=f"2026-11-{day} 18:00", video=video)
    for action in ("submit", "approve", "schedule"):
        transition(ws, post["id"], action, now=NOW)
    return post["id"]


def test_thumb_post_attaches_a_cover_from_the_posts_video(ws: Workspace, media: Path) -> None:
    (ws.root / "clips").mkdir()
    (ws.root / "clips" / "a.mp4").write_bytes((media / "tall.mp4").read_bytes())
    pid = scheduled(ws, "Livestream highlights", video="clips/a.mp4")
    result = CLI.run(ws, "thumb", "post", str(pid), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    post = ws.store().read().get(POSTS, pid)
    assert post["cover"] == f"covers/post-{pid}-livestream-highlights.png" and post["status"] == "scheduled"
    assert post["log"][-1]["action"] == "cover-attach"
    with Image.open(ws.root / post["cover"]) as image:
        assert image.size == (1080, 1920)
    assert data["post"] == pid and 0 < data["frame_at"] < 3
    assert "missing-cover" not in CLI.run(ws, "cal", "check").stdout
    assert CLI.run(ws, "undo").exit_code == 0
    assert ws.store().read().get(POSTS, pid).get("cover") is None


def test_thumb_post_without_a_video_uses_the_brand_colour(ws: Workspace) -> None:
    pid = add_post(ws, "An idea", now=NOW)["id"]
    result = CLI.run(ws, "thumb", "post", str(pid))
    assert result.exit_code == 0 and "no video yet" in result.stdout
    cover = ws.root / ws.store().read().get(POSTS, pid)["cover"]
    assert open_image(cover).getpixel((540, 1800)) == (0, 0, 0)  # the kit's background
    CLI.refused(ws, 2, "thumb", "post", str(pid), "--at", "1", needles=("has none",))


def test_thumb_post_refusals_change_nothing(ws: Workspace, media: Path) -> None:
    (ws.root / "a.mp4").write_bytes((media / "tall.mp4").read_bytes())
    pid = scheduled(ws, "Clip", video="a.mp4")
    CLI.refused(ws, 1, "thumb", "post", "99", needles=("no post with id 99",))
    CLI.refused(ws, 2, "thumb", "post", str(pid), "--at", "9", needles=("is 0:00:03.0 long",))
    CLI.refused(ws, 2, "thumb", "post", str(pid), "--at", "soon", needles=("not a time",))
    transition(ws, pid, "cancel", now=NOW)
    CLI.refused(ws, 4, "thumb", "post", str(pid), needles=("cancelled",))
    assert not (ws.root / "covers").exists()


def test_batch_covers_scheduled_posts_without_one(ws: Workspace, media: Path) -> None:
    (ws.root / "a.mp4").write_bytes((media / "tall.mp4").read_bytes())
    with_video = scheduled(ws, "With a clip", video="a.mp4")
    plain = scheduled(ws, "Kia ora Tāmaki Makaurau", day=26)
    broken = scheduled(ws, "Lost clip", video="gone.mp4", day=27)
    other_week = scheduled(ws, "Next week", day=30)
    draft = add_post(ws, "Draft", now=NOW, at="2026-11-25 12:00")["id"]
    result = CLI.run(ws, "thumb", "batch", "--week", "2026-11-24", "--jobs", "2", "--json")
    assert result.exit_code == 1  # one post failed; the others have covers
    data = json.loads(result.stdout)
    status = {c["post"]: c["status"] for c in data["covers"]}
    assert status == {with_video: "made", plain: "made", broken: "failed"}
    assert data["attached"] == [with_video, plain]
    failed = next(c for c in data["covers"] if c["post"] == broken)
    assert "gone.mp4 is missing" in failed["error"] and failed["hint"]
    posts = {p["id"]: p for p in ws.store().read().all(POSTS)}
    for pid in (with_video, plain):
        with Image.open(ws.root / posts[pid]["cover"]) as image:
            assert image.size == (1080, 1920)
    assert not posts[broken].get("cover") and not posts[other_week].get("cover") and not posts[draft].get("cover")
    history = CLI.run(ws, "history", "--json").stdout
    assert history.count('"thumb batch"') == 1  # one transaction
    again = batch_covers(ws, now=NOW, jobs=1)  # every week now; those with covers are skipped
    assert again.skipped == 2 and {i.post: i.status for i in again.items} == {broken: "failed", other_week: "made"}


def test_batch_refuses_bad_filters_without_writing(ws: Workspace) -> None:
    scheduled(ws, "One")
    CLI.refused(ws, 1, "thumb", "batch", "--campaign", "Nope", needles=("no campaign named 'Nope'",))
    CLI.refused(ws, 2, "thumb", "batch", "--week", "someday", needles=("someday",))
    assert not (ws.root / "covers").exists()


# -- contact sheets ---------------------------------------------------------------------------------
def test_a_contact_sheet_shows_frames_with_times(media: Path, tmp_path: Path) -> None:
    out = tmp_path / "sheet.png"
    result = CLI.invoke("thumb", "sheet", str(media / "tall.mp4"), "--count", "6", "--width", "120", "-o", str(out),
                        "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["times"] == [0.25, 0.75, 1.25, 1.75, 2.25, 2.75] and data["columns"] == 4
    with Image.open(out) as sheet:
        assert sheet.size == (data["width"], data["height"]) and sheet.width == 4 * (120 + 8) + 8
        tile = sheet.crop((8, 8, 128, 8 + 213)).convert("RGB")
        assert len(set(tile.getdata())) > 20  # a real frame, not the sheet's background
        label = sheet.crop((8, 8 + 213, 128, 8 + 213 + 26)).convert("L")
        assert label.getextrema()[1] > 200  # the time is written under it
    CLI.assert_error(CLI.invoke("thumb", "sheet", str(media / "tall.mp4"), "-o", str(out)), 4, "already exists")
    CLI.assert_error(CLI.invoke("thumb", "sheet", str(media / "tall.mp4"), "--count", "0"), 2, "--count 0")


# -- bad input ------------------------------------------------------------------------------------
def png_header(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` pixels (a decompression bomb's header) and holds almost nothing."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("bomb.png", png_header(30_000, 30_000), "too large to open safely"),
        ("big.png", png_header(10_000, 9_500), "too large to open safely"),  # Pillow itself only warns here
        ("notes.png", b"just some text, not a picture\n", "not an image contentops can read"),
        ("cut.png", None, "cannot be decoded"),
        ("picture.ppm", None, "not an image contentops can read"),  # a real image, in a format not accepted
        ("missing.png", b"", "not found"),
    ],
)
def test_bad_background_images_are_refused_and_nothing_is_written(
    name: str, content: bytes | None, needle: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    if name == "cut.png":
        Image.effect_noise((300, 300), 50).save(path)
        path.write_bytes(path.read_bytes()[:2000])
    elif name == "picture.ppm":
        Image.new("RGB", (50, 50), "red").save(path)
    elif name != "missing.png":
        path.write_bytes(content or b"")
    out = tmp_path / "cover.png"
    result = CLI.invoke("thumb", "make", "--title", "Hi", "--background", str(path), "-o", str(out))
    CLI.assert_error(result, 1, needle)
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != "home")  # home: the isolated $HOME
    assert not out.exists() and left == ([name] if name != "missing.png" else [])
    with pytest.raises(MediaError if name != "missing.png" else NotFoundError, match=needle):
        open_image(path)


def test_a_title_that_cannot_fit_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "c.png"
    out.write_bytes(b"the earlier cover")
    word = "Taumatawhakatangihangakoauauotamateaturipukakapikimaungahoronukupokaiwhenuakitanatahu"
    result = CLI.invoke("thumb", "make", "--title", word, "-o", str(out), "--force")
    CLI.assert_error(result, 2, "does not fit the cover cover even at 56px", "is wider than the text box")
    result = CLI.invoke("thumb", "make", "--title", LONG * 3, "--lines", "2", "-o", str(out), "--force")
    CLI.assert_error(result, 2, "in 2 line(s)", "--lines")
    assert out.read_bytes() == b"the earlier cover"
    with pytest.raises(UsageError, match="needs a title"):
        render_cover("   ", look())


def test_missing_font_and_logo_files_are_refused(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "c.png"
    (ws.assets_dir / "brand.toml").write_text('[fonts]\nheading = "Gone.ttf"\n', encoding="utf-8")
    result = CLI.run(ws, "thumb", "make", "--title", "Hi", "-o", str(out))
    CLI.assert_error(result, 1, "heading font", "Gone.ttf is missing")
    (ws.assets_dir / "brand.toml").write_text('[logo]\nfile = "gone.png"\n', encoding="utf-8")
    CLI.assert_error(CLI.run(ws, "thumb", "make", "--title", "Hi", "-o", str(out)), 1, "logo", "gone.png")
    assert CLI.run(ws, "thumb", "make", "--title", "Hi", "-o", str(out), "--no-logo").exit_code == 0
    assert out.is_file()


def test_output_names_are_checked_first(tmp_path: Path) -> None:
    CLI.assert_error(CLI.invoke("thumb", "make", "--title", "Hi", "-o", str(tmp_path / "c.gif")), 2, ".png")
    (tmp_path / "c.png").write_bytes(b"keep")
    CLI.assert_error(CLI.invoke("thumb", "make", "--title", "Hi", "-o", str(tmp_path / "c.png")), 4, "--force")
    CLI.assert_error(CLI.invoke("thumb", "make", "--title", "Hi", "--template", "story"), 2, "unknown template")
    CLI.assert_error(CLI.invoke("thumb", "make", "--title", "Hi", "--at", "3"), 2, "--at picks a frame of --video")
    assert (tmp_path / "c.png").read_bytes() == b"keep"


def test_the_default_output_name_comes_from_the_title(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = make_cover(None, "Tēnā koutou: Summer!", template="square")
    assert result.output == Path("tena-koutou-summer-square.png") and (tmp_path / result.output).is_file()


def test_post_cover_library_call_needs_a_post(ws: Workspace) -> None:
    with pytest.raises(NotFoundError, match="no post with id 5"):
        post_cover(ws, 5, now=NOW)


def test_ctrl_c_in_a_batch_keeps_and_attaches_the_covers_made(ws: Workspace) -> None:
    ids = [scheduled(ws, f"Post {n}", day=24 + n) for n in range(4)]

    def stop_after_two(item: object, done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    report = batch_covers(ws, now=NOW, jobs=1, progress=stop_after_two)
    assert report.interrupted and report.attached == ids[:2]
    assert [i.status for i in report.items] == ["made", "made", "pending", "pending"]
    posts = {p["id"]: p for p in ws.store().read().all(POSTS)}
    assert [bool(posts[i].get("cover")) for i in ids] == [True, True, False, False]
    assert sorted(p.name for p in (ws.root / "covers").iterdir()) == ["post-1-post-0.png", "post-2-post-1.png"]
