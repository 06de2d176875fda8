"""Spreadsheet imports (XLSX and CSV) of existing registers: read, check every row, preview, then write all or nothing.

`reading` turns a file into rows of cells, `values` parses cells (dates in the forms offices type them, Excel
serial dates, yes/no, choices by their Vietnamese or English names), `base` holds the Importer contract each kind
implements next to its domain (organizations/imports.py, citizens/imports.py, cases/imports.py), `service` runs a
batch through preview, confirmation and voiding, `registry` names the kinds.
"""
