// Forum: GraphQL boards/board/topic when the API has them, else the server's forum pages inside the app.
import { mutate, query } from "../api.js";
import { t } from "../i18n.js";
import { esc, render } from "../ui.js";
import { failed, loading, postForm, serverPage } from "./common.js";

const BOARDS = `query Boards { boards { id title intro url } }`;
const REPLY = `mutation Reply($topic: ID!, $body: String!) { reply(topicId: $topic, body: $body) {
  errors { field message code } } }`;

export const senders = {
  form: (item) => postForm(item.action, item.fields),
  reply: (item) => mutate(REPLY, { topic: item.topic, body: item.body }, "reply"),
};

export default async function forum() {
  loading();
  let boards;
  try {
    ({ boards } = await query(BOARDS));
  } catch {
    try {
      const doc = new DOMParser().parseFromString(await (await fetch("/")).text(), "text/html");
      boards = [...doc.querySelectorAll(".board-links a")].map((a) => ({ title: a.textContent, url: a.getAttribute("href") }));
    } catch (error) {
      failed(error);
      return;
    }
  }
  render(`<h1>${esc(t("forum.boards"))}</h1><ul class="cards">${boards.map((b) => `<li><a class="card" href="/app${esc(b.url)}" data-link>
    <strong>${esc(b.title)}</strong>${b.intro ? `<small>${esc(b.intro)}</small>` : ""}</a></li>`).join("")}</ul>`);
}

export { serverPage };
