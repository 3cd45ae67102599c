"""The PDF font: Noto Sans CJK SC cut down to the common characters.

Every PDF embeds a subset of the fonts it uses, and WeasyPrint makes that
subset (HarfBuzz) from the whole font each time: for Noto Sans CJK, 65,535
glyphs in a 19 MB collection, that is 0.05–0.1 s of every document however
short (measured), plus the work of compressing the result.  This module
writes, once, a copy of the Simplified Chinese face holding only the GB 2312
characters (the 6,763 hanzi of everyday Simplified Chinese, plus Latin,
punctuation and full-width forms): about 8,000 glyphs, so subsetting it is
several times faster and documents are about 200 KB smaller.  It does the
same for the monospaced face of the same family (Noto Sans Mono CJK SC),
which long tables are printed in (``grid.py``).

The copy is also converted from CFF (cubic) outlines to TrueType (quadratic)
ones, within 1/1000 em: WeasyPrint subsets CFF by expanding every glyph's
subroutines, and a TrueType subset is only the glyphs copied.  Measured
with ``valgrind --tool=callgrind`` (instructions, the same whatever the
machine is doing): the fixed cost of a PDF falls from 651 to 529 million
instructions, and a 100-line statement's PDF from 142 KB to 72 KB.

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
#: file written → the installed face it is cut from (an fc-match pattern):
#: the proportional face for text, the monospaced one for grids (grid.py).
FILES = {
    "QudaoSansSC-Regular.ttf": "Noto Sans CJK SC:style=Regular",
    "QudaoSansSC-Bold.ttf": "Noto Sans CJK SC:style=Bold",
    "QudaoMonoSC-Regular.ttf": "Noto Sans Mono CJK SC:style=Regular",
    "QudaoMonoSC-Bold.ttf": "Noto Sans Mono CJK SC:style=Bold",
}
MONO_FILE = "QudaoMonoSC-Regular.ttf"
MONO_FONT = FILES[MONO_FILE]
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


def _system_font(pattern: str) -> tuple[Path, int]:
    out = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", pattern],
                         capture_output=True, text=True, check=True, timeout=30).stdout.split("\n")
    path = Path(out[0])
    if "NotoSansCJK" not in path.name and "NotoSansSC" not in path.name:
        raise FileNotFoundError(f"{pattern} is not installed (fc-match gave {path})")
    return path, int(out[1] or 0)


def to_truetype(font) -> None:
    """Replace a CFF font's outlines by TrueType ones, in place."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        # 1 unit of 1,000 per em: invisible; TrueType winds outer contours clockwise.
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "VORG"):  # VORG only goes with CFF
        if tag in font:
            del font[tag]
    maxp = newTable("maxp")  # version 1.0; the glyph counts are computed on save
    maxp.tableVersion = 0x00010000
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["maxp"] = maxp
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"


def _write(source: Path, index: int, target: Path) -> Path:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(source), fontNumber=index, lazy=True)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=charset())
    subsetter.subset(font)
    to_truetype(font)
    tmp = target.with_suffix(".tmp")
    font.save(str(tmp))
    tmp.replace(target)
    return target


def build(force: bool = False, log=print) -> list[Path]:
    """Write the common-character fonts (if missing, or with ``force``), all
    four at the same time (25 s in all on two cores, measured)."""
    from concurrent.futures import ProcessPoolExecutor

    FONT_DIR.mkdir(parents=True, exist_ok=True)
    todo = {name: pattern for name, pattern in FILES.items()
            if force or not (FONT_DIR / name).exists()}
    written = []
    if todo:
        with ProcessPoolExecutor(max_workers=len(todo)) as ex:
            jobs = []
            for name, pattern in todo.items():
                source, index = _system_font(pattern)
                log(f"writing {name} from {source.name} (face {index})")
                jobs.append(ex.submit(_write, source, index, FONT_DIR / name))
            written = [job.result() for job in jobs]
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
