app_name = "minerals_portal"

urlpatterns = []
