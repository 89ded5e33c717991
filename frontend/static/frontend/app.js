// Qingfeng mobile app: native ES modules, no build step.
import { showFooter } from "./footer.js";
import { applyStatic, lang, setLang } from "./i18n.js";
import { dispatch, route, startRouter } from "./router.js";
import { startOffline } from "./offline.js";
import { senders } from "./views/forum.js";

route(/^\/$/, () => import("./views/home.js"));
route(/^\/search\/?$/, () => import("./views/search.js"));
route(/^\/login\/?$/, () => import("./views/login.js"));
route(/^\/me\/?$/, () => import("./views/me.js"));
route(/^\/me\/(points|tasks|ranking)(\/.*)?$/, () => import("./views/study.js"));
route(/^\/forum(\/.*)?$/, () => import("./views/forum.js"));
route(/^\/(complaints|cases)(\/.*)?$/, () => import("./views/complaints.js"));
route(/^\/approvals(\/.*)?$/, () => import("./views/approvals.js"));
route(/^\/(quizzes|boards)(\/.*)?$/, () => import("./views/quizzes.js"));
route(/^\/.+$/, () => import("./views/page.js")); // sections and content pages: Wagtail URL paths

function markTab() {
  const path = location.pathname.replace(/^\/app/, "") || "/";
  const tab = path === "/" ? "home" : path.startsWith("/search") ? "search"
    : path.startsWith("/forum") ? "forum" : /^\/(complaints|cases)/.test(path) ? "complaints"
    : path.startsWith("/approvals") ? "approvals" : /^\/(quizzes|boards)/.test(path) ? "quizzes"
    : /^\/(me|login)/.test(path) ? "me" : "";
  document.querySelectorAll(".tabs a").forEach((a) => {
    if (a.dataset.tab === tab) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  });
  showFooter(tab);
}

document.getElementById("lang").addEventListener("click", () => {
  setLang(lang === "en" ? "zh-hans" : "en");
  dispatch().then(markTab);
});
window.addEventListener("popstate", markTab);
document.addEventListener("qf:routed", markTab);

applyStatic();
startOffline(senders);
startRouter().then(markTab);
const _push = history.pushState.bind(history);
history.pushState = (...args) => { _push(...args); markTab(); };

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register(document.body.dataset.sw, { scope: "/app/" }).catch(() => {});
}
