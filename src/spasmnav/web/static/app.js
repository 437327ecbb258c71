/* SpasmNav: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  function setupPlayer(root) {
    var box = root.querySelector(".player-js");
    if (!box) return;
    box.hidden = false;
    var target = parseInt(root.getAttribute("data-target") || "0", 10) || 0;
    var hold = parseInt(root.getAttribute("data-hold") || "0", 10) || 0;
    var reps = 0;
    var repsOut = root.querySelector("[data-reps]");
    var repsInput = root.querySelector("[data-reps-input]");
    var timerOut = root.querySelector("[data-timer]");
    var holdButton = root.querySelector("[data-hold-start]");
    var timer = null;

    function show() {
      repsOut.textContent = String(reps);
      if (repsInput) repsInput.value = String(reps);
    }
    if (repsInput) repsInput.value = "0";

    root.querySelector("[data-rep]").addEventListener("click", function () {
      reps += 1;
      show();
      if (target && reps === target && timerOut) {
        timerOut.textContent = "Готово: " + target + " повторений. Можно записать занятие.";
      }
    });
    root.querySelector("[data-undo]").addEventListener("click", function () {
      if (reps > 0) reps -= 1;
      show();
    });
    if (holdButton && timerOut && hold) {
      holdButton.addEventListener("click", function () {
        if (timer) return;
        var left = hold;
        holdButton.disabled = true;
        timerOut.textContent = "Держите: " + left + " с";
        timer = window.setInterval(function () {
          left -= 1;
          if (left > 0) {
            timerOut.textContent = "Держите: " + left + " с";
            return;
          }
          window.clearInterval(timer);
          timer = null;
          holdButton.disabled = false;
          reps += 1;
          show();
          timerOut.textContent = "Отпустите. Повтор засчитан.";
          if (navigator.vibrate) navigator.vibrate(200);
        }, 1000);
      });
    }
  }

  function init() {
    var players = document.querySelectorAll("[data-player]");
    for (var i = 0; i < players.length; i++) setupPlayer(players[i]);
  }

  // After htmx replaces part of the page, move focus to its first heading so keyboard and
  // screen-reader users know something changed.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target) return;
    var heading = target.querySelector("h1, h2, [role=status], [role=alert]");
    if (heading) {
      if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
    var players = target.querySelectorAll("[data-player]");
    for (var i = 0; i < players.length; i++) setupPlayer(players[i]);
  });

  // A quick-add form starts empty again after a successful save (the leg is not carried over).
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt;
    if (form && form.hasAttribute && form.hasAttribute("data-reset-after-save") &&
        event.detail.successful) {
      form.reset();
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
