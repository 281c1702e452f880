/*
 * taskforce.js — small site-wide behaviour for the task force case system.
 *
 * Loaded as an external file (no inline <script>), so it works under a
 * Content-Security-Policy without 'unsafe-inline' / 'unsafe-eval'.
 * Include it after htmx.min.js, e.g.:
 *   <meta name="csrf-token" content="{{ csrf_token }}">
 *   <script src="{% static 'vendor/htmx/htmx.min.js' %}" defer></script>
 *   <script src="{% static 'js/taskforce.js' %}" defer></script>
 */
(function () {
  "use strict";

  // Methods that change state and therefore need Django's CSRF token.
  var UNSAFE_METHODS = ["post", "put", "patch", "delete"];

  // Read the token from <meta name="csrf-token" content="...">.
  // Read on every request so a token rotated by login is picked up
  // after the page (or the meta tag via hx-swap-oob) is refreshed.
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : null;
  }

  // htmx fires htmx:configRequest before every request; add the header
  // Django checks by default (CSRF_HEADER_NAME = "HTTP_X_CSRFTOKEN").
  // Only for unsafe methods, so the token is not sent on plain GETs.
  document.addEventListener("htmx:configRequest", function (evt) {
    var verb = String(evt.detail.verb || "").toLowerCase();
    if (UNSAFE_METHODS.indexOf(verb) === -1) {
      return;
    }
    var token = csrfToken();
    if (token) {
      evt.detail.headers["X-CSRFToken"] = token;
    }
  });

  // Progress bars carry their value in data-tf-percent: the Content-Security-Policy refuses
  // style attributes, but a width set from script (CSSOM) is allowed. Also after htmx swaps.
  function sizeProgressBars(root) {
    var bars = root.querySelectorAll("[data-tf-percent]");
    for (var i = 0; i < bars.length; i++) {
      var percent = Math.max(0, Math.min(100, Number(bars[i].dataset.tfPercent) || 0));
      bars[i].style.width = percent + "%";
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      sizeProgressBars(document);
    });
  } else {
    sizeProgressBars(document);
  }
  document.addEventListener("htmx:afterSettle", function () {
    sizeProgressBars(document);
  });
})();
