"""Bugs the suite can plant in the worker processes, to show a verdict catches them.

``python -m soak.planted renewal-idempotency worker ...`` runs ``masthead worker ...`` with the
renewal charges sent to the gateway *without their idempotency key* (each attempt under a
fresh one), the mistake that turns a retried renewal into a second charge. The web hosts and
the rest of Masthead are untouched; nothing here is imported outside the soak's workers.
"""

from __future__ import annotations

import dataclasses
import sys
import uuid
from collections.abc import Sequence
from typing import Any

PLANTS = ("renewal-idempotency",)


def plant_renewal_idempotency() -> None:
    from masthead.billing.gateways.base import ChargeRequest
    from masthead.billing.gateways.sandbox import SandboxGateway

    original_many = SandboxGateway.charge_many
    original_one = SandboxGateway.charge

    def charge_many(self: SandboxGateway, *, requests: Sequence[ChargeRequest]) -> dict[str, Any]:
        fresh = {}
        for request in requests:
            if request.idempotency_key.startswith("renewal:"):
                fresh[f"{request.idempotency_key}:{uuid.uuid4().hex[:8]}"] = request
            else:
                fresh[request.idempotency_key] = request
        results = original_many(
            self,
            requests=[dataclasses.replace(r, idempotency_key=k) for k, r in fresh.items()],
        )
        return {fresh[k].idempotency_key: v for k, v in results.items()}

    def charge(self: SandboxGateway, **kwargs: Any) -> Any:
        if str(kwargs.get("idempotency_key", "")).startswith("renewal:"):
            kwargs["idempotency_key"] = f"{kwargs['idempotency_key']}:{uuid.uuid4().hex[:8]}"
        return original_one(self, **kwargs)

    SandboxGateway.charge_many = charge_many  # type: ignore[method-assign]
    SandboxGateway.charge = charge  # type: ignore[method-assign]


def main() -> None:
    plant, *command = sys.argv[1:]
    if plant not in PLANTS:
        raise SystemExit(f"unknown plant {plant!r}; known: {', '.join(PLANTS)}")
    import django

    django.setup()
    plant_renewal_idempotency()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["masthead", *command])


if __name__ == "__main__":
    main()
