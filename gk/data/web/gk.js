/* gk serve: findings while typing. When a field changes, the form as it stands is checked on
   the server (as `gk check` checks one file; nothing is saved) and each finding is shown under
   its field. Everything works without this script: saving shows the same findings. */
"use strict";
(function () {
  var form = document.querySelector("form.doc[data-check]");
  if (!form || !window.fetch || !window.URLSearchParams) { return; }
  var timer = null;
  var status = document.getElementById("live-status");

  function clear() {
    form.querySelectorAll(".finding.live").forEach(function (el) { el.remove(); });
    form.querySelectorAll("[data-live-invalid]").forEach(function (el) {
      el.removeAttribute("data-live-invalid");
      el.removeAttribute("aria-invalid");
    });
  }

  function shownAlready(box, text) {
    return Array.prototype.some.call(box.querySelectorAll(".finding:not(.live)"), function (el) {
      return el.textContent.indexOf(text) >= 0;
    });
  }

  function show(data) {
    clear();
    Object.keys(data.fields || {}).forEach(function (original) {
      var name = original;
      var field = document.getElementById("f-" + name);
      while (!field && name.indexOf("/") >= 0) {
        name = name.slice(0, name.lastIndexOf("/"));
        field = document.getElementById("f-" + name);
      }
      if (!field) { return; }
      var box = field.closest("td, .field, fieldset, th") || field.parentNode;
      var ids = [];
      data.fields[original].forEach(function (finding, index) {
        if (shownAlready(box, finding[1])) { return; }
        var p = document.createElement("p");
        p.className = "finding live " + finding[0];
        p.id = "live-" + original + "-" + index;
        var word = document.createElement("strong");
        word.textContent = ((data.words || {})[finding[0]] || finding[0]) + ": ";
        p.appendChild(word);
        p.appendChild(document.createTextNode(finding[1]));
        box.appendChild(p);
        ids.push(p.id);
      });
      if (ids.length && /^(INPUT|SELECT|TEXTAREA)$/.test(field.tagName)) {
        field.setAttribute("aria-invalid", "true");
        field.setAttribute("data-live-invalid", "1");
        var described = (field.getAttribute("aria-describedby") || "").split(" ")
          .filter(function (id) { return id && id.indexOf("live-") !== 0; });
        field.setAttribute("aria-describedby", described.concat(ids).join(" "));
      }
    });
    if (status) { status.textContent = data.summary || ""; }
  }

  function check() {
    var body = new URLSearchParams(new FormData(form));
    fetch(form.getAttribute("data-check"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"Content-Type": "application/x-www-form-urlencoded"}
    }).then(function (answer) {
      return answer.ok ? answer.json() : null;
    }).then(function (data) {
      if (data) { show(data); }
    }).catch(function () { /* the check is a help; saving still works */ });
  }

  form.addEventListener("change", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 250);
  });
})();
