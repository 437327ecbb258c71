/* The diary: the undo after a quick entry disappears when its ten seconds are over.
   Without this file the button stays and the server says when it is too late. */
(function () {
  "use strict";

  function arm(form) {
    if (form.getAttribute("data-armed")) return;
    form.setAttribute("data-armed", "1");
    var left = parseInt(form.getAttribute("data-undo-seconds") || "0", 10) || 0;
    var out = form.querySelector("[data-undo-left]");
    var timer = window.setInterval(function () {
      left -= 1;
      if (out && left > 0) out.textContent = "Отменить можно ещё " + left + " с.";
      if (left <= 0) {
        window.clearInterval(timer);
        if (document.activeElement && form.contains(document.activeElement)) {
          var status = form.closest("[role=status]");
          if (status) {
            status.setAttribute("tabindex", "-1");
            status.focus();
          }
        }
        form.remove();
      }
    }, 1000);
  }

  function scan(root) {
    var forms = (root || document).querySelectorAll("form[data-undo-seconds]");
    for (var i = 0; i < forms.length; i++) arm(forms[i]);
  }

  document.addEventListener("htmx:afterSwap", function () { scan(document); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scan(document); });
  } else {
    scan(document);
  }
})();
