"""Reporting pages: the snapshots part (included by reporting/urls/__init__.py)."""

urlpatterns = []
