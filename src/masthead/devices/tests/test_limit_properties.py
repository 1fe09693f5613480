"""Whatever the order of sign-ins, sign-outs and policy, the limit holds."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masthead.devices import services
from masthead.devices.models import Device, DevicePolicy, OverLimitChoice
from masthead.devices.selectors import active_devices

pytestmark = pytest.mark.django_db

steps = st.lists(
    st.one_of(
        st.just(("browser", None)),
        st.tuples(st.just("app"), st.none()),
        st.tuples(st.just("app-replace"), st.integers(min_value=0, max_value=9)),
        st.tuples(st.just("sign-out"), st.integers(min_value=0, max_value=9)),
    ),
    max_size=10,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    limit=st.integers(min_value=1, max_value=4),
    ask=st.booleans(),
    actions=steps,
)
def test_active_devices_never_exceed_the_limit(reader, limit, ask, actions):
    Device.objects.filter(user=reader).delete()
    DevicePolicy.objects.update_or_create(
        pk=1,
        defaults={
            "reader_limit": limit,
            "when_over_limit": OverLimitChoice.ASK if ask else OverLimitChoice.SIGN_OUT_OLDEST,
        },
    )
    for kind, pick in actions:
        before = set(active_devices(user_id=reader.pk).values_list("pk", flat=True))
        ids = sorted(before)
        if kind == "browser":
            services.register_browser(user_id=reader.pk, session=SessionStore(), user_agent="")
        elif kind == "sign-out" and ids:
            services.sign_out_device(user_id=reader.pk, device_id=ids[pick % len(ids)])
        elif kind.startswith("app"):
            replace = ids[pick % len(ids)] if kind == "app-replace" and ids and pick else None
            try:
                services.issue_app_token(user_id=reader.pk, name="App", replace_device_id=replace)
            except services.DeviceLimitReached as refused:
                # Asked, and nothing changed: the reader chooses, not us.
                assert ask
                assert set(active_devices(user_id=reader.pk).values_list("pk", flat=True)) == (
                    before
                )
                assert len(refused.devices) == limit
        assert active_devices(user_id=reader.pk).count() <= limit
