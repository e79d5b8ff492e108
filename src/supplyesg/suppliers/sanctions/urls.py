from django.urls import path

from supplyesg.suppliers.sanctions import views

app_name = "sanctions"

urlpatterns = [
    path("", views.hit_list, name="hits"),
    path("hits/<int:hit_pk>/", views.hit_detail, name="hit_detail"),
    path("hits/<int:hit_pk>/confirm/", views.confirm_hit, name="confirm_hit"),
    path("hits/<int:hit_pk>/dismiss/", views.dismiss_hit, name="dismiss_hit"),
    path("lists/", views.list_versions, name="lists"),
    path("lists/load/", views.load_list, name="load_list"),
]
