"""The workbook store: declaration files kept once, compressed, rebuilt byte for byte (see storing.py)."""

from supplyesg.minerals.workbooks.storing import (
    WorkbookDamaged,
    forget_bases,
    store_workbook,
    submission_bytes,
    workbook_bytes,
)
from supplyesg.minerals.workbooks.upkeep import repack_stored, store_existing, verify_stored

__all__ = [
    "WorkbookDamaged",
    "forget_bases",
    "repack_stored",
    "store_existing",
    "store_workbook",
    "submission_bytes",
    "verify_stored",
    "workbook_bytes",
]
