"""Django's PostgreSQL backend with prepared statements (settings: DATABASE_PREPARE_THRESHOLD; see base.py)."""
