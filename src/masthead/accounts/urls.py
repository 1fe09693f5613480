from django.urls import path

from masthead.accounts import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.my_account, name="me"),
    path("benefits/", views.benefits, name="benefits"),
]
