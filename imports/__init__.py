"""Imports of data carried over from a previous system (API.md, "Imports and bank files";
docs/decisions/0044): customers, products, opening stock and open invoices, from CSV or XLSX.

A file is read into rows (files.py, cells.py), each kind checks every row against the rules of
the app that owns the data (kinds/), a dry run reports every error by row and field, and the
real run writes all rows through that app's services in one transaction, or nothing.
"""
