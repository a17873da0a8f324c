"""WeasyPrint's font subsetting through HarfBuzz from PyPI (uharfbuzz), not fontTools.

WeasyPrint cuts each embedded font down to the glyphs a PDF uses. It does so with the system's
``libharfbuzz-subset`` when it finds one, else with fontTools — about 0.75 s of a report's 1.75 s PDF (the CFF
charstrings run to drop hints and to recompute the bounding boxes), and a path WeasyPrint marks as to be
unsupported. This project installs from PyPI alone, so there is no system library; uharfbuzz carries HarfBuzz's
subsetter. :func:`harfbuzz_subset` is WeasyPrint's own HarfBuzz path (``Font._harfbuzz_subset``, WeasyPrint 62–70:
the same glyph ids kept, the same flags, the same tables dropped, then the glyphs after the last used one dropped)
made with uharfbuzz; :func:`install` puts it in place of ``Font.subset`` for the process that prints."""

from __future__ import annotations

#: Tables WeasyPrint's HarfBuzz path drops (weasyprint/pdf/fonts.py).
DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")


def harfbuzz_subset(font: object, to_unicode: dict, hinting: bool) -> None:
    """Cut ``font`` (a ``weasyprint.pdf.fonts.Font``) to the glyph ids of ``to_unicode`` in place, as WeasyPrint's
    ``_harfbuzz_subset`` does; on failure leave it to WeasyPrint's fontTools path, as WeasyPrint does."""
    import uharfbuzz as hb

    if not to_unicode:
        return
    flags = hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
    notdef = hb.SubsetFlags.NOTDEF_OUTLINE if font.missing else hb.SubsetFlags.DEFAULT
    try:
        face = hb.Face(hb.Blob(font.file_content), font.index)
        used = _input(sorted(to_unicode), flags | hb.SubsetFlags.RETAIN_GIDS | notdef)
        kept = hb.subset(face, used)
        last = _input(
            range(max(to_unicode) + 1),
            flags | notdef | (hb.SubsetFlags.DEFAULT if hinting else hb.SubsetFlags.NO_HINTING),
        )
        data = hb.subset(kept, last).blob.data
    except Exception:  # noqa: BLE001 — uharfbuzz raises plain errors; WeasyPrint's own path then takes the font
        data = b""
    if data:
        font.file_content = data
    else:
        font._fonttools_subset(to_unicode, hinting)


def _input(glyphs: object, flags: object) -> object:
    import uharfbuzz as hb

    wanted = hb.SubsetInput()
    for gid in glyphs:
        wanted.glyph_set.add(gid)
    dropped = wanted.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
    for tag in DROPPED_TABLES:
        dropped.add(int.from_bytes(tag, "big"))
    wanted.flags = flags
    return wanted


def install() -> None:
    """Subset WeasyPrint's fonts with :func:`harfbuzz_subset` from now on in this process."""
    from weasyprint.pdf.fonts import Font

    Font.subset = harfbuzz_subset
