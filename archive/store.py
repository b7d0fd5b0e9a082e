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
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from archive.codes import ArchivalCode
from archive.convert import image_to_pdf
from archive.errors import OcrFailed, RejectedFile, SealedYear
from archive.lock import writer_lock
from archive.ocr import DEFAULT_LANGUAGES, check_languages, run_ocr, versions, without_forms
from archive.record import RECORD_FILE, ArchiveCopy, ItemRecord, OcrInfo, OriginalFile, checksum_files, sha256_of
from archive.sniff import Identified, identify
from archive.text import page_texts
from docgen import credit_code
from docgen.atomic import write_all_atomically
from docgen.errors import BadInputError, did_you_mean
from docgen.paths import safe_filename
from docgen.policy import EvidenceType, Policy

log = logging.getLogger("docgen.archive")

MANIFEST = "manifest-sha256.txt"
YEAR_FILE = "year.json"
SEALED_FILE = "SEALED.json"
SEAL_LOG = "seal-log.jsonl"


@dataclass(frozen=True)
class IngestOptions:
    year: int
    applicant: str
    evidence_type: str
    jobs: int = 1
    languages: str = DEFAULT_LANGUAGES
    seconds_per_page: float = 180


@dataclass
class FileResult:
    path: Path
    outcome: str  # ingested, duplicate, ocr_failed, failed
    message: str = ""
    code: str = ""
    pages: int = 0


@dataclass
class IngestSummary:
    results: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def pages(self) -> int:
        return sum(r.pages for r in self.results if r.outcome in ("ingested", "ocr_failed"))

    @property
    def ok(self) -> bool:
        return not any(r.outcome in ("failed", "ocr_failed") for r in self.results)


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


class Archive:
    def __init__(self, root: Path, policy: Policy) -> None:
        self.root = Path(root)
        self.policy = policy

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

    def records(self, year: int | None = None, applicant: str | None = None) -> list[tuple[Path, ItemRecord]]:
        found = []
        for y in [year] if year is not None else self.years():
            for folder in self.item_dirs(y):
                record = ItemRecord.read(folder)
                if applicant is None or applicant in (record.applicant, record.applicant_folder):
                    found.append((folder, record))
        return sorted(found, key=lambda pair: (pair[1].year, pair[1].item))

    @staticmethod
    def applicant_folder(applicant: str) -> str:
        try:
            return credit_code.validate(applicant)
        except credit_code.CreditCodeError:
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
        evidence = self._evidence_type(options.evidence_type)
        if not options.applicant.strip():
            raise BadInputError("--applicant: give a unit name or a credit code")
        files = expand(paths)
        versions()
        check_languages(options.languages)
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
                    identified = identify(path)
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

    def _evidence_type(self, type_id: str) -> EvidenceType:
        try:
            return self.policy.evidence_type(type_id)
        except KeyError:
            known = [e.id for e in self.policy.evidence_types]
            raise BadInputError(f"--type: unknown evidence type '{type_id}'" + did_you_mean(type_id, known)) from None

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
        source = original
        if item.identified.kind != "pdf":
            source = work / "input.pdf"
            image_to_pdf(original, source)
        elif without_forms(original, work / "flat.pdf"):
            source = work / "flat.pdf"
            item.notes.append("form fields and signatures are flattened in the copy; the original keeps them")
        sidecar = work / "sidecar.txt"
        copy = item.staging / "archive.pdf"
        try:
            outcome = run_ocr(
                source,
                copy,
                sidecar,
                languages=options.languages,
                pages=item.identified.pages,
                seconds_per_page=options.seconds_per_page,
                signed=item.identified.signed,
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
            texts = page_texts(copy, sidecar.read_text(encoding="utf-8") if sidecar.exists() else None)
            pages = item.staging / "pages"
            pages.mkdir()
            for number, text in enumerate(texts, 1):
                (pages / f"{number:04d}.txt").write_text(text + "\n", encoding="utf-8")
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _commit(self, item: _Prepared, options: IngestOptions, evidence_id: str) -> FileResult:
        if item.status == "failed":
            shutil.rmtree(item.staging, ignore_errors=True)
            return FileResult(item.source, "failed", "; ".join(item.notes))
        evidence = self.policy.evidence_type(evidence_id)
        number = self._take_item_number(options.year)
        code = ArchivalCode(self.policy.authority.fonds_code, options.year, evidence.retention.value, number)
        original = next((item.staging / "original").iterdir())
        copy = item.staging / "archive.pdf"
        page_files = sorted(p.relative_to(item.staging).as_posix() for p in (item.staging / "pages").glob("*.txt"))
        record = ItemRecord(
            archival_code=str(code),
            item=number,
            year=options.year,
            applicant=options.applicant,
            applicant_folder=self.applicant_folder(options.applicant),
            evidence_type=evidence.id,
            evidence_type_name=evidence.name,
            retention=evidence.retention.value,
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
            ocr=OcrInfo(versions=versions(), languages=options.languages),
            ingested_at=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            notes=item.notes,
        )
        record.write(item.staging)
        _fsync_tree(item.staging)
        final = self.year_dir(options.year) / record.applicant_folder / f"{number:04d}-{evidence.id}"
        final.parent.mkdir(parents=True, exist_ok=True)
        os.rename(item.staging, final)  # the commit point
        self._manifest_put(options.year, final / RECORD_FILE, sha256_of(final / RECORD_FILE))
        outcome = "ingested" if item.status == "ok" else "ocr_failed"
        return FileResult(item.source, outcome, "; ".join(item.notes), str(code), record.pages)

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
        text = "".join(f"{d}  {name}\n" for name, d in sorted(entries.items()))
        write_all_atomically([(self.year_dir(year) / MANIFEST, text.encode("utf-8"))])

    def _recover(self) -> None:
        """After a crash: discard half-prepared documents, list committed ones the manifest missed."""
        shutil.rmtree(self.root / ".staging", ignore_errors=True)
        for year in self.years():
            if self.is_sealed(year):
                continue
            listed = self.manifest(year)
            for folder in self.item_dirs(year):
                name = (folder / RECORD_FILE).relative_to(self.year_dir(year)).as_posix()
                if name not in listed:
                    self._manifest_put(year, folder / RECORD_FILE, sha256_of(folder / RECORD_FILE))

    # --- retry ----------------------------------------------------------------------------

    def retry(
        self,
        year: int | None = None,
        *,
        languages: str = DEFAULT_LANGUAGES,
        seconds_per_page: float = 180,
        progress: Progress | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> IngestSummary:
        """OCR again every document whose OCR failed; the original is never touched."""
        summary = IngestSummary()
        started = dt.datetime.now()
        with writer_lock(self.root, on_wait):
            self._recover()
            failed = [(f, r) for f, r in self.records(year) if r.status == "ocr_failed"]
            for folder, record in failed:
                if self.is_sealed(record.year):
                    raise SealedYear(f"{record.year} is sealed; unseal it before retrying OCR in it")
                summary.results.append(self._retry_one(folder, record, languages, seconds_per_page))
                self._report(progress, summary, len(failed))
        summary.seconds = (dt.datetime.now() - started).total_seconds()
        return summary

    def _retry_one(self, folder: Path, record: ItemRecord, languages: str, seconds: float) -> FileResult:
        original = folder / record.original.stored_as
        identified = identify(original)
        item = _Prepared(original, self._staging(), identified, record.original.sha256)
        options = IngestOptions(
            record.year, record.applicant, record.evidence_type, languages=languages, seconds_per_page=seconds
        )
        shutil.copyfile(original, item.staging / "input")
        self._ocr(item.staging / "input", item, options)
        (item.staging / "input").unlink()
        if item.status != "ok":
            shutil.rmtree(item.staging, ignore_errors=True)
            return FileResult(original, "ocr_failed", "; ".join(item.notes), record.archival_code, record.pages)
        for name in ("archive.pdf", "pages"):
            target = folder / name
            if target.is_dir():
                shutil.rmtree(target)
            os.replace(item.staging / name, target)
        shutil.rmtree(item.staging, ignore_errors=True)
        page_files = sorted(p.relative_to(folder).as_posix() for p in (folder / "pages").glob("*.txt"))
        copy = folder / "archive.pdf"
        updated = record.model_copy(
            update={
                "status": "ok",
                "pages": len(page_files),
                "page_files": page_files,
                "archive_copy": ArchiveCopy(
                    file="archive.pdf", sha256=sha256_of(copy), size=copy.stat().st_size, pdfa=item.pdfa
                ),
                "files": checksum_files(folder),
                "ocr": OcrInfo(versions=versions(), languages=languages),
                "notes": [*record.notes, f"OCR retried {dt.date.today().isoformat()}", *item.notes],
            }
        )
        write_all_atomically([(folder / RECORD_FILE, updated.to_json().encode("utf-8"))])
        self._manifest_put(record.year, folder / RECORD_FILE, sha256_of(folder / RECORD_FILE))
        return FileResult(original, "ingested", "OCR done on retry", record.archival_code, updated.pages)


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files named, and every file below folders named (hidden files skipped), in a stable order."""
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.exists():
            files.append(path)
        else:
            raise BadInputError(f"{path}: no such file or folder")
    if not files:
        raise BadInputError("nothing to ingest: the folders given hold no files")
    return files


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
