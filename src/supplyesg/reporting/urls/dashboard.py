"""Reporting pages: the dashboard part (included by reporting/urls/__init__.py)."""

urlpatterns = []
