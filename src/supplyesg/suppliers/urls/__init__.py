from django.urls import path

from supplyesg.suppliers.views import io, lifecycle, onboarding, portal_users, registry, reviews

app_name = "suppliers"

urlpatterns = [
    # registry (views/registry.py)
    path("", registry.supplier_list, name="list"),
    path("dashboard/", registry.dashboard, name="dashboard"),
    path("dashboard/missing-documents/", registry.dashboard_missing, name="dashboard_missing"),
    path("new/", registry.create_supplier, name="create"),
    path("<int:pk>/", registry.supplier_detail, name="detail"),
    path("<int:pk>/edit/", registry.edit_supplier, name="edit"),
    path("<int:pk>/sites/add/", registry.add_site, name="add_site"),
    path("<int:pk>/sites/<int:site_pk>/remove/", registry.remove_site, name="remove_site"),
    path("<int:pk>/contacts/add/", registry.add_contact, name="add_contact"),
    path("<int:pk>/contacts/<int:contact_pk>/remove/", registry.remove_contact, name="remove_contact"),
    path("<int:pk>/links/add/", registry.add_link, name="add_link"),
    path("<int:pk>/links/<int:link_pk>/remove/", registry.remove_link, name="remove_link"),
    path("<int:pk>/duplicates/<int:other_pk>/", registry.decide_duplicate, name="decide_duplicate"),
    path("files/<str:kind>/<int:obj_pk>/", registry.download_file, name="file"),
    # lifecycle, documents, agreements, blacklist (views/lifecycle.py)
    path("<int:pk>/transition/<str:name>/", lifecycle.transition, name="transition"),
    path("<int:pk>/qualification/<int:item_pk>/", lifecycle.review_qualification_item, name="review_item"),
    path("<int:pk>/certifications/add/", lifecycle.add_certification, name="add_certification"),
    path("<int:pk>/documents/upload/", lifecycle.upload_document, name="upload_document"),
    path("<int:pk>/documents/<int:doc_pk>/remove/", lifecycle.remove_document, name="remove_document"),
    path("<int:pk>/documents/waive/", lifecycle.waive_document, name="waive_document"),
    path("<int:pk>/agreements/scan/", lifecycle.record_signed_scan, name="record_scan"),
    path("<int:pk>/agreements/<int:agreement_pk>/", lifecycle.agreement_detail, name="agreement"),
    path("<int:pk>/blacklist/", lifecycle.blacklist_supplier, name="blacklist_supplier"),
    path("<int:pk>/exit/", lifecycle.exit_supplier, name="exit"),
    path("blacklist/", lifecycle.blacklist, name="blacklist"),
    path("blacklist/<int:entry_pk>/lift/", lifecycle.lift_blacklist, name="lift_blacklist"),
    path("reviews/", lifecycle.reviews, name="reviews"),
    path("reviews/bulk/", reviews.bulk_review_changes, name="bulk_review_changes"),
    path("reviews/bulk/export/", reviews.bulk_export_changes, name="bulk_export_changes"),
    path("reviews/<int:request_pk>/", lifecycle.review_change_request, name="review_change"),
    # fast onboarding (views/onboarding.py)
    path("<int:pk>/qualification/", onboarding.qualification_checklist, name="qualification_checklist"),
    path("<int:pk>/documents/upload-many/", onboarding.upload_documents, name="upload_documents"),
    path("<int:pk>/agreements/scans/", onboarding.record_signed_scans, name="record_scans"),
    # portal users (views/portal_users.py)
    path("<int:pk>/portal-users/invite/", portal_users.invite, name="invite_portal_user"),
    path("<int:pk>/portal-users/<int:user_pk>/reinvite/", portal_users.reinvite, name="reinvite_portal_user"),
    path("<int:pk>/portal-users/<int:user_pk>/disable/", portal_users.disable, name="disable_portal_user"),
    # import and export (views/io.py)
    path("import/", io.import_suppliers, name="import"),
    path("import/template.xlsx", io.import_template, name="import_template"),
    path("import/jobs/<int:pk>/", io.import_job, name="import_job"),
    path("export/", io.export_suppliers, name="export"),
]
