from django.urls import path

from supplyesg.grievances.views import cases

app_name = "grievances"

urlpatterns = [
    path("", cases.case_list, name="list"),
    path("<int:report_pk>/", cases.case_detail, name="detail"),
    path("<int:report_pk>/acknowledge/", cases.acknowledge, name="acknowledge"),
    path("<int:report_pk>/move/", cases.move, name="move"),
    path("<int:report_pk>/close/", cases.close, name="close"),
    path("<int:report_pk>/reply/", cases.reply, name="reply"),
    path("<int:report_pk>/links/", cases.link, name="link"),
    path("<int:report_pk>/identity/request/", cases.request_identity, name="request_identity"),
    path("<int:report_pk>/identity/", cases.identity, name="identity"),
    path("<int:report_pk>/files/<int:attachment_pk>/", cases.attachment, name="file"),
    path("disclosures/", cases.disclosures, name="disclosures"),
    path("disclosures/<int:disclosure_pk>/decide/", cases.decide_disclosure, name="decide_disclosure"),
    path("review/", cases.review, name="review"),
    path("review.xlsx", cases.review_xlsx, name="review_xlsx"),
]
