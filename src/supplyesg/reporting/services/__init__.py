"""Reporting services: the disclosure catalogue (`catalogue`), periods and snapshots (`snapshots`), management
reviews (`reviews`), own-workforce figures and accounts-payable imports (`inputs`)."""
