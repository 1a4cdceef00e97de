// The shop tells Switchboard what the shopper did, so the site's proactive messages can
// answer it (`Switchboard('trigger', name)`, docs/proactive.md).
document.getElementById('add-to-cart').addEventListener('click', function () {
  Switchboard('trigger', 'added-to-cart');
  document.getElementById('added').hidden = false;
});
