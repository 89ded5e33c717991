vcl 4.1;
# The caching proxy in front of gunicorn (compose `varnish`; docs/production.md#cached-public-pages).
# It stores only what the application marks with s-maxage (core/pagecache.py: anonymous public pages) and the
# hashed static files; everything else passes. The application purges through Wagtail's frontend-cache HTTP
# backend (VARNISH_URL): a PURGE of a path bans every stored object under it, query strings and languages included.

backend web {
    .host = "web";
    .port = "8000";
    .connect_timeout = 5s;
    .first_byte_timeout = 90s;
}

# Who may purge: the application's network (compose's fixed subnet) and this host.
acl purgers {
    "127.0.0.1";
    "::1";
    "172.30.0.0"/24;
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (!client.ip ~ purgers) {
            return (synth(405, "Not allowed"));
        }
        # Lurker-friendly ban: every object of this host whose path starts with the purged one.
        ban("obj.http.x-host == " + req.http.host + " && obj.http.x-url ~ ^" + req.url);
        return (synth(200, "Banned"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # A session (a logged-in cadre, a citizen mid-form) or pending messages: rendered for this visitor only.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);
    }
    # The language is the only cookie a public page depends on; the application ignores Accept-Language.
    set req.http.x-lang = "";
    if (req.http.Cookie ~ "(^|;\s*)django_language=") {
        set req.http.x-lang = regsub(req.http.Cookie, "^(.*;\s*)?django_language=([^;]*).*$", "\2");
    }
    unset req.http.Accept-Language;
    # The cookies still reach gunicorn on a miss (the CSRF cookie of a form page), but not the hash.
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    hash_data(req.http.host);
    hash_data(req.http.x-forwarded-proto);
    hash_data(req.http.x-lang);
    return (lookup);
}

sub vcl_backend_response {
    set beresp.http.x-url = bereq.url;
    set beresp.http.x-host = bereq.http.host;
    if (bereq.url ~ "^/static/" && beresp.status == 200) {
        # WhiteNoise's hashed names never change content.
        set beresp.ttl = 1d;
        return (deliver);
    }
    if (beresp.http.Cache-Control !~ "s-maxage" || beresp.http.Set-Cookie || beresp.status != 200) {
        # Not for sharing (a redirect of a short link, a form, an answer with a cookie): remember that for 2 minutes
        # so that requests for it are not queued behind one another.
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # The hash already names the language and there is no session: Vary on Cookie would split it per visitor.
    set beresp.http.x-vary = beresp.http.Vary;
    unset beresp.http.Vary;
    return (deliver);
}

sub vcl_deliver {
    if (resp.http.x-vary) {
        set resp.http.Vary = resp.http.x-vary;
    }
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
    unset resp.http.x-vary;
    unset resp.http.x-url;
    unset resp.http.x-host;
}
