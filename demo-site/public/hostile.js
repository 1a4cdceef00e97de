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
  JSON.stringify = function () {
    return '"patched"';
  };
  window.fetch = function () {
    return Promise.reject(new Error('patched fetch'));
  };
  Object.defineProperty(Object.prototype, 'polluted', { value: 'yes', enumerable: true, writable: true, configurable: true });
})();
