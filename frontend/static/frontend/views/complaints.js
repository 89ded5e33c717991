// Complaints (网络投诉): report, follow with the receipt, public cases and SMS follow. The report form posts the
// same multipart form as the web page (attachments included) and keeps a draft on this device until it is sent;
// name and phone are never kept in the draft.
import { ApiError, csrfToken, mutate, newKey, query } from "../api.js";
import { lang } from "../i18n.js";
import { canSolve, solve } from "../pow.js";

import { day, esc, render } from "../ui.js";
import { failed, loading } from "./common.js";

const S = {
  "zh-hans": {
    title: "网络投诉", intro: "举报吃拿卡要、不作为、乱作为、慢作为、违规收费、公款吃喝等问题，可以匿名。",
    privacy: "本平台不记录您的IP地址和设备信息。提交后请保存查询码：匿名投诉只能凭它查询进展。",
    report: "我要投诉", follow: "查询我的投诉", cases: "公开案件", none: "暂无公开案件。",
    category: "问题类型", dept: "被投诉单位", deptHint: "— 知道的话请选择 —", person: "被投诉人", tracking: "审批办件号（选填）",
    desc: "问题描述", descHint: "时间、地点、人物、经过，尽量写清可核实的事实。", anon: "匿名投诉", named: "实名投诉（接收短信进展）",
    name: "姓名", phone: "手机号", files: "照片或PDF（选填，最多5个，每个8MB）", submit: "提交", sending: "正在提交…", solving: "这个网络近期投诉较多，正在进行验证计算（几秒钟）…",
    draft: "已恢复上次未提交的草稿。", done: "投诉已收到", ref: "投诉编号", receipt: "查询码",
    keep: "请立即抄下或截图保存。查询码只显示这一次，我们只保存其不可逆的哈希值，无法找回。",
    shown: "该投诉此前已经收到。查询码已在首次提交时显示，无法再次显示。",
    open: "查询", status: "当前状态", thread: "与调查人员的留言", you: "我", inv: "调查人员", noMsg: "暂无留言。",
    send: "发送留言", msg: "留言内容", outcome: "处理结果", pub: "查看公开案件页",
    mineTitle: "我的办件",
    post: "被投诉人职务（选填）", level: "被投诉人职级", levelUnknown: "不清楚",
    guide: "举报须知", realName: "实名举报优先办理：留下姓名和手机号，我们可以把办理情况告诉您；您的身份始终加密保密。",
    falseAcc: "请如实反映问题。捏造事实诬告陷害他人是违法行为，将依法追究；如实反映而有出入的，不属于诬告。",
    hotline: "也可以拨打全国统一举报电话 12388。", receivedAt: "收到时间",
    promise: "我们将在 {n} 个工作日内（{d} 前）确认收到您的投诉，并在此后 {m} 个工作日内决定是否立案。",
    provisional: "（暂定）", call: "如有疑问或逾期未获答复，请拨打举报电话 12388 并告知投诉编号。", print: "打印回执",
    mine: "您留下了姓名和手机号：用该手机号登录后，也可以在“我的”中查看这件投诉。",
    clar: "澄清正名", sub: "短信关注此案件", subCode: "获取验证码", code: "验证码", confirm: "确认关注",
    codeSent: "验证码已发送，请输入。", unsub: "取消关注此案件", stopped: "已取消：该号码不再收到此案件的短信。", confirmed: "已关注：案件有更新时将短信通知您。", error: "出错了，请稍后重试。", transferred: "已转交有权处理的机关办理：",
  },
  en: {
    title: "Complaints", intro: "Report demanding favours, inaction, arbitrary action, dragging feet, illegal fees, banqueting on public funds. You may stay anonymous.",
    privacy: "We do not record your IP address or device. Keep the receipt you get: it is the only way to follow an anonymous complaint.",
    report: "Make a complaint", follow: "Follow my complaint", cases: "Public cases", none: "No public cases yet.",
    category: "What happened", dept: "Department concerned", deptHint: "— choose if you know it —", person: "Person concerned",
    tracking: "Approval tracking number (optional)", desc: "Describe what happened", descHint: "When, where, who, what: facts that can be checked.",
    anon: "Stay anonymous", named: "Give my name and phone for SMS updates", name: "Your name", phone: "Your mobile number",
    files: "Photos or PDF (optional, up to 5 files of 8 MB)", submit: "Submit", sending: "Sending…", solving: "Many complaints came from this network: solving a short check (a few seconds)…", draft: "Your unsent draft was restored.",
    done: "Complaint received", ref: "Reference", receipt: "Receipt",
    keep: "Write both down or take a screenshot now. The receipt is shown only once and cannot be recovered.",
    shown: "This complaint was already received. Its receipt was shown when it was first sent and cannot be shown again.",
    open: "Open", status: "Status", thread: "Messages with the investigator", you: "You", inv: "Investigator", noMsg: "No messages yet.",
    mineTitle: "My cases",
    post: "Their post (optional)", level: "Their level", levelUnknown: "Not known",
    guide: "Before you report", realName: "Real-name reports are handled first: with your name and number we can tell you how your report was handled. Your identity is kept sealed either way.",
    falseAcc: "Report facts you believe true. Making up facts to accuse someone is against the law and is prosecuted; an honest mistake is not.",
    hotline: "You can also report by phone: the national reporting hotline 12388.", receivedAt: "Received at",
    promise: "We will acknowledge your complaint within {n} working days, by {d}, and decide within {m} further working days whether to open a case.",
    provisional: "(provisional)", call: "Questions, or no answer in time: call the reporting hotline 12388 and give the reference.", print: "Print receipt",
    mine: "You gave your name and number: after logging in with that number you can also see this complaint under Me.",
    send: "Send", msg: "Message", outcome: "Outcome", pub: "Public case page", clar: "Clarification", sub: "Follow this case by SMS",
    subCode: "Send me a code", code: "Code", confirm: "Confirm", codeSent: "We sent a code. Enter it to confirm.", unsub: "Stop following this case",
    stopped: "Done: this number gets no more SMS about this case.",
    confirmed: "Confirmed: you will get an SMS when this case is updated.", error: "Something went wrong. Please try again.", transferred: "Transferred to the competent body: ",
  },
};
const s = (key) => (S[lang] || S["zh-hans"])[key];
const DRAFT = "qf-complaint-draft";
const KEEP = ["category", "concerned_department", "concerned_person", "concerned_post", "concerned_level", "related_reference", "description"];
const ERR = "errors { field message code }";
const CATS = `query { complaintCategories { code name } complaintLevels { code name } }`;
const CASES = `query PublicCases($page: Int) { publicCases(page: $page) { items { reference title categoryName statusName department } } }`;
const CASE = `query PublicCase($r: String!) { publicCase(reference: $r) { reference title categoryName statusName decisionName department
  updates { kindName body publishedAt } clarification { officialName officialPost body } } }`;
const STATUS = `complaint { reference statusName decisionName outcome closedReason transferredTo description isPublic messages { fromReporter body createdAt } }`;
// A named complaint opened from 我的 (the session proved the reporter's phone): no receipt, the read is recorded.
const MINE = `query MyComplaint($r: String!) { myComplaint(reference: $r) { reference statusName decisionName outcome closedReason
  transferredTo description isPublic messages { fromReporter body createdAt } } }`;
const SEND_MINE = `mutation SendMine($r: String!, $b: String!) { sendMyComplaintMessage(reference: $r, body: $b) { ok ${STATUS} ${ERR} } }`;
const FOLLOW = `mutation Follow($r: String!, $c: String!) { followComplaint(reference: $r, receipt: $c) { ok ${STATUS} ${ERR} } }`;
const SEND = `mutation Send($r: String!, $c: String!, $b: String!) { sendComplaintMessage(reference: $r, receipt: $c, body: $b) { ok ${STATUS} ${ERR} } }`;
const SUB = `mutation Sub($r: String!, $p: String!, $s: Boolean) { requestCaseSubscription(reference: $r, phone: $p, stop: $s) { ok ${ERR} } }`;
const CONFIRM = `mutation Confirm($r: String!, $p: String!, $c: String!, $s: Boolean) {
  confirmCaseSubscription(reference: $r, phone: $p, code: $c, stop: $s) { ok ${ERR} } }`;

const para = (text) => esc(text).replace(/\n/g, "<br>");

async function home() {
  let cases = [];
  try { ({ publicCases: { items: cases } } = await query(CASES, { page: 1 })); } catch { /* list stays empty */ }
  document.title = s("title");
  render(`<h1>${esc(s("title"))}</h1><p>${esc(s("intro"))}</p><p class="card notice">${esc(s("privacy"))}</p>
    <p class="row"><a class="button" href="/app/complaints/new" data-link>${esc(s("report"))}</a>
    <a class="button ghost" href="/app/complaints/follow" data-link>${esc(s("follow"))}</a></p>
    <h2>${esc(s("cases"))}</h2>${caseList(cases)}`);
}

function caseList(cases) {
  if (!cases.length) return `<p class="muted">${esc(s("none"))}</p>`;
  return `<ul class="cards">${cases.map((c) => `<li><a class="card" href="/app/cases/${esc(c.reference)}" data-link>
    <strong>${esc(c.title)}</strong><small>${esc(c.reference)} · ${esc(c.categoryName)} · ${esc(c.statusName)}</small></a></li>`).join("")}</ul>`;
}

async function departments() {
  // The departments come with the server form (one source of truth for the choices).
  const response = await fetch("/complaints/new/", { headers: { Accept: "text/html" }, credentials: "same-origin" });
  const doc = new DOMParser().parseFromString(await response.text(), "text/html");
  return [...doc.querySelectorAll("#id_concerned_department option")].filter((o) => o.value).map((o) => ({ id: o.value, name: o.textContent }));
}

async function report() {
  const [{ complaintCategories: cats, complaintLevels: levels }, depts] = await Promise.all([query(CATS), departments()]);
  render(`<p><a href="/app/complaints" data-link>‹ ${esc(s("title"))}</a></p><h1>${esc(s("report"))}</h1>
    <div class="card notice guidance"><h2>${esc(s("guide"))}</h2><p>${esc(s("realName"))}</p><p>${esc(s("falseAcc"))}</p>
      <p><a href="tel:12388">${esc(s("hotline"))}</a></p></div>
    <form id="complaint" class="stack" novalidate>
      <p class="field-error" role="alert" id="c-errors"></p><p class="muted" id="c-draft" hidden>${esc(s("draft"))}</p>
      <label for="c-category">${esc(s("category"))}</label><select id="c-category" name="category">${cats.map((c) => `<option value="${esc(c.code)}">${esc(c.name)}</option>`).join("")}</select>
      <label for="c-dept">${esc(s("dept"))}</label><select id="c-dept" name="concerned_department"><option value="">${esc(s("deptHint"))}</option>${depts.map((d) => `<option value="${esc(d.id)}">${esc(d.name)}</option>`).join("")}</select>
      <label for="c-person">${esc(s("person"))}</label><input id="c-person" name="concerned_person" maxlength="100">
      <label for="c-post">${esc(s("post"))}</label><input id="c-post" name="concerned_post" maxlength="100">
      <label for="c-level">${esc(s("level"))}</label><select id="c-level" name="concerned_level"><option value="">${esc(s("levelUnknown"))}</option>${levels.map((l) => `<option value="${esc(l.code)}">${esc(l.name)}</option>`).join("")}</select>
      <label for="c-tracking">${esc(s("tracking"))}</label><input id="c-tracking" name="related_reference" maxlength="40">
      <label for="c-desc">${esc(s("desc"))}</label><textarea id="c-desc" name="description" rows="7" maxlength="5000" aria-describedby="c-desc-hint"></textarea>
      <small id="c-desc-hint" class="muted">${esc(s("descHint"))}</small>
      <fieldset><label><input type="radio" name="is_anonymous" value="1" checked> ${esc(s("anon"))}</label>
        <label><input type="radio" name="is_anonymous" value="0"> ${esc(s("named"))}</label></fieldset>
      <div id="c-named" class="stack" hidden><label for="c-name">${esc(s("name"))}</label><input id="c-name" name="name" maxlength="50">
        <label for="c-phone">${esc(s("phone"))}</label><input id="c-phone" name="phone" type="tel" maxlength="20"></div>
      <label for="c-files">${esc(s("files"))}</label><input id="c-files" name="attachments" type="file" multiple accept="image/jpeg,image/png,image/webp,application/pdf">
      <button class="button" type="submit">${esc(s("submit"))}</button>
    </form>`);
  const form = document.getElementById("complaint");
  const key = newKey(); // one complaint: every retry of it carries this key
  const named = document.getElementById("c-named");
  const sync = () => { named.hidden = form.is_anonymous.value !== "0"; };
  form.addEventListener("change", sync);
  try {
    const draft = JSON.parse(localStorage.getItem(DRAFT) || "{}");
    if (KEEP.some((k) => draft[k])) {
      KEEP.forEach((k) => { if (draft[k]) form.elements[k].value = draft[k]; });
      document.getElementById("c-draft").hidden = false;
    }
  } catch { /* no draft */ }
  form.addEventListener("input", () => {
    const draft = Object.fromEntries(KEEP.map((k) => [k, form.elements[k].value]));
    try { localStorage.setItem(DRAFT, JSON.stringify(draft)); } catch { /* private mode */ }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const box = document.getElementById("c-errors");
    const button = form.querySelector("button[type=submit]");
    button.disabled = true; button.textContent = s("sending"); box.textContent = "";
    try {
      const body = new FormData(form);
      const send = async () => (await fetch("/complaints/new/", {
        method: "POST", body, credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": await csrfToken(), "Idempotency-Key": key },
      })).json();
      let answer = await send();
      if (!answer.ok && answer.challenge && canSolve()) {
        // A busy network (core/challenge.py): this browser proves a few seconds of work, then sends again.
        button.textContent = s("solving"); box.textContent = s("solving");
        body.set("challenge_token", answer.challenge.token);
        body.set("challenge_counter", await solve(answer.challenge.token, answer.challenge.bits));
        box.textContent = "";
        answer = await send();
      }
      if (!answer.ok) {
        // Everything typed stays in the form; the messages say what to fix, and the fields at fault are marked.
        // A form's errors are keyed by field; a service outage (503) sends a plain list, which marks no field.
        const errors = Array.isArray(answer.errors) ? { __all__: answer.errors } : answer.errors;
        form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
        Object.keys(errors).forEach((name) => form.elements[name]?.setAttribute?.("aria-invalid", "true"));
        box.innerHTML = Object.values(errors).flat().map((e) => esc(e.message)).join("<br>");
        box.scrollIntoView({ block: "center" });
        return;
      }
      localStorage.removeItem(DRAFT);
      const p = answer.promise;
      const promise = p && p.acknowledgeBy ? s("promise").replace("{n}", p.acknowledgeDays).replace("{d}", day(p.acknowledgeBy))
        .replace("{m}", p.decideDays) + (p.provisional ? " " + s("provisional") : "") : "";
      render(`<h1>${esc(s("done"))}</h1><div class="card notice receipt" role="status">
        <p>${esc(s("ref"))}: <strong class="reference">${esc(answer.reference)}</strong></p>
        ${answer.receipt ? `<p>${esc(s("receipt"))}: <strong class="receipt-code">${esc(answer.receipt)}</strong></p>` : ""}
        <p>${esc(s("receivedAt"))}: ${esc(day(answer.receivedAt))}</p>
        ${promise ? `<p class="promise">${esc(promise)}</p>` : ""}<p><a href="tel:12388">${esc(s("call"))}</a></p></div>
        <p>${esc(s(answer.receipt ? "keep" : "shown"))}</p>
        <p class="row no-print"><button class="button ghost" type="button" id="c-print">${esc(s("print"))}</button>
        <a class="button" href="/app/complaints/follow" data-link>${esc(s("follow"))}</a></p>
        ${form.is_anonymous.value === "0" ? `<p class="muted">${esc(s("mine"))}</p>` : ""}`);
      document.getElementById("c-print").addEventListener("click", () => window.print());
    } catch {
      box.textContent = s("error");
    } finally {
      button.disabled = false; button.textContent = s("submit");
    }
  });
}

async function mine(reference) {
  const { myComplaint: c } = await query(MINE, { r: reference });
  if (!c) {
    const { navigate } = await import("../router.js");
    return navigate("/app/me", true);
  }
  showStatus(c, (body) => mutate(SEND_MINE, { r: c.reference, b: body }, "sendMyComplaintMessage"),
    `<p><a href="/app/me" data-link>‹ ${esc(s("mineTitle"))}</a></p>`);
}

function statusHtml(c) {
  return `<h1>${esc(c.reference)}</h1><p>${esc(s("status"))}: <strong>${esc(c.statusName)}</strong>${c.decisionName ? ` · ${esc(c.decisionName)}` : ""}</p>
    ${c.transferredTo ? `<div class="card notice"><p>${esc(s("transferred"))}${esc(c.transferredTo)}</p></div>` : ""}
    ${c.outcome ? `<div class="card notice"><p>${para(c.outcome)}</p></div>` : ""}
    ${c.closedReason ? `<div class="card notice"><p>${para(c.closedReason)}</p></div>` : ""}
    ${c.isPublic ? `<p><a href="/app/cases/${esc(c.reference)}" data-link>${esc(s("pub"))}</a></p>` : ""}
    <p class="muted">${para(c.description)}</p><h2>${esc(s("thread"))}</h2>
    <ol class="post-list">${c.messages.length ? c.messages.map((m) => `<li class="post"><p class="meta"><strong>${esc(m.fromReporter ? s("you") : s("inv"))}</strong>
      <time>${esc(day(m.createdAt))}</time></p><div class="post-body">${para(m.body)}</div></li>`).join("") : `<li>${esc(s("noMsg"))}</li>`}</ol>
    <form id="c-send" class="stack" novalidate><label for="c-msg">${esc(s("msg"))}</label><textarea id="c-msg" name="body" rows="3"></textarea>
      <button class="button" type="submit">${esc(s("send"))}</button><p class="field-error" role="alert"></p></form>`;
}

function follow() {
  // The receipt lives only in this screen's memory: never in the URL or in storage.
  render(`<p><a href="/app/complaints" data-link>‹ ${esc(s("title"))}</a></p><h1>${esc(s("follow"))}</h1>
    <form id="c-follow" class="stack" novalidate autocomplete="off">
      <label for="c-ref">${esc(s("ref"))}</label><input id="c-ref" name="reference" maxlength="24" autocapitalize="characters">
      <label for="c-receipt">${esc(s("receipt"))}</label><input id="c-receipt" name="receipt" type="password" inputmode="numeric" maxlength="40">
      <button class="button" type="submit">${esc(s("open"))}</button><p class="field-error" role="alert"></p></form>`);
  const form = document.getElementById("c-follow");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const creds = { r: form.reference.value.trim(), c: form.receipt.value };
    try {
      const result = await mutate(FOLLOW, creds, "followComplaint");
      showStatus(result.complaint, (body) => mutate(SEND, { ...creds, b: body }, "sendComplaintMessage"));
    } catch (error) {
      form.querySelector(".field-error").textContent = error instanceof ApiError ? error.message : s("error");
    }
  });
}

// The complaint with its thread and a form to write to the investigator; `send(body)` is the mutation that proves
// the reporter (the receipt kept in this screen's memory, or the session's phone under 我的).
function showStatus(complaint, send, before = "") {
  render(before + statusHtml(complaint));
  const form = document.getElementById("c-send");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const result = await send(form.body.value);
      showStatus(result.complaint, send, before);
    } catch (error) {
      form.querySelector(".field-error").textContent = error instanceof ApiError ? error.message : s("error");
    }
  });
}

async function caseView(reference) {
  const { publicCase: c } = await query(CASE, { r: reference });
  if (!c) return failed(new Error("404"));
  document.title = c.title;
  render(`<p><a href="/app/complaints" data-link>‹ ${esc(s("cases"))}</a></p><h1>${esc(c.title)}</h1>
    <p class="muted">${esc(c.reference)} · ${esc(c.categoryName)}${c.department ? ` · ${esc(c.department)}` : ""} · ${esc(c.statusName)}</p>
    <ol class="post-list">${c.updates.map((u) => `<li class="post"><p class="meta"><strong>${esc(u.kindName)}</strong> <time>${esc(day(u.publishedAt))}</time></p>
      <div class="post-body">${para(u.body)}</div></li>`).join("")}</ol>
    ${c.clarification ? `<section class="card notice clarification"><h2>${esc(s("clar"))}</h2><p><strong>${esc(c.clarification.officialName)}</strong>（${esc(c.clarification.officialPost)}）</p><p>${para(c.clarification.body)}</p></section>` : ""}
    <h2>${esc(s("sub"))}</h2><form id="c-sub" class="stack" novalidate>
      <label for="c-sub-phone">${esc(s("phone"))}</label><input id="c-sub-phone" name="phone" type="tel" maxlength="20">
      <div id="c-sub-code" class="stack" hidden><label for="c-code">${esc(s("code"))}</label><input id="c-code" name="code" inputmode="numeric" maxlength="6"></div>
      <button class="button" type="submit">${esc(s("subCode"))}</button><p class="field-error" role="alert"></p></form>
    <p><button type="button" class="button ghost" id="c-stop">${esc(s("unsub"))}</button></p>`);
  const form = document.getElementById("c-sub");
  let step = "request";
  let stop = false;
  document.getElementById("c-stop").addEventListener("click", (event) => {
    stop = true;
    step = "request";
    event.target.hidden = true;
    form.previousElementSibling.textContent = s("unsub");
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const box = form.querySelector(".field-error");
    try {
      if (step === "request") {
        await mutate(SUB, { r: reference, p: form.phone.value, s: stop }, "requestCaseSubscription");
        step = "confirm";
        document.getElementById("c-sub-code").hidden = false;
        form.querySelector("button").textContent = s("confirm");
        box.textContent = s("codeSent");
      } else {
        await mutate(CONFIRM, { r: reference, p: form.phone.value, c: form.code.value, s: stop }, "confirmCaseSubscription");
        form.replaceWith(Object.assign(document.createElement("p"), { className: "card notice", textContent: s(stop ? "stopped" : "confirmed") }));
        document.getElementById("c-stop")?.remove();
      }
    } catch (error) {
      box.textContent = error instanceof ApiError ? error.message : s("error");
    }
  });
}

export default async function complaints({ path }) {
  loading();
  try {
    const caseMatch = path.match(/^\/cases\/([A-Za-z0-9]+)\/?$/);
    if (caseMatch) return await caseView(caseMatch[1]);
    const mineMatch = path.match(/^\/complaints\/mine\/([A-Za-z0-9]+)\/?$/);
    if (mineMatch) return await mine(mineMatch[1]);
    if (/^\/complaints\/new\/?$/.test(path)) return await report();
    if (/^\/complaints\/follow\/?$/.test(path)) return follow();
    return await home();
  } catch (error) {
    return failed(error);
  }
}
