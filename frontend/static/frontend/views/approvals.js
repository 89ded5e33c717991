// Online approval in the app: the catalogue (search, item with its flowchart and checklist) and tracking a case by
// number and query code. Tracking goes by POST (a mutation): the code never appears in a URL or a cache.
import { ApiError, mutate, newKey, query } from "../api.js";
import { lang } from "../i18n.js";
import { day as cityDay, esc, render } from "../ui.js";
import { failed, loading } from "./common.js";

const S = {
  "zh-hans": {
    catalogue: "网上审批", search: "搜索审批事项", go: "搜索", track: "办件查询", number: "受理编号", code: "查询密码",
    lookup: "查询", status: "办理状态", due: "承诺办结", provisional: "（暂定）", steps: "当前环节", history: "办理过程", officer: "经办人工号",
    days: "{n} 个工作日", free: "免费", materials: "材料清单", procedure: "办理流程", required: "必交", optional: "如有",
    promised: "承诺时限", statutory: "法定时限", fee: "收费", none: "没有找到事项。", paused: "已暂停计时（待补正）",
    open: "在网站上打开（上传补正材料、下载文件、评价）", apply: "网上申请", reasons: "理由",
    department: "部门", allDepartments: "全部部门", total: "共 {n} 项", pageOf: "第 {n} 页，共 {m} 页", prev: "上一页", next: "下一页",
    places: "办理地点", city: "市本级", towns: "另可在 {n} 个乡镇（街道）便民服务中心办理：",
    address: "地址", hours: "时间", phone: "电话", holidays: "法定节假日休息", closure: "近期休息：{n}，{m}",
    blank: "空白表格", sample: "示范文本", mine: "我的办件",
    rateTitle: "好差评", rateHint: "请评价每个已办结的环节；办结后还可评价整个办件。差评会交给部门整改，涉及违纪的反映会转给纪检监察。",
    rateStep: "评价", rateCase: "整个办件", yourRating: "您的评价", stars: "评分", good: "满意在哪里", bad: "不满意在哪里（至少选一项）",
    comment: "意见建议", send: "提交评价", thanks: "感谢您的评价。",
    answerDue: "该部门将于 {n} 前核实整改并回访。", answered: "该部门已核实整改并回访，处理情况见办理过程。",
  },
  en: {
    catalogue: "Online approval", search: "Search approval items", go: "Search", track: "Track an application",
    number: "Tracking number", code: "Query code", lookup: "Look up", status: "Status", due: "Promised completion",
    steps: "Current step", history: "History", officer: "Officer no.", days: "{n} working days", free: "Free",
    materials: "Materials checklist", procedure: "Procedure", required: "Required", optional: "If applicable",
    promised: "Promised limit", statutory: "Statutory limit", fee: "Fee", none: "No item found.",
    paused: "Time limit paused (awaiting materials)", open: "Open on the website (upload materials, files, rating)",
    apply: "Apply online", reasons: "Reasons", department: "Department", allDepartments: "All departments",
    total: "{n} items", pageOf: "Page {n} of {m}", prev: "Previous", next: "Next", places: "Where it is handled",
    city: "City", towns: "Also at {n} township service centres:", address: "Address", hours: "Hours", phone: "Phone",
    holidays: "Closed on public holidays", closure: "Next closure: {n}, {m}", blank: "Blank form", sample: "Filled example", mine: "My cases",
    rateTitle: "Rate our service", rateHint: "Rate each finished step and, once it is completed, the whole case. Bad ratings go to the department; reports of misconduct go to the discipline inspectors.",
    rateStep: "Rate", rateCase: "The whole case", yourRating: "Your rating", stars: "Rating", good: "What went well", bad: "What went wrong (choose at least one)",
    comment: "Comment", send: "Send rating", thanks: "Thank you for your rating.",
    answerDue: "The department checks it, puts right what was wrong and calls you back by {n}.",
    answered: "The department has checked it and called you back: see the history.",
  },
};
const s = (key, n, m) => (S[lang] || S["zh-hans"])[key].replace("{n}", n).replace("{m}", m);
const when = (iso) => (iso ? new Date(iso).toLocaleString(lang === "en" ? "en-GB" : "zh-CN", { dateStyle: "short", timeStyle: "short" }) : "—");

const PAGE_SIZE = 20;
// The page size goes as a variable: the document stays one fixed text, as the persisted-query allow-list reads it.
const ITEMS = `query Items($search: String, $department: ID, $page: Int, $pageSize: Int) {
  approvalItems(search: $search, departmentId: $department, page: $page, pageSize: $pageSize) {
  items { code name themeLabel promisedDays fee department { name } } pageInfo { number numPages total hasNext hasPrevious } }
  approvalDepartments { id name itemCount } }`;
const CENTRE = "name address phone phoneUri openingHours";
const CENTRES = `cityCentres { ${CENTRE} } groups { name centres { ${CENTRE} } } townshipCount nextHoliday { name firstDay lastDay provisional }`;
const ITEM = `query Item($code: String!) { approvalItem(code: $code) { code name summary themeLabel promisedDays statutoryDays
  fee feeBasis handlingMode conditions department { name } flowchartSvg materials { name form copies required blankFormUrl sampleUrl }
  handlingPlaces { ${CENTRES} } } }`;
const TRACKING = `trackingNumber itemName status paused dueAt dueProvisional decisionReason pageUrl
  supplementMaterials currentSteps { name department officer dueAt dueProvisional paused }
  history { occurredAt label step department officer note }
  canRate caseStars caseAnswerDueAt caseAnswered finishedSteps { id name department stars reasons canRate answerDueAt answered }
  ratingReasons { code label bad misconduct } ratingLevels { stars label }`;
const TRACK = `mutation Track($n: String!, $c: String!) { trackApplication(trackingNumber: $n, code: $c) {
  ok errors { field message code } tracking { ${TRACKING} } } }`;
// 好差评: this session looked the case up with its code (trackApplication), which is what lets it rate.
const RATE = `mutation Rate($n: String!, $step: ID, $rating: Int!, $reasons: [String!], $comment: String, $key: String) {
  rateService(trackingNumber: $n, stepId: $step, rating: $rating, reasons: $reasons, comment: $comment, idempotencyKey: $key) {
  ok errors { field message code } tracking { ${TRACKING} } } }`;

// One of the citizen's own applications, opened from 我的 without the query code (the session proved the phone).
const MINE = `query MyApplication($n: String!) { myApplication(trackingNumber: $n) {
  trackingNumber itemName status paused dueAt dueProvisional decisionReason pageUrl
  supplementMaterials currentSteps { name department officer dueAt dueProvisional paused }
  history { occurredAt label step department officer note } } }`;

function nav() {
  return `<nav class="row"><a class="button ghost" href="/app/approvals" data-link>${esc(s("catalogue"))}</a>
    <a class="button ghost" href="/app/approvals/track" data-link>${esc(s("track"))}</a></nav>`;
}

// The catalogue: search, a department filter and pages of PAGE_SIZE; every choice is in the URL, so Back works.
async function catalogue(params) {
  const search = params.get("q") || "";
  const department = params.get("department") || "";
  const page = Math.max(1, parseInt(params.get("page"), 10) || 1);
  const data = await query(ITEMS, { search, department: department || null, page, pageSize: PAGE_SIZE });
  const { approvalItems: list, approvalDepartments: departments } = data;
  const info = list.pageInfo;
  const link = (n) => `/app/approvals?${new URLSearchParams({ ...(search ? { q: search } : {}), ...(department ? { department } : {}), page: n })}`;
  render(`${nav()}<h1>${esc(s("catalogue"))}</h1>
    <form class="ap-search" id="ap-search" action="/app/approvals" method="get" role="search">
      <div class="row"><label class="visually-hidden" for="ap-q">${esc(s("search"))}</label>
      <input id="ap-q" type="search" name="q" value="${esc(search)}" placeholder="${esc(s("search"))}">
      <button class="button" type="submit">${esc(s("go"))}</button></div>
      <label class="visually-hidden" for="ap-department">${esc(s("department"))}</label>
      <select id="ap-department" name="department"><option value="">${esc(s("allDepartments"))}</option>
        ${departments.map((d) => `<option value="${esc(d.id)}"${d.id === department ? " selected" : ""}>${esc(d.name)} (${d.itemCount})</option>`).join("")}</select>
    </form>
    <p class="muted" id="ap-total">${esc(s("total", info.total))}</p>
    <ul class="cards">${list.items.map((i) => `<li><a class="card" href="/app/approvals/items/${esc(i.code)}" data-link>
      <strong>${esc(i.name)}</strong><small>${esc(i.department.name)} · ${esc(i.themeLabel)} ·
      ${esc(s("days", i.promisedDays))} · ${i.fee === "0.00" ? esc(s("free")) : "¥" + esc(i.fee)}</small></a></li>`).join("")
      || `<li>${esc(s("none"))}</li>`}</ul>
    ${info.numPages > 1 ? `<nav class="pager" aria-label="${esc(s("pageOf", info.number, info.numPages))}">
      ${info.hasPrevious ? `<a class="button ghost" rel="prev" href="${esc(link(info.number - 1))}" data-link>‹ ${esc(s("prev"))}</a>` : "<span></span>"}
      <span class="muted">${esc(s("pageOf", info.number, info.numPages))}</span>
      ${info.hasNext ? `<a class="button ghost" rel="next" href="${esc(link(info.number + 1))}" data-link>${esc(s("next"))} ›</a>` : "<span></span>"}</nav>` : ""}`);
  const form = document.getElementById("ap-search");
  document.getElementById("ap-department").addEventListener("change", () => form.requestSubmit());
}

// Where to hand it in: the city centre, then the township centres grouped by county (31 names read as one block).
// A centre's address, hours and phone show open for the city, behind its chip (a <details>) for a township.
const day = (iso) => new Date(`${iso}T00:00:00`).toLocaleDateString(lang === "en" ? "en-GB" : "zh-CN", { month: "long", day: "numeric" });
function details(c) {
  const row = (key, value) => `<dt>${esc(s(key))}</dt><dd>${value}</dd>`;
  return `<dl class="place-details">${c.address ? row("address", esc(c.address)) : ""}
    ${c.openingHours ? row("hours", `${esc(c.openingHours)}<br><small>${esc(s("holidays"))}</small>`) : ""}
    ${c.phone ? row("phone", `<a href="${esc(c.phoneUri)}">${esc(c.phone)}</a>`) : ""}</dl>`;
}
const hasDetails = (c) => c.address || c.phone || c.openingHours;
function places(p) {
  const centre = (c, open) => (!hasDetails(c) ? `<li>${esc(c.name)}</li>`
    : open ? `<li class="place place-open"><strong>${esc(c.name)}</strong>${details(c)}</li>`
      : `<li class="place"><details><summary>${esc(c.name)}</summary>${details(c)}</details></li>`);
  const group = (name, list, open) => `<div class="place-group"><span class="place-name">${esc(name)}</span>
    <ul class="chips">${list.map((c) => centre(c, open)).join("")}</ul></div>`;
  const h = p.nextHoliday;
  const closure = h && (p.cityCentres.length || p.townshipCount)
    ? `<p class="muted place-closure">${esc(s("closure", h.name, h.firstDay === h.lastDay ? day(h.firstDay) : `${day(h.firstDay)}–${day(h.lastDay)}`))}${h.provisional ? " " + esc(s("provisional")) : ""}</p>` : "";
  return `<h2>${esc(s("places"))}</h2><div class="places">${closure}${p.cityCentres.length ? group(s("city"), p.cityCentres, true) : ""}
    ${p.townshipCount ? `<p class="muted">${esc(s("towns", p.townshipCount))}</p>${p.groups.map((g) => group(g.name, g.centres, false)).join("")}` : ""}</div>`;
}

async function item(code) {
  const { approvalItem: i } = await query(ITEM, { code });
  if (!i) return failed(new Error("404"));
  // flowchartSvg is drawn by our server from escaped catalogue data.
  render(`${nav()}<h1>${esc(i.name)}</h1><p class="muted">${esc(i.department.name)} · ${esc(i.themeLabel)} · ${esc(i.handlingMode)}</p>
    <p>${esc(i.summary)}</p>
    <dl><dt>${esc(s("promised"))}</dt><dd>${esc(s("days", i.promisedDays))}</dd>
    <dt>${esc(s("statutory"))}</dt><dd>${esc(s("days", i.statutoryDays))}</dd>
    <dt>${esc(s("fee"))}</dt><dd>${i.fee === "0.00" ? esc(s("free")) : "¥" + esc(i.fee) + " " + esc(i.feeBasis)}</dd></dl>
    ${places(i.handlingPlaces)}
    <h2>${esc(s("procedure"))}</h2><div class="card">${i.flowchartSvg}</div>
    <h2>${esc(s("materials"))}</h2><ul class="ap-materials">${i.materials.map((m) => `<li>${esc(m.name)} · ${esc(m.form)} ×${m.copies}
      · ${esc(s(m.required ? "required" : "optional"))}${m.blankFormUrl || m.sampleUrl ? `<span class="ap-downloads">
      ${m.blankFormUrl ? `<a class="ap-download" href="${esc(m.blankFormUrl)}" download>${esc(s("blank"))}</a>` : ""}
      ${m.sampleUrl ? `<a class="ap-download" href="${esc(m.sampleUrl)}" download>${esc(s("sample"))}</a>` : ""}</span>` : ""}</li>`).join("")}</ul>
    <p><a class="button" href="/approvals/items/${esc(i.code)}/apply/">${esc(s("apply"))}</a></p>`);
}

function trackForm(message = "", number = "") {
  return `${nav()}<h1>${esc(s("track"))}</h1>
    <form id="ap-track" class="stack" novalidate>
      <label for="ap-n">${esc(s("number"))}</label><input id="ap-n" name="n" maxlength="20" autocomplete="off" value="${esc(number)}" required>
      <label for="ap-c">${esc(s("code"))}</label><input id="ap-c" name="c" type="password" maxlength="16" autocomplete="off" required>
      <button class="button" type="submit">${esc(s("lookup"))}</button>
      <p class="field-error" role="alert">${esc(message)}</p></form><div id="ap-result"></div>`;
}

function showTracking(v) {
  const steps = v.currentSteps.length ? `<h2>${esc(s("steps"))}</h2><ul class="cards">${v.currentSteps.map((st) => `<li class="card">
    <strong>${esc(st.name)}</strong><small>${esc(st.department)} · ${esc(s("officer"))} ${esc(st.officer || "—")} ·
    ${st.paused ? esc(s("paused")) : esc(s("due")) + " " + esc(when(st.dueAt)) + (st.dueProvisional ? " " + esc(s("provisional")) : "")}</small></li>`).join("")}</ul>` : "";
  return `<section class="card"><p class="muted">${esc(v.trackingNumber)} · ${esc(v.itemName)}</p>
    <p>${esc(s("status"))}: <strong>${esc(v.status)}</strong>${v.paused ? " · " + esc(s("paused")) : ""}</p>
    ${v.dueAt ? `<p>${esc(s("due"))}: ${esc(when(v.dueAt))}${v.dueProvisional ? " " + esc(s("provisional")) : ""}</p>` : ""}
    ${v.decisionReason ? `<p>${esc(s("reasons"))}: ${esc(v.decisionReason)}</p>` : ""}
    ${v.supplementMaterials.length ? `<p>${esc(v.supplementMaterials.join("、"))}</p>` : ""}</section>
    ${steps}<h2>${esc(s("history"))}</h2><ol class="cards">${v.history.map((e) => `<li class="card"><strong>${esc(e.label)}</strong>
      ${e.step ? " · " + esc(e.step) : ""}<small>${esc(when(e.occurredAt))} · ${esc(e.department)}${e.officer ? " · " + esc(s("officer")) + " " + esc(e.officer) : ""}</small>
      ${e.note ? `<small>${esc(e.note)}</small>` : ""}</li>`).join("")}</ol>
    ${rating(v)}
    <p><a class="button ghost" href="${esc(v.pageUrl)}">${esc(s("open"))}</a></p>`;
}

const starText = (n, levels) => `${"★".repeat(n)}${"☆".repeat(5 - n)} ${levels.find((l) => l.stars === n)?.label || ""}`;

// One rating form: stars as radios; the good reasons show with 3 stars or more, the bad ones with 1 or 2.
function rateForm(v, target) {
  const id = target ? `s${target}` : "case";
  const reasons = (bad) => v.ratingReasons.filter((r) => r.bad === bad).map((r) => `<label class="chip-check">
    <input type="checkbox" name="reason" value="${esc(r.code)}"> ${esc(r.label)}</label>`).join("");
  return `<form class="stack ap-rate-form" data-step="${esc(target || "")}" novalidate>
    <fieldset><legend>${esc(s("stars"))}</legend>${[5, 4, 3, 2, 1].map((n) => `<label class="radio-row">
      <input type="radio" name="rating" value="${n}" required> <span class="stars">${esc(starText(n, v.ratingLevels))}</span></label>`).join("")}</fieldset>
    <fieldset class="reasons-good" hidden><legend>${esc(s("good"))}</legend>${reasons(false)}</fieldset>
    <fieldset class="reasons-bad" hidden><legend>${esc(s("bad"))}</legend>${reasons(true)}</fieldset>
    <label for="${id}-comment">${esc(s("comment"))}</label><textarea id="${id}-comment" name="comment" rows="3" maxlength="1000"></textarea>
    <button class="button" type="submit">${esc(s("send"))}</button><p class="field-error" role="alert"></p></form>`;
}

function rating(v) {
  // A case opened from 我的 (MINE) carries no rating fields: rating goes through the tracked case.
  if (!v.finishedSteps) return "";
  if (!v.finishedSteps.length && !v.canRate && !v.caseStars) return "";
  // A bad rating: by when the department answers it (差评整改回访), then that it has.
  const answer = (due, done) => (done ? `<small class="rating-answer">${esc(s("answered"))}</small>`
    : due ? `<small class="rating-answer">${esc(s("answerDue", cityDay(due)))}</small>` : "");
  const rated = (n, reasons = [], due = null, done = false) => `<small>${esc(s("yourRating"))}: <span class="stars">${esc(starText(n, v.ratingLevels))}</span>${reasons.length ? " · " + esc(reasons.join("、")) : ""}</small>${answer(due, done)}`;
  const steps = v.finishedSteps.map((st) => `<li class="card"><strong>${esc(st.name)}</strong><small>${esc(st.department)}</small>
    ${st.canRate ? `<details><summary>${esc(s("rateStep"))}</summary>${rateForm(v, st.id)}</details>` : rated(st.stars, st.reasons, st.answerDueAt, st.answered)}</li>`).join("");
  const whole = v.canRate ? `<li class="card"><strong>${esc(s("rateCase"))}</strong>${rateForm(v, "")}</li>`
    : v.caseStars ? `<li class="card"><strong>${esc(s("rateCase"))}</strong>${rated(v.caseStars, [], v.caseAnswerDueAt, v.caseAnswered)}</li>` : "";
  return `<section id="ap-rating" aria-labelledby="ap-rating-title"><h2 id="ap-rating-title">${esc(s("rateTitle"))}</h2>
    <p class="muted">${esc(s("rateHint"))}</p><ul class="cards">${steps}${whole}</ul></section>`;
}

function wireRating(trackingNumber) {
  document.querySelectorAll(".ap-rate-form").forEach((form) => {
    const key = newKey(); // one rating: every retry of it carries this key
    form.addEventListener("change", () => {
      const stars = Number(form.querySelector("input[name=rating]:checked")?.value || 0);
      form.querySelector(".reasons-good").hidden = !(stars >= 3);
      form.querySelector(".reasons-bad").hidden = !(stars && stars <= 2);
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const box = form.querySelector(".field-error");
      box.textContent = "";
      const stars = Number(form.querySelector("input[name=rating]:checked")?.value || 0);
      const side = stars && stars <= 2 ? ".reasons-bad" : ".reasons-good";
      const reasons = [...form.querySelectorAll(`${side} input:checked`)].map((i) => i.value);
      try {
        const result = await mutate(RATE, { n: trackingNumber, step: form.dataset.step || null, rating: stars,
          reasons, comment: form.comment.value, key }, "rateService", key);
        showResult(result.tracking, s("thanks"));
      } catch (error) {
        box.textContent = error instanceof ApiError ? error.message : String(error.message || error);
      }
    });
  });
}

function showResult(tracking, notice = "") {
  const box = document.getElementById("ap-result");
  box.innerHTML = (notice ? `<p class="notice" role="status">${esc(notice)}</p>` : "") + showTracking(tracking);
  wireRating(tracking.trackingNumber);
}

function track(params) {
  render(trackForm("", params.get("number") || ""));
  const form = document.getElementById("ap-track");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const box = form.querySelector(".field-error");
    box.textContent = "";
    try {
      const result = await mutate(TRACK, { n: form.n.value.trim(), c: form.c.value.trim() }, "trackApplication");
      form.c.value = "";
      showResult(result.tracking);
    } catch (error) {
      box.textContent = error instanceof ApiError ? error.message : String(error.message || error);
    }
  });
}

async function mine(number) {
  const { myApplication: v } = await query(MINE, { n: number });
  if (!v) {
    const { navigate } = await import("../router.js");
    return navigate("/app/me", true);
  }
  render(`<p><a href="/app/me" data-link>‹ ${esc(s("mine"))}</a></p><h1>${esc(v.itemName)}</h1>${showTracking(v)}`);
}

export default async function view({ path, params }) {
  loading();
  try {
    const mineMatch = path.match(/^\/approvals\/mine\/([^/]+)\/?$/);
    if (mineMatch) return await mine(decodeURIComponent(mineMatch[1]));
    const itemMatch = path.match(/^\/approvals\/items\/([^/]+)\/?$/);
    if (itemMatch) return await item(decodeURIComponent(itemMatch[1]));
    if (/^\/approvals\/track\/?/.test(path)) return track(params);
    return await catalogue(params);
  } catch (error) {
    return failed(error);
  }
}
