"""Posting lists and the filing-order column of one Whoosh segment as numpy arrays (Whoosh 2.7.4, pinned).

Why: Whoosh's matchers hand out one document number at a time in Python, about 2 µs each, so a gram
held by 50,000 of 100,000 pages cost 100 ms before anything was checked, and its column reader
unpacks one value per call (5 µs). Read here block by block (128 postings a block) and as one buffer,
the same work takes a few milliseconds; AND, OR and NOT become numpy set operations. This reads
private attributes of `whoosh.codec.whoosh3` and `whoosh.columns`: tests/index/test_oracle.py checks
every answer against a substring scan, so a Whoosh release that changes them fails there.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh.reading import TermNotFound

EMPTY = np.empty(0, dtype=np.int64)


def term_docs(reader: Any, field: str, text: str) -> np.ndarray:
    """Sorted local document numbers of one segment holding `text` in `field`, deleted ones left out."""
    try:
        raw = reader._terms.matcher(field, reader._text_to_bytes(field, text), reader.schema[field].format)
    except (TermNotFound, KeyError):
        return EMPTY
    blocks = []
    while not raw._atend:
        raw._read_ids()
        blocks.append(np.asarray(raw._ids[: raw._blocklength], dtype=np.int64))
        raw._next_block()
    found = np.concatenate(blocks) if blocks else EMPTY
    deleted = reader._perdoc.deleted_docs()
    if deleted:
        found = np.setdiff1d(found, np.fromiter(deleted, dtype=np.int64), assume_unique=True)
    return found


def column(reader: Any, field: str) -> np.ndarray:
    """A numeric column of one segment (signed 64-bit), one value per document number.

    A segment Whoosh merged down to no documents has no column file: its reader is an
    `EmptyColumnReader`, with none of the private attributes read below (this once made every
    search after an ordinary update fail); it holds no document whose order could matter."""
    size = reader.doc_count_all()
    values = reader.column_reader(field, translate=False)
    if not hasattr(values, "_dbfile"):
        return np.zeros(size, np.int64)
    data = values._dbfile.get(values._basepos, values._count * values._fixedlen)
    found = np.frombuffer(data, dtype=">i8").astype(np.int64)
    if len(found) < size:  # Whoosh leaves trailing default values unwritten
        found = np.concatenate([found, np.full(size - len(found), values._default, np.int64)])
    return found
