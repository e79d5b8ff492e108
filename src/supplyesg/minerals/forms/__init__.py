"""Minerals forms: smelter reference data uploads and filters, outputs (dashboard, company list, declarations)."""
