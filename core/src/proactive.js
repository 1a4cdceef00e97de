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
    // When each page event was first heard (no inherited keys: any name is the page's).
    var since = Object.create(null);
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
    // Names are stored lowercase; a page may spell them as it likes.
    function heard(name) {
      name = String(name).toLowerCase();
      since[name] = since[name] || Date.now();
    }
    // `*` stands for any characters: each piece between stars is found in turn, leftmost, so
    // matching is linear (a regular expression of `.*`s can backtrack for minutes).
    function matches(pattern, text) {
      var parts = pattern.split('*');
      var last = parts.length - 1;
      if (text.indexOf(parts[0]) != 0) return false;
      if (!last) return text == parts[0];
      var at = parts[0].length;
      for (var i = 1; i < last; i++) {
        var found = text.indexOf(parts[i], at);
        if (found < 0) return false;
        at = found + parts[i].length;
      }
      return text.length - parts[last].length >= at && text.slice(text.length - parts[last].length) == parts[last];
    }
    function due(message, now) {
      var from = message.event ? since[message.event] : start;
      return (
        from &&
        now - from >= message.after * 1000 &&
        (!message.url || matches(message.url, location.href)) &&
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
