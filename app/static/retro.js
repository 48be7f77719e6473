// The retro's run page, live: every second it asks the server whether the session changed
// (GET .../run/state with the last ETag; 304 when not) and shows the new state; the phase's
// timebox counts down each second; votes are saved at each tap, and the lead groups items
// by dragging one onto another. Without this script the page works with forms and reloads.
(function () {
  "use strict";

  var live = document.getElementById("retro-live");
  if (!live || !window.fetch || !window.FormData) {
    return;
  }
  var POLL_MS = 1000;
  var HIDDEN_POLL_MS = 5000; // a tab in the background asks less often
  var stateUrl = live.getAttribute("data-state-url");
  var version = live.getAttribute("data-version");
  var notice = document.getElementById("retro-live-notice");
  var errorBox = document.getElementById("retro-live-error");
  var shownAt = Date.now(); // when the timebox's seconds were counted
  var dirty = false; // the person changed a form here: a new state waits until they want it
  var pending = null;
  var timer = null;
  var asking = false;
  var stopped = false;

  // Where the keyboard was, so a new state does not throw it back to the top of the page.
  function focusKey() {
    var el = document.activeElement;
    if (!el || el === document.body || !live.contains(el)) {
      return null;
    }
    var holder = el.closest("[id]");
    return holder ? { holder: holder.id, name: el.name || "", value: el.value || "", tag: el.tagName } : null;
  }

  function refocus(key) {
    var holder = key && document.getElementById(key.holder);
    if (!holder) {
      return;
    }
    var target = null;
    Array.prototype.forEach.call(holder.querySelectorAll(key.tag), function (el) {
      var same = (el.name || "") === key.name && (key.tag !== "BUTTON" || (el.value || "") === key.value);
      if (!target && same && !el.disabled) {
        target = el;
      }
    });
    // The same button may be off now (no vote left): the item's other one, then.
    target = target || holder.querySelector("button:not([disabled])");
    if (target) {
      target.focus({ preventScroll: true });
    }
  }

  function swap(html, newVersion) {
    var key = focusKey();
    live.innerHTML = html;
    refocus(key);
    version = newVersion;
    shownAt = Date.now();
    dirty = false;
    pending = null;
    notice.hidden = true;
    tick();
  }

  function poll() {
    if (stopped || asking) {
      return;
    }
    asking = true;
    fetch(stateUrl, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { "If-None-Match": '"' + version + '"', Accept: "text/html" },
    })
      .then(function (response) {
        if (response.status === 200) {
          var etag = (response.headers.get("ETag") || "").replace(/^W\//, "").replace(/"/g, "");
          return response.text().then(function (html) {
            if (dirty) {
              pending = { html: html, version: etag };
              notice.hidden = false;
            } else {
              swap(html, etag);
            }
          });
        }
        if (response.status === 401 || response.status === 403 || response.status === 404) {
          stopped = true; // signed out, or no longer invited: the forms say so on the next click
        }
        return null;
      })
      .catch(function () { /* offline for a moment: ask again on the next beat */ })
      .then(function () {
        asking = false;
        later(document.hidden ? HIDDEN_POLL_MS : POLL_MS);
      });
  }

  function later(ms) {
    window.clearTimeout(timer);
    timer = window.setTimeout(poll, ms);
  }

  function now() {
    window.clearTimeout(timer);
    if (asking) {
      later(50);
    } else {
      poll();
    }
  }

  // -- the timebox ---------------------------------------------------------------------------
  // The same words as sessions/retro/phases.py `timebox`.
  function words(left) {
    if (left > 0) {
      return Math.ceil(left / 60) + " min left";
    }
    var over = Math.floor(-left / 60);
    return over ? "over by " + over + " min" : "time is up";
  }

  function tick() {
    var box = live.querySelector("[data-seconds-left]");
    if (!box) {
      return;
    }
    var left = parseInt(box.getAttribute("data-seconds-left"), 10) - Math.floor((Date.now() - shownAt) / 1000);
    var clock = box.querySelector(".retro-clock");
    var text = words(left);
    if (clock && clock.textContent !== text) {
      clock.textContent = text;
    }
    box.classList.toggle("retro-timebox-over", left <= 0);
  }

  // -- sending ---------------------------------------------------------------------------------
  function csrfToken() {
    var field = document.querySelector("#retro-live input[name=csrf_token]");
    return field ? field.value : "";
  }

  function send(url, data) {
    errorBox.hidden = true;
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: data,
    }).then(function (response) {
      if (response.ok) {
        dirty = false;
        now();
        return;
      }
      return response.json().then(
        function (body) { say(body.error && body.error.message); },
        function () { say(null); }
      );
    }, function () { say("The connection was lost; try again."); });
  }

  function say(message) {
    errorBox.textContent = message || "That did not work; reload the page and try again.";
    errorBox.hidden = false;
    now();
  }

  // A tap on + or − saves at once, without leaving the page.
  var lastClicked = null; // for browsers that do not say which button sent a form
  live.addEventListener("click", function (event) {
    lastClicked = event.target.closest ? event.target.closest("button[name]") : null;
  });
  live.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("retro-tap")) {
      return;
    }
    event.preventDefault();
    var data = new FormData(form);
    var button = event.submitter || lastClicked;
    if (button && button.name) {
      data.append(button.name, button.value);
    }
    send(form.action, data);
  });

  // -- grouping by dragging (the lead) -------------------------------------------------------
  var dragged = null;

  function groupUnder(target) {
    var group = target && target.closest ? target.closest(".retro-group[data-head]") : null;
    if (!group || !dragged || group.getAttribute("data-head") === dragged.getAttribute("data-head")) {
      return null;
    }
    return group;
  }

  live.addEventListener("dragstart", function (event) {
    var item = event.target.closest ? event.target.closest("[data-item][draggable=true]") : null;
    if (!item) {
      return;
    }
    dragged = item;
    item.classList.add("retro-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.getAttribute("data-item"));
  });

  live.addEventListener("dragend", function () {
    if (dragged) {
      dragged.classList.remove("retro-dragging");
    }
    dragged = null;
    live.querySelectorAll(".retro-drop").forEach(function (el) { el.classList.remove("retro-drop"); });
  });

  live.addEventListener("dragover", function (event) {
    var group = groupUnder(event.target);
    if (group) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      group.classList.add("retro-drop");
    }
  });

  live.addEventListener("dragleave", function (event) {
    var group = groupUnder(event.target);
    if (group && !group.contains(event.relatedTarget)) {
      group.classList.remove("retro-drop");
    }
  });

  live.addEventListener("drop", function (event) {
    var group = groupUnder(event.target);
    var list = live.querySelector("[data-group-url]");
    if (!group || !list) {
      return;
    }
    event.preventDefault();
    var data = new FormData();
    data.append("csrf_token", csrfToken());
    data.append("item", dragged.getAttribute("data-item"));
    data.append("into", group.getAttribute("data-head"));
    send(list.getAttribute("data-group-url"), data);
  });

  // -- typing here holds new states back until asked for -----------------------------------
  function touched(event) {
    var form = event.target.form;
    if (form && !form.classList.contains("retro-tap")) {
      dirty = true;
    }
  }
  live.addEventListener("input", touched);
  live.addEventListener("change", touched);
  document.getElementById("retro-live-show").addEventListener("click", function () {
    if (pending) {
      swap(pending.html, pending.version);
    }
  });

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      now();
    }
  });
  window.setInterval(tick, 1000);
  later(POLL_MS);
})();
