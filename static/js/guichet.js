// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to the error summary so that screen-reader users hear the errors first.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }

  // A print button only makes sense with JavaScript; without it, the browser's menu prints.
  var print = document.querySelector("[data-print]");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
});
