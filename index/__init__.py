"""Chinese full-text search over the evidence archive's page texts.

Knows nothing of OCR or of docgen: it indexes the `PageDoc`s it is given. Public API:
`EvidenceIndex` (update, rebuild, check, search), `PageDoc`, `Hit`, `Results`, the snippet marks
`MARK`/`END`, and the errors `SearchError` (base), `BadQuery`, `IndexUnusable`.
"""

from index.errors import BadQuery, IndexUnusable, SearchError
from index.store import END, MARK, EvidenceIndex, Hit, PageDoc, Results

__all__ = ["END", "MARK", "BadQuery", "EvidenceIndex", "Hit", "IndexUnusable", "PageDoc", "Results", "SearchError"]
