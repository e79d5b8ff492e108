"""Terminations: recommending, deciding and lifting the end of cooperation with a supplier, and trade suspensions."""
