from django.urls import path

from masthead.insights import views

app_name = "insights"

urlpatterns = [
    path("revenue/", views.revenue, name="revenue"),
    path("revenue/<slug:table>.csv", views.revenue_csv, name="revenue_csv"),
    path("conversion/", views.conversion, name="conversion"),
    path("conversion/<slug:table>.csv", views.conversion_csv, name="conversion_csv"),
    path("export/<slug:what>.csv", views.export, name="export"),
]
