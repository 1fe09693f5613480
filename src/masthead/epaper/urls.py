from django.urls import path, register_converter

from masthead.epaper import views


class IsoDate:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: object) -> str:
        return str(value)


register_converter(IsoDate, "isodate")

app_name = "epaper"

urlpatterns = [
    path("", views.home, name="home"),
    path("s/<str:token>/", views.shared, name="shared"),
    path("s/<str:token>/image.jpg", views.shared_image, name="shared_image"),
    path("<isodate:date>/<slug:slug>/", views.edition, name="edition"),
    path("<isodate:date>/<slug:slug>/cover.jpg", views.cover, name="cover"),
    path("<isodate:date>/<slug:slug>/download.pdf", views.download_edition, name="download"),
    path("<isodate:date>/<slug:slug>/<int:number>/", views.page, name="page"),
    path(
        "<isodate:date>/<slug:slug>/<int:number>/<str:size>.jpg",
        views.page_image,
        name="page_image",
    ),
    path(
        "<isodate:date>/<slug:slug>/<int:number>/download.pdf",
        views.download_page,
        name="download_page",
    ),
    path("<isodate:date>/<slug:slug>/<int:number>/share/", views.share, name="share"),
]
