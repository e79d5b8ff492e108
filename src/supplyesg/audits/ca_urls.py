app_name = "corrective"

urlpatterns = []
