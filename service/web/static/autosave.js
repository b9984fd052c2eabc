// The form keeps a draft as the clerk types: a few seconds after typing stops, and when the page
// is hidden or left, its fields are posted to the autosave. The answer names the draft, which goes
// into the form's draft_id (so that one form keeps one draft, and issuing deletes it) and into
// the address (so that reloading, even after signing in again, opens the draft), and the time
// saved, shown discreetly under the buttons. A session that has ended answers 401: the page says
// so at the top, with the link to sign in again that returns to the form with everything in it;
// what is typed next is still kept, for after signing in.
(function () {
  var script = document.currentScript;
  var form = document.getElementById(script.dataset.form);
  if (!form) return;
  var WAIT = 3000; // after the last keystroke
  var KEEPALIVE_MOST = 60000; // bytes a request may carry while the page is being left
  var timer = null;
  var dirty = false;
  var sending = false;
  var again = false;
  var stopped = false;

  var status = document.createElement("p");
  status.className = "autosave muted";
  status.setAttribute("role", "status");
  var actions = form.querySelector(".actions");
  if (actions) actions.insertAdjacentElement("afterend", status);
  else form.appendChild(status);
  var ended = null; // the notice of a session that has ended, once there is one

  function draftInput() {
    var input = form.querySelector("input[name=draft_id]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "draft_id";
      form.appendChild(input);
    }
    return input;
  }

  function fields() {
    var data = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") data.append(name, value); // files are chosen again
    });
    data.set("kind", script.dataset.kind);
    return data;
  }

  // What the clerk has typed: every non-empty value, by name. A form whose typing is still what
  // the page came with (its defaults, an empty row added) has nothing worth a draft of its own.
  function typedValues() {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && value.trim() && !PAGE_OWN[name]) pairs.push(name + "\u0000" + value);
    });
    return pairs.sort().join("\u0001");
  }
  var PAGE_OWN = { csrf_token: true, draft_id: true, form_owner: true, action: true };
  var initial = typedValues();

  function token() {
    var input = form.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function remember(draftId) {
    draftInput().value = draftId;
    var address = new URL(window.location.href);
    if (address.searchParams.get("draft") === String(draftId)) return;
    address.searchParams.set("draft", draftId);
    window.history.replaceState(window.history.state, "", address.toString());
  }

  function saved(answer) {
    remember(answer.draft_id);
    if (answer.csrf_token) {
      // Signed in again in another tab: the page's token is renewed, so that it can be sent.
      document.querySelectorAll("input[name=csrf_token]").forEach(function (input) {
        input.value = answer.csrf_token;
      });
    }
    if (ended) {
      ended.remove();
      ended = null;
    }
    status.textContent = script.dataset.saved + " " + answer.saved_at;
  }

  function expired(answer) {
    if (!ended) {
      ended = document.createElement("p");
      ended.className = "alert autosave-ended";
      ended.setAttribute("role", "alert");
      form.insertAdjacentElement("beforebegin", ended);
    }
    // "…，请重新登录": its last words become the link, else the link follows the message.
    var words = script.dataset.login;
    var message = answer.error;
    var ending = message.slice(-words.length) === words;
    ended.textContent = ending ? message.slice(0, -words.length) : message + " ";
    var link = document.createElement("a");
    link.href = answer.login;
    link.textContent = words;
    ended.appendChild(link);
    status.textContent = answer.error;
  }

  function answered(response) {
    var json = (response.headers.get("Content-Type") || "").indexOf("json") >= 0;
    return (json ? response.json() : Promise.resolve({})).then(function (answer) {
      if (response.ok) saved(answer);
      else if (response.status === 401 && answer.login) expired(answer);
      else {
        stopped = true; // a stale page or a refusal: typing on would not be kept either
        status.textContent = answer.error || script.dataset.failed;
      }
    });
  }

  function send(leaving) {
    window.clearTimeout(timer);
    timer = null;
    if (!dirty || stopped) return;
    if (!draftInput().value && typedValues() === initial) {
      dirty = false; // nothing typed yet (a row added, a default chosen again): no draft
      return;
    }
    if (sending && !leaving) {
      again = true; // one at a time: the draft the first names is the one the next updates
      return;
    }
    dirty = false;
    sending = true;
    var body = fields();
    fetch(script.dataset.url, {
      method: "POST",
      headers: { "X-CSRFToken": token() },
      body: body,
      credentials: "same-origin",
      cache: "no-store",
      keepalive: leaving && body.toString().length < KEEPALIVE_MOST,
    })
      .then(answered)
      .catch(function () {
        dirty = true; // offline for a moment: the next pause in typing tries again
        status.textContent = script.dataset.failed;
      })
      .then(function () {
        sending = false;
        if (again) {
          again = false;
          send(false);
        }
      });
  }

  // Any input or change inside the form: typing, a pick that fills fields, a row added or removed.
  function typed() {
    if (stopped) return;
    dirty = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(send, WAIT);
  }

  form.addEventListener("input", typed);
  form.addEventListener("change", typed);
  // Posting the form is saving it: an autosave racing it could bring back an issued draft.
  form.addEventListener("submit", function () {
    stopped = true;
    window.clearTimeout(timer);
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") send(true);
  });
  window.addEventListener("pagehide", function () {
    send(true);
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) stopped = false; // back from the next page: the form is typed on again
  });
  // A form given back after signing in, or back from the review, names its draft but its address
  // does not: what it holds is kept in the draft at once, so that reloading loses nothing.
  var named = draftInput().value;
  if (named && new URL(window.location.href).searchParams.get("draft") !== named) {
    dirty = true;
    send(false);
  }
})();
