// Opens Razorpay Checkout for the subscription the server created, and posts Razorpay's
// signed answer back to the server, which verifies it against the subscription id it stored.
(function () {
  "use strict";
  var button = document.getElementById("razorpay-pay");
  var answer = document.getElementById("razorpay-answer");
  var status = document.getElementById("razorpay-status");
  if (!button || !answer) { return; }
  function open() {
    if (typeof window.Razorpay !== "function") {
      status.textContent = "Razorpay Checkout could not load. Check your connection and reload.";
      return;
    }
    var checkout = new window.Razorpay({
      key: button.dataset.key,
      subscription_id: button.dataset.subscription,
      // Update payment method: a new authorisation for the same subscription.
      subscription_card_change: button.dataset.cardChange === "1" ? 1 : undefined,
      name: button.dataset.publisher,
      description: button.dataset.description,
      prefill: { email: button.dataset.email, name: button.dataset.name },
      handler: function (response) {
        answer.elements.razorpay_payment_id.value = response.razorpay_payment_id || "";
        answer.elements.razorpay_subscription_id.value = response.razorpay_subscription_id || "";
        answer.elements.razorpay_signature.value = response.razorpay_signature || "";
        status.textContent = "Payment authorised. Confirming…";
        answer.submit();
      },
      modal: {
        ondismiss: function () {
          status.textContent = "Checkout closed. Nothing was charged; press the button to try again.";
        }
      }
    });
    checkout.open();
  }
  button.addEventListener("click", open);
})();
