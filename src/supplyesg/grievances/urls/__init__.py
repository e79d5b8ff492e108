from django.urls import path

from supplyesg.grievances.views import cases

app_name = "grievances"

urlpatterns = [
    path("", cases.case_list, name="list"),
    path("<int:pk>/", cases.case_detail, name="detail"),
    path("<int:pk>/acknowledge/", cases.acknowledge, name="acknowledge"),
    path("<int:pk>/move/", cases.move, name="move"),
    path("<int:pk>/close/", cases.close, name="close"),
    path("<int:pk>/reply/", cases.reply, name="reply"),
    path("<int:pk>/links/", cases.link, name="link"),
    path("<int:pk>/identity/request/", cases.request_identity, name="request_identity"),
    path("<int:pk>/identity/", cases.identity, name="identity"),
    path("<int:pk>/files/<int:file_pk>/", cases.attachment, name="file"),
    path("disclosures/", cases.disclosures, name="disclosures"),
    path("disclosures/<int:pk>/decide/", cases.decide_disclosure, name="decide_disclosure"),
    path("review/", cases.review, name="review"),
    path("review.xlsx", cases.review_xlsx, name="review_xlsx"),
]
