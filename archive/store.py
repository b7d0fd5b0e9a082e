"""The archive on disk and ingest into it.

Layout (browsable by hand):

    archive/
      .lock                      one writer at a time
      .staging/                  documents being prepared; anything here after a crash is discarded
      2021/
        year.json                next 件号 (never reused)
        manifest-sha256.txt      sha256 of every item's record.json
        SEALED.json              present when the year is sealed
        91320583MA1KJ88011/      one folder per applicant (credit code, or a safe form of the name)
          0001-teacher_certificates/
            original/<name>      the file as received, byte for byte
            archive.pdf          PDF/A-2b copy with a text layer
            pages/0001.txt       normalised text of each page
            pages/quality.json   each page's characters, OCR confidence and status (ok / needs_review)
            record.json          metadata, with the sha256 of every file above

Each document is prepared in .staging and moved into place with one rename after its record
is written: a crash leaves either the whole document or nothing, and re-running the same
ingest skips what is already there (same SHA-256, year and applicant).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import signal
import uuid
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.codes import ArchivalCode, Fonds
from archive.convert import image_to_pdf
from archive.errors import BadInput, OcrFailed, RejectedFile, SealedYear
from archive.files import safe_filename, write_all_atomically
from archive.inert import inert_copy
from archive.lock import writer_lock
from archive.ocr import (
    DEFAULT_ENGINE,
    DEFAULT_LANGUAGES,
    check_reader,
    run_ocr,
    versions,
)
from archive.office import office_to_pdf, page_count
from archive.office import version as office_version
from archive.quality import PageQuality, judge
from archive.record import RECORD_FILE, ArchiveCopy, ItemRecord, OcrInfo, OriginalFile, checksum_files, sha256_of
from archive.sniff import IMAGE_KINDS, OFFICE_KINDS, Identified, identify
from archive.text import page_texts, printed_text_beside_pictures

log = logging.getLogger("docgen.archive")

MANIFEST = "manifest-sha256.txt"
YEAR_FILE = "year.json"
SEALED_FILE = "SEALED.json"
SEAL_LOG = "seal-log.jsonl"
WITHDRAWN_LOG = "withdrawn.jsonl"  # documents taken back (a receipt rolled back), one JSON line each
RELINK_FILE = ".relink.json"  # a relink's plan: written first, completed by the relink or by the next writer
KILL_AT_ENV = "DOCGEN_KILL_AT"  # tests: kill -9 the process at the named moment (see _crash_point)


@dataclass(frozen=True)
class IngestOptions:
    year: int
    applicant: str
    evidence_type: str
    jobs: int = 1
    languages: str = DEFAULT_LANGUAGES
    seconds_per_page: float = 180
    engine: str = DEFAULT_ENGINE  # ppocr or tesseract

    def threads(self) -> int:
        """Cores each of the `jobs` documents being read at once may use."""
        return max(1, (os.cpu_count() or 1) // max(1, self.jobs))


@dataclass
class FileResult:
    path: Path
    outcome: str  # ingested, needs_review (stored, some page badly read), duplicate, ocr_failed, failed
    message: str = ""
    code: str = ""
    pages: int = 0
    review: list[PageQuality] = field(default_factory=list)  # the pages a person must look at


@dataclass
class IngestSummary:
    results: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def pages(self) -> int:
        return sum(r.pages for r in self.results if r.outcome in ("ingested", "needs_review", "ocr_failed"))

    def needing_review(self) -> list[str]:
        """One line per page that could not be read well: 'page 3 of KSRSJ-WS·2021-D30-0007: no text was read'."""
        return [f"page {q.page} of {r.code}: {q.reason}" for r in self.results for q in r.review]

    @property
    def ok(self) -> bool:
        return not any(r.outcome in ("failed", "ocr_failed") for r in self.results)

    def to_json(self) -> dict[str, Any]:
        return {
            "seconds": round(self.seconds, 3),
            "pages": self.pages,
            "files": [
                {
                    "file": str(r.path),
                    "outcome": r.outcome,
                    "message": r.message,
                    "code": r.code,
                    "pages": r.pages,
                    "needs_review": [{"page": q.page, "reason": q.reason} for q in r.review],
                }
                for r in self.results
            ],
        }


Progress = Callable[[FileResult, int, int], None]  # result, done, total


@dataclass
class _Prepared:
    source: Path
    staging: Path
    identified: Identified
    sha256: str
    status: str = "ok"
    pdfa: bool = False
    notes: list[str] = field(default_factory=list)
    quality: list[PageQuality] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # what the archive copy lost (archive/inert.py)


class Archive:
    def __init__(self, root: Path, fonds: Fonds) -> None:
        self.root = Path(root)
        self.fonds = fonds

    # --- layout ---------------------------------------------------------------------------

    def year_dir(self, year: int) -> Path:
        return self.root / str(year)

    def years(self) -> list[int]:
        if not self.root.is_dir():
            return []
        return sorted(int(p.name) for p in self.root.iterdir() if p.is_dir() and p.name.isdigit())

    def is_sealed(self, year: int) -> bool:
        return (self.year_dir(year) / SEALED_FILE).is_file()

    def item_dirs(self, year: int) -> list[Path]:
        return sorted(p.parent for p in self.year_dir(year).glob(f"*/*/{RECORD_FILE}"))

    def records(
        self, year: int | None = None, applicant: str | Collection[str] | None = None
    ) -> list[tuple[Path, ItemRecord]]:
        """Records in filing order; `applicant`: the key (or any of the keys) a unit's documents are filed under."""
        keys = {applicant} if isinstance(applicant, str) else set(applicant or ())
        found = []
        for y in [year] if year is not None else self.years():
            for folder in self.item_dirs(y):
                record = ItemRecord.read(folder)
                if applicant is None or keys & {record.applicant, record.applicant_folder}:
                    found.append((folder, record))
        return sorted(found, key=lambda pair: (pair[1].year, pair[1].item))

    @staticmethod
    def applicant_folder(applicant: str) -> str:
        """The folder a unit's documents go in: its key (a credit code, as docgen passes it) made safe."""
        return safe_filename(applicant, limit=60)

    # --- ingest ---------------------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[Path],
        options: IngestOptions,
        *,
        progress: Progress | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> IngestSummary:
        """Archive every file under `paths`; bad files are reported and skipped, the rest go on."""
        evidence = self.fonds.kind(options.evidence_type)
        if not options.applicant.strip():
            raise BadInput("--applicant: give a unit name or a credit code")
        named = {Path(p) for p in paths}
        files = expand(paths)
        check_reader(options.engine, options.languages)
        started = dt.datetime.now()
        summary = IngestSummary()
        with writer_lock(self.root, on_wait):
            if self.is_sealed(options.year):
                raise SealedYear(
                    f"{options.year} is sealed; unseal it with 'docgen archive unseal {options.year} "
                    "--force --reason ...' before adding to it"
                )
            self._recover()
            folder = self.applicant_folder(options.applicant)
            known = {
                r.original.sha256: str(r.archival_code)
                for _, r in self.records(options.year)
                if r.applicant_folder == folder
            }
            todo: list[tuple[Path, Identified, str]] = []
            for path in files:
                try:
                    identified = identify(path, follow_link=path in named)
                    digest = sha256_of(path)
                except RejectedFile as exc:
                    summary.results.append(FileResult(path, "failed", exc.message))
                    self._report(progress, summary, len(files))
                    continue
                if digest in known:
                    summary.results.append(
                        FileResult(path, "duplicate", f"already archived as {known[digest]}", known[digest])
                    )
                    self._report(progress, summary, len(files))
                    continue
                known[digest] = "(this batch)"
                todo.append((path, identified, digest))
            with ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
                prepared = pool.map(lambda job: self._prepare(job[0], job[1], job[2], options), todo)
                for item in prepared:
                    summary.results.append(self._commit(item, options, evidence.id))
                    self._report(progress, summary, len(files))
        summary.seconds = (dt.datetime.now() - started).total_seconds()
        return summary

    @staticmethod
    def _report(progress: Progress | None, summary: IngestSummary, total: int) -> None:
        if progress is not None:
            progress(summary.results[-1], len(summary.results), total)

    def _staging(self) -> Path:
        folder = self.root / ".staging" / uuid.uuid4().hex
        folder.mkdir(parents=True)
        return folder

    def _prepare(self, source: Path, identified: Identified, digest: str, options: IngestOptions) -> _Prepared:
        staging = self._staging()
        item = _Prepared(source, staging, identified, digest)
        try:
            original = staging / "original" / safe_filename(source.name)
            original.parent.mkdir()
            shutil.copyfile(source, original)
            if sha256_of(original) != digest:
                raise RejectedFile(f"{source}: changed while being read; try again")
            if identified.repaired:
                item.notes.append("the PDF was damaged and repaired for OCR; the original is kept as received")
            if source.is_symlink():
                item.notes.append(f"given as a symbolic link to {source.resolve()}: the file it leads to was archived")
            self._ocr(original, item, options)
        except RejectedFile as exc:
            item.status, item.notes = "failed", [exc.message]
        except OSError as exc:
            item.status, item.notes = "failed", [f"{source}: {exc.strerror or exc}"]
        except Exception as exc:  # a bug must not take the rest of the batch down with it
            log.exception("preparing %s", source)
            item.status, item.notes = (
                "failed",
                [f"{source}: internal error, please report: {type(exc).__name__}: {exc}"],
            )
        return item

    def _ocr(self, original: Path, item: _Prepared, options: IngestOptions) -> None:
        work = item.staging / ".work"
        work.mkdir()
        source, page_total = original, item.identified.pages
        kind = item.identified.kind
        copy = item.staging / "archive.pdf"
        try:
            if kind in IMAGE_KINDS:
                source = work / "input.pdf"
                if note := image_to_pdf(original, source):
                    item.notes.append(note)
            elif kind in OFFICE_KINDS:
                source = work / "office.pdf"
                office_to_pdf(original, kind, source)
                page_total = page_count(source)
                item.notes.append(
                    f"born digital: laid out as PDF by LibreOffice {office_version()}; page text taken from the "
                    "document, not read by OCR (only pages without any text are OCR'd)"
                )
            # a PDF as received, or LibreOffice's (with the links the document had); images have nothing active
            if kind not in IMAGE_KINDS and (removed := inert_copy(source, work / "inert.pdf")):
                source = work / "inert.pdf"
                item.removed = removed
                item.notes.append(f"removed from the archive copy (the original keeps them): {'; '.join(removed)}")
            sidecar = work / "sidecar.txt"
            # pages with printed text and pictures (a form with certificates pasted in): read the pictures too
            printed = None if kind in IMAGE_KINDS else printed_text_beside_pictures(source)
            outcome = run_ocr(
                source,
                copy,
                sidecar,
                languages=options.languages,
                pages=page_total,
                seconds_per_page=options.seconds_per_page,
                signed=item.identified.signed,
                engine=options.engine,
                threads=options.threads(),
                mode="skip" if printed is None else "redo",
            )
        except OcrFailed as exc:
            item.status = "ocr_failed"
            item.notes.append(f"OCR failed: {exc.message}; the original is kept, run 'docgen archive retry'")
            copy.unlink(missing_ok=True)
        else:
            item.pdfa = outcome.pdfa
            if outcome.note:
                item.notes.append(outcome.note)
            if item.identified.signed:
                item.notes.append("digitally signed: the signature stays valid in the original only")
            texts = page_texts(copy, sidecar.read_text(encoding="utf-8") if sidecar.exists() else None, printed)
            pages = item.staging / "pages"
            pages.mkdir()
            for number, text in enumerate(texts, 1):
                (pages / f"{number:04d}.txt").write_text(text + "\n", encoding="utf-8")
            confidences = outcome.confidences
            item.quality = [
                judge(number, text, *confidences.get(number, (None, 0))) for number, text in enumerate(texts, 1)
            ]
            (pages / QUALITY_FILE).write_text(
                json.dumps([q.model_dump() for q in item.quality], ensure_ascii=False, indent=1) + "\n",
                encoding="utf-8",
            )
            if any(q.status != "ok" for q in item.quality):
                item.status = "needs_review"
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _commit(self, item: _Prepared, options: IngestOptions, evidence_id: str) -> FileResult:
        if item.status == "failed":
            shutil.rmtree(item.staging, ignore_errors=True)
            return FileResult(item.source, "failed", "; ".join(item.notes))
        evidence = self.fonds.kind(evidence_id)
        number = self._take_item_number(options.year)
        code = ArchivalCode(self.fonds.code, options.year, evidence.retention, number)
        original = next((item.staging / "original").iterdir())
        copy = item.staging / "archive.pdf"
        page_files = _page_files(item.staging)
        record = ItemRecord(
            archival_code=str(code),
            item=number,
            year=options.year,
            applicant=options.applicant,
            applicant_folder=self.applicant_folder(options.applicant),
            evidence_type=evidence.id,
            evidence_type_name=evidence.name,
            retention=evidence.retention,
            status=item.status,
            pages=len(page_files) or item.identified.pages,
            original=OriginalFile(
                name=item.source.name,
                stored_as=original.relative_to(item.staging).as_posix(),
                sha256=item.sha256,
                size=original.stat().st_size,
                media_type=item.identified.media_type,
            ),
            archive_copy=ArchiveCopy(
                file="archive.pdf", sha256=sha256_of(copy), size=copy.stat().st_size, pdfa=item.pdfa
            )
            if copy.exists()
            else None,
            page_files=page_files,
            files=checksum_files(item.staging),
            ocr=_ocr_info(options),
            page_quality=item.quality,
            ingested_at=_now(),
            notes=item.notes,
            removed_from_copy=item.removed,
        )
        record.write(item.staging)
        _fsync_tree(item.staging)
        final = self.year_dir(options.year) / record.applicant_folder / f"{number:04d}-{evidence.id}"
        final.parent.mkdir(parents=True, exist_ok=True)
        os.rename(item.staging, final)  # the commit point
        self._manifest_put(options.year, final / RECORD_FILE, sha256_of(final / RECORD_FILE))
        return _result(item.source, record)

    def next_item(self, year: int) -> int:
        """The 件号 the year's next document will get (only a hint while another writer works)."""
        path = self.year_dir(year) / YEAR_FILE
        return int(json.loads(path.read_text(encoding="utf-8"))["next_item"]) if path.is_file() else 1

    def _take_item_number(self, year: int) -> int:
        """The next 件号 of the year, recorded before use so that it is never given twice."""
        path = self.year_dir(year) / YEAR_FILE
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"year": year, "next_item": 1}
        number = int(data["next_item"])
        data["next_item"] = number + 1
        write_all_atomically([(path, (json.dumps(data) + "\n").encode())])
        return number

    # --- manifest and recovery -----------------------------------------------------------

    def manifest(self, year: int) -> dict[str, str]:
        path = self.year_dir(year) / MANIFEST
        if not path.is_file():
            return {}
        entries = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            digest, _, name = line.partition("  ")
            if name:
                entries[name] = digest
        return entries

    def _manifest_put(self, year: int, record_path: Path, digest: str) -> None:
        entries = self.manifest(year)
        entries[record_path.relative_to(self.year_dir(year)).as_posix()] = digest
        self._write_manifest(year, entries)

    def _write_manifest(self, year: int, entries: dict[str, str]) -> None:
        text = "".join(f"{d}  {name}\n" for name, d in sorted(entries.items()))
        write_all_atomically([(self.year_dir(year) / MANIFEST, text.encode("utf-8"))])

    def recover(self) -> None:
        """What a crash left, put right now (see `_recover`) rather than at the next write: a server's start."""
        with writer_lock(self.root):
            self._recover()

    def _recover(self) -> None:
        """After a crash: finish a relink whose plan was written, finish a re-reading whose folders were
        exchanged (or half-renamed), discard half-prepared documents, list committed ones the manifest missed."""
        self._finish_relink()
        for swap in sorted((self.root / ".staging").glob(f"*/{SWAP_FILE}")):
            self._finish_swap(swap)
        shutil.rmtree(self.root / ".staging", ignore_errors=True)
        for year in self.years():
            if self.is_sealed(year):
                continue
            listed = self.manifest(year)
            for folder in self.item_dirs(year):
                name = (folder / RECORD_FILE).relative_to(self.year_dir(year)).as_posix()
                if name not in listed:
                    self._manifest_put(year, folder / RECORD_FILE, sha256_of(folder / RECORD_FILE))

    def _finish_swap(self, swap: Path) -> None:
        meant = json.loads(swap.read_text(encoding="utf-8"))
        target = self.root / meant["target"]
        new = swap.parent / "new"
        if not target.exists() and new.is_dir():  # crashed between the two fallback renames
            os.rename(new, target)
        if (target / RECORD_FILE).is_file() and sha256_of(target / RECORD_FILE) == meant["record_sha256"]:
            year = int(Path(meant["target"]).parts[0])
            self._manifest_put(year, target / RECORD_FILE, meant["record_sha256"])

    # --- relink: one unit, one folder -----------------------------------------------------

    def relink(self, old: str, new: str, note: str) -> list[ItemRecord]:
        """File every document of the unit keyed `old` (e.g. its name) under `new` (its credit code).

        The plan (every folder's move and its new record) is written first, in one file: that is the
        commit point. Then folders are renamed, records rewritten and the manifests updated; a crash
        after the plan is finished by the next command that writes to the archive (or this one again),
        a crash before it changes nothing. Archival codes, originals and page texts stay as they are.
        """
        with writer_lock(self.root):
            old_folder, new_folder = self.applicant_folder(old), self.applicant_folder(new)
            finished = self._finish_relink()  # an earlier relink cut short: this one may be its re-run
            self._recover()
            found = [(f, r) for f, r in self.records() if old_folder == r.applicant_folder or old == r.applicant]
            if not found and (done := [r for was, r in finished if was == old_folder and r.applicant == new]):
                return done
            if not found:
                raise BadInput(f"'{old}': no archived document is filed under this name (see 'docgen archive list')")
            sealed = sorted({r.year for _, r in found if self.is_sealed(r.year)})
            if sealed:
                raise SealedYear(
                    f"{', '.join(map(str, sealed))} sealed: documents of '{old}' there cannot be refiled; "
                    "unseal first ('docgen archive unseal YEAR --force --reason ...')"
                )
            plan = []
            for folder, record in found:
                target = self.year_dir(record.year) / new_folder / folder.name
                update = {"applicant": new, "applicant_folder": new_folder, "notes": [*record.notes, note]}
                plan.append(
                    {
                        "from": folder.relative_to(self.root).as_posix(),
                        "to": target.relative_to(self.root).as_posix(),
                        "record": record.model_copy(update=update).model_dump(mode="json"),
                    }
                )
            write_all_atomically([(self.root / RELINK_FILE, json.dumps(plan, ensure_ascii=False).encode())])
            _crash_point("relink-planned")
            return [record for _, record in self._finish_relink()]

    def _finish_relink(self) -> list[tuple[str, ItemRecord]]:
        """Complete a relink whose plan was written; (the old applicant folder, the new record) of each move."""
        plan_file = self.root / RELINK_FILE
        if not plan_file.is_file():
            return []
        plan = json.loads(plan_file.read_text(encoding="utf-8"))
        moved: list[tuple[str, ItemRecord]] = []
        for step in plan:
            source, target = self.root / step["from"], self.root / step["to"]
            if source.is_dir() and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.rename(source, target)
                _crash_point("relink-moved")
            record = ItemRecord.model_validate(step["record"])
            write_all_atomically([(target / RECORD_FILE, record.to_json().encode("utf-8"))])
            with suppress(OSError):
                source.parent.rmdir()  # the old unit folder, once empty
            moved.append((Path(step["from"]).parts[1], record))
        for year in sorted({record.year for _, record in moved}):
            entries = self.manifest(year)
            for step in plan:
                if Path(step["to"]).parts[0] == str(year):
                    entries.pop(Path(step["from"], RECORD_FILE).relative_to(str(year)).as_posix(), None)
                    record_file = self.root / step["to"] / RECORD_FILE
                    entries[record_file.relative_to(self.year_dir(year)).as_posix()] = sha256_of(record_file)
            self._write_manifest(year, entries)
            _crash_point("relink-manifest")
        plan_file.unlink()
        return moved

    # --- withdrawal: a receipt rolled back -------------------------------------------------

    def withdraw(
        self, year: int, applicant_folder: str, from_item: int, reason: str, keep: Collection[str] = ()
    ) -> list[str]:
        """Take back the documents of one unit filed in `year` from 件号 `from_item` on, but those whose
        codes are in `keep`: those archived for a receipt that never got its decision. Each is logged
        in the year's withdrawn.jsonl (code, original name and checksum, reason) before it leaves the
        manifest and then the disk; its 件号 is never given again. Safe to run again after a crash (what
        is gone stays gone). Returns the codes withdrawn."""
        with writer_lock(self.root):
            if self.is_sealed(year):
                raise SealedYear(f"{year} is sealed: nothing can be withdrawn from it")
            self._recover()
            found = [
                (folder, record)
                for folder, record in self.records(year)
                if record.applicant_folder == applicant_folder
                and record.item >= from_item
                and record.archival_code not in keep
            ]
            if not found:
                return []
            log_lines = "".join(
                json.dumps(
                    {
                        "archival_code": record.archival_code,
                        "original": record.original.name,
                        "sha256": record.original.sha256,
                        "withdrawn_at": _now(),
                        "reason": reason,
                    },
                    ensure_ascii=False,
                )
                + "\n"
                for _, record in found
            )
            with (self.year_dir(year) / WITHDRAWN_LOG).open("a", encoding="utf-8") as handle:
                handle.write(log_lines)
                handle.flush()
                os.fsync(handle.fileno())
            entries = self.manifest(year)
            for folder, _ in found:
                entries.pop((folder / RECORD_FILE).relative_to(self.year_dir(year)).as_posix(), None)
            self._write_manifest(year, entries)
            for folder, _ in found:
                parked = self._staging()
                os.rename(folder, parked / "withdrawn")
                shutil.rmtree(parked, ignore_errors=True)
            return [record.archival_code for _, record in found]

    # --- reading again: retry and reocr ----------------------------------------------------

    def retry(
        self,
        year: int | None = None,
        *,
        languages: str = DEFAULT_LANGUAGES,
        seconds_per_page: float = 180,
        engine: str = DEFAULT_ENGINE,
        progress: Progress | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> IngestSummary:
        """OCR again every document whose OCR failed; the original is never touched."""
        return self.reocr(
            ReadAgain(year=year, only_failed=True),
            languages=languages,
            seconds_per_page=seconds_per_page,
            engine=engine,
            progress=progress,
            on_wait=on_wait,
        )

    def reocr(
        self,
        selection: ReadAgain,
        *,
        languages: str = DEFAULT_LANGUAGES,
        seconds_per_page: float = 180,
        engine: str = DEFAULT_ENGINE,
        jobs: int = 1,
        progress: Progress | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> IngestSummary:
        """Read the selected documents again from their originals (which stay byte for byte).

        Each document's new PDF/A copy, page texts and record replace the old in one exchange of
        folders, so a kill at any moment leaves the old reading or the new, never a mix; the record
        keeps the earlier reading in `ocr_history`. A sealed year refuses before anything is read.
        """
        summary = IngestSummary()
        started = dt.datetime.now()
        with writer_lock(self.root, on_wait):
            self._recover()
            selected = self.records(selection.year, selection.keys())
            if not selected and not selection.only_failed and (selection.year or selection.applicant):
                raise BadInput(_nothing_archived(selection))
            chosen = [(f, r) for f, r in selected if selection.wants(r)]
            sealed = sorted({r.year for _, r in chosen if self.is_sealed(r.year)})
            if sealed:
                raise SealedYear(
                    f"{sealed[0]} is sealed; unseal it with 'docgen archive unseal {sealed[0]} --force --reason ...' "
                    "before reading its documents again"
                )
            if chosen:
                check_reader(engine, languages)
            for folder, record in chosen:
                # the knobs of an ingest; year, applicant and type stay the record's
                options = IngestOptions(
                    record.year, record.applicant, record.evidence_type, jobs, languages, seconds_per_page, engine
                )
                summary.results.append(self._read_again(folder, record, options))
                self._report(progress, summary, len(chosen))
        summary.seconds = (dt.datetime.now() - started).total_seconds()
        return summary

    def _read_again(self, folder: Path, record: ItemRecord, options: IngestOptions) -> FileResult:
        staging = self._staging()
        new = staging / "new"
        (new / "original").mkdir(parents=True)
        source = folder / record.original.stored_as
        copy_of_original = new / record.original.stored_as
        _link_or_copy(source, copy_of_original)
        item = _Prepared(source, new, identify(copy_of_original), record.original.sha256)
        self._ocr(copy_of_original, item, options)
        if item.status == "ocr_failed":
            shutil.rmtree(staging, ignore_errors=True)
            return FileResult(source, "ocr_failed", "; ".join(item.notes), record.archival_code, record.pages)
        copy = new / "archive.pdf"
        page_files = _page_files(new)
        updated = record.model_copy(
            update={
                "status": item.status,
                "pages": len(page_files),
                "page_files": page_files,
                "archive_copy": ArchiveCopy(
                    file="archive.pdf", sha256=sha256_of(copy), size=copy.stat().st_size, pdfa=item.pdfa
                ),
                "files": checksum_files(new),
                "ocr": _ocr_info(options),
                "ocr_history": [*record.ocr_history, record.ocr],
                "page_quality": item.quality,
                "notes": [
                    *(n for n in record.notes if not n.startswith("OCR failed")),
                    f"read again with {options.engine} on {dt.date.today().isoformat()}",
                    *(n for n in item.notes if n not in record.notes),
                ],
            }
        )
        updated.write(new)
        _fsync_tree(new)
        digest = sha256_of(new / RECORD_FILE)
        target = folder.relative_to(self.root).as_posix()
        write_all_atomically([(staging / SWAP_FILE, json.dumps({"target": target, "record_sha256": digest}).encode())])
        _exchange(new, folder)  # the commit point: `new` now holds the old reading
        self._manifest_put(record.year, folder / RECORD_FILE, digest)
        shutil.rmtree(staging, ignore_errors=True)
        return _result(source, updated)


@dataclass(frozen=True)
class ReadAgain:
    """Which archived documents `reocr` reads again."""

    year: int | None = None
    applicant: str | None = None
    only_needs_review: bool = False
    only_failed: bool = False
    aliases: tuple[str, ...] = ()  # other keys the applicant's documents may be filed under (name, code)

    def keys(self) -> set[str] | None:
        return {self.applicant, *self.aliases} if self.applicant else None

    def wants(self, record: ItemRecord) -> bool:
        if self.only_failed:
            return record.status == "ocr_failed"
        if self.only_needs_review:
            return record.status in ("needs_review", "ocr_failed")
        return True


def _nothing_archived(selection: ReadAgain) -> str:
    if selection.applicant:
        year = f" in {selection.year}" if selection.year else ""
        return f"--applicant: no archived documents of '{selection.applicant}'{year} (see 'docgen archive list')"
    return f"--year: no archived documents in {selection.year} (see 'docgen archive list')"


SWAP_FILE = "swap.json"


def _crash_point(moment: str) -> None:
    """Where a test kills the process (kill -9) to prove that a crash at this moment loses nothing."""
    if os.environ.get(KILL_AT_ENV) == moment:
        os.kill(os.getpid(), signal.SIGKILL)


QUALITY_FILE = "quality.json"


def _page_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in (folder / "pages").glob("*.txt"))


def _ocr_info(options: IngestOptions) -> OcrInfo:
    engine = options.engine
    return OcrInfo(engine=engine, versions=versions(engine), languages=options.languages, read_at=_now())


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _result(source: Path, record: ItemRecord) -> FileResult:
    outcome = {"ok": "ingested", "needs_review": "needs_review"}.get(record.status, "ocr_failed")
    message = "; ".join(record.notes)
    return FileResult(source, outcome, message, record.archival_code, record.pages, record.pages_to_review())


def _link_or_copy(source: Path, target: Path) -> None:
    """The original into the new reading's folder: a hard link (no second copy on disk) where possible."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _exchange(a: Path, b: Path) -> None:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); where the file system cannot,
    two renames, which `_recover` completes after a crash between them (the swap file says what was meant)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        at_fdcwd, rename_exchange = -100, 2
        if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
            return
    old = a.with_name("old")
    os.rename(b, old)
    os.rename(a, b)
    os.rename(old, a)


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files named, and every file (and symbolic link) below folders named, hidden ones skipped, in a stable order."""
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_symlink() and path.is_dir():
            raise BadInput(f"{path}: a symbolic link to a folder; give the folder itself")
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*")
                if (p.is_file() or p.is_symlink())
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.exists():
            files.append(path)
        else:
            raise BadInput(f"{path}: no such file or folder")
    if not files:
        raise BadInput("nothing to ingest: the folders given hold no files")
    return files


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
