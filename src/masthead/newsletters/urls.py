from django.urls import path

from masthead.newsletters import views

app_name = "newsletters"

urlpatterns = [
    path("", views.preferences, name="preferences"),
    path("sign-up/", views.sign_up, name="sign_up"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("u/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("webhooks/events/", views.provider_events, name="provider_events"),
]
