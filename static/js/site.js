// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";

  // Buttons in forms marked data-confirm ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
