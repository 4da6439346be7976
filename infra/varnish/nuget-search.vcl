# NuGet search at the edge (docs/search.md, "NuGet search"). NuGet asks
#   .../nuget/v3/search/query.json?q=plug&skip=0&take=20&prerelease=false&semVerLevel=2.0.0
# and a static store ignores the query string. This routine rewrites such a request to the
# static answer for the first three ASCII letters or digits of q's first word,
#   .../nuget/v3/search/query/plu.json
# (autocomplete.json likewise), and drops the query string of the bare URL (the default answer:
# the most recently published packages), so the cache holds one object per key, not one per q.
# The same rule as Registry.Search.NuGetSearch.KeyOfQuery, infra/edge/cloudfront-nuget-search.js
# and infra/edge/cloudflare-nuget-search.js. Call it from vcl_recv; needs `import std;`.
sub registry_nuget_search {
    if (req.url ~ "/nuget/v3/search/(query|autocomplete)\.json(\?|$)") {
        set req.http.X-Search-Kind = regsub(req.url, "^.*/nuget/v3/search/(query|autocomplete)\.json.*$", "\1");
        set req.http.X-Search-Base = regsub(req.url, "^(.*/nuget/v3/search/)(query|autocomplete)\.json.*$", "\1");
        set req.http.X-Search-Key = "";
        if (req.url ~ "[?&]q=") {
            # q's value, lowercased, '+' and %20 as spaces, the first word, its letters and digits, the first three.
            set req.http.X-Search-Key = std.tolower(regsub(req.url, "^[^?]*\?(.*&)?q=([^&#]*).*$", "\2"));
            set req.http.X-Search-Key = regsuball(req.http.X-Search-Key, "(\+|%20|%09)", " ");
            set req.http.X-Search-Key = regsub(req.http.X-Search-Key, "^ +", "");
            set req.http.X-Search-Key = regsub(req.http.X-Search-Key, " .*$", "");
            set req.http.X-Search-Key = regsuball(req.http.X-Search-Key, "%[0-9a-f][0-9a-f]", "");
            set req.http.X-Search-Key = regsuball(req.http.X-Search-Key, "[^a-z0-9]", "");
            set req.http.X-Search-Key = regsub(req.http.X-Search-Key, "^(.{1,3}).*$", "\1");
        }
        if (req.http.X-Search-Key == "") {
            set req.url = req.http.X-Search-Base + req.http.X-Search-Kind + ".json";
        } else {
            set req.url = req.http.X-Search-Base + req.http.X-Search-Kind + "/" + req.http.X-Search-Key + ".json";
        }
        unset req.http.X-Search-Kind;
        unset req.http.X-Search-Base;
        unset req.http.X-Search-Key;
    }
}

# A query whose key has no answer (nothing published starts with those letters) is a 404 (or an
# S3 403) at the origin; NuGet clients would report it as a failing source. Answer "no hits"
# instead. Call from vcl_backend_response and vcl_backend_error.
sub registry_nuget_search_missing {
    if (bereq.url ~ "/nuget/v3/search/(query|autocomplete)/[a-z0-9]{1,3}\.json$" && (beresp.status == 404 || beresp.status == 403)) {
        return (error(200, "no hits"));
    }
}

sub registry_nuget_search_empty {
    if (bereq.url ~ "/nuget/v3/search/(query|autocomplete)/[a-z0-9]{1,3}\.json$" && beresp.status == 200) {
        set beresp.http.Content-Type = "application/json";
        set beresp.http.Cache-Control = "no-cache";
        synthetic({"{"totalHits":0,"data":[]}"});
        return (deliver);
    }
}
