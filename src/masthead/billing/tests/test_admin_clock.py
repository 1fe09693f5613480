from __future__ import annotations

import pytest
from django.urls import reverse

from masthead.billing import services
from masthead.billing.models import Customer
from masthead.ops import testing

pytestmark = pytest.mark.django_db


def test_staff_put_a_sandbox_customer_on_a_test_clock_from_the_back_office(admin_client):
    customer = services.ensure_customer(user=testing.reader_account())
    response = admin_client.post(
        reverse("admin:billing_customer_changelist"),
        {"action": "put_on_test_clock", "_selected_action": [customer.pk]},
        follow=True,
    )
    assert "on a test clock" in response.content.decode()
    customer.refresh_from_db()
    assert customer.test_clock is not None


def test_only_sandbox_customers_get_test_clocks():
    customer = services.ensure_customer(user=testing.reader_account())
    Customer.objects.filter(pk=customer.pk).update(gateway="razorpay")
    customer.refresh_from_db()
    with pytest.raises(services.BillingError, match="only for sandbox"):
        services.attach_test_clock(customer=customer)
