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

  // A pasted list's preview: "N questions will be added" follows the ticked boxes.
  document.addEventListener("change", function (event) {
    var box = event.target;
    var preview = box.name === "keep" && box.closest("#paste-preview");
    var count = preview && preview.querySelector("[data-ticked-count]");
    if (!count) return;
    var ticked = preview.querySelectorAll("input[name=keep]:checked").length;
    var wording = ticked === 0 ? "data-none" : ticked === 1 ? "data-one" : "data-many";
    count.textContent = count.getAttribute(wording).replace("{n}", ticked);
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

  // After a form is sent, focus lands on its result: the field with a problem, else the
  // post the address points at (a new reply, an edit, a notification), so keyboard and
  // screen reader users start there rather than at the top of the page.
  (function focusTheResult() {
    var problem = document.querySelector("form [aria-invalid=true], form .notice[role=alert]");
    if (problem) {
      if (!problem.matches("input, textarea, select")) problem.setAttribute("tabindex", "-1");
      problem.focus();
      return;
    }
    var target = /^#post-\d+$/.test(location.hash) && document.getElementById(location.hash.slice(1));
    if (target) {
      target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: true });
    }
  })();

  // Drafts: what is typed in a post form is kept in this browser, per form and
  // parent post, and put back after a reload or a failed send. It is forgotten
  // once the post lands (the page after sending shows the new post), and
  // leaving a page with unsent text asks first.
  var DRAFT_PREFIX = "forum-draft:";
  var sending = false;
  function draftKey(form) {
    var parent = form.querySelector("input[name=parent_id]");
    return DRAFT_PREFIX + form.getAttribute("action") + "#" + (parent ? parent.value : "");
  }
  function draftFields(form) {
    return { body: form.querySelector("[data-body]"), title: form.querySelector("input[name=title]") };
  }
  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  function saveDraft(form) {
    var store = storage(), fields = draftFields(form);
    if (!store || !fields.body) return;
    var title = fields.title ? fields.title.value : "";
    if (fields.body.value.trim() || title.trim()) {
      store.setItem(draftKey(form), JSON.stringify({ body: fields.body.value, title: title, at: Date.now() }));
    } else {
      store.removeItem(draftKey(form));
    }
  }
  function restoreDraft(form) {
    var store = storage(), fields = draftFields(form);
    if (!store || !fields.body || fields.body.value.trim()) return;  // the server kept what was sent
    var saved = null;
    try { saved = JSON.parse(store.getItem(draftKey(form)) || "null"); } catch (e) { saved = null; }
    if (!saved || !saved.body) return;
    fields.body.value = saved.body;
    if (fields.title && saved.title) fields.title.value = saved.title;
    var note = document.createElement("p");
    note.className = "notice draft-note";
    note.setAttribute("role", "status");
    note.textContent = "Your unsent text is back, as you left it. ";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "link-button";
    discard.textContent = "Discard it";
    discard.addEventListener("click", function () {
      store.removeItem(draftKey(form));
      fields.body.value = "";
      if (fields.title) fields.title.value = "";
      note.remove();
      fields.body.focus();
    });
    note.appendChild(discard);
    form.insertBefore(note, form.firstChild.nextSibling);
  }
  function forgetSentDraft() {
    var store = storage(), sent = null;
    try { sent = window.sessionStorage.getItem("forum-draft-sent"); window.sessionStorage.removeItem("forum-draft-sent"); }
    catch (e) { return; }
    if (!store || !sent) return;
    // Landed: a reply or an edit redirects to its post, a new thread to its page.
    var landed = location.hash.indexOf("#post-") === 0 || (sent.indexOf("/threads") > 0 && location.pathname.indexOf("/threads/") === 0);
    if (landed && !document.querySelector(".post-form .field--error, .post-form [role=alert]:not([hidden])")) store.removeItem(sent);
  }
  forgetSentDraft();
  Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), restoreDraft);
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-draft]");
    if (form) saveDraft(form);
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-draft]")) return;
    sending = true;
    try { window.sessionStorage.setItem("forum-draft-sent", draftKey(form)); } catch (e) { /* private mode */ }
  });
  window.addEventListener("beforeunload", function (event) {
    if (sending) return;
    var unsent = Array.prototype.some.call(document.querySelectorAll("form[data-draft] [data-body]"), function (body) {
      return body.value.trim() && body.value !== body.defaultValue;
    });
    if (unsent) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Attaching a file: sent as soon as it is chosen, and its Markdown put where the
  // writer's cursor was (else at the end), so the preview shows it at once.
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-body]")) event.target.setAttribute("data-caret", "1");
  });
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-attach] input[type=file]") || !window.fetch || !window.FormData) return;
    var file = input.files && input.files[0];
    if (!file) return;
    var field = input.closest("[data-attach]"), form = input.form, body = form.querySelector("[data-body]");
    var problem = field.querySelector(".field__error"), status = field.querySelector("[data-attach-status]");
    function show(message) {
      problem.textContent = message || "";
      problem.hidden = !message;
      if (message) problem.setAttribute("role", "alert"); else problem.removeAttribute("role");
      field.classList.toggle("field--error", !!message);
      if (message) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
    }
    show("");
    if (file.size > Number(field.getAttribute("data-max-bytes"))) {
      show("That file is larger than the forum accepts: save a smaller copy and attach that.");
      input.value = "";
      return;
    }
    var data = new FormData();
    data.append("file", file);
    data.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
    status.textContent = "Attaching " + file.name + "…";
    input.disabled = true;
    fetch(field.getAttribute("data-attach"), {
      method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () {
        return { error: "The file could not be attached (the server answered " + response.status + "). Try again in a moment." };
      });
    }).then(function (json) {
      if (json.error) {
        status.textContent = "";
        show(json.error);
        input.value = "";  // refused: not sent again with the form
        return;
      }
      var at = body.getAttribute("data-caret") ? body.selectionEnd : body.value.length;
      var before = body.value.slice(0, at), after = body.value.slice(at);
      // A blank line on each side, as Markdown wants around an image of its own.
      var gap = !before || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
      var tail = !after ? "\n" : (/^\n\n/.test(after) ? "" : (/^\n/.test(after) ? "\n" : "\n\n"));
      body.value = before + gap + json.markdown + tail + after;
      var caret = (before + gap + json.markdown + tail).length;
      body.setSelectionRange(caret, caret);
      body.dispatchEvent(new Event("input", { bubbles: true }));  // kept in the draft
      input.value = "";  // in the text now: not sent again with the form
      status.textContent = json.name + " is attached: it is in your text where the cursor was.";
    }).catch(function () {
      status.textContent = "";
      show("The file could not be sent: check your connection, then choose it again.");
    }).then(function () {
      input.disabled = false;
    });
  });

  // Inline reply: open a reply form right under the post, without a reload.
  var template = document.getElementById("reply-template");
  // A post's own Reply: its footer's link to this page with the post's reply box open (no class).
  var POST_REPLY = "footer > a[href*='reply_to=']";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-reply-to], article.post > " + POST_REPLY);
    if (!link || !template) return;
    event.preventDefault();
    // A post's own Reply names no id: its article does (id="post-<id>").
    var postId = link.getAttribute("data-reply-to") || link.closest("article").id.slice(5);
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
    // Every id in the copy, and what points at one, is made this post's own.
    var prefix = "reply-form-" + postId;
    form.id = prefix;
    Array.prototype.forEach.call(form.querySelectorAll("[id], [for], [aria-describedby]"), function (element) {
      ["id", "for", "aria-describedby"].forEach(function (name) {
        var value = element.getAttribute(name);
        if (value) element.setAttribute(name, value.split("reply-form-new").join(prefix));
      });
    });
    form.querySelector("input[name=parent_id]").value = postId;
    var textarea = form.querySelector("textarea");
    var label = form.querySelector("label[for='" + textarea.id + "']");
    var author = article.querySelector(":scope > header > a");
    label.textContent = "Reply to " + (author ? author.textContent : "this post");
    form.querySelector("[data-cancel]").addEventListener("click", function (e) {
      e.preventDefault();
      holder.remove();
      link.focus();
    });
    article.insertAdjacentElement("afterend", holder);
    restoreDraft(form);
    textarea.focus({ preventScroll: true });
    holder.scrollIntoView({ block: "nearest" });  // the whole form in sight, the page moved no more than that
  });
  // A reply being written under a post is reopened there after a reload.
  if (template && storage()) {
    var replyDrafts = DRAFT_PREFIX + template.content.querySelector("form").getAttribute("action") + "#";
    var store = storage(), parents = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(replyDrafts) === 0 && key.length > replyDrafts.length) parents.push(key.slice(replyDrafts.length));
    }
    parents.forEach(function (parentId) {
      if (!/^\d+$/.test(parentId)) return;
      var replyLink = document.querySelector("#post-" + parentId + " > " + POST_REPLY);
      if (replyLink && !document.getElementById("reply-" + parentId)) replyLink.click();
    });
  }

  // Each post's actions, written once in the page (<template id="post-actions">): copied into each
  // post's footer after its Reply, with the post's id for the slot, keeping those the post takes
  // (its data-can, else the template's). The server checks each action again when it is sent.
  var postActions = document.getElementById("post-actions");
  Array.prototype.forEach.call(document.querySelectorAll("article.post"), function (article) {
    var footer = article.querySelector(":scope > footer");
    if (!postActions || !footer) return;
    var id = article.id.slice(5), slot = postActions.getAttribute("data-slot");
    var can = (article.getAttribute("data-can") !== null ? article.getAttribute("data-can")
      : postActions.getAttribute("data-can")).split(" ");
    var copy = postActions.content.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll("[data-action]"), function (element) {
      if (can.indexOf(element.getAttribute("data-action")) < 0) element.remove();
    });
    Array.prototype.forEach.call(copy.querySelectorAll("[href], [action], [id], [for]"), function (element) {
      ["href", "action", "id", "for"].forEach(function (name) {
        var value = element.getAttribute(name);
        if (value) element.setAttribute(name, value.split(slot).join(id));
      });
    });
    var reply = article.querySelector(":scope > " + POST_REPLY);
    footer.insertBefore(copy, reply ? reply.nextSibling : footer.firstChild);
  });
  // Each post's exact time in the reader's zone, "Thursday, December 3, 2026, 3:28 pm EST" (day first:
  // "Thursday 3 December 2026, ..."), as the server's timefmt.Clock.exact writes it: made here from
  // the <time>'s datetime and the zone the page names once (forum/discussions/page_posts.zone_data),
  // where the page wrote it in every post. The zone's abbreviations come from the server: the
  // browser's own names differ ("GMT+1" for "CET").
  var DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];
  function exactTime(datetime, zone) {
    var moment = new Date(datetime);
    if (isNaN(moment.getTime())) return "";
    var parts = {};
    zone.format.formatToParts(moment).forEach(function (part) { parts[part.type] = part.value; });
    var year = +parts.year, month = +parts.month, day = +parts.day, hour = +parts.hour % 24, minute = +parts.minute;
    var local = Date.UTC(year, month - 1, day, hour, minute);
    var offset = Math.round((local - moment.getTime()) / 60000);
    var name = zone.names[String(offset)];
    if (!name) {
      var sign = offset < 0 ? "-" : "+", whole = Math.abs(offset);
      name = "GMT" + sign + String(Math.floor(whole / 60)).padStart(2, "0") + ":" + String(whole % 60).padStart(2, "0");
    }
    var weekday = DAYS[new Date(local).getUTCDay()], monthName = MONTHS[month - 1];
    var date = zone.monthFirst ? weekday + ", " + monthName + " " + day + ", " + year
      : weekday + " " + day + " " + monthName + " " + year;
    return date + ", " + (hour % 12 || 12) + ":" + String(minute).padStart(2, "0") + " " + (hour >= 12 ? "pm" : "am")
      + " " + name;
  }
  var zone = null;
  if (postActions && postActions.getAttribute("data-zone")) {
    try {
      zone = {
        format: new Intl.DateTimeFormat("en-US", { timeZone: postActions.getAttribute("data-zone"), year: "numeric",
          month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", hourCycle: "h23" }),
        names: JSON.parse(postActions.getAttribute("data-zone-names") || "{}"),
        monthFirst: postActions.getAttribute("data-month-first") === "1"
      };
    } catch (error) {
      zone = null;  // a zone this browser does not know: the relative times stay, without hover
    }
  }
  // A post's accessible name, "Post by <author>, <exact time>", and its exact time on hover and read
  // after the relative one.
  Array.prototype.forEach.call(document.querySelectorAll("article.post:not([aria-label])"), function (article) {
    var time = article.querySelector(":scope > header > a > time");
    var author = article.querySelector(":scope > header > a");
    if (!time || !author) return;
    if (!time.title && zone) time.title = exactTime(time.getAttribute("datetime"), zone);
    if (!time.title) return;
    article.setAttribute("aria-label", "Post by " + author.textContent + ", " + time.title);
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " (" + time.title + ")";
    time.parentNode.appendChild(hidden);
  });

  // Collapsing branches: a button on every post that has replies.
  Array.prototype.forEach.call(document.querySelectorAll(".replies > li"), function (node) {
    var replies = node.querySelector(":scope > .replies");
    var actions = node.querySelector(":scope > article > footer");
    if (!replies || !actions) return;
    var count = replies.querySelectorAll("article.post").length;
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

  // @mentions: after "@" and two letters, suggest members; Enter, Tab or a click inserts the name.
  var MENTION_BEFORE_CARET = /(?:^|[^\w.@])@([^\s@][^@\n]{1,39})$/u;
  var suggestBox = null, suggestFor = null, suggestTimer = null, suggestIndex = -1;

  function closeSuggestions() {
    if (suggestBox) suggestBox.remove();
    if (suggestFor) suggestFor.removeAttribute("aria-activedescendant");
    suggestBox = null; suggestFor = null; suggestIndex = -1;
  }

  function typedMention(textarea) {
    var before = textarea.value.slice(0, textarea.selectionStart);
    var match = MENTION_BEFORE_CARET.exec(before);
    if (!match || match[1].split(" ").length > 4) return null;
    return { text: match[1], start: before.length - match[1].length - 1 };
  }

  function choose(textarea, name) {
    var typed = typedMention(textarea);
    if (!typed) return closeSuggestions();
    var after = textarea.value.slice(textarea.selectionStart);
    var inserted = "@" + name + " ";
    textarea.value = textarea.value.slice(0, typed.start) + inserted + after;
    var caret = typed.start + inserted.length;
    textarea.setSelectionRange(caret, caret);
    closeSuggestions();
    textarea.focus();
  }

  function highlight(index) {
    var options = suggestBox.querySelectorAll("[role=option]");
    if (!options.length) return;
    suggestIndex = (index + options.length) % options.length;
    Array.prototype.forEach.call(options, function (option, i) {
      option.setAttribute("aria-selected", i === suggestIndex ? "true" : "false");
    });
    suggestFor.setAttribute("aria-activedescendant", options[suggestIndex].id);
  }

  function showSuggestions(textarea, members) {
    closeSuggestions();
    if (!members.length) return;
    suggestFor = textarea;
    suggestBox = document.createElement("ul");
    suggestBox.className = "mention-suggestions";
    suggestBox.setAttribute("role", "listbox");
    suggestBox.id = textarea.id + "-mentions";
    suggestBox.setAttribute("aria-label", "Members to mention");
    members.forEach(function (member, i) {
      var option = document.createElement("li");
      option.setAttribute("role", "option");
      option.id = suggestBox.id + "-" + i;
      option.textContent = member.name;  // text, never markup
      if (member.position) {
        var position = document.createElement("span");
        position.className = "mention-suggestions__position";
        position.textContent = " · " + member.position;
        option.appendChild(position);
      }
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();  // keep the focus in the textarea
        choose(textarea, member.name);
      });
      suggestBox.appendChild(option);
    });
    textarea.insertAdjacentElement("afterend", suggestBox);
    highlight(0);
  }

  document.addEventListener("input", function (event) {
    var textarea = event.target;
    if (!textarea.matches || !textarea.matches("textarea[data-mentions]") || !window.fetch) return;
    var typed = typedMention(textarea);
    clearTimeout(suggestTimer);
    if (!typed || typed.text.length < 2) return closeSuggestions();
    suggestTimer = setTimeout(function () {
      var url = textarea.getAttribute("data-mentions") + "?q=" + encodeURIComponent(typed.text);
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { members: [] }; })
        .then(function (json) {
          var still = typedMention(textarea);
          if (still && still.text === typed.text) showSuggestions(textarea, json.members);
        })
        .catch(closeSuggestions);
    }, 150);
  });

  document.addEventListener("keydown", function (event) {
    if (!suggestBox || event.target !== suggestFor) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      highlight(suggestIndex + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" || event.key === "Tab") {
      var option = suggestBox.querySelectorAll("[role=option]")[suggestIndex];
      if (!option) return;
      event.preventDefault();
      choose(suggestFor, option.firstChild.textContent);
    } else if (event.key === "Escape") {
      closeSuggestions();
    }
  });

  document.addEventListener("focusout", function (event) {
    if (event.target === suggestFor) closeSuggestions();
  });

  // Reading: when the member leaves a thread page (or hides it), remember how far they read,
  // so its "New" marks stay while they read. The page view itself never writes; this POST
  // does (the "Mark read" button, without JavaScript).
  var reading = document.querySelector("[data-read-url]");
  if (reading) {
    var sent = false;
    var sendRead = function () {
      if (sent) return;
      sent = true;
      var data = new FormData();
      data.append("post_id", reading.getAttribute("data-read-post"));
      data.append("beacon", "1");
      var token = document.querySelector("input[name=csrf_token]");
      if (token) data.append("csrf_token", token.value);
      var url = reading.getAttribute("data-read-url");
      if (!(navigator.sendBeacon && navigator.sendBeacon(url, data)) && window.fetch) {
        fetch(url, { method: "POST", body: data, credentials: "same-origin", keepalive: true });
      }
    };
    window.addEventListener("pagehide", sendRead);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") sendRead();
    });
  }

  // The search form's author field: names of members with posts, offered as one types.
  var authorField = document.querySelector("[data-suggest-names]");
  if (authorField) {
    var namesTimer = null;
    authorField.addEventListener("input", function () {
      clearTimeout(namesTimer);
      var typed = authorField.value.trim();
      if (typed.length < 2) { return; }
      namesTimer = setTimeout(function () {
        fetch(authorField.getAttribute("data-suggest-names") + "?q=" + encodeURIComponent(typed),
              { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { names: [] }; })
          .then(function (json) {
            var list = document.getElementById(authorField.getAttribute("list"));
            list.textContent = "";
            json.names.forEach(function (name) {
              var option = document.createElement("option");
              option.value = name;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 150);
    });
  }

  // A search result leads here: mark the words it matched (the server lists them as written).
  var marking = document.getElementById("marked-words");
  if (marking) {
    var words = JSON.parse(marking.getAttribute("data-mark-words") || "[]");
    if (words.length) {
      words.sort(function (a, b) { return b.length - a.length; });  // "K-2" before "K"
      var escaped = words.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
      var pattern = new RegExp("(?<![\\p{L}\\p{N}])(?:" + escaped.join("|") + ")(?![\\p{L}\\p{N}])", "gu");
      Array.prototype.forEach.call(document.querySelectorAll(".post__body, .post > div"), function (body) {
        var walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
        var texts = [];
        while (walker.nextNode()) { texts.push(walker.currentNode); }
        texts.forEach(function (node) {
          var text = node.nodeValue, last = 0, match, pieces = document.createDocumentFragment(), found = false;
          pattern.lastIndex = 0;
          while ((match = pattern.exec(text)) !== null) {
            found = true;
            pieces.appendChild(document.createTextNode(text.slice(last, match.index)));
            var mark = document.createElement("mark");
            mark.className = "search-mark";
            mark.textContent = match[0];
            pieces.appendChild(mark);
            last = match.index + match[0].length;
          }
          if (found) {
            pieces.appendChild(document.createTextNode(text.slice(last)));
            node.parentNode.replaceChild(pieces, node);
          }
        });
      });
    }
  }
})();
