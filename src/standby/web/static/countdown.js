/* Ticks down the incident countdowns the server rendered (data-countdown: the seconds left when the
   page was made, negative once overdue), in the server's words (incidents/pages.py clock_text).
   It counts from when the page loaded, never from the browser's clock: a skewed clock must not make
   a promise look kept or broken. Without this script the page still says it, as of loading. */
(function () {
  "use strict";
  var loaded = performance.now();

  function words(seconds) {
    var left = Math.abs(seconds);
    if (left < 60) return left + " s";
    if (left < 3600) return Math.floor(left / 60) + " min " + (left % 60) + " s";
    if (left < 48 * 3600) return Math.floor(left / 3600) + " h " + Math.floor((left % 3600) / 60) + " min";
    return Math.floor(left / 86400) + " days";
  }

  function tick() {
    var gone = Math.floor((performance.now() - loaded) / 1000);
    document.querySelectorAll("[data-countdown]").forEach(function (element) {
      var left = parseInt(element.getAttribute("data-countdown"), 10) - gone;
      element.textContent = left > 0 ? "in " + words(left) : "OVERDUE by " + words(left);
      element.classList.toggle("overdue", left <= 0);
    });
  }

  setInterval(tick, 1000);
})();
