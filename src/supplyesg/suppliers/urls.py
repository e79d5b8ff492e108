from django.urls import path

from supplyesg.suppliers import views

app_name = "suppliers"

urlpatterns = [
    path("", views.supplier_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("blacklist/", views.blacklist, name="blacklist"),
    path("reviews/", views.reviews, name="reviews"),
]
