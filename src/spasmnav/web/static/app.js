/* SpasmNav: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // --- «Прочитать вслух»: the browser's own speech, local Russian voices only ---------------
  // Nothing leaves the machine: a voice that is not local (a cloud voice) is never used, and
  // the button stays hidden when the browser has no local Russian voice.

  function russianVoice() {
    if (!("speechSynthesis" in window) || !window.SpeechSynthesisUtterance) return null;
    var voices = window.speechSynthesis.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      var v = voices[i];
      if (v.localService && String(v.lang || "").toLowerCase().indexOf("ru") === 0) return v;
    }
    return null;
  }

  function textOf(selector, scope) {
    var parts = [];
    var nodes = (scope || document).querySelectorAll(selector);
    if (!nodes.length) nodes = document.querySelectorAll(selector);
    for (var i = 0; i < nodes.length; i++) {
      var t = (nodes[i].innerText || nodes[i].textContent || "").trim();
      if (t) parts.push(t);
    }
    return parts.join(". ");
  }

  function speak(text) {
    var voice = russianVoice();
    if (!voice || !text) return;
    window.speechSynthesis.cancel();
    var u = new window.SpeechSynthesisUtterance(text);
    u.voice = voice;
    u.lang = voice.lang;
    u.rate = 0.9;
    window.speechSynthesis.speak(u);
  }

  function setupReadAloud(scope) {
    var slots = (scope || document).querySelectorAll("[data-read-aloud]");
    var voice = russianVoice();
    for (var i = 0; i < slots.length; i++) {
      var slot = slots[i];
      if (!voice) { slot.hidden = true; continue; }
      if (slot.getAttribute("data-ready")) { slot.hidden = false; continue; }
      slot.setAttribute("data-ready", "1");
      slot.classList.add("read-aloud");
      var read = document.createElement("button");
      read.type = "button";
      read.className = "button";
      read.setAttribute("data-read", "");
      read.textContent = "Прочитать вслух";
      var stop = document.createElement("button");
      stop.type = "button";
      stop.className = "button";
      stop.textContent = "Остановить чтение";
      (function (selector, container) {
        read.addEventListener("click", function () { speak(textOf(selector, container)); });
      })(slot.getAttribute("data-read-aloud"), slot.closest("[data-player], #interview, .result") || document);
      stop.addEventListener("click", function () { window.speechSynthesis.cancel(); });
      slot.appendChild(read);
      slot.appendChild(stop);
      slot.hidden = false;
    }
  }

  if ("speechSynthesis" in window && window.speechSynthesis.addEventListener) {
    window.speechSynthesis.addEventListener("voiceschanged", function () { setupReadAloud(document); });
  }

  // --- Sound and vibration at each change of the exercise player ----------------------------

  var audio = null;
  var muted = false;
  try { muted = window.localStorage.getItem("spasmnav-mute") === "1"; } catch (e) { muted = false; }

  function signal(kind) {
    if (muted) return;
    if (navigator.vibrate) { try { navigator.vibrate(kind === "done" ? [200, 100, 200] : 150); } catch (e) { /* no vibration */ } }
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    try {
      if (!audio) audio = new Ctx();
      if (audio.state === "suspended" && audio.resume) audio.resume();
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = kind === "done" ? 660 : (kind === "exhale" ? 440 : 880);
      gain.gain.setValueAtTime(0.0001, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.3, audio.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.25);
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.3);
    } catch (e) { /* no sound: the screen still shows every change */ }
  }

  // A test hook: ?speed=N runs the player's clock N times faster (1..1000).
  function speed() {
    var m = /[?&]speed=(\d+)/.exec(window.location.search);
    var n = m ? parseInt(m[1], 10) : 1;
    return n >= 1 && n <= 1000 ? n : 1;
  }

  function clock(seconds) {
    var s = Math.max(0, Math.round(seconds));
    var m = Math.floor(s / 60);
    var r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }

  function word(n, one, few, many) {
    var a = n % 10, b = n % 100;
    if (a === 1 && b !== 11) return one;
    if (a >= 2 && a <= 4 && (b < 12 || b > 14)) return few;
    return many;
  }

  // --- The exercise player --------------------------------------------------------------------

  function setupPlayer(root) {
    var box = root.querySelector(".player-js");
    if (!box || root.getAttribute("data-ready")) return;
    root.setAttribute("data-ready", "1");
    var plan;
    try { plan = JSON.parse(root.getAttribute("data-plan") || "{}"); } catch (e) { return; }
    box.hidden = false;
    var tick = 1000 / speed();
    var target = plan.reps || 0;
    var sides = plan.sides || 1;
    var phases = plan.phases || [];
    var mode = plan.mode || "count";
    var q = function (sel) { return root.querySelector(sel); };
    var status = q("[data-status]"), repsOut = q("[data-reps]"), sideOut = q("[data-side]");
    var clockOut = q("[data-clock]"), cue = q("[data-cue]");
    var startB = q("[data-start]"), repB = q("[data-rep]"), undoB = q("[data-undo]");
    var sideB = q("[data-next-side]"), stopB = q("[data-stop]"), muteB = q("[data-mute]");
    var repsInput = root.querySelector("[data-reps-input]");
    var setsInput = root.querySelector("[data-sets-input]");
    var record = root.querySelector("[data-record]");
    var reps = 0, total = 0, side = 1, timer = null, running = false, finished = false;
    var elapsed = 0;

    if (muteB) {
      muteB.checked = muted;
      muteB.addEventListener("change", function () {
        muted = muteB.checked;
        try { window.localStorage.setItem("spasmnav-mute", muted ? "1" : "0"); } catch (e) { /* private mode */ }
      });
    }

    function say(text) { if (status) status.textContent = text; }
    function setCue(kind, seconds) {
      if (!cue) return;
      cue.style.transitionDuration = Math.max(0, seconds) * tick / 1000 + "s";
      cue.setAttribute("data-phase", kind || "");
    }
    function show() {
      if (repsOut) repsOut.textContent = String(reps);
      if (repsInput) repsInput.value = String(total);
      if (setsInput) setsInput.value = String(finished || reps > 0 ? side : Math.max(1, side - 1));
      if (sideOut && sides > 1) {
        sideOut.hidden = false;
        sideOut.textContent = "Нога " + side + " из " + sides;
      }
    }
    function stopTimer() { if (timer) { window.clearInterval(timer); timer = null; } }

    function finish() {
      stopTimer();
      running = false;
      finished = true;
      setCue("", 0);
      if (startB) startB.hidden = true;
      if (sideB) sideB.hidden = true;
      if (stopB) stopB.hidden = true;
      show();
      if (setsInput) setsInput.value = String(side);
      var done = "Готово!";
      if (total) done += " " + total + " " + word(total, "повтор", "повтора", "повторов");
      if (sides > 1) done += ", " + side + " " + word(side, "нога", "ноги", "ног");
      if (mode === "stopwatch" || mode === "timer") done += " за " + clock(elapsed);
      say(done + ". Нажмите «Закончить и записать в дневник».");
      root.setAttribute("data-finished", "1");
      signal("done");
      if (record) record.focus();
    }

    // Count a repetition; the target reached ends the leg, then the exercise.
    function counted() {
      reps += 1;
      total += 1;
      show();
      if (target && reps >= target) {
        if (side < sides) {
          side += 1;
          reps = 0;
          show();
          say("Нога готова: " + target + " из " + target + ". Смените ногу и нажмите «Начать».");
          signal("change");
          if (startB) { startB.hidden = false; startB.textContent = "Начать: другая нога"; }
          return false;
        }
        finish();
        return false;
      }
      return true;
    }

    // Run the phases of one repetition (timed), then call done().
    function runPhases(done) {
      var i = 0;
      var left = 0;
      function begin() {
        var ph = phases[i];
        left = ph.seconds || 0;
        setCue(ph.cue, left);
        say(ph.say + ": " + left + " с");
        signal(ph.cue);
      }
      begin();
      timer = window.setInterval(function () {
        left -= 1;
        if (left > 0) { say(phases[i].say + ": " + left + " с"); return; }
        i += 1;
        if (i < phases.length) { begin(); return; }
        stopTimer();
        done();
      }, tick);
    }

    function breathe() {
      runPhases(function () {
        if (counted() && running) breathe();
      });
    }

    function hold() {
      runPhases(function () {
        running = false;
        setCue("", 0);
        if (counted()) {
          say(plan.release || "Отпустите. Повтор засчитан.");
          signal("change");
          if (startB) { startB.hidden = false; startB.textContent = "Следующий повтор"; startB.focus(); }
        }
      });
    }

    function stopwatch(fromZero) {
      var left = plan.countdown || 0;
      if (fromZero) elapsed = 0;
      say(mode === "timer" ? "Идёт время: осталось " + clock(left - elapsed) : (plan.say || "Идёт время"));
      signal("hold");
      if (stopB) stopB.hidden = false;
      if (sideB && side < sides) sideB.hidden = false;
      timer = window.setInterval(function () {
        elapsed += 1;
        if (clockOut) clockOut.textContent = clock(mode === "timer" ? left - elapsed : elapsed);
        if (mode === "timer") {
          say("Идёт время: осталось " + clock(left - elapsed));
          if (elapsed >= left) finish();
        }
      }, tick);
    }

    if (startB) startB.addEventListener("click", function () {
      if (running || finished) return;
      running = true;
      startB.hidden = true;
      if (mode === "breathing") breathe();
      else if (mode === "hold") hold();
      else stopwatch(false);
    });
    if (repB) repB.addEventListener("click", function () {
      if (finished) return;
      if (counted()) { say("Повтор засчитан: " + reps + (target ? " из " + target : "") + "."); signal("change"); }
    });
    if (undoB) undoB.addEventListener("click", function () {
      if (reps > 0 && !finished) { reps -= 1; total -= 1; show(); }
    });
    if (sideB) sideB.addEventListener("click", function () {
      if (side >= sides) return;
      side += 1;
      show();
      say("Другая нога. " + (plan.say || ""));
      signal("change");
      if (side >= sides) sideB.hidden = true;
    });
    if (stopB) stopB.addEventListener("click", function () { finish(); });
    show();
    if (setsInput) setsInput.value = "1";
    if (repsInput) repsInput.value = target ? "0" : "";
  }

  // --- The interview: errors, focus, the browser's Back ---------------------------------------

  function interviewState() {
    var field = document.querySelector("#interview input[name=state]");
    return field ? field.value : null;
  }

  function focusInterview() {
    var root = document.getElementById("interview");
    if (!root) return;
    var el = root.querySelector("#answer-error, .error-box") || root.querySelector("#question") ||
      root.querySelector("h1, h2");
    if (el) {
      if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
      el.focus();
    }
  }

  function enhance(scope) {
    var players = scope.querySelectorAll("[data-player]");
    for (var i = 0; i < players.length; i++) setupPlayer(players[i]);
    setupReadAloud(scope);
  }

  var restoring = false;

  function restore(state) {
    var root = document.getElementById("interview");
    var csrf = document.querySelector("#interview input[name=csrf_token]");
    if (!root || !csrf || !window.fetch) return;
    var body = new URLSearchParams();
    body.append("csrf_token", csrf.value);
    body.append("state", state);
    body.append("action", "show");
    restoring = true;
    window.fetch("/interview", {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    }).then(function (r) { return r.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.getElementById("interview");
      var old = document.getElementById("interview");
      if (fresh && old) {
        old.replaceWith(fresh);
        if (window.htmx) window.htmx.process(fresh);
        document.title = doc.title;
        enhance(fresh);
        focusInterview();
      }
    }).finally(function () { restoring = false; });
  }

  window.addEventListener("popstate", function (event) {
    if (event.state && event.state.spasmnavInterview) restore(event.state.spasmnavInterview);
  });

  // A missing or contradictory answer comes back as 422 with the error box: show it, as the
  // page without JavaScript does.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var xhr = event.detail && event.detail.xhr;
    var root = document.getElementById("interview");
    if (root && root.isConnected) {
      focusInterview();
      var state = interviewState();
      if (state && !restoring && xhr && xhr.status === 200 &&
          !(history.state && history.state.spasmnavInterview === state)) {
        history.pushState({ spasmnavInterview: state }, "", window.location.pathname);
      }
      enhance(root);
      return;
    }
    // Elsewhere: move focus to the new part's first heading or status.
    var target = event.detail && event.detail.target;
    if (target && target.isConnected) {
      var heading = target.querySelector("h1, h2, [role=status], [role=alert]");
      if (heading) {
        if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
        heading.focus();
      }
      enhance(target);
    }
  });

  // A quick-add form starts empty again after a successful save (the leg is not carried over).
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt;
    if (form && form.hasAttribute && form.hasAttribute("data-reset-after-save") &&
        event.detail.successful) {
      form.reset();
    }
  });

  function init() {
    enhance(document);
    var state = interviewState();
    if (state) history.replaceState({ spasmnavInterview: state }, "", window.location.pathname);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
