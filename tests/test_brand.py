"""The brand kit (contentops.brand, media.kit, ``brand show`` and ``brand check``): defaults, overrides, every
problem named by its key, exit 3 on problems, and the kits a new workspace and this repository hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import Cli
from PIL import Image

from contentops.brand import brand_problems, default_kit_dir, load_brand
from contentops.errors import WorkspaceError
from contentops.media.fonts import default_font
from contentops.media.kit import check_kit
from contentops.workspace import Workspace, find_workspace, init_workspace

CLI = Cli(None, require_hint=True)
ROOT = Path(__file__).resolve().parent.parent


def write_kit(ws: Workspace, text: str) -> None:
    (ws.assets_dir / "brand.toml").write_text(text, encoding="utf-8")


def test_a_new_workspace_gets_a_complete_kit_with_its_name_handle_and_logo(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "new", handle="@kiwi.brand", name="Kiwi Brand")
    kit = load_brand(ws)
    assert (kit.name, kit.handle) == ("Kiwi Brand", "@kiwi.brand")
    assert kit.logo == ws.assets_dir / "logo.png"
    assert kit.logo.read_bytes() == (default_kit_dir() / "logo.png").read_bytes()
    assert set(kit.colours) == {"primary", "secondary", "accent", "text", "background"}
    assert dict(kit.safe_zone) == {"top": 250, "bottom": 500, "left": 120, "right": 180}
    assert check_kit(ws)[1] == []
    text = (ws.assets_dir / "brand.toml").read_text(encoding="utf-8")
    assert 'name = "Kiwi Brand"' in text and 'handle = "@kiwi.brand"' in text and "[captions]" in text


def test_the_repository_kit_is_complete_and_data_only() -> None:
    ws = find_workspace(str(ROOT))
    kit, problems = check_kit(ws)
    assert problems == [] and kit.logo == ROOT / "assets" / "logo.png" and kit.handle == "@brand.anz"
    with Image.open(kit.logo) as logo:
        assert logo.mode in ("RGBA", "P") and min(logo.size) >= 256 and logo.info.get("transparency") is not None
    assert not list((ROOT / "assets").rglob("*.py"))


def test_keys_left_out_come_from_the_packaged_kit_and_the_handle_from_the_workspace(ws: Workspace) -> None:
    write_kit(ws, '[colours]\naccent = "#00ff00"\n[captions]\nsize = 90\n')
    kit = load_brand(ws)
    assert kit.colours["accent"] == "#00FF00" and kit.colours["primary"] == "#FE2C55"
    assert kit.caption_size == 90 and kit.caption_stroke == 5
    assert kit.handle == "@brand.anz"  # account.handle of contentops.toml
    assert kit.logo is None and kit.heading_font is None and kit.name == "Your brand"
    packaged = load_brand(None)
    assert packaged.packaged and packaged.handle == "" and packaged.logo == default_kit_dir() / "logo.png"


@pytest.mark.parametrize(
    ("toml", "key", "needle"),
    [
        ('[colours]\naccent = "green"\n', "colours.accent", "'green' is not a colour"),
        ('[captions]\nhighlight = "#12345"\n', "captions.highlight", "is not a colour"),
        ("[captions]\nsize = 500\n", "captions.size", "from 20 to 200"),
        ('handle = "not a handle!"\n', "handle", "is not a TikTok handle"),
        ("name = 3\n", "name", "must be text"),
        ("[safe_zone]\ntop = 900\nbottom = 900\n", "safe_zone", "leave 780x120 px"),
        ("[safe_zone]\nleft = 500\nright = 400\n", "safe_zone", "leave 180x1170 px"),
        ('[logo]\ncorner = "centre"\n', "logo.corner", "'centre' is not one of"),
        ("fonts = 1\n", "fonts", "[fonts] must be a table"),
    ],
)
def test_each_mistake_is_named_by_its_key(ws: Workspace, toml: str, key: str, needle: str) -> None:
    write_kit(ws, toml)
    _, problems = brand_problems(ws)
    assert [(p.key, needle in p.message) for p in problems] == [(key, True)] and problems[0].hint
    with pytest.raises(WorkspaceError) as caught:
        load_brand(ws)
    assert f"{key}: " in caught.value.message and needle in caught.value.message
    result = CLI.run(ws, "brand", "check")
    assert result.exit_code == 3 and key in result.stdout and needle in result.stdout
    assert "has 1 problem" in result.stderr


def test_check_lists_every_problem_with_files_and_typos(ws: Workspace) -> None:
    (ws.assets_dir / "fonts").mkdir()
    (ws.assets_dir / "fonts" / "Broken.ttf").write_bytes(b"not a font at all")
    (ws.assets_dir / "tiny.png").write_bytes(b"GIF89a no really")
    write_kit(
        ws,
        'colors = {primary = "#000000"}\n[colours]\nprimary = "pink"\n[fonts]\nheading = "Broken.ttf"\n'
        'body = "Gone.otf"\n[logo]\nfile = "tiny.png"\nmargn = 3\n[language]\nbanned_words = "cheap"\n',
    )
    result = CLI.run(ws, "brand", "check", "--json")
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    found = {p["key"]: p for p in data["problems"]}
    assert set(found) == {"colors", "logo.margn", "colours.primary", "fonts.heading", "fonts.body", "logo.file",
                          "language"}  # fmt: skip
    assert "did you mean 'colours'" in found["colors"]["hint"] and "'margin'" in found["logo.margn"]["hint"]
    assert "not a font Pillow can read" in found["fonts.heading"]["message"]
    assert "Gone.otf is missing" in found["fonts.body"]["message"]
    assert "not an image" in found["logo.file"]["message"]
    assert "banned_words" in found["language"]["message"]
    assert data["ok"] is False


def test_a_tiny_or_missing_logo_is_a_problem(ws: Workspace) -> None:
    Image.new("RGBA", (8, 8)).save(ws.assets_dir / "mark.png")
    write_kit(ws, '[logo]\nfile = "mark.png"\n')
    assert [p.key for p in check_kit(ws)[1]] == ["logo.file"]
    write_kit(ws, '[logo]\nfile = "nope.png"\n')
    assert "nope.png is missing" in check_kit(ws)[1][0].message


def test_brand_show_renders_swatches_fonts_logo_and_safe_zone(ws: Workspace) -> None:
    (ws.assets_dir / "fonts").mkdir()
    (ws.assets_dir / "fonts" / "Brand.ttf").write_bytes(default_font().read_bytes())
    write_kit(ws, 'name = "Brand ANZ"\n[fonts]\nbody = "Brand.ttf"\n[logo]\nfile = "logo.png"\n')
    result = CLI.run(ws, "brand", "show")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Brand ANZ" in out and "@brand.anz" in out and "#FE2C55" in out and "Accent" in out
    assert "Noto Sans Bold (built in)" in out and "Noto Sans" in out and "Brand.ttf" in out
    assert "256x256 px" in out and "194 px wide" in out and "leaves 780x1170" in out
    data = json.loads(CLI.run(ws, "brand", "show", "--json").stdout)
    assert data["fonts"]["body"].endswith("Brand.ttf") and data["fonts"]["heading"] is None
    assert data["problems"] == 0 and data["captions"]["size"] == 80 and data["logo"]["corner"] == "top-right"


def test_brand_show_outside_a_workspace_shows_the_built_in_kit(tmp_path: Path) -> None:
    result = CLI.invoke("brand", "show", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["packaged"] is True
    assert CLI.invoke("brand", "check").exit_code == 0


def test_a_kit_with_problems_still_shows_and_says_so(ws: Workspace) -> None:
    write_kit(ws, '[colours]\ntext = "white"\n')
    result = CLI.run(ws, "brand", "show")
    assert result.exit_code == 0 and "1 problem" in result.stderr and "brand check" in result.stderr
