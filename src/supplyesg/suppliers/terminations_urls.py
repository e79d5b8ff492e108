app_name = "terminations"

urlpatterns = []
