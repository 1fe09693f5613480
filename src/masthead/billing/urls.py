from django.urls import path

from masthead.billing import views

app_name = "billing"

urlpatterns = [path("", views.subscribe, name="subscribe")]
