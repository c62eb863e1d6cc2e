/* The review page: shared options and the text beside the cards. Written for Chrome 109, no CDN. */
(function () {
  "use strict";

  // Each select of a card carries only its chosen options; the full list is written once on the
  // page (<template id="options-…">) and copied in here, keeping what was chosen.
  function fill(select) {
    var source = document.getElementById("options-" + select.getAttribute("data-options"));
    if (!source || !source.content || select.getAttribute("data-filled")) {
      return;
    }
    var chosen = {};
    var kept = [];
    var blank = null;
    var i;
    for (i = 0; i < select.options.length; i++) {
      var option = select.options[i];
      if (option.value === "") {
        blank = option;
      } else if (option.selected) {
        chosen[option.value] = true;
        kept.push(option);
      }
    }
    select.textContent = "";
    if (blank) {
      select.appendChild(blank);
    }
    select.appendChild(document.importNode(source.content, true));
    var present = {};
    for (i = 0; i < select.options.length; i++) {
      present[select.options[i].value] = true;
      select.options[i].defaultSelected = select.options[i].selected = Boolean(chosen[select.options[i].value]);
    }
    for (i = 0; i < kept.length; i++) {
      if (!present[kept[i].value]) {
        select.appendChild(kept[i]);  // a unit no longer in the list, still chosen
        kept[i].defaultSelected = kept[i].selected = true;
      }
    }
    if (blank) {
      blank.defaultSelected = blank.selected = kept.length === 0;
    }
    select.setAttribute("data-filled", "1");
  }

  function fillAll(root) {
    var selects = root.querySelectorAll ? root.querySelectorAll("select[data-options]") : [];
    for (var i = 0; i < selects.length; i++) {
      fill(selects[i]);
    }
    if (root.matches && root.matches("select[data-options]")) {
      fill(root);
    }
  }

  fillAll(document);
  document.body.addEventListener("htmx:load", function (event) {
    fillAll(event.target);
  });

  var pane = document.querySelector(".source-pane");

  function mark(card, span) {
    var current = document.querySelectorAll(".is-current");
    for (var i = 0; i < current.length; i++) {
      current[i].classList.remove("is-current");
    }
    if (card) {
      card.classList.add("is-current");
    }
    if (span) {
      span.classList.add("is-current");
    }
  }

  // Scroll the text pane, not the page, so the card being worked on stays where it is.
  function showInPane(span) {
    if (!pane || pane.scrollHeight <= pane.clientHeight) {
      return false;  // narrow screens: the text is above the cards, not beside them
    }
    var offset = span.getBoundingClientRect().top - pane.getBoundingClientRect().top;
    pane.scrollTop += offset - pane.clientHeight / 3;
    return true;
  }

  function fromCard(event) {
    var card = event.target.closest ? event.target.closest(".task-card[data-span]") : null;
    if (!card) {
      return;
    }
    var span = document.getElementById(card.getAttribute("data-span"));
    var link = event.target.closest(".source-link");
    // a card already in hand does not move the text again, unless its quote is clicked
    var scroll = span && (link || !card.classList.contains("is-current"));
    mark(card, span);
    if (scroll && showInPane(span) && link) {
      event.preventDefault();
    }
  }

  document.addEventListener("click", function (event) {
    var span = event.target.closest ? event.target.closest(".source-mark") : null;
    if (span) {
      mark(document.getElementById("task-" + span.id.replace("span-", "")), span);
      return;
    }
    fromCard(event);
  });
  document.addEventListener("focusin", fromCard);
})();
