"""Layout rules that depend on the rendered text, applied after rendering.

The 发文机关标志 must stay on one line: a long authority name gets a smaller size (the standard
fixes no size for it; the template's 30 pt is the upper bound).

GB/T 9704-2012 7.3.5.1 (加盖印章): the 成文日期 is four characters in from the right and the
署名 is centred over it. The widths depend on the authority's name and the date, so the right
indents of the 'GW Signature' and 'GW Date' paragraphs are computed here (in hundredths of a
character, w:rightChars) rather than fixed in the template.
"""

from __future__ import annotations

import re
import unicodedata

from docgen.documents.gbt9704 import CHAR_TWIPS

_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.DOTALL)
_STYLE = re.compile(r'<w:pStyle w:val="(GWSignature|GWDate)"/>')
_IND = re.compile(r"<w:ind\b[^>]*/>")


def text_width(text: str) -> float:
    """Width in characters of the body font: CJK and full-width count 1, the rest 1/2."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def _text(paragraph: str) -> str:
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", paragraph))


TYPE_AREA_WIDTH_PT = 442.0
_ISSUER = re.compile(r'<w:pStyle w:val="GWIssuer"/>')


def fit_issuer_mark(xml: str, largest_pt: float = 30.0) -> str:
    """Shrink the 发文机关标志 so that it fits one line of the type area."""
    for match in _PARAGRAPH.finditer(xml):
        paragraph = match.group(0)
        if not _ISSUER.search(paragraph):
            continue
        width = text_width(_text(paragraph))
        if width == 0 or width * largest_pt <= TYPE_AREA_WIDTH_PT:
            return xml
        half_points = int(TYPE_AREA_WIDTH_PT / width * 2) - 1  # w:sz is in half-points; keep a margin
        size = f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
        fitted = re.sub(r"<w:r>(?!<w:rPr>)", f"<w:r><w:rPr>{size}</w:rPr>", paragraph)
        fitted = re.sub(r"<w:r><w:rPr>(?!<w:sz)", f"<w:r><w:rPr>{size}", fitted) if fitted == paragraph else fitted
        return xml.replace(paragraph, fitted, 1)
    return xml


def apply(part: str, xml: str) -> str:
    """Every post-render layout rule, for one rendered part."""
    if part != "word/document.xml":
        return xml
    return align_signature(fit_issuer_mark(xml))


def align_signature(xml: str) -> str:
    """Set the right indents of the signature and date paragraphs of the main document."""
    found: dict[str, tuple[re.Match[str], str]] = {}
    for match in _PARAGRAPH.finditer(xml):
        style = _STYLE.search(match.group(0))
        if style:
            found[style.group(1)] = (match, _text(match.group(0)))
    if "GWSignature" not in found or "GWDate" not in found:
        return xml
    date_width = text_width(found["GWDate"][1])
    signature_width = text_width(found["GWSignature"][1])
    date_right = 4.0
    signature_right = max(0.0, date_right + (date_width - signature_width) / 2)
    for style_id, right in (("GWSignature", signature_right), ("GWDate", date_right)):
        found_paragraph, _ = found[style_id]
        indent = f'<w:ind w:right="{round(right * CHAR_TWIPS)}" w:rightChars="{round(right * 100)}"/>'
        paragraph = found_paragraph.group(0)
        if _IND.search(paragraph):
            paragraph = _IND.sub(indent, paragraph, count=1)
        else:
            paragraph = paragraph.replace("</w:pPr>", indent + "</w:pPr>", 1) if "</w:pPr>" in paragraph else paragraph
        xml = xml.replace(found_paragraph.group(0), paragraph, 1)
    return xml
