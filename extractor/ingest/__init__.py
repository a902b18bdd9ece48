"""Ingest: read a file into a `Document` of pages with row text."""
