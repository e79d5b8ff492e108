app_name = "ratings_portal"

urlpatterns = []
