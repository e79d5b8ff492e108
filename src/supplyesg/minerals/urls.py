from django.urls import include, path

from supplyesg.minerals import views

app_name = "minerals"

urlpatterns = [
    path("smelters/", views.smelter_list, name="smelters"),
    path("smelters/load-template/", views.load_template, name="load_template"),
    path("smelters/load-rmap/", views.load_rmap, name="load_rmap"),
    path("", include("supplyesg.minerals.campaigns.urls")),
    path("", include("supplyesg.minerals.urls_outputs")),
]
