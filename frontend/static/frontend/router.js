// History-API router: /app/<path> -> a view module; anything else is a Wagtail page path.
const routes = [];
// Navigations are numbered; a view that finishes after a newer one has rendered must not leave its screen up.
let started = 0;
let finished = 0;

export function route(pattern, load) {
  routes.push({ pattern, load });
}

export function navigate(url, replace = false) {
  history[replace ? "replaceState" : "pushState"]({}, "", url);
  return dispatch();
}

export async function dispatch() {
  const url = new URL(location.href);
  const path = url.pathname.replace(/^\/app/, "") || "/";
  for (const { pattern, load } of routes) {
    const match = path.match(pattern);
    if (match) {
      const mine = ++started;
      const module = await load();
      await module.default({ path, match, params: url.searchParams, url });
      if (mine === started) {
        finished = mine;
        document.getElementById("view").focus({ preventScroll: true });
      } else if (finished === started) {
        // This stale view rendered over the newer one, which had already finished: show the current one again.
        return dispatch();
      }
      return;
    }
  }
}

export function startRouter() {
  document.addEventListener("click", (event) => {
    const a = event.target.closest("a[data-link]");
    if (!a || event.metaKey || event.ctrlKey || a.target) return;
    event.preventDefault();
    navigate(a.href).then(() => window.scrollTo(0, 0));
  });
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || form.method !== "get" || !form.getAttribute("action")?.startsWith("/app/")) return;
    event.preventDefault();
    navigate(form.action + "?" + new URLSearchParams(new FormData(form)));
  });
  window.addEventListener("popstate", dispatch);
  return dispatch();
}
