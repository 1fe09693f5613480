from masthead.devices.tests.conftest import browser_of, reader, set_policy, subscriber

__all__ = ["browser_of", "reader", "set_policy", "subscriber"]
