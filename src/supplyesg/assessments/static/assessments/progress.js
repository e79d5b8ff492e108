/* The questionnaire's progress count ("12 of 68 required questions answered"), kept current as the supplier
   answers; the page renders it right without this script. A required question counts once it has an answer
   (a choice ticked, text typed, a file chosen or already sent); one marked wrong by the last save counts again
   once it is changed. Conditional questions come and go with htmx section swaps and are counted as shown.
   After a refused save the error summary takes the focus, so its links are read first. */
(function () {
  "use strict";
  var form = document.getElementById("answers-form");
  var out = document.getElementById("progress");
  if (!form || !out) return;
  var text = document.getElementById("progress-text");
  var bar = document.getElementById("progress-bar");

  function hasAnswer(question) {
    if (question.classList.contains("has-error") && question.dataset.touched !== "1") return false;
    var code = question.id.replace(/^question-/, "");
    var cleared = question.querySelector("input[name='clear-" + CSS.escape(code) + "']");
    if (question.dataset.answered === "1" && question.querySelector("input[type=file][id='a-" + CSS.escape(code) + "']")) {
      if (!cleared || !cleared.checked) return true;
    }
    var fields = question.querySelectorAll("[name='a-" + CSS.escape(code) + "'], input[type=file][id='a-" + CSS.escape(code) + "']");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.type === "radio" || field.type === "checkbox") { if (field.checked) return true; }
      else if (field.type === "file") { if (field.files && field.files.length) return true; }
      else if (field.value.trim() !== "") return true;
    }
    return false;
  }

  function count() {
    var required = form.querySelectorAll(".question[data-required]");
    var answered = 0;
    required.forEach(function (q) { if (hasAnswer(q)) answered += 1; });
    text.textContent = out.dataset.template.replace("{answered}", answered).replace("{required}", required.length);
    bar.max = required.length;
    bar.value = answered;
  }

  function touched(event) {
    var question = event.target.closest && event.target.closest(".question");
    if (question) question.dataset.touched = "1";
    count();
  }

  form.addEventListener("input", touched);
  form.addEventListener("change", touched);
  document.body.addEventListener("htmx:afterSwap", count);
  count();
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
