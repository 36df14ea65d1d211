"""Turning on notifications on a phone whose push address another account still holds.

The test browser cannot reach a real push service (FCM and the others are on the internet),
so the page's PushManager hands out addresses the way one does: the same address until the
browser unsubscribes, then a fresh one. Everything from push.js to the database is real.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD
from tracker.models import PushSubscription

FIRST = "https://fcm.googleapis.com/fcm/send/shared-phone-1"
FRESH = "https://fcm.googleapis.com/fcm/send/shared-phone-2"

PUSH_SERVICE = """
(() => {
  let issued = 0;
  let current = null;
  const addresses = %s;
  function subscription(endpoint) {
    return {
      endpoint: endpoint,
      toJSON: () => ({endpoint: endpoint, keys: {p256dh: "BKey", auth: "secret"}}),
      unsubscribe: () => { current = null; return Promise.resolve(true); },
    };
  }
  PushManager.prototype.getSubscription = function () { return Promise.resolve(current); };
  PushManager.prototype.subscribe = function () {
    if (!current) current = subscription(addresses[Math.min(issued++, addresses.length - 1)]);
    return Promise.resolve(current);
  };
})();
"""


def test_a_held_address_is_swapped_for_a_fresh_one_and_never_taken(phone: Page, pat, pia, settings):
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = "BPublicKey", "private-key"
    PushSubscription.objects.create(user=pia.user, endpoint=FIRST, p256dh="BPia", auth="pia")
    phone.context.grant_permissions(["notifications"])
    phone.context.add_init_script(PUSH_SERVICE % f'["{FIRST}", "{FRESH}"]')
    log_in(phone, pat.user.email, PASSWORD)
    phone.wait_for_url("**/today/")
    phone.goto("/settings/")
    phone.get_by_role("button", name="Turn on notifications").click()
    expect(phone.locator("#push-status")).to_have_text("Notifications are on for this phone.")
    expect(phone.get_by_role("button", name="Turn off notifications on this phone")).to_be_visible()
    screenshot(phone, "push-fresh-address")
    held = dict(PushSubscription.objects.values_list("endpoint", "user_id"))
    assert held == {FIRST: pia.user.pk, FRESH: pat.user.pk}
