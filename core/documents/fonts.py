"""The PDF font: Noto Sans CJK SC cut down to the common characters.

Every PDF embeds a subset of the fonts it uses, and WeasyPrint makes that
subset (HarfBuzz) from the whole font each time: for Noto Sans CJK, 65,535
glyphs in a 19 MB collection, that is 0.05–0.1 s of every document however
short (measured), plus the work of compressing the result.  This module
writes, once, a copy of the Simplified Chinese face holding only the GB 2312
characters (the 6,763 hanzi of everyday Simplified Chinese, plus Latin,
punctuation and full-width forms): about 8,000 glyphs, so subsetting it is
several times faster and documents are about 200 KB smaller.

Nothing is lost: ``print.css`` names this font first and the full Noto Sans
CJK SC second, so a character outside GB 2312 (a rare character in a name,
say 喆 or 𠮷) is drawn from the full font.  Without the files (a set-up that
skipped ``python -m core.documents.fonts``), every document simply uses the
full font.  The set-up script writes them next to this package's static
files; the licence (SIL Open Font License 1.1) goes with them.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
FILES = {"Regular": "QudaoSansSC-Regular.otf", "Bold": "QudaoSansSC-Bold.otf"}
SYSTEM_FONT = "Noto Sans CJK SC:style={style}"
LICENSE_SOURCE = Path("/usr/share/doc/fonts-noto-cjk/copyright")


def charset() -> set[int]:
    """GB 2312 (all 87 rows) plus Latin-1, general punctuation, CJK symbols
    and full-width forms."""
    chars: set[int] = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((hi, lo)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    for lo, hi in ((0x20, 0x7E), (0xA0, 0x17F), (0x2000, 0x206F), (0x20A0, 0x20BF),
                   (0x2100, 0x214F), (0x2190, 0x21FF), (0x2460, 0x24FF), (0x2500, 0x257F),
                   (0x3000, 0x303F), (0xFF00, 0xFFEF)):
        chars.update(range(lo, hi + 1))
    return chars


def _system_font(style: str) -> tuple[Path, int]:
    out = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", SYSTEM_FONT.format(style=style)],
                         capture_output=True, text=True, check=True, timeout=30).stdout.split("\n")
    path = Path(out[0])
    if "NotoSansCJK" not in path.name and "NotoSansSC" not in path.name:
        raise FileNotFoundError(f"Noto Sans CJK SC {style} is not installed (fc-match gave {path})")
    return path, int(out[1] or 0)


def build(force: bool = False, log=print) -> list[Path]:
    """Write the common-character fonts (if missing, or with ``force``)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    FONT_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    wanted = charset()
    for style, name in FILES.items():
        target = FONT_DIR / name
        if target.exists() and not force:
            continue
        source, index = _system_font(style)
        log(f"writing {target.name} from {source.name} (face {index})")
        font = TTFont(str(source), fontNumber=index, lazy=True)
        options = subset.Options()
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.glyph_names = False
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=wanted)
        subsetter.subset(font)
        tmp = target.with_suffix(".tmp")
        font.save(str(tmp))
        tmp.replace(target)
        written.append(target)
    if LICENSE_SOURCE.exists():
        shutil.copyfile(LICENSE_SOURCE, FONT_DIR / "LICENSE-NotoSansCJK.txt")
    return written


def main(argv: list[str]) -> int:
    try:
        build(force="--force" in argv)
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        print(f"fonts: {exc}; documents will use the full system font", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
