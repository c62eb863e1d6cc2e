/* luoshi: small behaviours shared by every page. Written for old browsers too (Chrome 109). */
(function () {
  "use strict";
  // Confirm buttons that change state: <button data-confirm="确定退回？">
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
})();
