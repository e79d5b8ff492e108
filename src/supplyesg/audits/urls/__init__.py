"""Audit programme and audit pages; the project's URL map includes them at /audits/ (namespace "audits")."""

from django.urls import path

from supplyesg.audits.views import conduct, programme

app_name = "audits"

urlpatterns = [
    path("", programme.programme_list, name="programme"),
    path("calendar/", programme.audit_calendar, name="calendar"),
    path("generate/", programme.generate, name="generate"),
    path("plan/", programme.plan, name="plan"),
    path("disclosure/", programme.disclosure, name="disclosure"),
    path("disclosure/export/", programme.disclosure_xlsx, name="disclosure_xlsx"),
    path("suppliers/<int:supplier_pk>/panel/", programme.supplier_panel, name="supplier_panel"),
    path("files/<int:file_pk>/", conduct.download_file, name="file"),
    path("files/<int:file_pk>/remove/", conduct.remove_file, name="remove_file"),
    path("<int:audit_pk>/", conduct.detail, name="detail"),
    path("<int:audit_pk>/edit/", programme.edit, name="edit"),
    path("<int:audit_pk>/cancel/", programme.cancel, name="cancel"),
    path("<int:audit_pk>/start/", conduct.start, name="start"),
    path("<int:audit_pk>/checklist/<int:checklist_pk>/", conduct.verdict, name="verdict"),
    path("<int:audit_pk>/findings/", conduct.add_finding, name="add_finding"),
    path("<int:audit_pk>/findings/<int:finding_pk>/remove/", conduct.remove_finding, name="remove_finding"),
    path("<int:audit_pk>/files/", conduct.upload_file, name="upload_file"),
    path("<int:audit_pk>/report-file/", conduct.upload_report, name="upload_report"),
    path("<int:audit_pk>/report-file/download/", conduct.report_file, name="report_file"),
    path("<int:audit_pk>/report/", conduct.issue_report, name="issue_report"),
    path("<int:audit_pk>/close/", conduct.close, name="close"),
    path("<int:audit_pk>/report.pdf", conduct.report_pdf, name="report_pdf"),
    path("<int:audit_pk>/report.xlsx", conduct.report_xlsx, name="report_xlsx"),
]
