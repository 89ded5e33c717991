// App strings in zh-hans (default) and English; the choice lives in localStorage only.
const STRINGS = {
  "zh-hans": {
    "tab.home": "首页", "tab.search": "搜索", "tab.forum": "论坛", "tab.approvals": "审批", "tab.quizzes": "答题",
    "tab.me": "我的", "tab.complaints": "投诉",
    brand: "清风", phrase: "每日警语", featured: "推荐阅读", more: "更多", latest: "最新",
    loading: "正在加载…", error: "加载失败，请稍后重试。", retry: "重试", offline: "当前离线，显示的是已缓存的内容。",
    "offline.miss": "离线时无法打开这一页：它还没有被读过。", "search.label": "搜索案例和文章", "search.go": "搜索",
    "search.none": "没有找到相关内容。", "search.count": "找到 {n} 条结果", prev: "上一页", next: "下一页",
    "forum.boards": "论坛版块", "forum.new": "发表主题", "forum.reply": "回复", "forum.report": "举报",
    "forum.title": "标题", "forum.body": "内容", "forum.send": "发送", "forum.reported": "已举报，谢谢。",
    "forum.login": "登录后才能发言。", "forum.replies": "{n} 条回复", "forum.reason": "举报理由",
    "forum.reason.ABUSE": "辱骂或人身攻击", "forum.reason.SPAM": "垃圾广告", "forum.reason.FALSE_INFORMATION": "虚假信息",
    "forum.reason.PRIVACY": "泄露他人隐私", "forum.reason.OTHER": "其他", "forum.status.pending": "等待审核：只有你能看到",
    "forum.status.rejected": "未通过审核", "forum.status.hidden": "已被管理员隐藏", "login.title": "手机号登录", "login.phone": "手机号",
    "login.request": "获取验证码", "login.code": "验证码", "login.verify": "登录", "login.sent": "验证码已发送到 {p}。",
    "login.who": "群众无需注册：用办件或实名投诉时留下的手机号和短信验证码登录，即可在“我的”中查看全部办件和投诉。干部请用在纪委监委登记的手机号登录。",
    "login.citizens": "不登录也可以：办件用受理编号和查询密码查询，投诉用投诉编号和查询码跟进。",
    "login.track": "办件查询", "login.follow": "投诉查询",
    "me.title": "我的", "me.history": "阅读记录", "me.study": "学习记录", "me.sms": "接收廉政短信",
    "mine.title": "我的办件", "mine.phone": "已用 {p} 登录", "mine.apps": "我的申请", "mine.complaints": "我的投诉",
    "mine.noApps": "这个手机号没有申请过审批事项。", "mine.noComplaints": "没有用这个手机号实名提交的投诉。",
    "mine.anon": "匿名投诉不在这里显示，请凭投诉编号和查询码查询。", "mine.due": "承诺办结", "mine.stageDue": "本阶段期限",
    "mine.provisional": "（暂定）", "mine.submitted": "申请于", "mine.received": "收到于", "mine.paused": "已暂停计时（待补正）",
    "me.logout": "退出登录", "me.reads": "阅读 {n} 篇", "me.language": "语言", "pending": "{n} 条内容等待发送（联网后自动发送）",
    "pending.item": "等待发送", "sent": "已发送", "unavailable": "此功能暂不可用，请使用网站版：",
    "site": "打开网站版", "continue": "阅读原文", video: "下载视频",
    "kind.case": "警示案例", "kind.explainer": "政策解读", "kind.culture": "廉政文化", "kind.article": "文章",
    "f.official": "当事人", "f.post": "违纪时职务", "f.discipline": "处理结果", "f.decided": "处理日期", "f.articles": "解读条款",
    "f.effective": "施行日期", "f.creator": "作者", "f.author": "作者", "f.source": "来源", "f.lessons": "警示教训", "f.qa": "问答",
    "elder.on": "长辈版", "elder.off": "标准版", "footer.sponsor": "主办单位", "footer.organiser": "承办单位",
    "footer.code": "网站标识码", "footer.address": "地址", "footer.postcode": "邮编", "footer.phone": "电话", "footer.email": "邮箱",
    "footer.label": "网站信息",
  },
  en: {
    "tab.home": "Home", "tab.search": "Search", "tab.forum": "Forum", "tab.approvals": "Approval", "tab.quizzes": "Quizzes",
    "tab.me": "Me", "tab.complaints": "Report",
    brand: "Qingfeng", phrase: "Phrase of the day", featured: "Featured", more: "More", latest: "Latest",
    loading: "Loading…", error: "Could not load. Please try again.", retry: "Retry", offline: "You are offline: showing saved content.",
    "offline.miss": "This page cannot open offline: it has not been read yet.", "search.label": "Search cases and articles",
    "search.go": "Search", "search.none": "Nothing found.", "search.count": "{n} results", prev: "Previous", next: "Next",
    "forum.boards": "Boards", "forum.new": "New topic", "forum.reply": "Reply", "forum.report": "Report",
    "forum.title": "Title", "forum.body": "Message", "forum.send": "Send", "forum.reported": "Reported, thank you.",
    "forum.login": "Log in to post.", "forum.replies": "{n} replies", "forum.reason": "Reason",
    "forum.reason.ABUSE": "Abuse or insults", "forum.reason.SPAM": "Spam or advertising",
    "forum.reason.FALSE_INFORMATION": "False information", "forum.reason.PRIVACY": "Reveals private information",
    "forum.reason.OTHER": "Other", "forum.status.pending": "Awaiting review: only you can see this",
    "forum.status.rejected": "Rejected by a moderator", "forum.status.hidden": "Hidden by a moderator", "login.title": "Log in with your mobile number", "login.phone": "Phone number",
    "login.request": "Send code", "login.code": "Code", "login.verify": "Log in", "login.sent": "A code was sent to {p}.",
    "login.who": "Citizens need no account: log in with the mobile number you gave on your applications or named complaints and the code we text to it, and see all your cases under Me. Cadres use the number the commission has on file.",
    "login.citizens": "Without logging in: follow an application with its tracking number and query code, a complaint with its reference and receipt.",
    "login.track": "Track an application", "login.follow": "Follow a complaint",
    "me.title": "Me", "me.history": "Reading history", "me.study": "Study record", "me.sms": "Receive integrity SMS",
    "mine.title": "My cases", "mine.phone": "Logged in with {p}", "mine.apps": "My applications", "mine.complaints": "My complaints",
    "mine.noApps": "No application was made with this number.", "mine.noComplaints": "No complaint was filed under your name with this number.",
    "mine.anon": "Anonymous complaints are not listed here: follow them with their reference and receipt.", "mine.due": "Promised completion",
    "mine.stageDue": "This stage is due by", "mine.provisional": "(provisional)", "mine.submitted": "Submitted", "mine.received": "Received",
    "mine.paused": "Time limit paused (awaiting materials)",
    "me.logout": "Log out", "me.reads": "{n} read", "me.language": "Language", "pending": "{n} waiting to send (sent when back online)",
    "pending.item": "Waiting to send", "sent": "Sent", "unavailable": "Not available in the app yet. Use the website:",
    "site": "Open the website", "continue": "Read on the website", video: "Download the video",
    "kind.case": "Warning case", "kind.explainer": "Policy explainer", "kind.culture": "Integrity culture", "kind.article": "Article",
    "f.official": "Official", "f.post": "Post at the time", "f.discipline": "Discipline imposed", "f.decided": "Decided on",
    "f.articles": "Articles explained", "f.effective": "In force from", "f.creator": "Creator", "f.author": "Author",
    "f.source": "Source", "f.lessons": "Lessons", "f.qa": "Questions and answers",
    "elder.on": "Elder mode", "elder.off": "Standard mode", "footer.sponsor": "Sponsor", "footer.organiser": "Organiser",
    "footer.code": "Website code", "footer.address": "Address", "footer.postcode": "Postcode", "footer.phone": "Telephone",
    "footer.email": "Email", "footer.label": "About this site",
  },
};

const KEY = "qf.lang";
export let lang = localStorage.getItem(KEY) || "zh-hans";

export function t(key, vars = {}) {
  const text = STRINGS[lang][key] ?? STRINGS["zh-hans"][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => vars[name] ?? "");
}

export function setLang(next) {
  lang = next;
  localStorage.setItem(KEY, next);
  applyStatic();
}

export function applyStatic() {
  document.documentElement.lang = lang === "en" ? "en" : "zh-Hans";
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  const button = document.getElementById("lang");
  button.textContent = lang === "en" ? "中文" : "EN";
  button.setAttribute("aria-label", lang === "en" ? "切换到中文" : "Switch to English");
  document.getElementById("brand-name").textContent = t("brand");
  // The 长辈版 switch (static/js/elder.js) names what it switches to, in the app's language.
  document.querySelectorAll("[data-elder-toggle]").forEach((el) => {
    el.dataset.labelElder = t("elder.on");
    el.dataset.labelStandard = t("elder.off");
  });
  window.qfElder?.label();
}
