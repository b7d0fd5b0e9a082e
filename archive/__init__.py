"""The evidence archive: untouched originals, OCR'd PDF/A copies, page texts and checksums per year.

Knows nothing of templates or Jinja. (Ingest arrives with the archive issue.)
"""
