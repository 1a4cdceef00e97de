// The signed-in page tells the widget who the customer is. The user id and its hash come
// from this site's backend (see demo-site/src/lib.rs and docs/embed.md); the hash is
// hex(HMAC-SHA256(identity secret, user_id)) and must never be computed in the browser.
(function () {
  var me = document.currentScript.dataset;
  Switchboard('identify', {
    user_id: me.userId,
    user_hash: me.userHash,
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    attributes: { plan: 'Outfitters Club', orders: 7 },
  });
})();
