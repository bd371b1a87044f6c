// Photo upload forms (form[data-photo-upload]): the chosen file's size and type are checked before it is sent, the
// upload shows its progress, and a refusal is shown beside the field, which gets the focus. Without JavaScript the
// form posts as usual and the server says the same things in the same place.
(function () {
  "use strict";
  if (!window.FormData || !window.XMLHttpRequest || !window.DOMParser) return;
  var TYPES = ["image/jpeg", "image/png"];

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  function setup(form) {
    var input = form.querySelector("input[type=file]");
    var error = form.querySelector(".field-error");
    var progress = form.querySelector("progress");
    var button = form.querySelector("button[type=submit]");
    if (!input || !error) return;
    var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10) || 0;

    function show(message) {
      error.textContent = message;
      error.hidden = !message;
      if (message) {
        input.setAttribute("aria-invalid", "true");
        input.focus();
        error.scrollIntoView({ block: "center" });
      } else {
        input.removeAttribute("aria-invalid");
      }
    }

    function problem(file) {
      var name = file.name;
      // An empty type is a browser that could not tell: the server decides by the content.
      if (file.type && TYPES.indexOf(file.type) === -1) {
        return format(input.getAttribute("data-not-image"), { name: name });
      }
      if (maxBytes && file.size > maxBytes) {
        return format(input.getAttribute("data-too-large"), { name: name, size: (Math.ceil(file.size / 104857.6) / 10).toFixed(1) });
      }
      return "";
    }

    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      show(file ? problem(file) : "");
    });

    form.addEventListener("submit", function (event) {
      var file = input.files && input.files[0];
      if (!file) return; // the browser's own "required" message
      var message = problem(file);
      event.preventDefault();
      if (message) { show(message); return; }
      show("");
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "text/html");
      if (progress) {
        progress.hidden = false;
        progress.value = 0;
        request.upload.addEventListener("progress", function (e) {
          if (e.lengthComputable) progress.value = Math.round((100 * e.loaded) / e.total);
        });
      }
      button.disabled = true;
      request.addEventListener("load", function () {
        var page = new DOMParser().parseFromString(request.responseText, "text/html");
        var main = page.getElementById("main");
        if (request.status < 400 && main) {
          // Added: the page the server redirected to (with its message and the new score) replaces this one's
          // content; its scripts are not run again, so its new upload form is set up here.
          document.getElementById("main").replaceWith(main);
          main.querySelectorAll("form[data-photo-upload]").forEach(setup);
          var section = document.getElementById("images");
          if (section) section.scrollIntoView();
          return;
        }
        // Refused: the server's page holds the message beside the field; show that one here.
        var same = Array.prototype.filter.call(page.querySelectorAll("form[data-photo-upload]"), function (each) {
          return each.getAttribute("action") === form.getAttribute("action");
        })[0];
        var refused = same && same.querySelector(".field-error");
        finish();
        show(refused && refused.textContent.trim() ? refused.textContent.trim() : input.getAttribute("data-failed"));
      });
      request.addEventListener("error", function () { finish(); show(input.getAttribute("data-failed")); });
      request.send(new FormData(form));
    });

    function finish() {
      button.disabled = false;
      if (progress) progress.hidden = true;
    }

    if (input.getAttribute("aria-invalid") === "true") error.scrollIntoView({ block: "center" });
  }

  document.querySelectorAll("form[data-photo-upload]").forEach(setup);
})();
