// Progressive enhancement only: every page works without this file.
// The service worker (/sw.js) makes the site installable and shows « hors ligne » offline.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* not essential */ });
  });
}

document.addEventListener("DOMContentLoaded", function () {
  // The header's menu is a native <details>; Escape closes it and gives focus back to « Menu ».
  var menu = document.querySelector("details[data-menu]");
  if (menu) {
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }

  // Move focus to the error summary so that screen-reader users hear the errors first.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }

  // A print button only makes sense with JavaScript; without it, the browser's menu prints.
  var print = document.querySelector("[data-print]");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }

  // A procedure's step is saved as the resident types (the "Enregistrer" button does the same
  // without JavaScript). Files are sent only with the form's own buttons.
  var form = document.querySelector("form[data-autosave]");
  if (form && window.fetch && window.FormData) {
    var status = document.getElementById("autosave-status");
    var timer = null;
    var save = function () {
      var data = new FormData(form);
      data.set("action", "autosave");
      form.querySelectorAll("input[type=file]").forEach(function (input) { data.delete(input.name); });
      fetch(form.action || window.location.href, {method: "POST", body: data, credentials: "same-origin"})
        .then(function (response) {
          if (status && response.ok) {
            status.textContent = "Brouillon enregistré à " + new Date().toLocaleTimeString("fr-FR", {hour: "2-digit", minute: "2-digit"}) + ".";
          }
        });
    };
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(save, 1500);
    });
  }
});
