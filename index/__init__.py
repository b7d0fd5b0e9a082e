"""Chinese full-text search over the evidence archive's page texts.

Knows nothing of OCR or of docgen: it indexes the `PageDoc`s it is given. Public API:
`EvidenceIndex` (update, rebuild, check, search), `PageDoc`, `Hit`, `Results`, the snippet marks
`MARK`/`END`, `query_terms` and `searchable_with_origin` (to find a query's matches on a page again,
e.g. to highlight them), and the errors `SearchError` (base), `BadQuery`, `IndexUnusable`.
"""

from index.analysis import searchable_with_origin
from index.errors import BadQuery, IndexUnusable, SearchError
from index.query import query_terms
from index.store import END, MARK, EvidenceIndex, Hit, PageDoc, Results

__all__ = [
    "END",
    "MARK",
    "BadQuery",
    "EvidenceIndex",
    "Hit",
    "IndexUnusable",
    "PageDoc",
    "Results",
    "SearchError",
    "query_terms",
    "searchable_with_origin",
]
