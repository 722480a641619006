"""The caption font, shipped in this package: DejaVu Sans Bold (Bitstream Vera licence, see
`assets/LICENSE-DejaVu.txt`). Its directory is passed to libass as `fontsdir`, so captions never
depend on a font the machine happens to have."""

from importlib import resources
from pathlib import Path

FONT_FILE = "DejaVuSans-Bold.ttf"


def fonts_dir() -> Path:
    """The directory holding only the caption font (so libass loads nothing else from it)."""
    return Path(str(resources.files("viralclip_render") / "assets" / "fonts"))
