// The signed-in page tells the widget who the customer is. The token comes from this site's
// backend (see demo-site/src/lib.rs and docs/embed.md): an HS256 JSON Web Token of the
// customer's id, name, email and attributes with an expiry, signed with the identity secret,
// which must never reach the browser.
(function () {
  var me = document.currentScript.dataset;
  Switchboard('identify', { token: me.identityToken });
})();
