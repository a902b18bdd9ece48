"""Final-accounts tables (部门决算 表1–表9): reader, printed formulas, table kinds.

tables, meta = extract_accounts(document)   # list[AccountTable], result.meta["accounts"]
"""

from extractor.accounts.reader import extract_accounts, read_accounts, read_tables

__all__ = ["extract_accounts", "read_accounts", "read_tables"]
