from django.urls import path

from masthead.partners import views

app_name = "partners"

urlpatterns = [path("", views.my_partner_codes, name="mine")]
