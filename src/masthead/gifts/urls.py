from django.urls import path

from masthead.gifts import views

app_name = "gifts"

urlpatterns = [
    path("mine/", views.my_gifts, name="mine"),
    path("give/<int:article_id>/", views.give, name="give"),
    path("mine/<int:gift_id>/revoke/", views.revoke, name="revoke"),
    path("<str:token>/", views.open_gift, name="open"),
]
