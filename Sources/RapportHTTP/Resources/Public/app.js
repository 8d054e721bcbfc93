/* Rapport — progressive enhancement only. Every page works without this file. */
(function () {
  "use strict";

  function isTyping(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function closeMenus(except) {
    document.querySelectorAll("details[data-menu][open]").forEach(function (d) {
      if (d !== except) d.removeAttribute("open");
    });
  }

  // "/" focuses the search box; Esc closes open menus and returns focus to their toggle.
  document.addEventListener("keydown", function (e) {
    if (e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(document.activeElement)) {
      var search = document.querySelector("[data-search]") || document.querySelector('input[type="search"]');
      if (search) {
        e.preventDefault();
        search.focus();
        if (search.select) search.select();
      }
      return;
    }
    if (e.key === "Escape") {
      var open = document.querySelectorAll("details[data-menu][open]");
      if (open.length) {
        var last = open[open.length - 1];
        closeMenus(null);
        var summary = last.querySelector("summary");
        if (summary && last.contains(document.activeElement)) summary.focus();
        e.preventDefault();
      }
      var toggle = document.getElementById("nav-toggle");
      if (toggle && toggle.checked) toggle.checked = false;
    }
  });

  // Only one menu open at a time; a click outside closes them.
  document.addEventListener("toggle", function (e) {
    var d = e.target;
    if (d && d.matches && d.matches("details[data-menu]") && d.open) {
      closeMenus(d);
      var first = d.querySelector(".menu-panel-form input:not([type=hidden])");
      if (first) first.focus();
    }
  }, true);
  document.addEventListener("click", function (e) {
    document.querySelectorAll("details[data-menu][open]").forEach(function (d) {
      if (!d.contains(e.target)) d.removeAttribute("open");
    });
  });

  // Copy the new token secret.
  document.querySelectorAll("[data-copy-target]").forEach(function (btn) {
    var target = document.getElementById(btn.getAttribute("data-copy-target"));
    if (!target || !navigator.clipboard) return;
    btn.hidden = false;
    var label = btn.querySelector("[data-copy-label]");
    var original = label ? label.textContent : "";
    btn.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        if (label) label.textContent = btn.getAttribute("data-copied-label") || original;
        setTimeout(function () { if (label) label.textContent = original; }, 2000);
      });
    });
  });

  // Ask before destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      var message = form.getAttribute("data-confirm");
      if (message && !window.confirm(message)) e.preventDefault();
    });
  });

  // Visible feedback on submit: a spinner on the button and no double posts.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (e.defaultPrevented || (form.method || "").toLowerCase() !== "post") return;
    if (form.hasAttribute("data-submitted")) { e.preventDefault(); return; }
    form.setAttribute("data-submitted", "");
    var btn = e.submitter || form.querySelector('button[type="submit"], button:not([type])');
    if (btn) {
      btn.classList.add("is-busy");
      btn.setAttribute("aria-disabled", "true");
    }
  });
  // Coming back through the history restores a live page.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitted]").forEach(function (f) { f.removeAttribute("data-submitted"); });
    document.querySelectorAll(".is-busy").forEach(function (b) {
      b.classList.remove("is-busy");
      b.removeAttribute("aria-disabled");
    });
  });

  // Role matrix: "set whole row" helper.
  document.querySelectorAll("table[data-matrix]").forEach(function (table) {
    if (table.hasAttribute("data-readonly")) return;
    var labelText = table.getAttribute("data-set-row-label") || "";
    var placeholder = table.getAttribute("data-set-row-placeholder") || labelText;
    table.querySelectorAll("tr[data-matrix-row]").forEach(function (row) {
      var selects = row.querySelectorAll("select.scope-select");
      var head = row.querySelector("th");
      if (!selects.length || !head) return;
      var setter = document.createElement("select");
      setter.className = "row-setter";
      setter.setAttribute("aria-label", labelText + ": " + head.textContent.trim());
      var blank = document.createElement("option");
      blank.value = "";
      blank.textContent = placeholder;
      setter.appendChild(blank);
      Array.prototype.forEach.call(selects[0].options, function (opt) {
        var o = document.createElement("option");
        o.value = opt.value;
        o.textContent = opt.textContent;
        setter.appendChild(o);
      });
      setter.addEventListener("change", function () {
        if (!setter.value) return;
        selects.forEach(function (s) {
          var has = Array.prototype.some.call(s.options, function (o) { return o.value === setter.value; });
          if (has) s.value = setter.value;
        });
        setter.value = "";
      });
      head.appendChild(setter);
    });
  });

  // A new custom field shows only the settings its chosen type uses.
  var typeSelect = document.querySelector("select#type");
  var typed = document.querySelectorAll("[data-for-types]");
  if (typeSelect && typed.length) {
    var showForType = function () {
      typed.forEach(function (el) {
        el.hidden = el.getAttribute("data-for-types").split(" ").indexOf(typeSelect.value) < 0;
      });
    };
    typeSelect.addEventListener("change", showForType);
    showForType();
  }

  // A refused form opens at its first refused field, wherever it is on the page.
  var firstInvalid = document.querySelector("form [aria-invalid='true']");
  if (firstInvalid && typeof firstInvalid.focus === "function") {
    firstInvalid.focus({ preventScroll: true });
    firstInvalid.scrollIntoView({ block: "center" });
  }

  // Record pickers: a search box that offers matching companies or people as you type
  // (from /api/v1/search) and keeps the chosen one's id in a hidden field. Without scripts,
  // typing "#id" works too.
  document.querySelectorAll("input.record-picker").forEach(function (box) {
    var entity = box.getAttribute("data-picker-entity");
    var target = document.getElementById(box.getAttribute("data-picker-target"));
    var list = document.getElementById(box.getAttribute("list"));
    if (!target || !list) return;
    var timer = null, asked = "";
    var pick = function () {
      var match = /#(\d+)\s*$/.exec(box.value);
      target.value = match ? match[1] : "";
    };
    box.addEventListener("input", function () {
      pick();
      var text = box.value.trim();
      if (text.length < 2 || /#\d+\s*$/.test(text) || text === asked) return;
      clearTimeout(timer);
      timer = setTimeout(function () {
        asked = text;
        fetch("/api/v1/search?q=" + encodeURIComponent(text), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { data: [] }; })
          .then(function (body) {
            list.textContent = "";
            (body.data || []).filter(function (hit) { return hit.entity === entity; }).slice(0, 12).forEach(function (hit) {
              var option = document.createElement("option");
              option.value = hit.name + " · #" + hit.id;
              if (hit.detail) option.label = hit.detail;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 200);
    });
    box.addEventListener("change", pick);
  });
  // A select marked data-autosubmit applies its form as soon as it changes.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // The calendar: an entry dragged onto another day (month) or hour (day, week) moves there;
  // a day keeps the entry's time, an hour keeps its minutes. The page posts the move.
  (function () {
    var grid = document.querySelector("[data-calendar]");
    var form = document.getElementById("calendar-move");
    if (!grid || !form) return;
    var dragged = null;
    function cellOf(e) { return e.target.closest ? e.target.closest("[data-drop-date]") : null; }
    grid.addEventListener("dragstart", function (e) {
      dragged = e.target.closest ? e.target.closest("[data-entry]") : null;
      if (!dragged) return;
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", dragged.dataset.source + ":" + dragged.dataset.id);
      dragged.classList.add("calendar-entry-dragging");
    });
    grid.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("calendar-entry-dragging");
      grid.querySelectorAll(".drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
    });
    grid.addEventListener("dragover", function (e) {
      var cell = cellOf(e);
      if (!cell || !dragged) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = "move";
      grid.querySelectorAll(".drop-target").forEach(function (c) { if (c !== cell) c.classList.remove("drop-target"); });
      cell.classList.add("drop-target");
    });
    grid.addEventListener("drop", function (e) {
      var cell = cellOf(e);
      if (!cell || !dragged) return;
      e.preventDefault();
      var hour = cell.dataset.dropHour;
      form.elements.source.value = dragged.dataset.source;
      form.elements.id.value = dragged.dataset.id;
      form.elements.version.value = dragged.dataset.version;
      form.elements.date.value = cell.dataset.dropDate;
      form.elements.time.value = hour ? ("0" + hour).slice(-2) + ":" + dragged.dataset.minute : dragged.dataset.time;
      form.submit();
    });
  })();

  // Live notifications: the bell's count follows the server, and a new one shows briefly.
  var bell = document.getElementById("bell");
  if (bell && window.EventSource) {
    var source = new EventSource("/notifications/stream");
    source.addEventListener("unread", function (e) {
      var count = parseInt(e.data, 10) || 0;
      var badge = document.getElementById("bell-count");
      if (count === 0) { if (badge) badge.remove(); return; }
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "bell-count";
        badge.id = "bell-count";
        bell.appendChild(badge);
      }
      badge.textContent = count > 99 ? "99+" : String(count);
    });
    source.addEventListener("notification", function (e) {
      var item;
      try { item = JSON.parse(e.data); } catch (err) { return; }
      var toast = document.createElement("a");
      toast.className = "toast";
      toast.id = "notification-toast";
      toast.setAttribute("role", "status");
      toast.href = item.link || "/notifications";
      var label = item.kind === "task_reminder" ? bell.dataset.labelTaskReminder
        : item.kind === "interaction_reminder" ? bell.dataset.labelInteractionReminder
        : item.kind === "mention" ? bell.dataset.labelMention : "";
      toast.textContent = (label ? label + ": " : "") + item.title;  // text, never markup
      document.body.appendChild(toast);
      setTimeout(function () { toast.remove(); }, 8000);
    });
  }

  // The board: a card dropped on another column is moved there by the hidden form (the
  // server answers with the board again, or with the quick-fill dialog when the stage
  // refuses). The keyboard way is each card's own "Move to" choice.
  (function () {
    var board = document.querySelector("[data-board]");
    var form = document.getElementById("board-move");
    if (!board || !form) return;
    var dragged = null;
    board.addEventListener("dragstart", function (e) {
      dragged = e.target.closest ? e.target.closest("[data-card]") : null;
      if (!dragged) return;
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", dragged.dataset.card);
      dragged.classList.add("board-dragging");
    });
    board.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("board-dragging");
      board.querySelectorAll(".board-drop").forEach(function (c) { c.classList.remove("board-drop"); });
    });
    board.addEventListener("dragover", function (e) {
      var column = e.target.closest ? e.target.closest("[data-stage]") : null;
      if (!column || !dragged) return;
      e.preventDefault();
      board.querySelectorAll(".board-drop").forEach(function (c) { if (c !== column) c.classList.remove("board-drop"); });
      column.classList.add("board-drop");
    });
    // Someone else moved or changed a card: show the board as it is now, unless the user is in
    // the middle of something here (a dialog, a drag, a choice); then say so instead.
    if (window.EventSource) {
      var stream = new EventSource("/" + board.dataset.entity + "/stream");
      stream.addEventListener("changed", function () {
        var busy = dragged || document.getElementById("quick-fill") ||
          (document.activeElement && document.activeElement.closest && document.activeElement.closest(".board-card-move"));
        if (!busy) { stream.close(); window.location.reload(); return; }
        var notice = document.getElementById("board-changed");
        if (notice) notice.hidden = false;
      });
    }
    board.addEventListener("drop", function (e) {
      var column = e.target.closest ? e.target.closest("[data-stage]") : null;
      if (!column || !dragged) return;
      e.preventDefault();
      if (column.contains(dragged)) return;
      form.action = "/" + board.dataset.entity + "/" + dragged.dataset.card + "/move";
      form.elements.stage_id.value = column.dataset.stage;
      form.elements.version.value = dragged.dataset.version;
      form.submit();
    });
  })();
})();
