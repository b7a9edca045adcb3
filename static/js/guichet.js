// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to the error summary so that screen-reader users hear the errors first.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }
});
