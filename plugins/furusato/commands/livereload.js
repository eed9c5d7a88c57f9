// Live reload for `make devserver` (served by plugins/furusato/commands/livereload.py, added to
// pages as they are served and never written into output/): reload the page when the server
// has a newer build than the one this page was served from; show a notice when a rebuild
// failed. The server's text never reaches the page: the notice is built with DOM APIs from
// the two messages below.
(function () {
  "use strict";
  var script = document.currentScript;
  var served = script ? script.getAttribute("data-generation") : null;
  var scrollKey = "furusato-livereload-scroll:" + location.pathname;
  var messages = {
    en: { failed: "Build failed — see the terminal", dismiss: "Dismiss" },
    ja: { failed: "ビルドに失敗しました。ターミナルを確認してください", dismiss: "閉じる" },
  };
  var lang = (document.documentElement.lang || "en").toLowerCase().indexOf("ja") === 0 ? "ja" : "en";
  var notice = null;

  function restoreScroll() {
    try {
      var saved = sessionStorage.getItem(scrollKey);
      if (saved !== null) {
        sessionStorage.removeItem(scrollKey);
        var xy = JSON.parse(saved);
        window.scrollTo(xy[0], xy[1]);
      }
    } catch (error) {
      // sessionStorage may be unavailable (private mode): the browser's own restoration remains.
    }
  }

  function reload() {
    try {
      sessionStorage.setItem(scrollKey, JSON.stringify([window.scrollX, window.scrollY]));
    } catch (error) {
      // as above
    }
    location.reload();
  }

  function stylesheet() {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = "/__furusato/livereload.css";
    document.head.appendChild(link);
  }

  function showNotice() {
    if (notice !== null) {
      return;
    }
    notice = document.createElement("div");
    notice.className = "furusato-livereload";
    notice.setAttribute("role", "alert");
    notice.lang = lang;
    var text = document.createElement("p");
    text.textContent = messages[lang].failed;
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = messages[lang].dismiss;
    button.addEventListener("click", hideNotice);
    notice.appendChild(text);
    notice.appendChild(button);
    document.body.appendChild(notice);
  }

  function hideNotice() {
    if (notice !== null) {
      notice.remove();
      notice = null;
    }
  }

  restoreScroll();
  if (typeof EventSource === "undefined") {
    return;
  }
  stylesheet();

  // Only a visible page listens: a browser opens at most six connections to one server, and
  // a stream holds one for as long as it is open, so tabs left in the background would
  // starve the rest. A page that comes back to the front listens again, and reloads at once
  // if the site was rebuilt meanwhile.
  var events = null;

  function listen() {
    if (events !== null) {
      return;
    }
    events = new EventSource("/__furusato/events");
    events.addEventListener("generation", function (event) {
      if (event.data !== served) {
        stop();
        reload();
      }
    });
    events.addEventListener("failed", showNotice);
    events.addEventListener("ok", hideNotice);
  }

  function stop() {
    if (events !== null) {
      events.close();
      events = null;
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      stop();
    } else {
      listen();
    }
  });
  if (!document.hidden) {
    listen();
  }
})();
