// CloudFront Function (runtime cloudfront-js-2.0), viewer request, on the behaviour that serves
// PREFIX/nuget/v3/search/*. NuGet asks .../search/query.json?q=plug&skip=0&take=20&...; the
// static answers live at .../search/query/KEY.json, KEY being the first three ASCII letters or
// digits of q's first word (Registry.Search.NuGetSearch.KeyOfQuery; docs/search.md). The bare
// URL (no q, or a first word without letters or digits) keeps the default answer. The query
// string is dropped either way, so the cache key is the rewritten path alone (set the cache
// policy's query strings to "none").
function searchKey(q) {
    var first = String(q).replace(/\+/g, " ").trim().split(/\s+/)[0] || "";
    var key = first.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 3);
    return key;
}

// The rewrite itself, on a request. A private registry's one viewer-request function (CloudFront
// allows one per behaviour) is infra/edge/token-verifier.js with this file appended minus its
// 'function handler' line: the verifier calls nugetSearchRewrite after it has granted the token
// (docs/deploy.md, "A private registry's NuGet search").
function nugetSearchRewrite(request) {
    var match = /^(.*\/nuget\/v3\/search\/)(query|autocomplete)\.json$/.exec(request.uri);
    if (!match) {
        return request;
    }
    var q = request.querystring && request.querystring.q ? request.querystring.q.value : "";
    try {
        q = decodeURIComponent(q);
    } catch (e) {
        q = "";
    }
    var key = searchKey(q);
    request.uri = key === "" ? match[1] + match[2] + ".json" : match[1] + match[2] + "/" + key + ".json";
    request.querystring = {};
    return request;
}

function handler(event) { return nugetSearchRewrite(event.request); }
