from django.urls import path

from masthead.billing import views
from masthead.billing.gstr1 import views as gstr1_views

app_name = "billing"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("checkout/<slug:plan_slug>/", views.checkout, name="checkout"),
    path("checkout/return/<str:checkout_key>/", views.checkout_return, name="checkout_return"),
    path("my/", views.my_subscription, name="my_subscription"),
    path("my/cancel/", views.cancel, name="cancel"),
    path("my/undo/", views.undo_cancel, name="undo_cancel"),
    path("my/change/", views.change_plan, name="change_plan"),
    path("my/pay/", views.pay_now, name="pay_now"),
    # Where the gateways send a reader whose bank wants a payment confirmed (their action and
    # return addresses are built as /subscribe/authenticate/).
    path("authenticate/", views.authentication_return, name="authenticate"),
    path("my/invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    # The sandbox's authentication challenge (gateways/sandbox.CHALLENGE_PATH); 404 in production.
    path("sandbox/challenge/<str:payment_id>/", views.sandbox_challenge, name="sandbox_challenge"),
    path("webhooks/<slug:gateway>/", views.webhook, name="webhook"),
    # Issue 12 (payment methods).
    path("my/payment-method/", views.update_payment_method, name="update_payment_method"),
    path("my/payment-method/return/", views.payment_method_return, name="payment_method_return"),
    # GST returns for the publisher's accountant (issue 13).
    path("staff/gstr1/", gstr1_views.gstr1_page, name="gstr1"),
]
