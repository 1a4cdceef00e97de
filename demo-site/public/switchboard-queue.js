// The snippet's optional first line, for pages that call Switchboard(...) before the loader
// has run: calls are queued in Switchboard.q and replayed by the loader. (Kept in a file so
// pages with a strict CSP can use it too; inline it where inline scripts are allowed.)
window.Switchboard =
  window.Switchboard ||
  function () {
    (window.Switchboard.q = window.Switchboard.q || []).push(arguments);
  };
