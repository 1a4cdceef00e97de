// Globals patched the way old libraries and careless scripts do: the widget must not care.
(function () {
  var broken = function () {
    throw new Error('patched by the host page');
  };
  Array.prototype.forEach = broken;
  Array.prototype.map = broken;
  Array.prototype.filter = broken;
  Array.prototype.toJSON = function () {
    return 'patched';
  };
  JSON.parse = broken;
  // Wrapped, not broken outright: WebDriver itself serialises through the page's JSON.
  var stringify = JSON.stringify;
  JSON.stringify = function (value) {
    return stringify(value, null, 1);
  };
  window.fetch = function () {
    return Promise.reject(new Error('patched fetch'));
  };
  Object.defineProperty(Object.prototype, 'polluted', { value: 'yes', enumerable: true, writable: true, configurable: true });
})();
