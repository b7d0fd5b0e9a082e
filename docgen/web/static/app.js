// docgen web interface: the little script the pages need (no inline scripts: the CSP forbids them).
(function () {
  "use strict";

  // Highlight boxes carry their place as fractions of the page; sized here because inline styles are refused.
  function placeBoxes(root) {
    root.querySelectorAll(".hl[data-box]").forEach(function (el) {
      var b = el.getAttribute("data-box").split(",").map(Number);
      el.style.left = (b[0] * 100) + "%";
      el.style.top = (b[1] * 100) + "%";
      el.style.width = (b[2] * 100) + "%";
      el.style.height = (b[3] * 100) + "%";
    });
  }

  // A strip shows the reading-size page through a short window, moved up so the topmost match sits
  // about a line below the window's top (translate percentages are of the page's own height).
  function focusStrips(root) {
    root.querySelectorAll(".strip-window").forEach(function (win) {
      var frame = win.querySelector(".page-frame");
      var boxes = Array.prototype.map.call(win.querySelectorAll(".hl[data-box]"), function (el) {
        return el.getAttribute("data-box").split(",").map(Number);
      });
      if (!frame || !boxes.length) { return; }
      boxes.sort(function (a, b) { return a[1] - b[1]; });
      var shift = Math.max(0, boxes[0][1] - 1.2 * boxes[0][3]);
      frame.style.transform = "translateY(-" + (shift * 100) + "%)";
    });
  }

  // An upload shows how much has been sent, then follows the server to the job's page.
  function uploadWithProgress(form) {
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !form.checkValidity()) { return; }
      event.preventDefault();
      var bar = form.querySelector(".upload-progress");
      var button = form.querySelector("button");
      if (bar) { bar.hidden = false; }
      if (button) { button.disabled = true; button.textContent = "正在上传…"; }
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      request.upload.addEventListener("progress", function (e) {
        if (bar && e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
      });
      request.addEventListener("load", function () {
        var next = null;
        try { next = JSON.parse(request.responseText).location; } catch (err) { next = null; }
        if (next) { window.location.assign(next); } else { document.documentElement.innerHTML = request.responseText; }
      });
      request.addEventListener("error", function () {
        if (button) { button.disabled = false; button.textContent = "上传失败，重试"; }
      });
      request.send(new FormData(form));
    });
  }

  // The applicant form's tables: a row or a project added from its <template>, numbered after the last;
  // removed by its own button. The live check (htmx) hears "rows-changed".
  function entryRows() {
    document.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-add-row], button[data-add-project], button[data-remove]");
      if (!button) { return; }
      event.preventDefault();
      if (button.hasAttribute("data-remove")) {
        var gone = button.closest(button.getAttribute("data-remove"));
        if (gone) { gone.remove(); }
      } else if (button.hasAttribute("data-add-row")) {
        var body = button.previousElementSibling.querySelector("tbody");
        var n = Number(body.getAttribute("data-next"));
        var html = document.getElementById(button.getAttribute("data-add-row")).innerHTML;
        body.insertAdjacentHTML("beforeend", html.split("__PREFIX__").join(body.getAttribute("data-prefix") + n + "-"));
        body.setAttribute("data-next", String(n + 1));
        var first = body.lastElementChild.querySelector("input, select");
        if (first) { first.focus(); }
      } else {
        var list = document.getElementById("projects");
        var i = Number(list.getAttribute("data-next"));
        var tpl = document.getElementById(button.getAttribute("data-add-project")).innerHTML;
        list.insertAdjacentHTML("beforeend", tpl.split("__I__").join(String(i)));
        list.setAttribute("data-next", String(i + 1));
      }
      document.body.dispatchEvent(new Event("rows-changed"));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    placeBoxes(document);
    focusStrips(document);
    document.querySelectorAll("form[data-upload]").forEach(uploadWithProgress);
    if (document.getElementById("applicant-form")) { entryRows(); }
  });
  document.addEventListener("htmx:afterSwap", function (e) { placeBoxes(e.target); focusStrips(e.target); });
})();
