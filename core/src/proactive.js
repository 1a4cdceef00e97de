// The site's proactive messages on the page: part of `/launcher.js` (`core::launcher::script`)
// for sites that have some, handed to the loader with the launcher's look. The loader calls
// the function this returns with its shadow root, the names the page fired so far with
// `Switchboard('trigger', name)` (a live array), and `answer(name)`, which opens the panel on
// a conversation that starts with that message.
//
// Triggers are checked on the page twice a second; nothing is stored until the visitor acts
// (opening the chat marks a returning visitor, dismissing a bubble remembers it). Lines that
// start with `//` are left out of the script.
function (list, site) {
  return function (root, fired, answer) {
    var key = 'switchboard:' + site + ':';
    var start = Date.now();
    var since = {};
    var bubble, shown, timer;
    function get(name) {
      try {
        return localStorage.getItem(key + name) || '';
      } catch (e) {
        return '';
      }
    }
    function set(name, value) {
      try {
        localStorage.setItem(key + name, value);
      } catch (e) {}
    }
    var returning = get('seen');
    function heard(name) {
      since[name] = since[name] || Date.now();
    }
    function matches(pattern) {
      var parts = pattern.split('*');
      for (var i = 0; i < parts.length; i++) parts[i] = parts[i].replace(/[.+?^${}()|[\]\\]/g, '\\$&');
      return new RegExp('^' + parts.join('.*') + '$').test(location.href);
    }
    function due(message, now) {
      var from = message.event ? since[message.event] : start;
      return (
        from &&
        now - from >= message.after * 1000 &&
        (!message.url || matches(message.url)) &&
        (!message.returning || returning) &&
        (' ' + get('dismissed') + ' ').indexOf(' ' + message.name + ' ') < 0
      );
    }
    function hide() {
      if (bubble) bubble.remove();
      bubble = null;
    }
    function el(name, attrs, parent, text) {
      var node = document.createElement(name);
      for (var k in attrs) node.setAttribute(k, attrs[k]);
      if (text) node.textContent = text;
      return parent.appendChild(node);
    }
    function show(message) {
      shown = message;
      clearInterval(timer);
      bubble = el('div', { part: 'bubble', class: 'bubble', role: 'complementary', 'aria-live': 'polite', 'aria-label': message.from }, root);
      var say = el('button', { class: 'say' }, bubble);
      var who = el('span', { class: 'who' }, say);
      el('span', { class: 'face', 'aria-hidden': 'true' }, who, message.from.charAt(0).toUpperCase());
      el('span', {}, who, message.from);
      el('span', { class: 'text' }, say, message.text);
      var close = el('button', { class: 'dismiss', 'aria-label': 'Dismiss' }, bubble, '\u00d7');
      say.onclick = function () {
        hide();
        answer(message.name);
      };
      close.onclick = function () {
        set('dismissed', (get('dismissed') + ' ' + message.name).trim());
        hide();
      };
    }
    for (var i = 0; i < fired.length; i++) heard(fired[i]);
    Switchboard('on', 'trigger', heard);
    // Once the visitor opened the chat they are returning on later pages, and the bubble goes.
    Switchboard('on', 'open', function () {
      set('seen', '1');
      hide();
    });
    timer = setInterval(function () {
      // Not over a conversation going (the loader's flag) or the open panel.
      if (shown || get('active') == '1' || root.querySelector('.panel.open')) return;
      for (var i = 0, now = Date.now(); i < list.length; i++) if (due(list[i], now)) return show(list[i]);
    }, 500);
  };
}
