"""Minerals pages: smelter reference data, outputs (dashboard, company smelter list, declarations), reviews, portal."""
