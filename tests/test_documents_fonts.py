"""The PDF font (core/documents/fonts.py): everyday Chinese comes from the
GB 2312 copy of Noto Sans CJK SC that the set-up step writes; a rare
character is still printed, from the full font; without the copy, PDFs use
the full font and lose nothing."""
import subprocess

import pytest

from core.documents.fetcher import SafeURLFetcher
from core.documents.fonts import FILES, FONT_DIR, charset
from core.documents.render import PdfRenderer
from core.plugins import PluginHost

RARE = "王喆 𠮷野家"  # 喆 and 𠮷 are not in GB 2312
COMMON = "翡翠手镯 对账单 第1页"


@pytest.fixture(scope="module")
def renderer():
    return PdfRenderer(PluginHost(only=[]))


def _pdf(renderer, text: str) -> bytes:
    ctx = {"doc": {"spec": "t.t", "number": "T-1", "title": text, "issued_at": None,
                   "issued_on": None, "issuer": "", "record_id": "1"},
           "company": {"name": "渠道", "address": "", "phone": "", "tax_number": "", "logo": None},
           "lang": "zh-CN"}
    html = renderer.render_html("documents/pdf/base.html", ctx, "zh_CN")
    return renderer.html_to_pdf(html.replace("<h1>", f"<p>{text}</p><h1>"))


def _fonts(tmp_path, data: bytes) -> list[str]:
    path = tmp_path / "f.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return [line.split()[0].split("+", 1)[1] for line in out.stdout.splitlines()[2:]]


def _text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                          capture_output=True, check=True).stdout.decode()


def test_the_set_up_step_wrote_the_common_character_fonts():
    for name in FILES:
        assert (FONT_DIR / name).stat().st_size > 1_000_000, f"{name}: run scripts/setup.sh"
    wanted = charset()
    assert len([c for c in wanted if 0x4E00 <= c <= 0x9FFF]) == 6763  # the GB 2312 hanzi
    assert ord("喆") not in wanted and ord("翡") in wanted


def test_rare_characters_are_printed_from_the_full_font(renderer, tmp_path):
    data = _pdf(renderer, f"{COMMON} {RARE}")
    text = _text(data)
    assert "王喆" in text and "𠮷野家" in text and "翡翠手镯" in text
    fonts = _fonts(tmp_path, data)
    assert "Qudao-Sans" in fonts  # the GB 2312 copy, for everything common
    assert "Noto-Sans-CJK-SC" in fonts  # the full font, for 喆 and 𠮷 only


def test_everyday_text_needs_only_the_small_font(renderer, tmp_path):
    fonts = _fonts(tmp_path, _pdf(renderer, COMMON))
    assert "Noto-Sans-CJK-SC" not in fonts


def test_without_the_small_font_pdfs_use_the_full_font(renderer, tmp_path):
    bare = PdfRenderer(PluginHost(only=[]))
    bare.fetcher = SafeURLFetcher({"core": tmp_path})  # no fonts/ here
    data = _pdf(bare, f"{COMMON} {RARE}")
    text = _text(data)
    assert "翡翠手镯" in text and "王喆" in text
    # everyday text: the subset of the full font is the bigger one
    assert len(_pdf(bare, COMMON)) > len(_pdf(renderer, COMMON)) + 100_000


def test_the_common_character_fonts_have_truetype_outlines_of_the_same_shapes():
    """TrueType outlines subset faster than CFF ones (fonts.py); the
    conversion must not change how a character looks."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    from core.documents.fonts import _system_font

    for name, pattern in FILES.items():
        mine = TTFont(str(FONT_DIR / name))
        assert "glyf" in mine and "CFF " not in mine, name
        source, index = _system_font(pattern)
        full = TTFont(str(source), fontNumber=index, lazy=True)
        for ch in "翡账A1，":
            shapes = []
            for font in (mine, full):
                glyph = font.getBestCmap()[ord(ch)]
                pen = BoundsPen(font.getGlyphSet())
                font.getGlyphSet()[glyph].draw(pen)
                shapes.append((pen.bounds, font["hmtx"][glyph][0]))
            (box, width), (box0, width0) = shapes
            assert width == width0, (name, ch)
            assert all(abs(a - b) <= 2 for a, b in zip(box, box0)), (name, ch, box, box0)


def test_pdfs_embed_the_common_characters_as_a_truetype_subset(renderer, tmp_path):
    path = tmp_path / "f.pdf"
    path.write_bytes(_pdf(renderer, COMMON))
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                         check=True).stdout
    line = next(x for x in out.splitlines() if "+Qudao-Sans" in x)
    assert "CID TrueType" in line and line.split()[-5:-2] == ["yes", "yes", "yes"]  # emb sub uni
