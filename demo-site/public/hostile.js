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
  // JSON is wrapped rather than broken outright: WebDriver itself goes through the page's
  // JSON (the loader never does; the frame has its own).
  var stringify = JSON.stringify;
  var parse = JSON.parse;
  JSON.stringify = function (value) {
    return stringify(value, null, 1);
  };
  JSON.parse = function (text) {
    return parse(text, function (key, value) {
      return value;
    });
  };
  window.fetch = function () {
    return Promise.reject(new Error('patched fetch'));
  };
  Object.defineProperty(Object.prototype, 'polluted', { value: 'yes', enumerable: true, writable: true, configurable: true });
})();
