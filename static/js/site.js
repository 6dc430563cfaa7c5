// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";

  // Forms marked data-confirm ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // Live preview: ask the server to render the Markdown, as it will be stored.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-preview-button]");
    if (!button) return;
    var form = button.form;
    var box = form.querySelector("[data-preview]");
    if (!box || !window.fetch) return;
    event.preventDefault();
    var data = new FormData();
    data.append("body", form.querySelector("[data-body]").value);
    var token = form.querySelector("input[name=csrf_token]").value;
    fetch("/preview", {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (json) {
      box.innerHTML = '<p class="preview__label">Preview</p><div class="post__body"></div>';
      // The server sanitised this HTML with the same policy as stored posts.
      box.querySelector(".post__body").innerHTML = json.html;
      box.hidden = false;
    }).catch(function () {
      form.requestSubmit(button);  // fall back to the server-rendered preview
    });
  });

  // Inline reply: open a reply form right under the post, without a reload.
  var template = document.getElementById("reply-template");
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-reply-to]");
    if (!link || !template) return;
    event.preventDefault();
    var postId = link.getAttribute("data-reply-to");
    var article = document.getElementById("post-" + postId);
    var existing = document.getElementById("reply-" + postId);
    if (existing) {
      existing.querySelector("textarea").focus();
      return;
    }
    var holder = document.createElement("div");
    holder.className = "inline-reply";
    holder.id = "reply-" + postId;
    holder.appendChild(template.content.cloneNode(true));
    var form = holder.querySelector("form");
    form.id = "reply-form-" + postId;
    form.querySelector("input[name=parent_id]").value = postId;
    var textarea = form.querySelector("textarea");
    var label = form.querySelector("label[for='reply-form-new-body']");
    textarea.id = "reply-form-" + postId + "-body";
    label.setAttribute("for", textarea.id);
    label.textContent = "Reply to " + (article.getAttribute("data-author") || "this post");
    form.querySelector("[data-cancel]").addEventListener("click", function (e) {
      e.preventDefault();
      holder.remove();
      link.focus();
    });
    article.insertAdjacentElement("afterend", holder);
    textarea.focus();
  });

  // Collapsing branches: a button on every post that has replies.
  Array.prototype.forEach.call(document.querySelectorAll(".post-node"), function (node) {
    var replies = node.querySelector(":scope > .replies");
    var actions = node.querySelector(":scope > article .post__actions");
    if (!replies || !actions) return;
    var count = replies.querySelectorAll(".post-node").length;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "collapse-toggle";
    button.setAttribute("aria-expanded", "true");
    if (!replies.id) replies.id = "replies-" + node.querySelector(":scope > article").id;
    button.setAttribute("aria-controls", replies.id);
    var label = function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.textContent = (open ? "Collapse " : "Show ") + count + (count === 1 ? " reply" : " replies");
    };
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
      replies.hidden = open;
      label();
    });
    label();
    actions.appendChild(button);
  });
})();
