"""OECD Annex II risk cases: a supplier or smelter red flag, its risk-management plan, reviews and outcome."""
