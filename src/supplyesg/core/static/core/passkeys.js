// After django-otp-webauthn registers a passkey, reload the page so the list (and any first recovery codes) show.
document.addEventListener("otp_webauthn.register_complete", function () {
  window.location.reload();
});
