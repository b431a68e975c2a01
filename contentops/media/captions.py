"""Captions burned into 9:16 video: SRT cues -> an ASS document that libass renders.

All sizes are output pixels: the document's PlayResX/PlayResY are the output frame's size, and
``CaptionStyle.size`` is the line height (the ASS font size). Text stays inside the safe zone that
TikTok's buttons and description leave free: libass wraps each line between the left and right
margins, captions sit bottom-centre above the bottom margin, and a cue too tall for the space
between the top and bottom margins is set smaller (down to ``min_size``) or refused.

Characters the caption font lacks (emoji, or macrons in a brand font without them) are set in the
first fallback font that has them, with explicit ``\\fn`` switches, because libass only falls back
to system fonts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from ..errors import NotFoundError, UsageError
from .fonts import ass_em_ratio, default_font, emoji_font, font_family, has_glyph, load_font

Mode = Literal["static", "words"]
MODES = ("static", "words")
COLOUR = re.compile(r"#?([0-9A-Fa-f]{6})")
# Code points that belong to the emoji (or letter) before them: zero-width joiner, variation selectors,
# skin tones, tag characters (flags of subdivisions).
JOINERS = re.compile("[\u200d\ufe0e\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")


@dataclass(frozen=True)
class Cue:
    """One caption: seconds from the start of the clip, and its text (``\\n`` = a forced line break)."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class SafeZone:
    """Margins in output pixels that TikTok's interface covers (defaults for a 1080x1920 frame)."""

    top: int = 250
    bottom: int = 500
    left: int = 120
    right: int = 180


@dataclass(frozen=True)
class CaptionStyle:
    """How captions look. ``font`` None = the packaged default (Noto Sans); colours are ``#RRGGBB``."""

    font: Path | None = None
    size: int = 80
    min_size: int = 40
    colour: str = "#FFFFFF"
    highlight: str = "#FE2C55"
    outline_colour: str = "#000000"
    outline: int = 5
    safe_zone: SafeZone = field(default_factory=SafeZone)

    @property
    def font_path(self) -> Path:
        return self.font or default_font()

    @property
    def fonts(self) -> tuple[Path, ...]:
        """The caption font, then the fallbacks for the characters it lacks."""
        chain = [self.font_path, default_font(), emoji_font()]
        return tuple(dict.fromkeys(p for p in chain if p is not None))

    def scaled(self, factor: float) -> CaptionStyle:
        """The same style for a frame ``factor`` times the size (e.g. 0.5 for a 540x960 preview)."""
        zone = self.safe_zone
        return replace(
            self,
            size=round(self.size * factor),
            min_size=round(self.min_size * factor),
            outline=round(self.outline * factor),
            safe_zone=SafeZone(*(round(v * factor) for v in (zone.top, zone.bottom, zone.left, zone.right))),
        )


def ass_colour(value: str) -> str:
    """``#RRGGBB`` -> ASS ``&H00BBGGRR`` (alpha 00 = opaque)."""
    m = COLOUR.fullmatch(value.strip())
    if not m:
        raise UsageError(f"colour {value!r} is not #RRGGBB", hint='write colours like "#FE2C55"')
    rgb = m.group(1).upper()
    return f"&H00{rgb[4:6]}{rgb[2:4]}{rgb[0:2]}"


# --- SRT -------------------------------------------------------------------------------------------


def parse_srt(source: Path | str) -> list[Cue]:
    """Cues of an SRT file (a Path) or of SRT text (a str); mistakes name the line and cue."""
    import srt

    label = "SRT"
    if isinstance(source, Path):
        label = str(source)
        try:
            text = source.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise NotFoundError(f"{source} not found", hint="check the path of the --srt file") from None
        except UnicodeDecodeError:
            raise UsageError(f"{source} is not UTF-8 text", hint="save the subtitles as UTF-8 .srt") from None
    else:
        text = source.removeprefix("\ufeff")
    cues: list[Cue] = []
    subtitles = srt.parse(text)
    while True:
        try:
            sub = next(subtitles)
        except StopIteration:
            break
        except srt.SRTParseError as exc:
            line = text.count("\n", 0, exc.expected_start) + 1
            bad = exc.unmatched_content.strip().splitlines()
            raise UsageError(
                f"{label} line {line} (cue {len(cues) + 1}): not an SRT cue: {' / '.join(bad[:2])!r}",
                hint="each cue is a number, a line 'HH:MM:SS,mmm --> HH:MM:SS,mmm', its text and a blank line",
            ) from None
        cues.append(Cue(sub.start.total_seconds(), sub.end.total_seconds(), sub.content.strip()))
    if not cues:
        raise UsageError(f"{label} has no cues", hint="an SRT cue is a number, a time line and text")
    check_cues(cues, label)
    return cues


def check_cues(cues: Sequence[Cue], label: str = "captions") -> None:
    """Refuse empty, backwards, blank or overlapping cues (overlapping captions would stack up the frame)."""
    if not cues:
        raise UsageError(f"{label}: no captions", hint="give a caption text or an SRT file with cues")
    for n, cue in enumerate(cues, 1):
        if cue.start < 0 or cue.end <= cue.start:
            raise UsageError(
                f"{label} cue {n}: ends at {_srt_time(cue.end)}, not after it starts at {_srt_time(cue.start)}",
                hint="each cue's end time must be later than its start time",
            )
        if not cue.text.strip():
            raise UsageError(f"{label} cue {n} has no text", hint="remove the empty cue or give it text")
        if n > 1 and cue.start < cues[n - 2].end:
            raise UsageError(
                f"{label} cue {n} starts at {_srt_time(cue.start)}, before cue {n - 1} ends at "
                f"{_srt_time(cues[n - 2].end)}",
                hint="put cues in time order without overlaps (merge the texts that show together)",
            )


def _srt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


# --- layout ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    char: str
    ass: str  # the character as ASS text (escaped)
    font: int  # index into CaptionStyle.fonts
    word: int | None  # index of the word it belongs to; None for spaces and line breaks


def _escape(char: str) -> str:
    if char == "\\":
        return "\\\u2060"  # a word joiner keeps "\N", "\h" and "\{" in the text literal
    if char in "{}":
        return "\\" + char
    return "\\N" if char == "\n" else char


def tokenize(text: str, fonts: Sequence[Path]) -> list[Token]:
    tokens: list[Token] = []
    word = -1
    in_word = False
    for char in "\n".join(" ".join(line.split()) for line in text.strip().splitlines()):
        space = char in " \n"
        if not space and not in_word:
            word += 1
        in_word = not space
        if space:
            font = 0  # the caption font's space, also between two fallback runs
        elif JOINERS.fullmatch(char) and tokens:
            font = tokens[-1].font
        else:
            covered = char if char != "\\" else "\u2060"
            font = next((i for i, path in enumerate(fonts) if has_glyph(path, covered)), 0)
        tokens.append(Token(char, _escape(char), font, None if space else word))
    return tokens


def split_lines(tokens: Sequence[Token]) -> list[list[Token]]:
    lines: list[list[Token]] = [[]]
    for token in tokens:
        if token.char == "\n":
            lines.append([])
        else:
            lines[-1].append(token)
    return lines


def text_width(tokens: Sequence[Token], fonts: Sequence[Path], size: int) -> float:
    """Advance width in pixels, measured run by run with the font libass will use."""
    total = 0.0
    run: list[str] = []
    for i, token in enumerate(tokens):
        run.append(token.char)
        if i + 1 == len(tokens) or tokens[i + 1].font != token.font:
            path = fonts[token.font]
            total += load_font(path, size * ass_em_ratio(path)).getlength("".join(run))
            run = []
    return total


def split_words(line: Sequence[Token]) -> list[list[Token]]:
    words: list[list[Token]] = []
    for token in line:
        if token.word is None:
            words.append([])
        elif words and words[-1]:
            words[-1].append(token)
        else:
            words.append([token])
    return [w for w in words if w]


def _line_count(tokens: Sequence[Token], fonts: Sequence[Path], size: int, room: float) -> int:
    """Lines libass makes by wrapping at spaces; raises ValueError when a single word is wider than ``room``."""
    space = text_width([Token(" ", " ", 0, None)], fonts, size)
    count = 0
    for line in split_lines(tokens):
        count += 1
        used = None
        for word in split_words(line):
            width = text_width(word, fonts, size)
            if width > room:
                raise ValueError("".join(t.char for t in word))
            if used is not None and used + space + width <= room:
                used += space + width
            else:
                count += used is not None
                used = width
    return count


def fit_size(text: str, style: CaptionStyle, width: int = 1080, height: int = 1920) -> int:
    """The largest size from ``style.size`` down to ``style.min_size`` at which ``text`` fits the safe zone."""
    return fit_tokens(tokenize(text, style.fonts), style, width, height)


def fit_tokens(tokens: Sequence[Token], style: CaptionStyle, width: int, height: int) -> int:
    fonts = style.fonts
    zone, pad = style.safe_zone, style.outline
    # 2 % less room than libass has, so a rounding difference can only add a line here, never there.
    room = (width - zone.left - zone.right - 2 * pad) * 0.98
    tall = height - zone.top - zone.bottom - 2 * pad
    too_wide = ""
    for size in range(style.size, style.min_size - 1, -2):
        try:
            if _line_count(tokens, fonts, size, room) * size <= tall:
                return size
        except ValueError as exc:
            too_wide = str(exc)
    reason = f"the word {too_wide!r} is wider than the safe zone" if too_wide else "it is too tall for the safe zone"
    raise UsageError(
        f"caption {snippet(''.join(t.char for t in tokens))!r} does not fit even at {style.min_size}px: {reason}",
        hint="shorten the text, split it into shorter cues (--srt), or lower the caption size",
    )


def snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 40 else flat[:39] + "…"


# --- ASS -------------------------------------------------------------------------------------------


def _ass_time(seconds: float) -> str:
    cs = round(seconds * 100)
    return f"{cs // 360_000}:{cs // 6000 % 60:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}"


def _text(tokens: Sequence[Token], families: Sequence[str], colours: tuple[str, str], lit: int | None) -> str:
    """ASS text with font switches for fallback runs and the highlight colour on word ``lit``."""
    out: list[str] = []
    font, colour = 0, colours[0]
    for token in tokens:
        tags = ""
        if token.font != font:
            font = token.font
            tags += f"\\fn{families[font]}"
        want = colours[1] if token.word is not None and token.word == lit else colours[0]
        if token.word is not None and want != colour:
            colour = want
            tags += f"\\1c{want}"
        out.append(f"{{{tags}}}{token.ass}" if tags else token.ass)
    return "".join(out)


def word_times(tokens: Sequence[Token], start: float, end: float) -> Iterator[tuple[int, float, float]]:
    """Each word's share of the cue, by its length; boundaries on centiseconds so events touch."""
    lengths: dict[int, int] = {}
    for token in tokens:
        if token.word is not None:
            lengths[token.word] = lengths.get(token.word, 0) + 1
    total = sum(n + 1 for n in lengths.values())
    done = 0
    for word, n in lengths.items():
        a = round((start + (end - start) * done / total) * 100) / 100
        done += n + 1
        b = round((start + (end - start) * done / total) * 100) / 100
        yield word, a, b


def build_ass(
    cues: Sequence[Cue], style: CaptionStyle, width: int = 1080, height: int = 1920, mode: Mode = "static"
) -> str:
    """A complete ASS document for ``cues`` on a ``width`` x ``height`` frame.

    ``mode="words"`` shows each cue whole and highlights the word being said, one event per word
    (the cue's time shared by word length). A cue that does not fit gets a smaller ``\\fs``.
    """
    if mode not in MODES:
        raise UsageError(f"unknown caption style {mode!r}", hint="use static or words")
    check_cues(cues)
    zone, pad = style.safe_zone, style.outline
    if width - zone.left - zone.right - 2 * pad < style.min_size or height - zone.top - zone.bottom < style.min_size:
        raise UsageError(
            f"the safe zone leaves no room for captions on a {width}x{height} frame",
            hint="lower the safe-zone margins",
        )
    fonts = style.fonts
    families = [font_family(p) for p in fonts]
    colours = (ass_colour(style.colour), ass_colour(style.highlight))
    events = []
    for cue in cues:
        tokens = tokenize(cue.text, fonts)
        size = fit_tokens(tokens, style, width, height)
        prefix = f"{{\\fs{size}}}" if size != style.size else ""
        if mode == "static":
            spans = [(None, cue.start, cue.end)]
        else:
            spans = [(w, a, b) for w, a, b in word_times(tokens, cue.start, cue.end) if b > a]
        for lit, a, b in spans:
            text = prefix + _text(tokens, families, colours, lit)
            events.append(f"Dialogue: 0,{_ass_time(a)},{_ass_time(b)},Caption,,0,0,0,,{text}")
    margins = f"{zone.left + pad},{zone.right + pad},{zone.bottom + pad}"
    style_line = (
        f"Style: Caption,{families[0]},{style.size},{colours[0]},{colours[1]},{ass_colour(style.outline_colour)},"
        f"&H80000000,0,0,0,0,100,100,0,0,1,{style.outline},0,2,{margins},1"
    )
    return "\n".join(
        [
            "[Script Info]",
            "; Made by contentops: sizes are output pixels, text stays inside the safe zone.",
            "ScriptType: v4.00+",
            f"PlayResX: {width}",
            f"PlayResY: {height}",
            "WrapStyle: 0",
            "ScaledBorderAndShadow: yes",
            "YCbCr Matrix: None",
            "",
            "[V4+ Styles]",
            "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
            "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, "
            "Alignment, MarginL, MarginR, MarginV, Encoding",
            style_line,
            "",
            "[Events]",
            "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
            *events,
            "",
        ]
    )
