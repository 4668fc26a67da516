"""A corpus of bad data files as real OPD send them (issue 12).

:mod:`.corpus` builds every file at test time (the binary ones with
openpyxl/zipfile), so the repository holds no opaque blobs.
"""
