"""The sandbox's authentication challenge: the page a present reader answers (approve / fail)
when the authentication test card is charged, standing in for their bank's 3-D Secure page.
Its answer settles the payment that was held for it (``attempts.charge_attempt``). And the
back office's switch that makes a sandbox customer's next charge fail on purpose."""

from __future__ import annotations

from django.contrib.auth.models import User

from masthead.billing.gateways.sandbox import SandboxGateway
from masthead.billing.models import Customer, Payment, PaymentStatus, SandboxOutcome
from masthead.billing.services import settlement
from masthead.billing.services.common import BillingError


def sandbox_challenge(*, user: User, gateway_payment_id: str) -> Payment:
    """The reader's payment waiting on the challenge page. BillingError if there is none (not
    theirs, not the sandbox's, or answered already)."""
    payment = (
        Payment.objects.filter(
            gateway="sandbox",
            gateway_payment_id=gateway_payment_id,
            invoice__customer__user=user,
            status=PaymentStatus.PENDING,
        )
        .select_related("invoice", "invoice__subscription", "invoice__subscription__plan")
        .first()
    )
    if payment is None or SandboxGateway().challenge(gateway_payment_id=gateway_payment_id) is None:
        raise BillingError("There is no payment waiting for you to confirm.")
    return payment


def answer_sandbox_challenge(*, user: User, gateway_payment_id: str, approve: bool) -> Payment:
    """Approve or fail the challenge, and settle the payment with the outcome."""
    payment = sandbox_challenge(user=user, gateway_payment_id=gateway_payment_id)
    result = SandboxGateway().answer_challenge(
        gateway_payment_id=gateway_payment_id, approve=approve
    )
    settlement.settle_payment(payment_id=payment.pk, result=result)
    payment.refresh_from_db()
    return payment


def set_sandbox_next_charge(*, customer: Customer, outcome: SandboxOutcome) -> None:
    """Staff's test-mode switch: the customer's next charge does ``outcome`` (once)."""
    if customer.gateway != "sandbox":
        raise BillingError(
            f"{customer} pays through {customer.gateway}; only sandbox customers can be made "
            "to fail on purpose."
        )
    Customer.objects.filter(pk=customer.pk).update(sandbox_next_charge=outcome.value)
