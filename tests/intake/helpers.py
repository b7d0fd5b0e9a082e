"""Forms edited as a person edits them in Word (the XML Word writes), and LibreOffice round trips."""

from __future__ import annotations

import copy
import os
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

from docgen.documents.make import Request, make
from docgen.tools.run import run as run_tool
from docgen.tools.soffice import SECONDS_PER_DOCUMENT, fontconfig_file, soffice_path

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def q(name: str) -> str:
    return f"{{{W}}}{name}"


def make_form(out: Path, policy: str, applicant: Path | None = None) -> Path:
    """A form as docgen issues it: pre-filled from an applicant file, or blank."""
    make(Request("form", applicant, out, policy))
    return out


def text_of(element: etree._Element) -> str:
    return "".join(element.itertext()).strip()


class WordForm:
    """A .docx whose document.xml is edited the way Word records a person's edits."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as zf:
            self.parts = {info.filename: zf.read(info.filename) for info in zf.infolist()}
        self.root = etree.fromstring(self.parts["word/document.xml"])

    def save(self, out: Path) -> Path:
        self.parts["word/document.xml"] = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in self.parts.items():
                zf.writestr(name, data)
        return out

    # --- finding ---

    def tables(self) -> list[etree._Element]:
        return list(self.root.iter(q("tbl")))

    def table_with(self, text: str, nth: int = 0) -> etree._Element:
        found = [t for t in self.tables() if any(text_of(tc) == text for tc in t.iter(q("tc")))]
        return found[nth]

    def label_cell(self, label: str) -> etree._Element:
        return next(tc for tc in self.root.iter(q("tc")) if text_of(tc) == label)

    def value_cell(self, label: str, nth_table: int = 0) -> etree._Element:
        """The cell to the right of a label (in the nth table holding it)."""
        table = self.table_with(label, nth_table)
        cell = next(tc for tc in table.iter(q("tc")) if text_of(tc) == label)
        return cell.getnext()

    def rows(self, table: etree._Element) -> list[etree._Element]:
        return list(table.iter(q("tr")))

    def data_row(self, table: etree._Element, number: int) -> etree._Element:
        """The number-th row below the header (from 1)."""
        return self.rows(table)[number]

    # --- typing ---

    @staticmethod
    def type_into(cell: etree._Element, text: str) -> None:
        """Replace what a cell says, as typing over it does: the first paragraph keeps its formatting,
        the text lands in two runs with a proofing mark between them, as Word writes while you type."""
        paragraphs = cell.findall(q("p"))
        for extra in paragraphs[1:]:
            cell.remove(extra)
        p = paragraphs[0]
        for child in list(p):
            if child.tag != q("pPr"):
                p.remove(child)
        half = len(text) // 2
        for piece in (text[:half], text[half:]):
            if not piece:
                continue
            r = etree.SubElement(p, q("r"))
            t = etree.SubElement(r, q("t"))
            t.text = piece
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            etree.SubElement(p, q("proofErr")).set(q("type"), "spellStart")

    def fill(self, label: str, text: str, nth_table: int = 0) -> None:
        self.type_into(self.value_cell(label, nth_table), text)

    def fill_row(self, row: etree._Element, values: list[str]) -> None:
        """Type into a row's cells left to right; None leaves a cell as it is."""
        for cell, value in zip(row.findall(q("tc")), values, strict=False):
            if value is not None:
                self.type_into(cell, value)

    # --- rows and cells ---

    @staticmethod
    def copy_row(row: etree._Element) -> etree._Element:
        """Select a row, copy, paste: a new row just below it, with the same text."""
        twin = copy.deepcopy(row)
        row.addnext(twin)
        return twin

    @staticmethod
    def delete_row(row: etree._Element) -> None:
        row.getparent().remove(row)

    @staticmethod
    def merge_across(row: etree._Element, first: int, count: int) -> etree._Element:
        """Select `count` cells from the first-th and merge them, as Word does: one cell spanning
        their columns, holding each merged cell's paragraphs that had text."""
        cells = row.findall(q("tc"))[first : first + count]
        keep = cells[0]
        span = 0
        for cell in cells:
            grid = cell.find(f"{q('tcPr')}/{q('gridSpan')}")
            span += int(grid.get(q("val"))) if grid is not None else 1
        tc_pr = keep.find(q("tcPr"))
        grid = tc_pr.find(q("gridSpan"))
        if grid is None:
            grid = etree.SubElement(tc_pr, q("gridSpan"))
        grid.set(q("val"), str(span))
        if not text_of(keep):
            for p in keep.findall(q("p")):
                keep.remove(p)
        for cell in cells[1:]:
            for p in cell.findall(q("p")):
                if "".join(p.itertext()).strip():
                    keep.append(p)
            row.remove(cell)
        if keep.find(q("p")) is None:
            etree.SubElement(keep, q("p"))
        return keep

    @staticmethod
    def merge_down(rows: list[etree._Element], column: int) -> etree._Element:
        """Select a column's cells in consecutive rows and merge them, as Word does: the top cell restarts
        a vertical merge and takes the others' paragraphs that had text; the cells below continue it."""
        top = rows[0].findall(q("tc"))[column]
        if not text_of(top):
            for p in top.findall(q("p")):
                top.remove(p)
        etree.SubElement(top.find(q("tcPr")), q("vMerge")).set(q("val"), "restart")
        for row in rows[1:]:
            cell = row.findall(q("tc"))[column]
            for p in cell.findall(q("p")):
                if "".join(p.itertext()).strip():
                    top.append(p)
                else:
                    cell.remove(p)
            etree.SubElement(cell.find(q("tcPr")), q("vMerge"))
            etree.SubElement(cell, q("p"))
        if top.find(q("p")) is None:
            etree.SubElement(top, q("p"))
        return top

    @staticmethod
    def wrap_in_content_control(element: etree._Element, tag: str) -> etree._Element:
        """Put `element` (a paragraph's runs, a paragraph, a row or a table) inside a content control."""
        sdt = etree.Element(q("sdt"))
        pr = etree.SubElement(sdt, q("sdtPr"))
        etree.SubElement(pr, q("tag")).set(q("val"), tag)
        content = etree.SubElement(sdt, q("sdtContent"))
        element.addprevious(sdt)
        content.append(element)
        return sdt

    @staticmethod
    def tracked_retype(cell: etree._Element, old: str, new: str) -> None:
        """Change a cell's text with Track Changes on: the old text deleted, the new inserted."""
        p = cell.find(q("p"))
        for child in list(p):
            if child.tag != q("pPr"):
                p.remove(child)
        deleted = etree.SubElement(p, q("del"))
        deleted.set(q("id"), "901")
        deleted.set(q("author"), "申报单位")
        etree.SubElement(etree.SubElement(deleted, q("r")), q("delText")).text = old
        inserted = etree.SubElement(p, q("ins"))
        inserted.set(q("id"), "902")
        inserted.set(q("author"), "申报单位")
        etree.SubElement(etree.SubElement(inserted, q("r")), q("t")).text = new


def libreoffice_convert(documents: list[Path], out_dir: Path, target: str) -> list[Path]:
    """Convert with one soffice process in a private profile, as docgen.tools.soffice does for PDFs."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="docgen-test-soffice-") as profile:
        env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig_file()), HOME=profile)
        run_tool(
            [
                soffice_path(),
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                target,
                "--outdir",
                out_dir,
                *documents,
            ],
            timeout=120 + SECONDS_PER_DOCUMENT * len(documents),
            env=env,
        )
    extension = target.split(":")[0]
    converted = [out_dir / f"{doc.stem}.{extension}" for doc in documents]
    assert all(p.is_file() for p in converted), converted
    return converted
