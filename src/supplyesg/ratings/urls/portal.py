"""The supplier's own ratings in the portal, at /portal/ratings/ (namespace "ratings_portal")."""

from django.urls import path

from supplyesg.ratings.views import portal as portal_views

app_name = "ratings_portal"

urlpatterns = [
    path("", portal_views.own_ratings, name="ratings"),
]
