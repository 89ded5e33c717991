// Forum on the GraphQL API: boards, a board's topics, a topic with reply and report. Replies written offline
// wait in the outbox. Without the API, the server's forum pages show inside the app instead.
import { ApiError, mutate, newKey, query } from "../api.js";
import { lang, t } from "../i18n.js";
import { outbox } from "../offline.js";
import { navigate } from "../router.js";
import { esc, render } from "../ui.js";
import { failed, loading, postForm } from "./common.js";

const ERR = "errors { field message code }";
const BOARDS = `query Boards { boards { id title intro url } }`;
const BOARD = `query Board($id: ID!, $page: Int) { board(id: $id, page: $page) {
  board { id title intro } topics { id title authorName pinned locked replyCount lastActivityAt }
  pageInfo { number hasNext hasPrevious } } }`;
const TOPIC = `query Topic($id: ID!, $page: Int) { topic(id: $id, page: $page) {
  topic { id title locked } board { id title } canReply
  posts { id body authorName isMine status rejectionReason createdAt } pageInfo { number hasNext hasPrevious } } }`;
const REPLY = `mutation Reply($topic: ID!, $body: String!) { reply(topicId: $topic, body: $body) { ok published ${ERR} } }`;
const CREATE = `mutation CreateTopic($board: ID!, $title: String!, $body: String!) {
  createTopic(boardId: $board, title: $title, body: $body) { ok topic { id } published ${ERR} } }`;
const REPORT = `mutation Report($post: ID!, $reason: ReportReason!) { reportPost(postId: $post, reason: $reason) { ok ${ERR} } }`;

export const senders = {
  form: (item) => postForm(item.action, item.fields),
  reply: (item) => mutate(REPLY, { topic: item.topic, body: item.body }, "reply", item.key),
};

const when = (iso) => (iso ? new Date(iso).toLocaleString(lang === "en" ? "en-GB" : "zh-CN", { dateStyle: "short", timeStyle: "short" }) : "");

function pager(base, info) {
  if (!info || (!info.hasNext && !info.hasPrevious)) return "";
  const a = (n, label) => `<a class="button ghost" href="${base}?page=${n}" data-link>${esc(t(label))}</a>`;
  return `<nav class="row">${info.hasPrevious ? a(info.number - 1, "prev") : ""}${info.hasNext ? a(info.number + 1, "next") : ""}</nav>`;
}

function showErrors(form, error) {
  const box = form.querySelector(".field-error");
  const login = error.errors?.some((e) => e.code === "UNAUTHENTICATED");
  box.innerHTML = esc(error.message) + (login ? ` <a href="/app/login" data-link>${esc(t("login.title"))}</a>` : "");
}

async function boards() {
  let list;
  try {
    ({ boards: list } = await query(BOARDS));
  } catch (error) {
    if (error instanceof TypeError) return failed(error);
    const doc = new DOMParser().parseFromString(await (await fetch("/")).text(), "text/html");
    list = [...doc.querySelectorAll(".board-links a")].map((a) => ({ title: a.textContent, url: a.getAttribute("href"), server: true }));
  }
  render(`<h1>${esc(t("forum.boards"))}</h1><ul class="cards">${list.map((b) => `<li>
    <a class="card" href="${b.server ? `/app${esc(b.url)}` : `/app/forum/${esc(b.id)}`}" data-link>
    <strong>${esc(b.title)}</strong>${b.intro ? `<small>${esc(b.intro)}</small>` : ""}</a></li>`).join("")}</ul>`);
}

async function board(id, page) {
  const { board: listing } = await query(BOARD, { id, page });
  if (!listing) return failed(new Error("404"));
  render(`<p><a href="/app/forum" data-link>‹ ${esc(t("forum.boards"))}</a></p>
    <h1>${esc(listing.board.title)}</h1>${listing.board.intro ? `<p class="muted">${esc(listing.board.intro)}</p>` : ""}
    <ul class="cards">${listing.topics.map((tp) => `<li><a class="card" href="/app/forum/topic/${esc(tp.id)}" data-link>
      <strong>${tp.pinned ? "📌 " : ""}${esc(tp.title)}</strong>
      <small>${esc(tp.authorName)} · ${esc(t("forum.replies", { n: tp.replyCount }))} · ${esc(when(tp.lastActivityAt))}</small></a></li>`).join("")}</ul>
    ${pager(`/app/forum/${esc(id)}`, listing.pageInfo)}
    <h2>${esc(t("forum.new"))}</h2>
    <form id="new-topic" class="stack" novalidate>
      <label for="nt-title">${esc(t("forum.title"))}</label><input id="nt-title" name="title" maxlength="100" required>
      <label for="nt-body">${esc(t("forum.body"))}</label><textarea id="nt-body" name="body" rows="5" required></textarea>
      <button class="button" type="submit">${esc(t("forum.send"))}</button><p class="field-error" role="alert"></p>
    </form>`);
  const form = document.getElementById("new-topic");
  const key = newKey();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const result = await mutate(CREATE, { board: id, title: form.title.value, body: form.body.value }, "createTopic", key);
      navigate(`/app/forum/topic/${result.topic.id}`);
    } catch (error) {
      if (error instanceof ApiError) showErrors(form, error);
      else form.querySelector(".field-error").textContent = t("error");
    }
  });
}

function postHtml(p) {
  const state = p.status !== "published" ? `<p class="post-state">${esc(t(`forum.status.${p.status}`))}${p.rejectionReason ? `: ${esc(p.rejectionReason)}` : ""}</p>` : "";
  const report = !p.isMine && p.status === "published"
    ? `<details class="report"><summary>${esc(t("forum.report"))}</summary><form class="row" data-post="${esc(p.id)}">
      <label class="visually-hidden" for="r-${esc(p.id)}">${esc(t("forum.reason"))}</label>
      <select id="r-${esc(p.id)}" name="reason">${["ABUSE", "SPAM", "FALSE_INFORMATION", "PRIVACY", "OTHER"]
        .map((r) => `<option value="${r}">${esc(t(`forum.reason.${r}`))}</option>`).join("")}</select>
      <button class="button ghost" type="submit">${esc(t("forum.report"))}</button></form></details>` : "";
  return `<li class="post" id="post-${esc(p.id)}"><p class="meta"><strong>${esc(p.authorName)}</strong>
    <time>${esc(when(p.createdAt))}</time></p>${state}<div class="post-body">${esc(p.body).replace(/\n/g, "<br>")}</div>${report}</li>`;
}

function pendingHtml(topicId) {
  return outbox.all().filter((i) => i.kind === "reply" && i.topic === topicId).map((i) => `<li class="post pending-post">
    <p class="meta"><span class="tag">${esc(t("pending.item"))}</span></p><div class="post-body">${esc(i.body)}</div></li>`).join("");
}

async function topic(id, page) {
  const { topic: listing } = await query(TOPIC, { id, page });
  if (!listing) return failed(new Error("404"));
  const draw = () => {
    render(`<p><a href="/app/forum/${esc(listing.board.id)}" data-link>‹ ${esc(listing.board.title)}</a></p>
      <h1>${esc(listing.topic.title)}</h1>
      <ol class="post-list">${listing.posts.map(postHtml).join("")}${pendingHtml(id)}</ol>
      ${pager(`/app/forum/topic/${esc(id)}`, listing.pageInfo)}
      ${listing.canReply ? `<form id="reply" class="stack" novalidate><label for="reply-body">${esc(t("forum.reply"))}</label>
        <textarea id="reply-body" name="body" rows="4" required></textarea>
        <button class="button" type="submit">${esc(t("forum.send"))}</button><p class="field-error" role="alert"></p></form>` : ""}`);
    const form = document.getElementById("reply");
    form?.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = form.body.value.trim();
      if (!body) return;
      // One reply, one key: the outbox resends it with the key it was first sent with.
      const key = form.dataset.key || (form.dataset.key = newKey());
      if (!navigator.onLine) {
        outbox.add({ kind: "reply", topic: id, body, key });
        return draw();
      }
      try {
        await mutate(REPLY, { topic: id, body }, "reply", key);
        await topic(id, page);
      } catch (error) {
        if (error instanceof ApiError) showErrors(form, error);
        else { outbox.add({ kind: "reply", topic: id, body, key }); draw(); }
      }
    });
    document.querySelectorAll("form[data-post]").forEach((f) => f.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await mutate(REPORT, { post: f.dataset.post, reason: f.reason.value }, "reportPost");
        f.closest("details").replaceWith(Object.assign(document.createElement("p"), { className: "muted", textContent: t("forum.reported") }));
      } catch (error) {
        f.insertAdjacentText("afterend", error.message);
      }
    }));
  };
  draw();
  document.addEventListener("qf:sent", () => { if (location.pathname === `/app/forum/topic/${id}`) topic(id, page); }, { once: true });
}

export default async function forum({ path, params }) {
  loading();
  const page = Number(params.get("page") || 1);
  const topicMatch = path.match(/^\/forum\/topic\/(\d+)/);
  const boardMatch = path.match(/^\/forum\/(\d+)/);
  try {
    if (topicMatch) await topic(topicMatch[1], page);
    else if (boardMatch) await board(boardMatch[1], page);
    else await boards();
  } catch (error) {
    failed(error);
  }
}
