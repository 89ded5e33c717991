// Sections and content pages. The server's templates already render every StreamField block (images with
// srcset, quotes, video, callouts, Q&A, citations) and each page type's own fields, so the app shows that
// HTML; the service worker keeps the last 50 read for offline use.
import { query } from "../api.js";
import { t } from "../i18n.js";
import { appLinks, esc, render } from "../ui.js";
import { article, KINDS, PAGE } from "./blocks.js";
import { failed, loading, serverPage } from "./common.js";
import { sectionView } from "./section.js";

// Sections through the `section` query, content pages through grapple's `page(urlPath:)`; anything else
// (forum boards, unknown types, an API failure) as the server's HTML.
async function fromApi(path) {
  const { page } = await query(PAGE, { path });
  if (!page || !KINDS[page.pageType]) return null;
  const view = render(article(page));
  appLinks(view);
  // Video study: a logged-in cadre's watching earns points (heartbeats; the server decides what counts).
  if (view.querySelector("video[data-video-id]")) import("./study.js").then((m) => m.watchVideos(view));
  document.title = `${page.title} · ${t("brand")}`;
  return view;
}

const HISTORY = "qf.history";

function remember(path, title) {
  const items = JSON.parse(localStorage.getItem(HISTORY) || "[]").filter((i) => i.path !== path);
  items.unshift({ path, title, at: new Date().toISOString() });
  localStorage.setItem(HISTORY, JSON.stringify(items.slice(0, 50)));
}

export const history = () => JSON.parse(localStorage.getItem(HISTORY) || "[]");

export default async function page({ path, params }) {
  loading();
  const search = params.toString();
  const serverPath = path.endsWith("/") ? path : path + "/";
  try {
    let view = null;
    const sectionSlug = serverPath.match(/^\/([^/]+)\/$/)?.[1];
    if (sectionSlug) view = await sectionView(decodeURIComponent(sectionSlug), params).catch(() => null);
    if (!view && !search) view = await fromApi(serverPath).catch(() => null);
    view = view || (await serverPage(serverPath + (search ? `?${search}` : ""), "page"));
    const entry = view.querySelector("article.entry");
    if (entry) {
      remember(serverPath, view.querySelector("h1")?.textContent || serverPath);
      entry.insertAdjacentHTML("beforeend",
        `<p class="site-link"><a href="${esc(serverPath)}">${esc(t("continue"))}</a></p>`);
    }
  } catch (error) {
    failed(error);
  }
}
