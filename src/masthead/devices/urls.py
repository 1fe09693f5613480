from django.urls import path

from masthead.devices import views

app_name = "devices"

urlpatterns = [
    path("", views.device_list, name="list"),
    path("<int:device_id>/sign-out/", views.sign_out, name="sign_out"),
    path("sign-out-others/", views.sign_out_others, name="sign_out_others"),
    path("choose/", views.choose, name="choose"),
]
