"""Captions: SRT parsing, the ASS document, and real renders through the bundled ffmpeg (libass)."""

from __future__ import annotations

import itertools
import shutil
import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest

from contentops.errors import NotFoundError, UsageError
from contentops.media.captions import CaptionStyle, Cue, SafeZone, ass_colour, build_ass, fit_size, parse_srt
from contentops.media.fonts import default_font, emoji_font, font_dir_for, font_family

GOOD_SRT = """\ufeff1
00:00:00,000 --> 00:00:01,500
Kia ora

2
00:00:01,500 --> 00:00:03,250
Tāmaki
Makaurau
"""
MACRONS = "āēīōūĀĒĪŌŪ"
MISSING = "\ue000"  # a private-use code point no font maps: libass draws the missing-glyph box


def _render(tmp_path: Path, doc: str, size: str, seconds: int = 1) -> list:
    """One frame per second of ``doc`` on a grey frame (sampled mid-second), as Pillow images."""
    from PIL import Image

    (tmp_path / "cap.ass").write_text(doc, encoding="utf-8")
    fonts = font_dir_for(None)
    cmd = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"color=c=gray:s={size}:r=2:d={seconds}",
        "-vf", f"subtitles=cap.ass:fontsdir={fonts},select=mod(n\\,2)", "-fps_mode", "passthrough",
        "-frames:v", str(seconds), "frame%02d.png",
    ]  # fmt: skip
    subprocess.run(cmd, cwd=tmp_path, check=True, capture_output=True, timeout=60)
    return [Image.open(tmp_path / f"frame{i:02d}.png").convert("L") for i in range(1, seconds + 1)]


def _ink(frame):
    """Bounding box of everything the captions drew (fill and outline) on the grey background."""
    return frame.point(lambda v: 255 if abs(v - 128) > 12 else 0).getbbox()


def _line_count(frame) -> int:
    mask = frame.point(lambda v: 255 if v > 200 else 0)  # the white fill only
    rows = [y for y in range(mask.height) if mask.crop((0, y, mask.width, y + 1)).getbbox()]
    return 1 + sum(1 for a, b in itertools.pairwise(rows) if b - a > 8)


# --- SRT -------------------------------------------------------------------------------------------


def test_parse_srt_text_and_file(tmp_path: Path) -> None:
    cues = parse_srt(GOOD_SRT)
    assert cues == [Cue(0.0, 1.5, "Kia ora"), Cue(1.5, 3.25, "Tāmaki\nMakaurau")]
    path = tmp_path / "caps.srt"
    path.write_text(GOOD_SRT, encoding="utf-8")
    assert parse_srt(path) == cues


def test_parse_srt_names_the_line_and_cue_of_a_malformed_cue() -> None:
    bad = GOOD_SRT.replace("00:00:01,500 --> 00:00:03,250", "00:00:01,500 -> 00:00:03,250")
    with pytest.raises(UsageError, match=r"line 5 \(cue 2\): not an SRT cue") as exc:
        parse_srt(bad)
    assert "-->" in (exc.value.hint or "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1\n00:00:05,000 --> 00:00:02,000\nBackwards\n", r"cue 1: ends at 00:00:02,000, not after it starts"),
        (GOOD_SRT.replace("01,500 --> 00:00:03", "01,000 --> 00:00:03"), r"cue 2 starts at .* before cue 1"),
        ("1\n00:00:00,000 --> 00:00:01,000\n\n", r"cue 1 has no text"),
        ("", r"has no cues"),
    ],
)
def test_parse_srt_refuses_bad_timing(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_srt(text)


def test_parse_srt_bad_files(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match=r"nope\.srt not found"):
        parse_srt(tmp_path / "nope.srt")
    utf16 = tmp_path / "utf16.srt"
    utf16.write_bytes("1\n00:00:00,000 --> 00:00:01,000\nTāmaki\n".encode("utf-16"))
    with pytest.raises(UsageError, match="not UTF-8"):
        parse_srt(utf16)


# --- ASS document ----------------------------------------------------------------------------------


def test_colours_convert_to_ass_order() -> None:
    assert ass_colour("#FE2C55") == "&H00552CFE"
    assert ass_colour("25f4ee") == "&H00EEF425"
    with pytest.raises(UsageError, match="not #RRGGBB"):
        ass_colour("red")


def test_document_uses_output_pixels_safe_zone_and_brand_colours() -> None:
    style = CaptionStyle(size=72, colour="#FFFFFF", highlight="#25F4EE", outline_colour="#111111", outline=4)
    doc = build_ass([Cue(0, 2.5, "Hi")], style, width=1080, height=1920)
    assert "PlayResX: 1080\nPlayResY: 1920\nWrapStyle: 0\n" in doc
    style_line = next(line for line in doc.splitlines() if line.startswith("Style: "))
    fields = style_line.removeprefix("Style: ").split(",")
    assert fields[1:6] == ["Noto Sans", "72", "&H00FFFFFF", "&H00EEF425", "&H00111111"]
    # alignment 2 = bottom centre; margins = safe zone + outline: left 120, right 180, bottom 500
    assert fields[16:22] == ["4", "0", "2", "124", "184", "504"]
    assert doc.splitlines()[-1] == "Dialogue: 0,0:00:00.00,0:00:02.50,Caption,,0,0,0,,Hi"


def test_user_text_cannot_inject_ass_tags() -> None:
    doc = build_ass([Cue(0, 1, r"{\fs200}C:\New \h path")], CaptionStyle())
    text = doc.splitlines()[-1].split(",,", 2)[-1].split(",", 4)[-1]
    assert text == "\\{\\\u2060fs200\\}C:\\\u2060New \\\u2060h path"
    assert "\\N" not in text and "\\h" not in text


def test_characters_the_font_lacks_switch_to_a_fallback_font() -> None:
    assert emoji_font() is not None
    doc = build_ass([Cue(0, 1, "Kia ora 🎉 Tāmaki")], CaptionStyle())
    assert doc.endswith("Kia ora {\\fnNoto Emoji}🎉{\\fnNoto Sans} Tāmaki\n")
    # a brand font without letters (here: the emoji font) gets its letters from the default font
    doc = build_ass([Cue(0, 1, "ā🎉")], CaptionStyle(font=emoji_font()))
    assert ",Noto Emoji,80," in doc and doc.endswith(",,{\\fnNoto Sans}ā{\\fnNoto Emoji}🎉\n")


def test_word_mode_highlights_each_word_in_turn() -> None:
    style = CaptionStyle(colour="#FFFFFF", highlight="#FE2C55")
    doc = build_ass([Cue(1, 3, "Kia ora koutou"), Cue(3, 4, "Mōrena")], style, mode="words")
    events = [line for line in doc.splitlines() if line.startswith("Dialogue:")]
    times = [tuple(e.split(",")[1:3]) for e in events]
    assert times[0][0] == "0:00:01.00" and times[2][1] == "0:00:03.00" and times[3] == ("0:00:03.00", "0:00:04.00")
    assert all(a[1] == b[0] for a, b in itertools.pairwise(times))  # no gap, no flicker
    texts = [e.split(",,0,0,0,,")[1] for e in events]
    assert texts[0] == "{\\1c&H00552CFE}Kia {\\1c&H00FFFFFF}ora koutou"
    assert texts[1] == "Kia {\\1c&H00552CFE}ora {\\1c&H00FFFFFF}koutou"
    assert texts[2] == "Kia ora {\\1c&H00552CFE}koutou"
    with pytest.raises(UsageError, match="unknown caption style"):
        build_ass([Cue(0, 1, "x")], style, mode="karaoke")  # type: ignore[arg-type]


def test_long_cue_shrinks_then_refuses() -> None:
    style = CaptionStyle()
    assert fit_size("Short", style) == style.size
    long_text = "Summer sale on now across Aotearoa and Australia " * 12
    size = fit_size(long_text, style)
    assert style.min_size <= size < style.size
    assert f"{{\\fs{size}}}" in build_ass([Cue(0, 1, long_text)], style)
    with pytest.raises(UsageError, match="does not fit even at 40px: it is too tall") as exc:
        fit_size(long_text * 4, style)
    assert "split it into shorter cues" in (exc.value.hint or "")
    with pytest.raises(UsageError, match=r"the word 'W{10}.*' is wider than the safe zone"):
        fit_size("W" * 60, style)


# --- fonts -----------------------------------------------------------------------------------------


def test_default_fonts_are_packaged_with_their_licence() -> None:
    assert font_family(default_font()) == "Noto Sans"
    assert emoji_font() is not None and font_family(emoji_font()) == "Noto Emoji"
    dist = default_font().parent.parent
    assert any("SIL Open Font License" in p.read_text() for p in dist.glob("manimgx_fonts-*.dist-info/licenses/*"))


def test_font_dir_for_a_brand_font(tmp_path: Path) -> None:
    brand = tmp_path / "Brand.ttf"
    shutil.copyfile(emoji_font(), brand)
    folder = font_dir_for(brand)
    assert sorted(font_family(p) for p in folder.iterdir()) == ["Noto Emoji", "Noto Emoji", "Noto Sans"]
    assert font_dir_for(brand) == folder  # built once


# --- real renders ----------------------------------------------------------------------------------


def test_render_full_size_stays_inside_the_safe_zone(tmp_path: Path) -> None:
    long_text = "Kia ora Tāmaki Makaurau! Our summer range lands this Friday in every store across Aotearoa 🎉"
    doc = build_ass([Cue(0, 1, "Kia ora"), Cue(1, 2, long_text)], CaptionStyle(), 1080, 1920)
    short, long = _render(tmp_path, doc, "1080x1920", seconds=2)
    zone = SafeZone()
    for frame in (short, long):
        left, top, right, bottom = _ink(frame)
        assert left >= zone.left and right <= 1080 - zone.right
        assert top >= zone.top and bottom <= 1920 - zone.bottom
        assert bottom > 1920 - zone.bottom - 40  # sits on the bottom margin, not somewhere else
    assert _line_count(short) == 1
    assert _line_count(long) >= 3


def test_render_shrunk_cue_at_half_size_stays_inside(tmp_path: Path) -> None:
    style = CaptionStyle().scaled(0.5)
    text = "Summer sale on now across Aotearoa and Australia " * 12
    assert fit_size(text, style, 540, 960) < style.size
    (frame,) = _render(tmp_path, build_ass([Cue(0, 1, text)], style, 540, 960), "540x960")
    left, top, right, bottom = _ink(frame)
    zone = style.safe_zone
    assert left >= zone.left and right <= 540 - zone.right and top >= zone.top and bottom <= 960 - zone.bottom


def test_render_macrons_and_emoji_with_real_glyphs(tmp_path: Path) -> None:
    chars = [*MACRONS, "🎉", MISSING]
    cues = [Cue(i, i + 1, ch) for i, ch in enumerate(chars)]
    frames = _render(tmp_path, build_ass(cues, CaptionStyle().scaled(0.5), 540, 960), "540x960", len(chars))
    *glyphs, box = frames
    box_ink = box.crop(_ink(box)).tobytes()
    for ch, frame in zip(chars, glyphs, strict=False):
        ink = _ink(frame)
        assert ink is not None, f"{ch!r} drew nothing"
        assert frame.crop(ink).tobytes() != box_ink, f"{ch!r} drew the missing-glyph box"
