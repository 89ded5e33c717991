"""The mixed scenario of bench/load/run.py: cadres reading, searching and playing quizzes, citizens tracking,
applying and complaining, department handlers taking and deciding steps. Run by run.py, which prepares the data.

Environment: BENCH_LOAD_DATA (the JSON run.py writes), BENCH_LOAD_SUBMITTED (JSON lines: each complaint,
application and decision the server confirmed), BENCH_LOAD_RESPONSES (optional, JSON lines: every response, for
bench/faults.py).
"""

import json
import os
import random
import re
import time

from locust import HttpUser, between, events, task
from requests.cookies import RequestsCookieJar

DATA = json.loads(open(os.environ["BENCH_LOAD_DATA"]).read())
_submitted = open(os.environ["BENCH_LOAD_SUBMITTED"], "a", buffering=1)
_responses_path = os.environ.get("BENCH_LOAD_RESPONSES")
_responses = open(_responses_path, "a", buffering=1) if _responses_path else None
TRACKING_NUMBER = re.compile(r"<strong>(QF[0-9A-Z]+)</strong>")
COMPLAINT_REFERENCE = re.compile(r'class="reference">([^<]+)<')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
START = "mutation($q: ID!) { startQuizAttempt(quizId: $q) { ok errors { code } attempt { id } question { id options { key } } } }"  # noqa: E501
NEXT = "mutation($a: ID!) { nextQuizQuestion(attemptId: $a) { ok errors { code } question { id options { key } } } }"
ANSWER = """mutation($a: ID!, $q: ID!, $c: [String!]!) { answerQuizQuestion(attemptId: $a, questionId: $q,
  choices: $c) { ok errors { code } feedback { isCorrect } } }"""
FINISH = "mutation($a: ID!) { finishQuizAttempt(attemptId: $a) { ok errors { code } attempt { state } } }"
COMPLAIN = """mutation($d: String!, $dep: ID) { submitComplaint(category: "delay", description: $d,
  concernedDepartmentId: $dep) { ok errors { code message } reference receipt } }"""
TRACK = """mutation($n: String!, $c: String!) { trackApplication(trackingNumber: $n, code: $c) { ok errors { code }
  tracking { state } } }"""


def submitted(kind, identifier):
    _submitted.write(json.dumps({"kind": kind, "id": identifier, "at": time.time()}) + "\n")


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None, **_kwargs):
    if _responses is None:
        return
    status = getattr(response, "status_code", None) if response is not None else None
    body = ""
    if response is not None and status is not None and status >= 500:
        body = (response.text or "")[:2000]
    _responses.write(
        json.dumps(
            {
                "at": time.time(),
                "name": name,
                "status": status or 0,
                "ms": response_time,
                "traceback": "Traceback" in body or 'File "/' in body,
                "retry_after": bool(response is not None and response.headers.get("Retry-After")),
                "exception": type(exception).__name__ if exception else "",
                # A failure the body told (a GraphQL error, a form without its result) comes with HTTP 200.
                "error": str(exception)[:200] if exception else "",
            }
        )
        + "\n"
    )


class PlainHttpCookies(RequestsCookieJar):
    """TLS ends at the proxy in production; here the client speaks plain HTTP to gunicorn and must still send the
    cookies the site marks Secure, as a browser does over HTTPS. (requests copies the jar for every request, so a
    cookie policy would be lost: the flag is dropped as each cookie is stored.)"""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


class Base(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def on_start(self):
        origin = self.host.replace("http://", "https://")
        # What the proxy in front of production adds; Origin is what a browser sends with every POST.
        self.client.headers.update({"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + "/"})
        self.client.cookies = PlainHttpCookies()

    def get(self, name, path, expect=200, **kwargs):
        with self.client.get(path, name=name, catch_response=True, **kwargs) as response:
            if response.status_code != expect:
                response.failure(f"HTTP {response.status_code} {response.error or ''}"[:200])
            return response

    def graphql(self, name, query, variables=None, headers=None):
        """POST a query or mutation; a failure unless HTTP 200, no GraphQL errors and (for mutations) ok."""
        with self.client.post(
            "/graphql/",
            json={"query": query, "variables": variables or {}},
            headers={"X-CSRFToken": self.csrf(), **(headers or {})},
            name=name,
            catch_response=True,
        ) as response:
            data = None
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None
            try:
                body = response.json()
            except ValueError:
                response.failure("not JSON")
                return None
            if body.get("errors"):
                response.failure(json.dumps(body["errors"], ensure_ascii=False)[:200])
                return None
            data = next(iter(body["data"].values()))
            if isinstance(data, dict) and data.get("ok") is False:
                response.failure(json.dumps(data.get("errors"), ensure_ascii=False)[:200])
                return None
            return data

    def csrf(self):
        token = _cookie(self.client.cookies, "csrftoken")
        if token is None:
            self.get("csrf", "/api/csrf/")
            token = _cookie(self.client.cookies, "csrftoken")
        return token


class Cadre(Base):
    """A logged-in cadre: session made by run.py, as the phone-code login would."""

    abstract = True
    _next = 0

    def on_start(self):
        super().on_start()
        # A cadre of one's own: two users on one login would resume and answer the same quiz attempt.
        session = DATA["sessions"][Cadre._next % len(DATA["sessions"])]
        Cadre._next += 1
        for pair in session["cookie"].split("; "):
            name, value = pair.split("=", 1)
            # The server's own cookies are host-only on 127.0.0.1: the same domain, so that its updates replace these.
            self.client.cookies.set(name, value, domain="127.0.0.1", path="/")


class Reader(Cadre):
    weight = 20

    @task(3)
    def home(self):
        self.get("home", DATA["urls"]["home"])

    @task(2)
    def section(self):
        self.get("section", random.choice(DATA["urls"]["sections"]))

    @task(3)
    def warning_case(self):
        self.get("warning case", random.choice(DATA["urls"]["cases"]))

    @task(2)
    def app(self):
        self.get("app shell", "/app/")
        self.get("graphql feed", "/graphql/?" + _query(DATA["feed_query"]), headers={"Accept": "application/json"})

    @task(2)
    def search(self):
        self.get("search", "/search/?" + _query_string(q=random.choice(DATA["search_terms"])))


class QuizPlayer(Cadre):
    weight = 8

    @task
    def play(self):
        started = self.graphql("quiz: start", START, {"q": DATA["quiz"]})
        if not started:
            return
        attempt, question = started["attempt"]["id"], started["question"]
        for _round in range(5):
            if question is None:
                break
            choice = random.choice(question["options"])["key"]
            if not self.graphql("quiz: answer", ANSWER, {"a": attempt, "q": question["id"], "c": [choice]}):
                return
            time.sleep(random.uniform(0.5, 1.5))  # reading the feedback
            served = self.graphql("quiz: next", NEXT, {"a": attempt})
            if not served:
                return
            question = served["question"]
        self.graphql("quiz: finish", FINISH, {"a": attempt})


class Tracker(Base):
    """A citizen following an application by tracking number and query code (web form or the app's mutation)."""

    weight = 6

    @task(2)
    def web(self):
        number, code = random.choice(DATA["tracking"])
        self.get("track: form", "/approvals/track/")
        with self.client.post(
            "/approvals/track/",
            data={"tracking_number": number, "code": code, "csrfmiddlewaretoken": self.csrf()},
            name="track: look up",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or f"/track/{number}/" not in response.url:
                response.failure(f"HTTP {response.status_code} at {response.url}")

    @task(1)
    def app(self):
        number, code = random.choice(DATA["tracking"])
        self.graphql("track: graphql", TRACK, {"n": number, "c": code})


class Applicant(Base):
    weight = 4

    @task
    def apply(self):
        item = DATA["apply"]
        path = f"/approvals/items/{item['code']}/apply/"
        self.get("apply: form", path)
        form = {
            "csrfmiddlewaretoken": self.csrf(),
            "service_centre": item["centre"],
            "applicant_kind": "person",
            "applicant_name": "压测申请人",
            "applicant_phone": f"+86175{random.randrange(10**8):08d}",
            "description": "压测：网上申请",
        }
        pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        files = {f"material_{pk}": (f"m{pk}.pdf", pdf, "application/pdf") for pk in item["materials"]}
        with self.client.post(path, data=form, files=files, name="apply: submit", catch_response=True) as response:
            match = TRACKING_NUMBER.search(response.text or "")
            if response.status_code != 200 or not match:
                response.failure(f"HTTP {response.status_code}, no tracking number")
                return
            submitted("application", match.group(1))


class Complainant(Base):
    weight = 4

    @task(1)
    def web(self):
        self.get("complaint: form", "/complaints/new/")
        form = {
            "csrfmiddlewaretoken": self.csrf(),
            "category": "demanding",
            "concerned_department": DATA["complaint"]["department"],
            "concerned_person": "某科长",
            "description": random.choice(DATA["complaint"]["texts"]) * 2,
            "is_anonymous": "1",
        }
        with self.client.post("/complaints/new/", data=form, name="complaint: web", catch_response=True) as response:
            match = COMPLAINT_REFERENCE.search(response.text or "")
            if response.status_code != 200 or not match:
                response.failure(f"HTTP {response.status_code}, no reference")
                return
            submitted("complaint", match.group(1).strip())

    @task(1)
    def app(self):
        text = random.choice(DATA["complaint"]["texts"]) * 2
        result = self.graphql("complaint: graphql", COMPLAIN, {"d": text, "dep": DATA["complaint"]["department"]})
        if result:
            submitted("complaint", result["reference"])


class Handler(Base):
    """A department handler in the admin work queue: takes an open step and decides it."""

    weight = 8
    _next = 0

    def on_start(self):
        super().on_start()
        staff = DATA["staff"][Handler._next % len(DATA["staff"])]
        Handler._next += 1
        self.department = staff["department"]
        self.get("admin: login form", "/admin/login/")
        with self.client.post(
            "/admin/login/",
            data={"username": staff["username"], "password": staff["password"], "csrfmiddlewaretoken": self.csrf()},
            name="admin: log in",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "/admin/login/" in response.url:
                response.failure(f"HTTP {response.status_code}: not logged in")

    @task
    def handle(self):
        self.get("admin: work queue", "/admin/approvals/?show=steps")
        work = DATA["work"].get(self.department) or []
        if not work:
            return
        app, step = work.pop(0)  # one process, cooperative threads: no other handler gets the same step
        page = self.get("admin: case", f"/admin/approvals/{app}/")
        token = CSRF_INPUT.search(page.text or "")
        token = token.group(1) if token else self.csrf()
        taking = {"step": step, "csrfmiddlewaretoken": token}
        if not self._act("admin: take step", f"/admin/approvals/{app}/take/", taking):
            return
        time.sleep(random.uniform(0.5, 2))  # reading the materials
        decision = {
            "step": step,
            "decision": "approve",
            "opinion": "材料齐全，符合条件。",
            "legal_basis": "《中华人民共和国行政许可法》第三十八条",
            "csrfmiddlewaretoken": token,
        }
        if self._act("admin: decide step", f"/admin/approvals/{app}/decide/", decision):
            submitted("decided", step)

    def _act(self, name, path, data):
        with self.client.post(path, data=data, name=name, catch_response=True) as response:
            # The action redirects to the case, which shows Wagtail's message: success or error.
            if response.status_code != 200 or 'class="success"' not in (response.text or ""):
                response.failure(f"HTTP {response.status_code}, no success message")
                return False
            return True


def _cookie(jar, name):
    """The cookie's value; the jar's own get() raises when two domains hold the name."""
    return next((cookie.value for cookie in jar if cookie.name == name), None)


def _query(query):
    return _query_string(query=query)


def _query_string(**params):
    from urllib.parse import urlencode

    return urlencode(params)
