"""What every part of the web shell shares: which exceptions are the user's to act on."""

from __future__ import annotations

from archive import ArchiveError
from docgen.errors import DocgenError
from index import SearchError

# Errors whose message is a sentence for the user (a refusal, a bad file): shown as they are. Anything
# else is a bug, reported as one.
USER_ERRORS = (DocgenError, ArchiveError, SearchError)


def attachment(name: str) -> str:
    """A Content-Disposition that keeps a Chinese file name (RFC 6266 filename*), with an ASCII fallback."""
    from urllib.parse import quote

    fallback = name.encode("ascii", "replace").decode().replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
