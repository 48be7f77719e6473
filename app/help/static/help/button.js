/* The "Help, I'm stuck!" button for any web page:
 *   <script src="https://unstuck.example.com/help/static/help/button.js" async></script>
 * It adds a button that opens Unstuck's ask form in a side panel, with this page's
 * address and title filled in. It lives in a shadow root, so the page's styles and
 * Unstuck's never touch each other.
 */
(function () {
  "use strict";
  var PATH = "/help/static/help/button.js";

  function thisScript() {
    if (document.currentScript) return document.currentScript;
    var scripts = document.getElementsByTagName("script");
    for (var i = scripts.length - 1; i >= 0; i--) {
      if (scripts[i].src && scripts[i].src.split("?")[0].slice(-PATH.length) === PATH) return scripts[i];
    }
    return null;
  }

  var script = thisScript();
  if (!script || window.__unstuckButton) return;  // included twice: one button is enough
  window.__unstuckButton = true;
  // Unstuck may live under a path prefix: everything before the script's own path.
  var src = script.src.split("?")[0];
  var base = src.slice(0, src.length - PATH.length);

  var CSS = [
    ":host { all: initial; }",
    ".open { position: fixed; right: 1.25rem; bottom: 1.25rem; z-index: 2147483646;",
    "  font: 600 15px/1.2 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #fff;",
    "  background: #2f6fdd; border: 0; border-radius: 999px; padding: .75rem 1.1rem;",
    "  box-shadow: 0 4px 14px rgba(0,0,0,.25); cursor: pointer; }",
    ".open:focus-visible, .close:focus-visible { outline: 3px solid #f0b400; outline-offset: 2px; }",
    ".panel { position: fixed; top: 0; right: 0; bottom: 0; width: min(28rem, 100vw); z-index: 2147483647;",
    "  display: flex; flex-direction: column; background: #f6f7fb; box-shadow: -4px 0 18px rgba(0,0,0,.2); }",
    ".panel[hidden] { display: none; }",
    ".bar { display: flex; justify-content: space-between; align-items: center; padding: .5rem .75rem;",
    "  font: 600 15px system-ui, sans-serif; color: #1d2433; background: #fff; border-bottom: 1px solid #d9dee8; }",
    ".close { font: 22px/1 system-ui, sans-serif; background: none; border: 0; cursor: pointer; color: #1d2433; }",
    "iframe { flex: 1; border: 0; width: 100%; }"
  ].join("\n");

  function embedUrl() {
    return base + "/help/embed?link=" + encodeURIComponent(location.href) +
      "&title=" + encodeURIComponent(document.title || "");
  }

  function build() {
    var host = document.createElement("div");
    host.setAttribute("data-unstuck", "button");
    var root = host.attachShadow({ mode: "open" });
    root.innerHTML = "<style>" + CSS + "</style>" +
      '<button type="button" class="open" aria-expanded="false" aria-controls="unstuck-panel">' +
      "Help, I'm stuck!</button>" +
      '<div class="panel" id="unstuck-panel" role="dialog" aria-label="Ask Unstuck for help" hidden>' +
      '<div class="bar"><span>Unstuck</span>' +
      '<button type="button" class="close" aria-label="Close">\u00d7</button></div></div>';
    var open = root.querySelector(".open");
    var panel = root.querySelector(".panel");
    var close = root.querySelector(".close");
    var frame = null;

    function show() {
      // A fresh form each time, for the page the person is on now (single-page apps move).
      if (frame) frame.remove();
      frame = document.createElement("iframe");
      frame.title = "Ask for help";
      frame.src = embedUrl();
      panel.appendChild(frame);
      panel.hidden = false;
      open.setAttribute("aria-expanded", "true");
      close.focus();
    }

    function hide() {
      panel.hidden = true;
      open.setAttribute("aria-expanded", "false");
      open.focus();
    }

    open.addEventListener("click", function () { if (panel.hidden) show(); else hide(); });
    close.addEventListener("click", hide);
    root.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !panel.hidden) hide();
    });
    document.body.appendChild(host);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", build);
  else build();
})();
