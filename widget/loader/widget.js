/*
 * Switchboard loader: the only script a website owner embeds.
 *
 *   <script src="https://EDGE/widget.js" data-site="SITE_ID" async></script>
 *
 * It draws the launcher (no wasm) as soon as the site's look arrives (`/launcher.js`, a
 * small cached script from the edge carrying the stylesheet and icon: `core::launcher`),
 * and creates the chat frame (a cross-origin iframe from the edge, where the Yew app runs)
 * only when the visitor asks for it, or at load when the visitor already has a conversation. Everything it draws lives in an open shadow root on
 * one host element, so the page's CSS cannot reach it. The page and the frame talk through
 * postMessage, checked strictly on both ends (origin and source window).
 *
 * Budget: 2 KB gzip after `esbuild --minify`. Plain ES2017, no dependencies; every byte here
 * is paid by every visitor of every site, so the code favours small over clever.
 */
(function () {
  var win = window;
  var doc = document;
  var script = doc.currentScript;
  // Loaded twice (or not as a classic script): the first copy owns the page.
  if (!script || (win.Switchboard && win.Switchboard.loaded)) return;

  var EDGE = new URL(script.src).origin;
  var SITE = script.getAttribute('data-site') || '';
  var QUERY = '?site=' + encodeURIComponent(SITE);
  // Set when the frame says the visitor has an open conversation: the next page load starts
  // the frame at once (hidden), so replies that came in meanwhile show on the badge.
  var FLAG = 'switchboard:' + SITE + ':active';
  var SVG = 'http://www.w3.org/2000/svg';
  var queued = (win.Switchboard && win.Switchboard.q) || [];
  var listeners = { open: [], close: [], unread: [], message: [], trigger: [] };
  // What the page said through `identify` and `setLocale`, handed to every frame it starts.
  var identity, locale;
  // The names the page fired with `trigger` (for the site's proactive messages, drawn by
  // /launcher.js), and the proactive message the visitor answered, for the frame.
  var fired = [];
  var pro;
  var isOpen = false;
  var ready = false; // the frame said 'ready': it can be posted to
  var ending = false; // shutdown asked: the frame goes once it confirms (or after a timeout)
  var unread = 0;
  // The launcher's one icon: the site's (from /launcher.js) while closed, a chevron down
  // while open.
  var CHAT = '';
  var DOWN = 'M16.6 8.6 12 13.2 7.4 8.6 6 10l6 6 6-6z';
  // While unread replies wait and the panel is closed, the tab's title alternates with
  // "(2) New message" (the frame's words); `title` holds the page's own while ours shows.
  var note, title, blinking;
  var host, root, sheet, launcher, icon, badge, panel, frame;

  // Storage can throw (blocked storage, sandboxed pages): the widget works without it.
  function flag(value) {
    try {
      var store = win.localStorage;
      if (value == null) return store.getItem(FLAG) == '1';
      if (value) store.setItem(FLAG, '1');
      else store.removeItem(FLAG);
    } catch (e) {}
  }

  // Plain loops rather than Array.prototype methods throughout: pages patch those.
  function emit(name, payload) {
    for (var fns = listeners[name], i = 0; i < fns.length; i++) {
      // A failing listener must break neither the widget nor the other listeners.
      try {
        fns[i](payload);
      } catch (e) {
        console.error(e);
      }
    }
  }

  function post(data) {
    if (ready) frame.contentWindow.postMessage(data, EDGE);
  }

  function el(name, attrs, parent) {
    var node = doc.createElement(name);
    for (var key in attrs) node.setAttribute(key, attrs[key]);
    return parent.appendChild(node);
  }

  function blink() {
    if (title) {
      doc.title = title;
      title = '';
    } else {
      title = doc.title;
      doc.title = '(' + unread + ') ' + note;
    }
  }

  function showBadge() {
    badge.textContent = unread > 9 ? '9+' : unread;
    badge.hidden = isOpen || !unread;
    clearInterval(blinking);
    if (title) blink();
    if (!badge.hidden && note) blinking = setInterval(blink, 1500);
  }

  function drawIcon() {
    icon.setAttribute('d', isOpen ? DOWN : CHAT);
  }

  function ensureFrame() {
    frame = frame || el('iframe', { title: 'Chat', src: EDGE + '/frame' + QUERY }, panel);
  }

  function setOpen(open) {
    if (open == isOpen || ending) return;
    isOpen = open;
    if (open) ensureFrame();
    panel.classList.toggle('open', open);
    launcher.classList.toggle('open', open);
    drawIcon();
    launcher.setAttribute('aria-expanded', open);
    showBadge();
    post({ sb: open ? 'open' : 'close' });
    if (open) frame.focus();
    // Focus was inside the widget (the frame): hand it to the launcher, not to <body>.
    else if (doc.activeElement == host) launcher.focus();
    emit(open ? 'open' : 'close', { open: open });
  }

  // The visitor answered proactive message `name`: the panel opens on a conversation that
  // starts with it. A frame the launcher's hover started without it (no conversation going)
  // makes way for one that knows; not one still forgetting the visitor (shutdown).
  function answer(name) {
    if (ending) return;
    if (frame && !flag()) removeFrame();
    pro = name;
    setOpen(true);
  }

  function removeFrame() {
    if (frame) frame.remove();
    frame = null;
    ready = ending = false;
  }

  function onMessage(event) {
    var data = event.data;
    // Only the frame we created, from the edge, speaks this protocol; `data.sb` is undefined
    // for anything that is not an object carrying it, and then no case matches.
    if (!frame || event.origin !== EDGE || event.source !== frame.contentWindow) return;
    switch (data && data.sb) {
      case 'ready':
        ready = true;
        // A frame still loading when shutdown was asked gets 'shutdown' instead of 'init'.
        post(
          ending
            ? { sb: 'shutdown' }
            : { sb: 'init', open: isOpen, url: location.href, ref: doc.referrer, id: identity, lang: locale, pro: pro }
        );
        break;
      case 'close':
        setOpen(false);
        break;
      case 'active':
        // During shutdown only the frame's confirmation counts: it must not set the flag again.
        if (!ending) flag(!!data.value);
        else if (!data.value) removeFrame();
        break;
      case 'unread':
        unread = data.count | 0;
        note = data.title;
        showBadge();
        emit('unread', { count: unread });
        break;
      case 'message':
        emit('message', data.message);
    }
  }

  function api(command, name, fn, more) {
    switch (command) {
      case 'open':
      case 'close':
      case 'toggle':
        setOpen(command == 'toggle' ? !isOpen : command == 'open');
        break;
      case 'style':
        // From /launcher.js: the site's stylesheet and icon, and what shows its proactive
        // messages (internal, not for pages).
        sheet.replaceSync(name);
        CHAT = fn;
        drawIcon();
        if (more) more(root, fired, answer);
        break;
      case 'trigger':
        fired.push(name);
        emit(command, name);
        break;
      case 'show':
      case 'hide':
        launcher.hidden = command == 'hide';
        break;
      case 'identify':
        // Checked by the edge against the site's identity secret (docs/embed.md).
        post({ sb: 'identify', id: (identity = name) });
        break;
      case 'setLocale':
        post({ sb: 'locale', lang: (locale = name) });
        break;
      case 'on':
        if (listeners[name] && typeof fn == 'function') listeners[name].push(fn);
        break;
      case 'off':
        for (var fns = listeners[name] || [], i = fns.length; i--; ) fns[i] == fn && fns.splice(i, 1);
        break;
      case 'shutdown':
        setOpen(false);
        flag(false);
        identity = pro = null;
        unread = 0;
        showBadge();
        if (frame && !ending) {
          // The frame must hear 'shutdown' before it goes, or it would keep the visitor's
          // session; it answers {active:false} once it forgot. The timeout covers a frame that
          // never answers.
          ending = true;
          post({ sb: 'shutdown' });
          var doomed = frame;
          setTimeout(() => frame == doomed && removeFrame(), 3000);
        }
        break;
      default:
        console.warn('Switchboard: unknown command', command);
    }
  }
  api.loaded = true;

  function mount() {
    host = doc.createElement('div');
    host.id = 'switchboard-widget';
    // Inline !important beats any page rule aimed at the host: `all` first, then the few
    // longhands that differ from their initial values (and `direction`, which `all` leaves
    // inheriting from the page). The shadow root keeps out the rest.
    // (CSSOM, which a strict page CSP allows, unlike a `style` attribute in markup.)
    host.style.cssText =
      'all:initial!important;direction:ltr!important;position:fixed!important;right:0!important;bottom:0!important;z-index:2147483647!important';
    root = host.attachShadow({ mode: 'open' });
    // A constructed sheet is CSSOM, which a page CSP without 'unsafe-inline' still allows
    // (a <style> element would not be). Every browser since 2023 has them. Nothing shows
    // until /launcher.js replaces it with the site's look (`style` below).
    sheet = new CSSStyleSheet();
    sheet.replaceSync('*{display:none}');
    root.adoptedStyleSheets = [sheet];
    panel = el('div', { class: 'panel' }, root);
    // Not in any form (it is in a shadow root), so no `type` is needed.
    launcher = el('button', { part: 'launcher', 'aria-label': 'Open chat', 'aria-expanded': false }, root);
    // No aria-hidden needed: a button's children are presentational, its name is the label.
    var svg = launcher.appendChild(doc.createElementNS(SVG, 'svg'));
    svg.setAttribute('viewBox', '0 0 24 24');
    icon = svg.appendChild(doc.createElementNS(SVG, 'path'));
    badge = el('span', { part: 'badge', hidden: '' }, launcher);
    launcher.onclick = () => setOpen(!isOpen);
    // A visitor reaching for the launcher will likely open it: start the frame now (hidden),
    // so the panel is ready by the click. Before that, nothing but this file is fetched.
    launcher.onpointerenter = launcher.onfocus = ensureFrame;
    root.addEventListener('keydown', (event) => event.key == 'Escape' && setOpen(false));
    win.addEventListener('message', onMessage);
    doc.body.appendChild(host);

    if (flag()) ensureFrame();
    win.Switchboard = api;
    // The site's look: a classic script from the edge calling `Switchboard('style', …)`,
    // which the host page's CSP already allows (`script-src` for the edge), unlike a
    // stylesheet or a fetch from the page.
    el('script', { src: EDGE + '/launcher.js' + QUERY }, root);
    for (var i = 0; i < queued.length; i++) api.apply(null, queued[i]);
  }

  if (doc.body) mount();
  else doc.addEventListener('DOMContentLoaded', mount);
})();
