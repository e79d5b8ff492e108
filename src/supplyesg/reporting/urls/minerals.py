"""Reporting pages: the minerals part (included by reporting/urls/__init__.py)."""

urlpatterns = []
