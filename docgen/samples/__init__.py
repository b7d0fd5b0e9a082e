"""Sample evidence for the demo, the tests and the benchmarks: what an applicant's box of paper would
hold (certificates, an equipment list, a licence, a site lease), rendered as scans and phone photos.

Nothing here touches real data. `scans` renders pages (noise, skew, seals, perspective), `evidence`
writes the text of each kind of evidence for an applicant file.
"""
