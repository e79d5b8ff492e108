"""Rating pages (ratings) and the supplier portal's own ratings (portal)."""
