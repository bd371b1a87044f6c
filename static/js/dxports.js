// Behaviour every page shares, attached here rather than in inline handlers (the Content-Security-Policy allows
// scripts from our origin only): a control marked data-submit-on-change submits its form when changed (the
// language switcher; without JavaScript its <noscript> button does).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var control = event.target;
    if (control.hasAttribute && control.hasAttribute("data-submit-on-change") && control.form) {
      control.form.submit();
    }
  });
})();
