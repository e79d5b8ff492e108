"""Safe reading of uploaded spreadsheets: inspect first (guard), then parse in a limited child (isolation)."""
