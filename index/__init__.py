"""Chinese full-text search over the evidence archive's page texts.

Knows nothing of OCR: it reads what the archive stored. (Arrives with the search issue.)
"""
