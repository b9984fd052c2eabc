// Typing is activity: while the user types into a form, the session is kept alive by one small
// request at most every two minutes, the last keystroke's sent at the end of its two minutes.
// A page left untouched still ends at the idle limit, since nothing else sends these requests;
// a session that has already ended answers 401 and stays ended, and then this script stops
// (what is typed next is kept by the server when the form is posted, for after signing in).
(function () {
  var script = document.currentScript;
  var url = script.dataset.aliveUrl;
  // Every signed-in page carries the CSRF token in its sign-out form.
  var token = document.querySelector("input[name=csrf_token]").value;
  var EVERY = 2 * 60 * 1000;
  var sentAt = -Infinity;
  var waiting = null;
  var ended = false;

  function send() {
    waiting = null;
    sentAt = Date.now();
    fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": token },
      credentials: "same-origin",
      cache: "no-store",
    }).then(function (response) {
      if (response.status === 401) ended = true; // ended, or the page's token is stale
    }, function () {
      // Offline for a moment: the next keystroke after EVERY tries again.
    });
  }

  function typed(event) {
    if (ended || waiting !== null || !event.target.closest || !event.target.closest("form")) return;
    var wait = sentAt + EVERY - Date.now();
    if (wait <= 0) send();
    else waiting = window.setTimeout(send, wait);
  }

  document.addEventListener("input", typed);
  document.addEventListener("change", typed);
})();
