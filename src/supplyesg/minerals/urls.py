from django.urls import path

from supplyesg.minerals import views

app_name = "minerals"

urlpatterns = [
    path("smelters/", views.smelter_list, name="smelters"),
    path("smelters/load-template/", views.load_template, name="load_template"),
    path("smelters/load-rmap/", views.load_rmap, name="load_rmap"),
]
