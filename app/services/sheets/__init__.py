"""Score sheets: one juror's scores for one entry.

``rules`` (pure: what a body may hold), ``statements`` (the hot path's prebuilt SQL),
``target`` (where a sheet goes and who may write it), ``write`` (the ``PUT`` and the offline
sync) and ``read`` (reads and the reopen)."""

from app.services.sheets.read import get_sheet, list_sheets, reopen
from app.services.sheets.rules import MAX_COMMENT, Rule, SheetInput, StoredSheet, parse_body
from app.services.sheets.target import Target, authorize_write, load_target, rules_for
from app.services.sheets.write import SyncInput, Written, put_sheet, sync, write_sheet

__all__ = [
    "MAX_COMMENT",
    "Rule",
    "SheetInput",
    "StoredSheet",
    "SyncInput",
    "Target",
    "Written",
    "authorize_write",
    "get_sheet",
    "list_sheets",
    "load_target",
    "parse_body",
    "put_sheet",
    "reopen",
    "rules_for",
    "sync",
    "write_sheet",
]
