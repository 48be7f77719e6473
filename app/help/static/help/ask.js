// The ask form's live panel: while the person types, suggest skills and list answered
// questions of their team that look similar. The form works the same without it.
(function () {
  "use strict";

  var form = document.getElementById("ask-form");
  if (!form || !window.fetch || !window.AbortController) {
    return;
  }
  var SENT_CHARS = 2000; // enough words to search by
  var WAIT_MS = 350; // after the last key press, so a fast typist sends one request
  var url = form.getAttribute("data-similar-url");
  var goal = form.elements.goal;
  var stuck = form.elements.stuck;
  var skills = form.elements.skills;
  var chips = document.getElementById("skill-suggestions");
  var list = document.getElementById("similar-list");
  var empty = document.getElementById("similar-empty");
  // Once the person has written in the skills field, it is theirs: we only offer.
  var skillsTouched = !skills || skills.value.trim() !== "";
  var timer = null;
  var pending = null;
  var lastText = null;

  if (form.elements.check) {
    form.elements.check.hidden = true; // the live panel does what this button does
  }

  function csrfToken() {
    var field = form.elements.csrf_token;
    return field ? field.value : "";
  }

  function chosen() {
    return skills.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
  }

  function isChosen(name) {
    var key = name.toLowerCase();
    return chosen().some(function (s) { return s.toLowerCase() === key; });
  }

  function toggle(name, button) {
    var key = name.toLowerCase();
    var names = chosen();
    if (isChosen(name)) {
      names = names.filter(function (s) { return s.toLowerCase() !== key; });
    } else {
      names.push(name);
    }
    skills.value = names.join(", ");
    skillsTouched = true;
    button.setAttribute("aria-pressed", String(isChosen(name)));
  }

  function showSkills(suggested) {
    if (!skills || !chips) {
      return; // a form without a skills field (or its suggestions) shows answers only
    }
    if (!skillsTouched) {
      skills.value = suggested.map(function (s) { return s.name; }).join(", ");
    }
    var label = document.createElement("span");
    label.className = "muted";
    label.textContent = "Suggested: ";
    chips.replaceChildren(label);
    suggested.forEach(function (skill) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "tag";
      button.textContent = skill.name;
      button.setAttribute("aria-pressed", String(isChosen(skill.name)));
      button.addEventListener("click", function () { toggle(skill.name, button); });
      chips.append(button, " ");
    });
    chips.hidden = suggested.length === 0;
  }

  // A suggested answer opens beside the form, so the draft stays where it is.
  function showSimilar(items, text) {
    list.replaceChildren();
    items.forEach(function (item) {
      var entry = document.createElement("li");
      var details = document.createElement("details");
      var summary = document.createElement("summary");
      summary.textContent = item.goal;
      var excerpt = document.createElement("small");
      excerpt.className = "muted";
      excerpt.textContent = item.excerpt;
      var answer = document.createElement("div");
      answer.className = "markdown answer";
      answer.innerHTML = item.answer_html; // sanitized by the server, as on the thread
      var actions = document.createElement("p");
      actions.className = "row";
      var solved = document.createElement("form");
      solved.method = "post";
      solved.action = item.solved_url;
      var token = document.createElement("input");
      token.type = "hidden";
      token.name = "csrf_token";
      token.value = csrfToken();
      var yes = document.createElement("button");
      yes.type = "submit";
      yes.textContent = "Yes, this solved my problem";
      solved.append(token, yes);
      solved.addEventListener("submit", forgetDraft);
      var no = document.createElement("button");
      no.type = "button";
      no.textContent = "No, ask for help";
      no.addEventListener("click", function () {
        details.open = false;
        goal.focus();
      });
      var open = document.createElement("a");
      open.href = item.url;
      open.target = "_blank";
      open.rel = "noopener";
      open.textContent = "Open in a new tab";
      actions.append(solved, " ", no, " ", open);
      details.append(summary, excerpt, answer, actions);
      entry.append(details);
      list.append(entry);
    });
    empty.hidden = items.length > 0;
    if (!items.length && text.trim()) {
      empty.textContent = "Nothing in your team's knowledge base looks like this yet.";
    }
  }

  function refresh() {
    var text = (goal.value + "\n" + stuck.value).slice(0, SENT_CHARS);
    if (text === lastText) {
      return;
    }
    lastText = text;
    if (pending) {
      pending.abort(); // only the newest text's answer matters
    }
    pending = new AbortController();
    // In the body, never in the address: a pasted error can hold a secret, and
    // addresses are written to access and proxy logs.
    var body = new FormData();
    body.append("text", text);
    fetch(url, {
      method: "POST",
      body: body,
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
      signal: pending.signal
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("similar: " + response.status);
      }
      return response.json();
    }).then(function (data) {
      showSkills(data.skills);
      showSimilar(data.similar, text);
    }).catch(function () {
      // The panel is a help, not a step: asking works without it.
    });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, WAIT_MS);
  }

  // The draft survives leaving the page in this tab (an answer opened, "No, ask for help"
  // on it, a sign-in that had expired when it was sent): kept for this tab only, gone when
  // the tab closes or the question is saved.
  var DRAFT_KEY = "unstuck.ask.draft";
  var SENT_KEY = "unstuck.ask.sent"; // the draft as sent, until a page says it was saved
  var kept = ["goal", "stuck", "skills"];

  function storage() {
    try {
      return window.sessionStorage;
    } catch (e) {
      return null; // storage blocked: the draft lives in the form only
    }
  }

  function keepDraft() {
    var store = storage();
    if (!store) {
      return;
    }
    var draft = {};
    kept.forEach(function (name) {
      if (form.elements[name]) {
        draft[name] = form.elements[name].value;
      }
    });
    try {
      store.setItem(DRAFT_KEY, JSON.stringify(draft));
    } catch (e) {
      // full or blocked: nothing to do
    }
  }

  function forgetDraft() {
    var store = storage();
    if (store) {
      store.removeItem(DRAFT_KEY);
    }
  }

  function sendDraft() {
    var store = storage();
    var draft = store && store.getItem(DRAFT_KEY);
    var key = form.elements.request_key;
    if (draft && key && key.value) {
      try {
        store.setItem(SENT_KEY, JSON.stringify({ key: key.value, draft: draft }));
      } catch (e) {
        // full or blocked: nothing to do
      }
    }
    forgetDraft();
  }

  // A draft sent but never saved (the sign-in had expired, the network failed) comes back;
  // one the page says was saved is forgotten.
  function unsentDraft(store) {
    var sent = store.getItem(SENT_KEY);
    var savedKeys = form.getAttribute("data-sent-keys");
    if (!sent || savedKeys === null) {
      return null; // only a page that lists the saved keys can tell
    }
    store.removeItem(SENT_KEY);
    try {
      var parsed = JSON.parse(sent);
      return savedKeys.split(" ").indexOf(parsed.key) === -1 ? parsed.draft : null;
    } catch (e) {
      return null;
    }
  }

  function restoreDraft() {
    var store = storage();
    if (!store || (goal.value + stuck.value).trim()) {
      return; // nothing to restore into, or the page already holds a draft (sent back with a message)
    }
    var saved = store.getItem(DRAFT_KEY) || unsentDraft(store);
    if (!saved) {
      return;
    }
    try {
      var draft = JSON.parse(saved);
      kept.forEach(function (name) {
        if (form.elements[name] && typeof draft[name] === "string") {
          form.elements[name].value = draft[name];
        }
      });
      if (draft.skills) {
        skillsTouched = true;
      }
    } catch (e) {
      forgetDraft();
    }
  }

  restoreDraft();
  form.addEventListener("input", keepDraft);
  form.addEventListener("submit", sendDraft); // a page sent back with a message keeps it again
  goal.addEventListener("input", later);
  stuck.addEventListener("input", later);
  if (skills) {
    skills.addEventListener("input", function () { skillsTouched = true; });
  }
  if ((goal.value + stuck.value).trim()) {
    keepDraft();
    refresh();
  }
})();
